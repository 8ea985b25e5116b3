/// Why a solve stopped before the end, with advice on what to change.
public enum SolveFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// A state component became infinite or NaN after a step.
    case nonFiniteState(t: Double, step: Int, component: Int)
    /// The problem itself is ill-posed (wrong initial-state length, non-positive step, ...).
    case invalidProblem(String)

    /// What happened.
    public var message: String {
        switch self {
        case let .nonFiniteState(t, step, component):
            return "state component \(component + 1) became non-finite at t = \(formatted(t)) (step \(step))"
        case let .invalidProblem(problem):
            return problem
        }
    }

    /// What to try instead.
    public var advice: String {
        switch self {
        case .nonFiniteState:
            return "the solution blew up: try a smaller step size h, check the parameters and initial state, "
                + "or use a higher-order or stiff solver"
        case .invalidProblem:
            return "check the solver options"
        }
    }

    /// The message followed by the advice.
    public var description: String { "\(message); \(advice)" }
}

/// A compact rendering of a time for messages (`12.3`, `1e-05`).
func formatted(_ value: Double) -> String {
    let rounded = (value * 1e9).rounded() / 1e9
    return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) : String(rounded)
}
