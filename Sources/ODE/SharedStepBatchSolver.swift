import Dispatch
import Foundation

/// Integrates many independent trajectories of one field with one shared adaptive step (the
/// error norm taken over the whole batch, as diffrax does for a batch integrated as one system),
/// with the work of every stage split over the cores by trajectory: trajectories couple only
/// through the error norm, so each worker computes all stages of its own trajectories and the
/// workers meet once per step.
public struct SharedStepBatchSolver: Sendable {
    /// The method and step control (the tolerances are per component of one trajectory, or scalar).
    public let solver: AdaptiveSolver
    /// Worker threads (default: the number of active processors).
    public var workers: Int

    /// Creates a solver.
    public init(solver: AdaptiveSolver, workers: Int? = nil) {
        self.solver = solver
        self.workers = max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Solves from each state of `initialStates` (`count × dimension`, trajectory-major) over
    /// `[startTime, endTime]`; returns the final states. Statistics count evaluations of the whole
    /// batch, as for one system.
    @inlinable
    public func solve<Field: VectorField>(
        _ field: Field, initialStates: [Double], from startTime: Double, to endTime: Double
    ) throws(SolveFailure) -> BatchSolver.Result where Field.Scalar == Double {
        let tableau = solver.tableau
        let controller = solver.controller
        let d = field.dimension
        guard tableau.isAdaptive, d > 0, initialStates.count % d == 0, !initialStates.isEmpty else {
            throw .invalidProblem("an adaptive method and a batch of states of \(d) components are needed")
        }
        guard tableau.secondaryWeights == nil else {
            throw .invalidProblem("\(tableau.name)'s combined error estimate is not supported by the shared-step batch solver; use dopri5 or tsit5")
        }
        let tolerances = controller.tolerances
        guard tolerances.relative.count == 1 || tolerances.relative.count == d,
              tolerances.absolute.count == 1 || tolerances.absolute.count == d else {
            throw .invalidProblem("rtol and atol take one value, or one per component of a trajectory")
        }
        let n = initialStates.count, count = n / d
        let (direction, _) = try AdaptiveStepping.validate(
            initialCount: n, dimension: n, from: startTime, to: endTime,
            tolerances: Tolerances(relative: [tolerances.relative[0]], absolute: [tolerances.absolute[0]]), saveAt: .final)
        let s = tableau.stages
        let fsal = tableau.isFSAL
        // Buffers: y, yNew, stage input, tolerances (rtol, atol per component), slopes (s + 1 rows).
        let storage = UnsafeMutablePointer<Double>.allocate(capacity: 5 * n + (s + 1) * n + 2 * workers)
        defer { storage.deallocate() }
        let y = storage, yNew = storage + n, yStage = storage + 2 * n, rtol = storage + 3 * n, atol = storage + 4 * n
        let k = storage + 5 * n, partial = k + (s + 1) * n
        for i in 0..<n {
            y[i] = initialStates[i]
            rtol[i] = tolerances.relative.count == 1 ? tolerances.relative[0] : tolerances.relative[i % d]
            atol[i] = tolerances.absolute.count == 1 ? tolerances.absolute[0] : tolerances.absolute[i % d]
        }
        let a = solver.flatA, b = tableau.b, c = tableau.c, e = solver.errorWeights
        let chunks = min(workers, count)
        let pointers = BatchPointers(y: y, yNew: yNew, yStage: yStage, rtol: rtol, atol: atol, k: k, partial: partial)
        var statistics = SolveStatistics()

        /// Runs `body` on each worker's trajectory range, as component ranges.
        func parallel(_ body: @Sendable (Int, Range<Int>) -> Void) {
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let first = count * chunk / chunks, last = count * (chunk + 1) / chunks
                body(chunk, (first * d)..<(last * d))
            }
        }
        let evaluateAll: @Sendable (Double, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void = { time, input, output in
            let buffers = SendablePointers(input: input, output: output)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let first = count * chunk / chunks, last = count * (chunk + 1) / chunks
                field.evaluateBatch(t: time, states: buffers.input + first * d, derivatives: buffers.output + first * d,
                                    count: last - first)
            }
        }
        var t = startTime
        evaluateAll(t, y, k)
        statistics.functionEvaluations += 1
        func norm(_ vector: UnsafeMutablePointer<Double>, _ reference: UnsafeMutablePointer<Double>) -> Double {
            var sum = 0.0
            for i in 0..<n {
                let ratio = vector[i] / (atol[i] + rtol[i] * abs(reference[i]))
                sum += ratio * ratio
            }
            return (sum / Double(n)).squareRoot()
        }
        let span = abs(endTime - startTime)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 2 * n)
        defer { scratch.deallocate() }
        let h = controller.firstStep.map(abs) ?? InitialStep.estimate(
            n: n, t: t, y: y, f0: k, f1: k + s * n, span: span, direction: direction, order: tableau.controlOrder - 1,
            evaluate: { time, input in
                evaluateAll(time, input, k + s * n)
                statistics.functionEvaluations += 1
            }, norm: norm, scratch: scratch)
        var control = StepControl(h: min(h, controller.maximumStep, span), controller: controller, q: tableau.controlOrder)

