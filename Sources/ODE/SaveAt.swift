/// Which points a solve returns, for every solver (diffrax's `SaveAt`): fixed-step, adaptive
/// and Rosenbrock solves all read it, and all keep the points while they solve.
public enum SaveAt: Sendable, Equatable {
    /// The initial point and every step (every accepted step of an adaptive solve).
    case steps
    /// The initial point, every `n`-th step and the last step (`save_every`).
    case every(Int)
    /// Exactly these step indices, increasing (0 is the initial state; accepted steps of an
    /// adaptive solve are counted from 1).
    case stepIndices([Int])
    /// These times, within the interval and in the direction of integration. An adaptive solve
    /// reads them by dense output (no extra steps are taken to hit them); a fixed-step solve
    /// needs them on its grid `t₀ + i·h`.
    case times([Double])
    /// Only the final state.
    case final

    /// The interval between saved steps when the points are every `n`-th step (`.steps` is 1).
    @inlinable
    var interval: Int? {
        switch self {
        case .steps: 1
        case let .every(n): n
        default: nil
        }
    }

    /// Why these save points are unusable for a solve (a description), or `nil` when they are fine.
    @inlinable
    var problem: String? {
        switch self {
        case let .every(n) where n < 1: "save_every must be at least 1"
        case let .stepIndices(indices) where zip(indices, indices.dropFirst()).contains(where: { $0 >= $1 }) || indices.contains(where: { $0 < 0 }):
            "saved step indices must increase from 0"
        default: nil
        }
    }
}
