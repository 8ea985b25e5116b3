import Expressions
import Foundation
import Learning
import NeuralODE
import ODE

/// `{spiral}`: a neural ODE fitted to a trajectory of one of the source articles' systems (or of equations
/// written in the block), trained as torchdiffeq's `ode_demo.py` trains it.
public struct SpiralKind: ExperimentKind {
    public static let name = "spiral"
    public static let summary = "a neural ODE trained on a trajectory of a system from the source articles (ode_demo), with backprop or adjoint gradients"

    static let dynamics = Option<String>.choice("dynamics", SeedDynamics.allCases.map(\.rawValue), default: "cubic",
                                                "the true system: cubic, linear, random-matrix, lotka-volterra, nonlinear, mlp (or write equations)")
    static let equations = Option<[NamedValue<String>]>.expressions("equations", "a true system as {ode} equations instead of dynamics")
    static let params = Option<[NamedValue<Double>]>.namedNumbers("params", "parameters of the equations")
    static let initial = Option<[Double]?>.numbers("y0", "the true trajectory's initial state (default [2, 0])")
    static let startTime = Option<Double>.number("t_start", default: 0, "the first sample time")
    static let endTime = Option<Double>.number("t_end", default: 25, "the last sample time")
    static let dataSize = Option<Int>.integer("data_size", minimum: 3, maximum: 1_000_000, default: 1000, "samples on a uniform grid")
    static let hidden = Option<[Int]>.integers("hidden", default: [50], "widths of the hidden layers")
    static let activation = Option<String>.choice("activation", Activation.hiddenLayerChoices.map(\.rawValue), default: "tanh",
                                                  "the hidden layers' activation: " + Activation.listing(Activation.hiddenLayerChoices))
    static let input = Option<String>.choice("input", NeuralField<Float>.Input.allCases.map(\.rawValue), default: "cube",
                                             "what the network sees: cube (y^3, as ode_demo) or raw (y)")
    static let dtype = Option<String>.choice("dtype", ["float32", "float64"], default: "float32",
                                             "the network's precision (the solver state stays float64)")
    static let initialisation = Option<String>.choice("init", ["normal", "glorot"], default: "normal",
                                                      "weights N(0, 0.1) with zero biases (ode_demo) or Glorot uniform")
    static let iterations = Option<Int>.integer("iterations", minimum: 0, maximum: 10_000_000, default: 2000, "training iterations")
    static let batchTime = Option<Int>.integer("batch_time", minimum: 2, default: 10, "samples per training window")
    static let batchSize = Option<Int>.integer("batch_size", minimum: 1, default: 20, "windows per iteration")
    static let optimizer = Option<String>.choice("optimizer", OptimizerKind.allCases.map(\.rawValue), default: "rmsprop",
                                                 OptimizerCatalog.listing(OptimizerCatalog.all.filter(\.isFirstOrder)))
    static let learningRate = Option<Double>.number("lr", .positive, default: 1e-3, "learning rate")
    static let solver = Option<String>.choice("solver", ButcherTableau.explicitMethods.map(\.name), default: "dopri5",
                                              "the method: " + SolverCatalog.listing([.adaptive, .fixedStep]))
    static let stepSize = Option<Double?>.optionalNumber("h", .positive, "fixed-step methods: the step (default: the sample spacing; it must divide it)")
    static let rtol = Option<Double>.number("rtol", .positive, default: 1e-7, "relative tolerance of the adaptive methods")
    static let atol = Option<Double>.number("atol", .positive, default: 1e-9, "absolute tolerance of the adaptive methods")
    static let gradient = Option<String>.choice("gradient", ["backprop", "adjoint"], default: "backprop",
                                                "backprop through the solver's steps, or the continuous adjoint (adaptive solvers)")
    static let testEvery = Option<Int>.integer("test_every", minimum: 0, default: 20, "iterations between full-trajectory evaluations (0: only at the end)")
    static let snapshots = Option<Int>.integer("snapshots", minimum: 0, maximum: 24, default: 6, "phase portraits kept during training")

