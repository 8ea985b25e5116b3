/// Why a solve stopped before the end, with advice on what to change.
public enum SolveFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// A state component became infinite or NaN after a step.
    case nonFiniteState(t: Double, step: Int, component: Int)
    /// The problem itself is ill-posed (wrong initial-state length, non-positive step, ...).
    case invalidProblem(String)
    /// The step size fell below what floating point can resolve at t.
    case stepSizeUnderflow(t: Double, h: Double)
    /// The solve took `maxSteps` steps before reaching the end.
    case maxStepsReached(t: Double, maxSteps: Int)
    /// The caller's ``SolveInterruption`` asked the solve to stop, at `t` after `step` steps.
    case interrupted(t: Double, step: Int)
    /// Keeping every requested point would take more than `limit` values.
    case savedValuesLimit(t: Double, limit: Int)

    /// What happened.
    public var message: String { message(stateNames: []) }

    /// What happened, naming state components by `stateNames` when given.
    public func message(stateNames: [String]) -> String {
        switch self {
        case let .nonFiniteState(t, step, component):
            let name = component < stateNames.count ? stateNames[component] : "state component \(component + 1)"
            return "\(name) became non-finite at t = \(formatted(t)) (step \(step))"
        case let .invalidProblem(problem):
            return problem
        case let .stepSizeUnderflow(t, h):
            return "the step size fell to \(h) at t = \(formatted(t)), too small to make progress"
        case let .maxStepsReached(t, maxSteps):
            return "max_steps (\(maxSteps)) reached at t = \(formatted(t))"
        case let .interrupted(t, step):
            return "the solve was stopped at t = \(formatted(t)) after \(step) steps"
        case let .savedValuesLimit(t, limit):
            return "the solve would keep more than \(limit) values (reached at t = \(formatted(t)))"
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
        case .stepSizeUnderflow:
            return "the solution may be singular there, or the problem stiff: try a stiff solver or looser rtol/atol"
        case .maxStepsReached:
            return "raise max_steps, loosen rtol/atol, or use a stiff solver if the problem is stiff"
        case .interrupted:
            return "it was asked to stop (a time limit or an interrupt)"
        case .savedValuesLimit:
            return "raise save_every, give t_eval, or shorten t_end"
        }
    }

    /// The message followed by the advice.
    public var description: String { "\(message); \(advice)" }

    /// The message, with state names, followed by the advice.
    public func description(stateNames: [String]) -> String { "\(message(stateNames: stateNames)); \(advice)" }
}

/// A compact rendering of a time for messages (`12.3`, `1e-05`).
func formatted(_ value: Double) -> String {
    let rounded = (value * 1e9).rounded() / 1e9
    return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) : String(rounded)
}
