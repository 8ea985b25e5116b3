import ODE

/// The members of an ensemble solved on one time grid.
struct EnsembleResult: Sendable {
    /// Number of members.
    var members: Int
    /// Components of one member.
    var states: Int
    /// The output times.
    var times: [Double]
    /// `values[(member · times.count + k) · states + i]`: state `i` of `member` at `times[k]`.
    var values: [Double]
    /// Work summed over the members (of the one system, for a shared step).
    var statistics: SolveStatistics

    /// State `i` of `member` at output time `k`.
    func value(member: Int, time k: Int, state i: Int) -> Double {
        values[(member * times.count + k) * states + i]
    }

    /// State `i` of `member` at every output time.
    func trajectory(member: Int, state i: Int) -> [Double] {
        times.indices.map { value(member: member, time: $0, state: i) }
    }

    /// State `i` of every member at the last output time.
    func finalValues(state i: Int) -> [Double] {
        (0..<members).map { value(member: $0, time: times.count - 1, state: i) }
    }
}
