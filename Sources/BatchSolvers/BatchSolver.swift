import Dispatch
import ODE

/// Solves one vector field from many initial states, each trajectory with its own adaptive
/// steps, spread over the machine's cores; each worker reuses one workspace, so the loop over
/// trajectories allocates only the results.
public struct BatchSolver: Sendable {
    /// The per-trajectory solver.
    public let solver: AdaptiveSolver
    /// Worker threads (default: the number of active processors).
    public var workers: Int

    /// Creates a batch solver.
    public init(solver: AdaptiveSolver, workers: Int? = nil) {
        self.solver = solver
        self.workers = max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The result of a batch: final states (trajectory-major) and summed statistics.
    public struct Result: Sendable {
        /// `count × dimension` final states.
        public var finalStates: [Double]
        /// Work summed over trajectories.
        public var statistics: SolveStatistics

        /// Creates a result.
        public init(finalStates: [Double], statistics: SolveStatistics) {
            self.finalStates = finalStates
            self.statistics = statistics
        }
    }

    /// Solves from each initial state in `initialStates` (`count × dimension`, trajectory-major)
    /// over `[startTime, endTime]` and returns the final states.
    @inlinable
    public func solveEach<Field: VectorField>(
        _ field: Field, initialStates: [Field.Scalar], from startTime: Double, to endTime: Double
    ) throws(SolveFailure) -> Result {
        let n = field.dimension
        guard n > 0, initialStates.count % n == 0 else {
            throw .invalidProblem("the batch of initial states does not divide into states of \(n) components")
        }
        let count = initialStates.count / n
        let chunks = min(workers, max(count, 1))
        let results = ResultBuffer(count: count * n, chunks: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let workspace = AdaptiveWorkspace<Field.Scalar>(dimension: n, stages: solver.tableau.workspaceStages)
            var statistics = SolveStatistics()
            var initial = [Field.Scalar](repeating: 0, count: n)
            let range = (count * chunk / chunks)..<(count * (chunk + 1) / chunks)
            for trajectory in range {
                for i in 0..<n { initial[i] = initialStates[trajectory * n + i] }
                do throws(SolveFailure) {
                    let solution = try solver.solve(field, initialState: initial, from: startTime, to: endTime,
                                                    saveAt: .final, workspace: workspace)
                    results.store(solution.finalState, at: trajectory * n)
                    statistics.add(solution.statistics)
                } catch {
                    results.fail(error, chunk: chunk)
                    return
                }
            }
            results.finish(chunk: chunk, statistics: statistics)
        }
        if let failure = results.failure { throw failure }
        return Result(finalStates: results.values(), statistics: results.totalStatistics)
    }
}

/// Results written by workers into disjoint parts of raw buffers (no Swift array is mutated
/// concurrently): final states by trajectory, statistics and failures by chunk.
@usableFromInline
final class ResultBuffer: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Double>
    private let count: Int
    private let chunks: Int
    private let statistics: UnsafeMutablePointer<SolveStatistics>
    private let failures: UnsafeMutablePointer<SolveFailure?>

    @usableFromInline
    init(count: Int, chunks: Int) {
        self.count = count
        self.chunks = chunks
        storage = .allocate(capacity: max(count, 1))
        storage.initialize(repeating: 0, count: max(count, 1))
        statistics = .allocate(capacity: chunks)
        statistics.initialize(repeating: SolveStatistics(), count: chunks)
        failures = .allocate(capacity: chunks)
        failures.initialize(repeating: nil, count: chunks)
    }

    deinit {
        storage.deallocate()
        statistics.deinitialize(count: chunks)
        statistics.deallocate()
        failures.deinitialize(count: chunks)
        failures.deallocate()
    }

    @usableFromInline
    func store(_ values: ArraySlice<Double>, at offset: Int) {
        var index = offset
        for value in values {
            storage[index] = value
            index += 1
        }
    }

    @usableFromInline
    func fail(_ failure: SolveFailure, chunk: Int) { failures[chunk] = failure }
    @usableFromInline
    func finish(chunk: Int, statistics: SolveStatistics) { self.statistics[chunk] = statistics }
    /// Read after the workers are done.
    @usableFromInline
    var failure: SolveFailure? { (0..<chunks).lazy.compactMap { self.failures[$0] }.first }
    @usableFromInline
    func values() -> [Double] { Array(UnsafeBufferPointer(start: storage, count: count)) }
    @usableFromInline
    var totalStatistics: SolveStatistics {
        (0..<chunks).reduce(into: SolveStatistics()) { $0.add(statistics[$1]) }
    }
}

extension SolveStatistics {
    /// Adds another solve's counters to these.
    public mutating func add(_ other: SolveStatistics) {
        steps += other.steps
        accepted += other.accepted
        rejected += other.rejected
        functionEvaluations += other.functionEvaluations
        jacobianEvaluations += other.jacobianEvaluations
        factorizations += other.factorizations
    }
}

import Foundation