        while (endTime - t) * direction > 0 {
            let last = try control.prepare(t: t, endTime: endTime, statistics: statistics)
            let signedH = control.h * direction
            let stepStart = t
            parallel { chunk, range in
                let p = pointers
                for stage in 1..<s {
                    for component in range { p.yStage[component] = p.y[component] }
                    for j in 0..<stage {
                        let coefficient = signedH * a[stage * s + j]
                        if coefficient != 0 {
                            let slope = p.k + j * n
                            for component in range { p.yStage[component] += coefficient * slope[component] }
                        }
                    }
                    field.evaluateBatch(t: stepStart + c[stage] * signedH, states: p.yStage + range.lowerBound,
                                        derivatives: p.k + stage * n + range.lowerBound, count: range.count / d)
                }
                var squares = 0.0, check = 0.0
                for component in range {
                    var value = fsal ? p.yStage[component] : p.y[component]
                    var error = 0.0
                    for i in 0..<s {
                        let slope = p.k[i * n + component]
                        if !fsal { value += signedH * b[i] * slope }
                        error += e[i] * slope
                    }
                    p.yNew[component] = value
                    let scale = p.atol[component] + p.rtol[component] * max(abs(p.y[component]), abs(value))
                    let ratio = signedH * error / scale
                    squares += ratio * ratio
                    check += value - value
                }
                p.partial[chunk] = check == 0 ? squares : .nan
            }
            statistics.functionEvaluations += s - 1
            statistics.steps += 1
            var sum = 0.0
            for chunk in 0..<chunks { sum += partial[chunk] }
            let error = (sum / Double(n)).squareRoot()
            guard control.judge(error: error, stateIsFinite: true, failure: (t + signedH, 0), statistics: &statistics) else {
                continue
            }
            let tNew = last ? endTime : t + signedH
            y.update(from: yNew, count: n)
            if fsal {
                k.update(from: k + (s - 1) * n, count: n)
            } else {
                evaluateAll(tNew, y, k)
                statistics.functionEvaluations += 1
            }
            statistics.accepted += 1
            t = tNew
            control.accept(error: error)
        }
        return BatchSolver.Result(finalStates: Array(UnsafeBufferPointer(start: y, count: n)), statistics: statistics)
    }
}

/// An input and an output buffer handed to workers that touch disjoint ranges of them.
@usableFromInline
struct SendablePointers: @unchecked Sendable {
    @usableFromInline let input: UnsafeMutablePointer<Double>
    @usableFromInline let output: UnsafeMutablePointer<Double>

    @usableFromInline
    init(input: UnsafeMutablePointer<Double>, output: UnsafeMutablePointer<Double>) {
        self.input = input
        self.output = output
    }
}

/// The buffers of a shared-step batch solve, handed to the workers (each writes a disjoint range).
@usableFromInline
struct BatchPointers: @unchecked Sendable {
    @usableFromInline let y, yNew, yStage, rtol, atol, k, partial: UnsafeMutablePointer<Double>

    @usableFromInline
    init(y: UnsafeMutablePointer<Double>, yNew: UnsafeMutablePointer<Double>, yStage: UnsafeMutablePointer<Double>,
         rtol: UnsafeMutablePointer<Double>, atol: UnsafeMutablePointer<Double>, k: UnsafeMutablePointer<Double>,
         partial: UnsafeMutablePointer<Double>) {
        self.y = y
        self.yNew = yNew
        self.yStage = yStage
        self.rtol = rtol
        self.atol = atol
        self.k = k
        self.partial = partial
    }
}