    public static let options: [OptionSpec] = [
        dynamics.spec, equations.spec, params.spec, initial.spec, startTime.spec, endTime.spec, dataSize.spec,
        hidden.spec, activation.spec, input.spec, dtype.spec, initialisation.spec,
        iterations.spec, batchTime.spec, batchSize.spec, optimizer.spec, learningRate.spec,
        solver.spec, stepSize.spec, rtol.spec, atol.spec, gradient.spec, testEvery.spec, snapshots.spec,
    ]

    let experiment: SpiralExperiment

    /// Checks the options together: the system and its initial state, the grid, the windows and the solver.
    public init(options: ResolvedOptions, context: BlockContext) throws(OptionError) {
        let seed = UInt64(options[CommonOptions.seed])
        let written = options[Self.equations]
        var truth: any VectorField<Double>
        var stateNames = ["y1", "y2"]
        let y0 = options[Self.initial] ?? [2, 0]
        if written.isEmpty {
            if options.valuePositions["params"] != nil || options.keyLines["params"] != nil {
                throw OptionError("'params' applies to equations: write the true system's equations, or remove params",
                                  at: options.position(of: "params"))
            }
            guard y0.count == 2 else {
                throw OptionError("'y0' needs 2 values for the built-in dynamics, not \(y0.count)", at: options.position(of: "y0"))
            }
            truth = SeedDynamics(rawValue: options[Self.dynamics])!.field(initialState: y0, seed: seed)
        } else {
            if options.keyLines["dynamics"] != nil {
                throw OptionError("give either 'dynamics' or 'equations', not both", at: options.position(of: "dynamics"))
            }
            stateNames = written.map(\.name)
            let parameters = options[Self.params]
            let system: EquationSystem
            do {
                system = try EquationSystem(states: stateNames, equations: written.map { ($0.name, $0.value) }, parameters: parameters.map(\.name))
            } catch {
                throw OdeKind.locate(error, options: options)
            }
            guard y0.count == stateNames.count else {
                throw OptionError("'y0' needs one value per state (\(stateNames.joined(separator: ", "))), not \(y0.count)",
                                  at: options.position(of: options[Self.initial] == nil ? "equations" : "y0"))
            }
            let values = parameters.map(\.value)
            if let (state, error) = system.firstNonFinite(t: options[Self.startTime], state: y0, parameters: values) {
                throw OdeKind.located(error, state: state, message: error.message, options: options)
            }
            truth = ExpressionField(system: system, parameters: values)
        }
        let start = options[Self.startTime], end = options[Self.endTime], count = options[Self.dataSize]
        guard end > start else {
            throw OptionError("'t_end' must be after t_start (\(OptionValue.format(start)))", at: options.position(of: "t_end"))
        }
        let batchTime = options[Self.batchTime], batchSize = options[Self.batchSize]
        guard batchTime < count else {
            throw OptionError("'batch_time' (\(batchTime)) must be below data_size (\(count))", at: options.position(of: "batch_time"))
        }
        guard batchSize <= count - batchTime else {
            throw OptionError("'batch_size' (\(batchSize)) cannot exceed the \(count - batchTime) window starts (data_size − batch_time)",
                              at: options.position(of: "batch_size"))
        }
        let tableau = ButcherTableau.explicitMethods.first { $0.name == options[Self.solver] }!
        let spacing = (end - start) / Double(count - 1)
        let integrator: TrainingIntegrator
        if tableau.isAdaptive {
            if options[Self.stepSize] != nil {
                throw OptionError("'h' applies to fixed-step solvers; \(tableau.name) adapts its step to rtol and atol", at: options.position(of: "h"))
            }
            integrator = .adaptive(AdaptiveSolver(tableau: tableau, controller: .integral(rtol: options[Self.rtol], atol: options[Self.atol])))
        } else {
            let h = options[Self.stepSize] ?? spacing
            let ratio = spacing / h
            guard ratio >= 0.999_999, abs(ratio - ratio.rounded()) < 1e-6 * ratio else {
                throw OptionError("'h' (\(OptionValue.format(h))) must divide the sample spacing \(String(format: "%.6g", spacing)) into whole steps",
                                  at: options.position(of: "h"))
            }
            integrator = .fixed(tableau, stepsPerSample: Int(ratio.rounded()))
        }
        let adjoint = options[Self.gradient] == "adjoint"
        if adjoint, !tableau.isAdaptive {
            throw OptionError("'gradient: adjoint' solves the adjoint ODE backwards with an adaptive solver: choose \(SolverCatalog.phrase(.adaptive))",
                              at: options.position(of: "gradient"))
        }
        let hidden = options[Self.hidden]
        guard !hidden.isEmpty else { throw OptionError("'hidden' needs at least one layer width", at: options.position(of: "hidden")) }
        // Memory before anything is made: weights with their gradient and optimiser state, the
        // activations backpropagation keeps (about a hundred steps of a 7-stage solve per window),
        // the data and the per-evaluation scratch.
        let scalar = options[Self.dtype] == "float32" ? 4.0 : 8.0
        let layerWidths = [Double(stateNames.count)] + hidden.map(Double.init) + [Double(stateNames.count)]
        let weights = zip(layerWidths, layerWidths.dropFirst()).map { $0 * $1 + $1 }.reduce(0, +)
        // Weights, gradient, and the optimiser's state vectors.
        let copies = 2.0 + Double(OptimizerKind(rawValue: options[Self.optimizer])?.stateVectors ?? 2)
        let kept = adjoint ? 0 : 700 * Double(batchSize) * hidden.map(Double.init).reduce(0, +) * scalar
        try context.budget.check([
            ("weights and optimiser state", weights * copies * scalar),
            ("activations kept for backpropagation", kept),
            ("data", Double(count) * Double(stateNames.count) * 8 * 4),
            ("scratch", 16 * Double(batchSize) * (layerWidths.max() ?? 1) * scalar),
        ], advice: "lower hidden, batch_size or data_size (or use gradient: adjoint), or raise --max-memory", at: options.position(of: "hidden"))
        let training = NeuralODETraining(
            iterations: options[Self.iterations], batchTime: batchTime, batchSize: batchSize,
            optimizer: OptimizerKind(rawValue: options[Self.optimizer])!, learningRate: options[Self.learningRate],
            epsilon: 1e-8, integrator: integrator, gradient: adjoint ? .adjoint(AdjointOptions()) : .backprop,
            testEvery: options[Self.testEvery], snapshots: options[Self.snapshots], seed: seed &+ 1)
        experiment = SpiralExperiment(
            truth: truth, stateNames: stateNames, initialState: y0,
            times: (0..<count).map { start + (end - start) * Double($0) / Double(count - 1) },
            widths: [stateNames.count] + hidden + [stateNames.count], activation: Activation(rawValue: options[Self.activation])!,
            input: NeuralField<Float>.Input(rawValue: options[Self.input])!, singlePrecision: options[Self.dtype] == "float32",
            initialisation: options[Self.initialisation] == "glorot" ? .glorotUniform : .normal(standardDeviation: 0.1),
            seed: seed, training: training)
    }

    /// None: the data are made from the block's options.
    public var inputFiles: [URL] { [] }

    /// Iterations × batch × batch length × parameters × the evaluations of a solve.
    public var estimatedCost: Double { experiment.estimatedCost }

    /// The training's error, work and size.
    public var metricNames: [String] { SpiralExperiment.metricNames }

    /// Makes the data, trains (reporting iterations to `monitor`) and builds the artifacts.
    public func run(monitor: RunMonitor) throws(BlockFailure) -> Artifacts {
        try experiment.run(monitor: monitor)
    }
}

extension Option where Value == [Int] {
    /// A list of positive whole numbers.
    static func integers(_ name: String, default value: [Int], _ summary: String) -> Self {
        Self(OptionSpec(name, .list(.integer(minimum: 1, maximum: 4096), singleAllowed: true), default: .list(value.map { .integer($0) }), summary)) {
            guard case let .list(items) = $0 else { return nil }
            return items.compactMap { if case let .integer(int) = $0 { return int } else { return nil } }
        }
    }
}
