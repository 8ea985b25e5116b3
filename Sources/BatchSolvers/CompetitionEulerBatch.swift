import CKernels
import Foundation
import ODE

/// The explicit-Euler recurrence of the competition model (the source articles' "ODE as an RNN")
/// for many trajectories at once, at the hardware's pace: the states are laid out
/// component-major, split between the cores, and each core carries sixteen trajectories at a time
/// through every step in vector registers (`ck_competition_euler`; AVX2 with FMA where the
/// processor has it). The result equals `FixedStepSolver(tableau: .euler, ...)` on each
/// trajectory up to rounding (the field is evaluated in its factored form, with fused
/// multiply–adds).
public struct CompetitionEulerBatch: Sendable {
    /// The model every trajectory follows.
    public var model: CompetitionModel
    /// The step size h.
    public var stepSize: Double
    /// The number of steps.
    public var steps: Int
    /// Threads to use (default: the active processors).
    public var workers: Int

    /// A batch solver of `steps` Euler steps of size `stepSize`.
    public init(model: CompetitionModel, stepSize: Double, steps: Int, workers: Int? = nil) {
        precondition(steps >= 0 && stepSize.isFinite, "Euler needs a finite step size and a step count ≥ 0")
        self.model = model
        self.stepSize = stepSize
        self.steps = steps
        self.workers = max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The final states of the trajectories starting at `initialStates` (interleaved: x1, x2 of
    /// the first trajectory, then of the second, ...), interleaved the same way.
    public func finalStates(from initialStates: [Double]) -> [Double] {
        precondition(initialStates.count % 2 == 0, "the competition model has two states per trajectory")
        let n = initialStates.count / 2
        var x1 = [Double](repeating: 0, count: n), x2 = [Double](repeating: 0, count: n)
        for i in 0..<n {
            x1[i] = initialStates[2 &* i]
            x2[i] = initialStates[2 &* i &+ 1]
        }
        let parameters = [model.r1, model.r2, model.a1, model.a2, model.iN1, model.iN2]
        // Chunks of whole sixteen-trajectory groups, one per worker.
        let chunks = min(workers, max(1, (n + 15) / 16))
        let perChunk = ((n + chunks - 1) / chunks + 15) / 16 * 16
        let (h, count) = (stepSize, steps)
        x1.withUnsafeMutableBufferPointer { first in
            x2.withUnsafeMutableBufferPointer { second in
                parameters.withUnsafeBufferPointer { p in
                    let (a, b, q) = (SendablePointer(first.baseAddress!), SendablePointer(second.baseAddress!), SendablePointer(UnsafeMutablePointer(mutating: p.baseAddress!)))
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        let start = chunk * perChunk, end = min(n, start + perChunk)
                        guard start < end else { return }
                        ck_competition_euler(end - start, a.pointer + start, b.pointer + start, q.pointer, h, count)
                    }
                }
            }
        }
        var result = [Double](repeating: 0, count: 2 * n)
        for i in 0..<n {
            result[2 &* i] = x1[i]
            result[2 &* i &+ 1] = x2[i]
        }
        return result
    }
}

/// A pointer handed to the workers, each of which touches its own part.
private struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Double>

    init(_ pointer: UnsafeMutablePointer<Double>) {
        self.pointer = pointer
    }
}
