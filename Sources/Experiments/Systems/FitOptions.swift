import Expressions
import Learning
import ODE

/// The `fit:` section of `{species}` and `{ode}` (docs/format.md §3), declared once for both.
enum FitOptions {
    static let spec = OptionSpec("fit", .record([
        OptionSpec("init", .map(.number(.any)), default: .record([]), "the starting guess of each fitted parameter (default: params)"),
        OptionSpec("optimizer", .choice(OptimizerCatalog.names), default: .text("adam"), OptimizerCatalog.listing(OptimizerCatalog.all)),
        OptionSpec("lr", .number(.positive), default: .number(1e-3), "learning rate"),
        OptionSpec("epochs", .integer(minimum: 1, maximum: 10_000_000), default: .integer(1000), "gradient steps"),
        OptionSpec("clip", .number(.positive), default: nil, "bound on each derivative value in the recurrence, as the source article's K.clip"),
        OptionSpec("gradient", .choice(["backprop", "adjoint"]), default: .text("backprop"),
                   "backprop: through the steps of the recurrence; adjoint: the continuous adjoint, solved backwards (adaptive solvers)"),
        OptionSpec("adjoint_state", .choice(AdjointOptions.State.allCases.map(\.rawValue)), default: .text("backsolve"),
                   "with gradient: adjoint, how the backward pass gets y(t): backsolve (re-solve it backwards; memory flat in the steps) or interpolate (keep the forward steps; stable for any dynamics, memory grows with the steps)"),
        OptionSpec("adjoint_rtol", .number(.positive), default: nil, "relative tolerance of the backward adjoint solve (default: rtol)"),
        OptionSpec("adjoint_atol", .number(.positive), default: nil, "absolute tolerance of the backward adjoint solve (default: atol)"),
        OptionSpec("checkpoints", .integer(minimum: 0, maximum: 1_000_000), default: .integer(0),
                   "backprop with a fixed-step solver: keep only this many states and recompute between them (0: keep all)"),
        OptionSpec("eps", .number(.positive), default: .number(1e-7), "adam / rmsprop epsilon (Keras default, as in the source article)"),
        OptionSpec("tolerance", .number(.nonNegative), default: .number(0), "stop when the loss improves by less than this, relatively"),
        OptionSpec("positive", .boolean, default: .boolean(false), "fit log-parameters so that every parameter stays positive"),
        OptionSpec("true", .map(.number(.any)), default: .record([]), "the generating values, shown beside the fit"),
    ]), default: nil, "infer parameters from `data` by gradient descent on the squared error at the observed points")

    /// The decoded section, with parameter names checked against the model's.
    struct Settings: Sendable {
        /// The optimiser, as `OptimizerCatalog` registers it.
        var optimizer: OptimizerDescription
        /// The optimiser's name as written.
        var method: String { optimizer.name }
        var learningRate: Double
        var epochs: Int
        var clip: Double?
        var epsilon: Double
        var tolerance: Double
        var positive: Bool
        /// The continuous adjoint instead of backpropagation through the steps.
        var adjoint: Bool
        /// How the adjoint's backward pass runs.
        var adjointOptions: AdjointOptions
        /// States kept by checkpointed backpropagation (0: all).
        var checkpoints: Int
        /// The gradient method these options choose.
        var gradientMethod: GradientMethod {
            if adjoint { return .adjoint(adjointOptions) }
            return checkpoints > 0 ? .checkpointedBackprop(checkpoints: checkpoints) : .backprop
        }
        var initial: [Double]
        var truth: [Double]?
    }

    /// Reads the section; `names` and `current` are the model's parameter names and values.
    static func settings(_ options: ResolvedOptions, names: [String], current: [Double]) throws(OptionError) -> Settings? {
        guard let value = options.value(named: "fit"), value != .null else { return nil }
        func number(_ name: String) -> Double? { value[field: name]?.doubleValue }
        func map(_ name: String) throws(OptionError) -> [String: Double] {
            guard case let .record(fields)? = value[field: name] else { return [:] }
            var result = [String: Double]()
            for field in fields {
                guard names.contains(field.name) else {
                    throw OptionError("'fit.\(name)' names '\(field.name)', which is not a parameter" + Suggestion.didYouMean(field.name, in: names),
                                      at: options.position(of: "fit.\(name).\(field.name)"))
                }
                result[field.name] = field.value.doubleValue
            }
            return result
        }
        let start = try map("init")
        let truth = try map("true")
        let initial = names.enumerated().map { start[$0.element] ?? current[$0.offset] }
        var positive = false
        if case let .boolean(flag)? = value[field: "positive"] { positive = flag }
        if positive, let bad = initial.firstIndex(where: { $0 <= 0 }) {
            throw OptionError("'fit.positive' fits log-parameters, so '\(names[bad])' must start above 0", at: options.position(of: "fit"))
        }
        var optimizer = OptimizerCatalog.named("adam")!
        if case let .text(name)? = value[field: "optimizer"], let described = OptimizerCatalog.named(name) {
            optimizer = described
        }
        var adjoint = false
        if case let .text(method)? = value[field: "gradient"] { adjoint = method == "adjoint" }
        var checkpoints = 0
        if case let .integer(count)? = value[field: "checkpoints"] { checkpoints = count }
        var adjointOptions = AdjointOptions(relativeTolerance: number("adjoint_rtol"), absoluteTolerance: number("adjoint_atol"))
        if case let .text(name)? = value[field: "adjoint_state"], let state = AdjointOptions.State(rawValue: name) { adjointOptions.state = state }
        var epochs = 1000
        if case let .integer(count)? = value[field: "epochs"] { epochs = count }
        return Settings(
            optimizer: optimizer, learningRate: number("lr") ?? 1e-3, epochs: epochs, clip: number("clip"),
            epsilon: number("eps") ?? 1e-7, tolerance: number("tolerance") ?? 0, positive: positive, adjoint: adjoint,
            adjointOptions: adjointOptions, checkpoints: checkpoints, initial: initial,
            truth: truth.isEmpty ? nil : names.enumerated().map { truth[$0.element] ?? .nan })
    }
}
