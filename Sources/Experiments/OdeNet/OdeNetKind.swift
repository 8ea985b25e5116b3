import Foundation
import Learning
import NeuralODE
import ODE

/// `{odenet}`: a classifier whose depth is a step size. An ODE-Net (Chen et al., "Neural Ordinary
/// Differential Equations", NeurIPS 2018, §3), a ResNet (He et al., CVPR 2016) read as the Euler
/// method with weights per step (Haber & Ruthotto 2017; E 2017), or an MLP of about the same
/// parameter count, trained on the 8×8 digits or on a CSV with a `label` column.
public struct OdeNetKind: ExperimentKind {
    public static let name = "odenet"
    public static let summary = "a classifier whose depth is a step size: ODE-Net, ResNet or MLP on the 8x8 digits (or a CSV with a label column)"

    static let data = Option<ColumnsValue?>.columns(
        "data", "{csv: path} (or inline columns) with a 'label' column of whole numbers, every other column a feature (default: the 8x8 digits shipped with notebook)")
    static let testFraction = Option<Double>.number("test_fraction", .positive, default: 0.2, "share of the samples held out for testing (seeded split)")
    static let model = Option<String>.choice("model", ["odenet", "resnet", "mlp"], default: "odenet",
                                             "odenet (one f(t, h) integrated over t in [0, 1]), resnet (K blocks with own weights) or mlp (one hidden layer, same parameter count as the odenet)")
    static let width = Option<Int>.integer("width", minimum: 1, maximum: 1024, default: 32, "width of the hidden state h")
    static let activation = Option<String>.choice("activation", Activation.hiddenLayerChoices.map(\.rawValue), default: "tanh",
                                                  "the activation inside f: " + Activation.listing(Activation.hiddenLayerChoices))
    static let steps = Option<Int>.integer("steps", minimum: 1, maximum: 1000, default: 4,
                                           "K: the resnet's blocks, or the odenet's fixed steps over [0, 1] (h = 1/K)")
    static let solver = Option<String>.choice("solver", ButcherTableau.explicitMethods.map(\.name), default: "rk4",
                                              "the odenet's method: " + SolverCatalog.listing([.adaptive, .fixedStep]))
    static let rtol = Option<Double>.number("rtol", .positive, default: 1e-3, "relative tolerance of an adaptive solver")
    static let atol = Option<Double>.number("atol", .positive, default: 1e-4, "absolute tolerance of an adaptive solver")
    static let gradient = Option<String>.choice("gradient", ["backprop", "adjoint"], default: "backprop",
                                                "backprop through the solver's steps, or the continuous adjoint (adaptive solvers)")
    static let epochs = Option<Int>.integer("epochs", minimum: 0, maximum: 100_000, default: 40, "passes over the training samples")
    static let batchSize = Option<Int>.integer("batch_size", minimum: 1, maximum: 65_536, default: 64, "samples per minibatch")
    static let learningRate = Option<Double>.number("lr", .positive, default: 2e-3, "Adam's learning rate")
    static let dtype = Option<String>.choice("dtype", ["float32", "float64"], default: "float32",
                                             "the networks' precision (the solver state stays float64)")
    static let study = Option<Bool>.boolean("study", default: false,
                                            "also evaluate the trained odenet with euler at each of study_steps and dopri5 at each of study_rtol, and train a resnet at each of study_steps")
    static let studySteps = Option<[Int]>.integers("study_steps", default: [1, 2, 4, 8, 16], "the study's K values")
    static let studyTolerances = Option<[Double]?>.numbers("study_rtol", "the study's dopri5 tolerances (rtol; atol = rtol/10; default [1e-1, 1e-2, 1e-3, 1e-4, 1e-5])")

    public static let options: [OptionSpec] = [
        data.spec, testFraction.spec, model.spec, width.spec, activation.spec, steps.spec, solver.spec, rtol.spec, atol.spec,
        gradient.spec, epochs.spec, batchSize.spec, learningRate.spec, dtype.spec, study.spec, studySteps.spec, studyTolerances.spec,
    ]

    /// The checked experiment; `nil` while its data are another block's table not yet written.
    let experiment: OdeNetExperiment?
    /// Accuracy, size, work and time (and the study's, when asked).
    public let metricNames: [String]

