import Foundation
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
        let solver = self.solver
        let (finals, statistics) = try MemberSolves.run(
            members: count, valuesPerMember: n, workers: workers,
            scratch: { AdaptiveWorkspace<Field.Scalar>(dimension: n, stages: solver.tableau.workspaceStages) }
        ) { trajectory, workspace throws(SolveFailure) in
            let initial = Array(initialStates[(trajectory * n)..<((trajectory + 1) * n)])
            let solution = try solver.solve(field, initialState: initial, from: startTime, to: endTime, saveAt: .final, workspace: workspace)
            return (solution.finalState.map { Double($0) }, solution.statistics)
        }
        return Result(finalStates: finals, statistics: statistics)
    }
}
