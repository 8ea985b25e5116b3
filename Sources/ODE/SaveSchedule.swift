/// Which steps of a fixed-step solve are kept in the solution.
public enum SaveSchedule: Sendable, Equatable {
    /// The initial state, every `n`-th step, and the final step.
    case every(Int)
    /// Exactly these step indices (0 is the initial state), in increasing order.
    case steps([Int])

    /// Whether step `index` of a solve of `total` steps is saved; `cursor` walks through the
    /// indices of `.steps` (start it at 0 and pass it for every step in increasing order).
    func saves(_ index: Int, of total: Int, cursor: inout Int) -> Bool {
        switch self {
        case let .every(n):
            return index % n == 0 || index == total
        case let .steps(indices):
            guard cursor < indices.count, indices[cursor] == index else { return false }
            cursor += 1
            return true
        }
    }

    /// How many points a solve of `total` steps saves.
    func count(of total: Int) -> Int {
        switch self {
        case let .every(n): return total / n + 1 + (total % n == 0 ? 0 : 1)
        case let .steps(indices): return indices.count
        }
    }
}
