/// Which steps of a fixed-step solve are kept in the solution.
public enum SaveSchedule: Sendable, Equatable {
    /// The initial state, every `n`-th step, and the final step.
    case every(Int)
    /// Exactly these step indices (0 is the initial state), in increasing order.
    case steps([Int])

    /// How many points a solve of `total` steps saves.
    @usableFromInline
    func count(of total: Int) -> Int {
        switch self {
        case let .every(n): return total / n + 1 + (total % n == 0 ? 0 : 1)
        case let .steps(indices): return indices.count
        }
    }
}
