/// Which points an adaptive solve returns.
public enum SaveAt: Sendable, Equatable {
    /// The initial point and every accepted step.
    case steps
    /// These times (within the interval, in the direction of integration), by dense output: no
    /// extra steps are taken to hit them.
    case times([Double])
    /// Only the final state.
    case final
}
