/// Chooses step sizes from error estimates: a PI controller with safety factor and bounded growth
/// and shrink (Gustafsson, *ACM TOMS* 17, 1991; Hairer & Wanner, *Solving ODEs II*, §IV.2; Söderlind,
/// *ACM TOMS* 29, 2003), and Hairer's algorithm for the first step (*Solving ODEs I*, §II.4).
public struct StepSizeController: Sendable, Equatable {
    /// Error tolerances.
    public var tolerances: Tolerances
    /// Fraction of the optimal step actually taken.
    public var safety: Double = 0.9
    /// Smallest factor by which one step may shrink the next.
    public var minimumFactor: Double = 0.2
    /// Largest factor by which one step may grow the next.
    public var maximumFactor: Double = 10
    /// Weight of the previous error in the PI formula (0 gives the classical I controller; 0.04,
    /// the default, is Hairer's DOPRI5 code's value, which rejects fewer steps on stiff stretches).
    public var beta: Double = 0.04
    /// The first step; `nil` chooses it with Hairer's algorithm.
    public var firstStep: Double?
    /// Upper bound on the step size.
    public var maximumStep: Double = .infinity
    /// Steps (accepted and rejected) after which the solve gives up.
    public var maximumSteps: Int = 100_000
    /// The most values (points × components) a solve keeps before it stops with
    /// ``SolveFailure/savedValuesLimit(t:limit:)``: a bound on its memory.
    public var maximumSavedValues: Int = .max
    /// Asked every few steps whether to stop (a time limit, an interrupt); `nil`: never.
    public var interruption: SolveInterruption?

    /// A controller with the given tolerances and default factors.
    public init(tolerances: Tolerances) {
        self.tolerances = tolerances
    }

    /// The classical I controller, factor = safety · error^(−1/q) (`beta` 0), with scalar
    /// tolerances: the default step control of scipy's `solve_ivp`, torchdiffeq and diffrax, which
    /// the neural-ODE trainings use so that their evaluation counts compare with those libraries'.
    public static func integral(rtol: Double, atol: Double) -> StepSizeController {
        var controller = StepSizeController(rtol: rtol, atol: atol)
        controller.beta = 0
        return controller
    }

    /// A controller with scalar tolerances.
    public init(rtol: Double, atol: Double) {
        self.tolerances = Tolerances(relative: rtol, absolute: atol)
    }

    /// The factor for the next step after an accepted step, from logarithms: `log(error)` of this step and
    /// `log(max(previous error, 1e-4))` kept from the last one, so a step costs one `log` and one
    /// `exp` instead of two `pow`.
    @inlinable
    func acceptedFactor(logError: Double, previousLogError: Double, q: Int, justRejected: Bool) -> Double {
        let alpha = 1 / Double(q) - 0.75 * beta
        var factor = logError == -.infinity ? maximumFactor : safety * exp(-alpha * logError + beta * previousLogError)
        factor = min(justRejected ? 1 : maximumFactor, max(minimumFactor, factor))
        return factor
    }

    /// The factor after a rejected step with scaled error `error` (> 1, or not finite).
    @inlinable
    func rejectedFactor(error: Double, q: Int) -> Double {
        guard error.isFinite else { return minimumFactor }
        return max(minimumFactor, safety * pow(error, -1 / Double(q)))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