    /// Checks the options together and reads the data (the digits, or the CSV `data` names).
    public init(options: ResolvedOptions, context: BlockContext) throws(OptionError) {
        let seed = UInt64(options[CommonOptions.seed])
        let fraction = options[Self.testFraction]
        guard fraction < 1 else {
            throw OptionError("'test_fraction' must be below 1 (it is the share of samples held out)", at: options.position(of: "test_fraction"))
        }
        let modelName = options[Self.model]
        let tableau = ButcherTableau.explicitMethods.first { $0.name == options[Self.solver] }!
        let adjoint = options[Self.gradient] == "adjoint"
        if modelName != "odenet" {
            for key in ["solver", "rtol", "atol", "gradient"] where options.keyLines[key] != nil {
                throw OptionError("'\(key)' applies to model: odenet (a \(modelName) has no solver)", at: options.position(of: key))
            }
            if modelName == "mlp", options.keyLines["steps"] != nil {
                throw OptionError("'steps' applies to model: odenet or resnet (the mlp has no residual part)", at: options.position(of: "steps"))
            }
        }
        if adjoint, !tableau.isAdaptive {
            throw OptionError("'gradient: adjoint' solves the adjoint ODE backwards with an adaptive solver: choose \(SolverCatalog.phrase(.adaptive))",
                              at: options.position(of: "gradient"))
        }
        if tableau.isAdaptive, options.keyLines["steps"] != nil, modelName == "odenet" {
            throw OptionError("'steps' applies to fixed-step solvers; \(tableau.name) adapts its step to rtol and atol", at: options.position(of: "steps"))
        }
        let studySteps = options[Self.studySteps]
        let studyTolerances = options[Self.studyTolerances] ?? [1e-1, 1e-2, 1e-3, 1e-4, 1e-5]
        if let bad = studyTolerances.first(where: { !($0 > 0 && $0 < 1) }) {
            throw OptionError("'study_rtol' values must lie between 0 and 1, not \(OptionValue.format(bad))", at: options.position(of: "study_rtol"))
        }
        if Set(studySteps).count != studySteps.count {
            throw OptionError("'study_steps' lists a K twice", at: options.position(of: "study_steps"))
        }
        let toleranceNames = studyTolerances.map(OdeNetExperiment.toleranceName)
        if Set(toleranceNames).count != toleranceNames.count {
            throw OptionError("'study_rtol' values must differ in their first digit and exponent (they name metrics as \(toleranceNames.joined(separator: ", ")))",
                              at: options.position(of: "study_rtol"))
        }
        let study = options[Self.study]
        if study, modelName != "odenet" {
            throw OptionError("'study' evaluates a trained odenet at other depths: it applies to model: odenet", at: options.position(of: "study"))
        }
        let studySettings: OdeNetExperiment.Study? = study ? .init(steps: studySteps, tolerances: studyTolerances) : nil
        metricNames = OdeNetExperiment.metricNames + (studySettings.map(OdeNetExperiment.studyMetricNames) ?? [])

        // The data: the bundled digits (pixels 0..16 scaled to [0, 1]) or the user's table (standardised).
        var dataFile: URL?
        let table: LabelledData
        let classNames: [Int]
        let origin: String
        let line = options.line(of: "data")
        /// A table's samples, its problems said at the `data` line.
        func samples(_ columns: [(name: String, values: [Double?])], origin: String, shown: (String) -> String?) throws(OptionError)
            -> (data: LabelledData, classNames: [Int]) {
            do throws(ClassificationTableError) {
                return try ClassificationTable.samples(columns: columns, origin: origin, shown: shown)
            } catch {
                throw OptionError(error.message, at: SourcePosition(line: line))
            }
        }
        do {
            if let value = options[Self.data] {
                guard let data = try context.dataTable(value, option: "data", at: SourcePosition(line: line)) else {
                    // Another block's table: checked again with it when the producer has run.
                    experiment = nil
                    return
                }
                dataFile = data.file
                origin = data.origin
                let (columns, shown) = (data.table.columns, data.shown)
                (table, classNames) = try samples(columns, origin: origin, shown: shown)
            } else {
                guard let url = ClassificationTable.bundledDigits() else {
                    throw OptionError("the 8x8 digits ship beside the notebook program (notebook_Experiments.resources/digits.csv) and are missing;"
                                      + " give data: {csv: path} (a copy is notebooks/data/digits.csv in notebook's repository)",
                                      at: options.position(of: "model"))
                }
                let columns: [(name: String, values: [Double?])]
                do { columns = try CSVTable.read(url).columns } catch {
                    throw OptionError("the bundled digits cannot be read: \(error.description)", at: options.position(of: "model"))
                }
                origin = "the digits"
                var digits = try samples(columns, origin: origin, shown: { $0 })
                digits.data.features = digits.data.features.map { $0 / 16 }
                (table, classNames) = (digits.data, digits.classNames)
            }
        }
        guard table.count >= 4 else {
            throw OptionError("\(origin) holds \(table.count) samples; a train/test split needs at least 4", at: SourcePosition(line: line))
        }
        var (train, test) = table.split(testFraction: fraction, seed: seed)
        if options[Self.data] != nil {
            let (mean, scale) = train.standardisation()
            train = train.transformed(mean: mean, scale: scale)
            test = test.transformed(mean: mean, scale: scale)
        }
        let batchSize = min(options[Self.batchSize], train.count)
        let width = options[Self.width]
        let steps = options[Self.steps]
        let solve: ODESolve = tableau.isAdaptive
            ? ODESolve(AdaptiveSolver(tableau: tableau, controller: .integral(rtol: options[Self.rtol], atol: options[Self.atol])))
            : ODESolve(FixedStepSolver(tableau: tableau, stepSize: 1 / Double(steps), steps: steps))
        let model: OdeNetExperiment.Model
        switch modelName {
        case "resnet": model = .resnet(blocks: steps)
        case "mlp": model = .mlp(hidden: OdeNetExperiment.matchingHidden(inputs: train.featureCount, width: width, classes: table.classes))
        default: model = .odenet(solve: solve, gradient: adjoint ? .adjoint(AdjointOptions()) : .backprop, description: tableau.isAdaptive
                                    ? "\(tableau.name), rtol \(OptionValue.format(options[Self.rtol])), atol \(OptionValue.format(options[Self.atol]))"
                                    : "\(tableau.name), \(steps) step\(steps == 1 ? "" : "s") of h = 1/\(steps)")
        }
        let scalar = options[Self.dtype] == "float32" ? 4.0 : 8.0
        let parameters = Double(OdeNetExperiment.parameterCount(model: model, inputs: train.featureCount, width: width, classes: table.classes))
        try context.budget.check([
            ("weights, gradient and Adam's state", parameters * 4 * 8),
            ("data", Double(table.count * (table.featureCount + 1)) * 8 * 2),
            ("activations of a minibatch", Double(batchSize * width) * scalar * Double(8 * (steps + 2))),
        ], advice: "lower width, steps or batch_size, or raise --max-memory", at: options.position(of: "width"))

        experiment = OdeNetExperiment(
            model: model, train: train, test: test, classNames: classNames, width: width,
            activation: Activation(rawValue: options[Self.activation])!, singlePrecision: options[Self.dtype] == "float32",
            training: ClassifierTraining(epochs: options[Self.epochs], batchSize: batchSize, optimizer: .adam,
                                         learningRate: options[Self.learningRate], seed: seed &+ 1),
            seed: seed, dataFile: dataFile, dataName: dataFile == nil && options[Self.data] == nil ? "digits" : origin,
            study: studySettings)
    }

    /// The CSV `data` names (the bundled digits are part of the program, whose build is in the cache key).
    public var inputFiles: [URL] { experiment?.dataFile.map { [$0] } ?? [] }

    /// Epochs × samples × parameters × the evaluations of a pass (and the study's trainings); a
    /// guess of the digits' size while the data are another block's table not yet written.
    public var estimatedCost: Double { experiment?.estimatedCost ?? 1797 * 5000 * 40 * 16 }

    /// Trains (reporting minibatches to `monitor`), runs the study when asked, and builds the artifacts.
    public func run(monitor: RunMonitor) throws(BlockFailure) -> Artifacts {
        guard let experiment else { throw BlockFailure("its data is another block's table, which was not read: the block must be run by the notebook runner") }
        return try experiment.run(monitor: monitor)
    }
}
