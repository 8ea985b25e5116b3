/// States of one trajectory at increasing times: the training data of a neural ODE.
public struct Trajectory: Sendable, Equatable {
    /// The sample times, increasing.
    public let times: [Double]
    /// `times.count × dimension` values, time-major.
    public let states: [Double]
    /// Components per state.
    public let dimension: Int

    /// A trajectory; `states` holds one state of `dimension` values per time.
    public init(times: [Double], states: [Double], dimension: Int) {
        precondition(states.count == times.count * dimension, "a trajectory needs one state per time")
        self.times = times
        self.states = states
        self.dimension = dimension
    }

    /// Number of samples.
    public var count: Int { times.count }

    /// The state at sample `index`.
    public func state(at index: Int) -> ArraySlice<Double> {
        states[(index * dimension)..<((index + 1) * dimension)]
    }

    /// The mean absolute difference from `other` (same shape), over every component and time.
    public func meanAbsoluteError(to other: [Double]) -> Double {
        precondition(other.count == states.count, "trajectories of different shapes")
        var sum = 0.0
        for i in states.indices { sum += abs(states[i] - other[i]) }
        return sum / Double(max(states.count, 1))
    }
}
