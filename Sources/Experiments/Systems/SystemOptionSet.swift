import ODE

/// The options `{ode}` and `{species}` share (docs/format.md §3), declared once; each kind picks its
/// own defaults for the solver and step.
enum SystemOptionSet {
    static let solver = Option<String>.choice(
        "solver", SolveSettings.solverNames, default: "dopri5",
        "the method: " + SolverCatalog.listing([.fixedStep, .adaptive, .stiff]))
    static let stepSize = Option<Double?>.optionalNumber("h", .positive, "step size of the fixed-step methods")
    static let steps = Option<Int?>.optionalInteger("steps", minimum: 1, "number of fixed steps (or give t_end)")
    static let startTime = Option<Double>.number("t_start", default: 0, "the initial time")
    static let endTime = Option<Double?>.optionalNumber("t_end", .any, "the final time (adaptive methods; fixed-step: instead of steps)")
    static let rtol = Option<ToleranceValue>.tolerance("rtol", default: 1e-7, "relative tolerance of the adaptive methods (or a map per state)")
    static let atol = Option<ToleranceValue>.tolerance("atol", default: 1e-9, "absolute tolerance of the adaptive methods (or a map per state)")
    static let maxSteps = Option<Int>.integer("max_steps", minimum: 1, maximum: 1_000_000_000, default: 100_000, "give up after this many steps")
    static let firstStep = Option<Double?>.optionalNumber("first_step", .positive, "the first step of an adaptive solve (default: Hairer's estimate)")
    static let maxStep = Option<Double?>.optionalNumber("max_step", .positive, "the largest step an adaptive solve may take")
    static let saveEvery = Option<Int>.integer("save_every", minimum: 1, default: 1, "keep every n-th step (and the last)")
    static let rates = Option<[String]>.names("rates", "states whose rate of change the table adds as columns x' (the right-hand side at each saved point)")
    static let tEval = Option<[Double]?>.numbers("t_eval", "output times (dense output for adaptive methods, no extra steps)")
    static let plot = Option<[FigureRequest]>.figures(
        "plot", ["time", "phase"], default: ["time", "phase"], "figures: time, phase (phase: [x, z] chooses the states)")
    static let logAxes = Option<[String]>.words("log_axes", ["t", "y"], "log-scale axes of the time plot")
    static let phaseAspect = Option<String>.choice(
        "phase_aspect", ["auto", "equal"], default: "auto",
        "equal: one unit on both axes of the phase portraits the same length (states of one unit), auto: each axis fits its data")
    static let compare = Option<[String]>.words(
        "compare", SolveSettings.solverNames, "solvers for a work–precision diagram against a tight reference")
    static let data = Option<ColumnsValue?>.columns(
        "data", "observations {t: [...], <state>: [...]} or {csv: path}, drawn and tabulated next to the solution")

    /// The shared options, with the defaults of the solver and step replaced where a kind wants others.
    static func specs(solver: String, stepSize: Double?, steps: Int?, phaseAspect: String = "auto") -> [OptionSpec] {
        func replacing(_ spec: OptionSpec, _ value: OptionValue?) -> OptionSpec {
            OptionSpec(spec.name, spec.type, default: value, spec.summary)
        }
        return [
            replacing(self.solver.spec, .text(solver)),
            replacing(stepSize == nil ? self.stepSize.spec : self.stepSize.spec, stepSize.map { .number($0) }),
            replacing(self.steps.spec, steps.map { .integer($0) }),
            startTime.spec, endTime.spec, rtol.spec, atol.spec, maxSteps.spec, firstStep.spec, maxStep.spec,
            saveEvery.spec, tEval.spec, rates.spec, plot.spec, logAxes.spec, replacing(self.phaseAspect.spec, .text(phaseAspect)),
            compare.spec, data.spec, FitOptions.spec, EnsembleOptions.spec, EnsembleOptions.step.spec,
        ]
    }
}
