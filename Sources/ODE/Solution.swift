/// The saved points of a solve: times and states in one contiguous row-major buffer.
public struct Solution: Sendable, Equatable {
    /// Number of state components per saved point.
    public let dimension: Int
    /// Saved times, increasing.
    public let times: [Double]
    /// Saved states, `times.count × dimension`, row-major (state of point `i` at `i*dimension`).
    public let states: [Double]
    /// Step indices of the saved points (0 is the initial state); empty for adaptive solves.
    public let stepIndices: [Int]
    /// What the solve cost.
    public let statistics: SolveStatistics

    /// Creates a solution from its parts.
    public init(dimension: Int, times: [Double], states: [Double], stepIndices: [Int], statistics: SolveStatistics) {
        self.dimension = dimension
        self.times = times
        self.states = states
        self.stepIndices = stepIndices
        self.statistics = statistics
    }

    /// Number of saved points.
    public var count: Int { times.count }

    /// The saved state at point `index`.
    public func state(at index: Int) -> ArraySlice<Double> {
        states[(index * dimension)..<((index + 1) * dimension)]
    }

    /// Component `component` of every saved state, in time order.
    public func component(_ component: Int) -> [Double] {
        (0..<count).map { states[$0 * dimension + component] }
    }

    /// The last saved state (empty when nothing was saved).
    public var finalState: ArraySlice<Double> { count == 0 ? [] : state(at: count - 1) }
}

/// Work counters of one solve.
public struct SolveStatistics: Sendable, Equatable {
    /// Steps taken (accepted plus rejected).
    public var steps: Int
    /// Steps accepted.
    public var accepted: Int
    /// Steps rejected by the step-size controller.
    public var rejected: Int
    /// Evaluations of the vector field.
    public var functionEvaluations: Int
    /// Evaluations of the Jacobian (stiff solvers).
    public var jacobianEvaluations: Int = 0
    /// LU factorisations (stiff solvers).
    public var factorizations: Int = 0

    /// Creates a set of counters.
    public init(steps: Int = 0, accepted: Int = 0, rejected: Int = 0, functionEvaluations: Int = 0) {
        self.steps = steps
        self.accepted = accepted
        self.rejected = rejected
        self.functionEvaluations = functionEvaluations
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
