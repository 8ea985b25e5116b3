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
        let results = WorkerResults(count: count * n, workers: chunks)
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
                    results.fail(error, worker: chunk)
                    return
                }
            }
            results.finish(worker: chunk, statistics: statistics)
        }
        if let failure = results.failure { throw failure }
        return Result(finalStates: results.values(), statistics: results.totalStatistics)
    }
}

import Foundation
