import Expressions
import Foundation
import Learning
import NeuralODE
import ODE

/// `{latent-ode}`: Chen et al.'s latent-ODE variational autoencoder trained on noisy spirals made
/// as torchdiffeq's `latent_ode.py` makes them, or on series from a CSV file.
public struct LatentODEKind: ExperimentKind {
    public static let name = "latent-ode"
    public static let summary = "a VAE whose latent state follows a neural ODE (Chen et al. 2018), trained on noisy spirals or your series"

    static let spiralCount = Option<Int>.integer("nspiral", minimum: 1, maximum: 1_000_000, default: 1000, "spirals generated")
    static let totalPoints = Option<Int>.integer("ntotal", minimum: 2, maximum: 10_000_000, default: 1000, "points of each underlying spiral")
    static let samplePoints = Option<Int>.integer("nsample", minimum: 2, default: 100, "consecutive noisy samples per spiral")
    static let start = Option<String?>.text("start", "the spiral parameter's first value: a number, pi allowed (default 0)")
    static let stop = Option<String?>.text("stop", "the spiral parameter's last value: a number, pi allowed (default 6*pi)")
    static let noise = Option<Double>.number("noise_std", .positive, default: 0.3, "observation noise of the spirals and the likelihood's σ")
    static let a = Option<Double>.number("a", default: 0, "spiral r = a + b·θ")
    static let b = Option<Double>.number("b", default: 0.3, "spiral r = a + b·θ")
    static let data = Option<ColumnsValue?>.columns("data", "your own series instead: {csv: path} with columns series,t,x,y (irregular, of any lengths)")
    static let latentWidth = Option<Int>.integer("latent_dim", minimum: 1, maximum: 256, default: 4, "latent dimension")
    static let hidden = Option<Int>.integer("nhidden", minimum: 1, maximum: 4096, default: 20, "hidden units of the latent field and the decoder")
    static let rnnHidden = Option<Int>.integer("rnn_nhidden", minimum: 1, maximum: 4096, default: 25, "hidden units of the recognition RNN")
    static let observationWidth = Option<Int>.integer("obs_dim", minimum: 1, maximum: 64, default: 2, "values per observation (2 for spirals)")
    static let iterations = Option<Int>.integer("iterations", minimum: 0, maximum: 10_000_000, default: 2000, "training iterations")
    static let optimizer = Option<String>.choice("optimizer", OptimizerKind.allCases.map(\.rawValue), default: "adam",
                                                 OptimizerCatalog.listing(OptimizerCatalog.all.filter(\.isFirstOrder)))
    static let learningRate = Option<Double>.number("lr", .positive, default: 0.01, "learning rate")
    static let solver = Option<String>.choice("solver", SolverCatalog.names(in: .adaptive), default: "dopri5", SolverCatalog.listing([.adaptive]))
    static let rtol = Option<Double>.number("rtol", .positive, default: 1e-7, "relative tolerance")
    static let atol = Option<Double>.number("atol", .positive, default: 1e-9, "absolute tolerance")
    static let gradient = Option<String>.choice("gradient", ["backprop", "adjoint"], default: "backprop", "backprop through the solver, or the continuous adjoint")
    static let show = Option<Int>.integer("show", minimum: 1, maximum: 16, default: 4, "series drawn in the figures")
    static let batchSize = Option<Int?>.optionalInteger("batch_size", minimum: 1, "series per iteration (default: all)")
    static let dtype = Option<String>.choice("dtype", ["float32", "float64"], default: "float32", "the networks' precision (the solver state stays float64)")

    static let split = Option<OptionValue>(OptionSpec("split", .record([
        OptionSpec("column", .text, default: nil, "the column watched (then left out of the values)"),
        OptionSpec("at", .number(.any), default: .number(0), "the level it crosses"),
        OptionSpec("direction", .choice(["rising", "falling"]), default: .text("rising"), "a series starts where the column rises (or falls) through the level"),
    ]), default: nil, "cut one long record (no series column) into series where a column crosses a level: heartbeats cut between beats")) { $0 }
    static let subsample = Option<Int?>.optionalInteger("subsample", minimum: 2, "points kept per series, the first and others at random (irregular sampling)")
    static let gap = Option<Double>.number("gap", .interval(0, 0.9), default: 0, "the fraction of each series removed as one stretch at a random place")
    static let normalize = Option<Bool>.boolean("normalize", default: false, "standardise every value column to mean 0 and standard deviation 1 (metrics in those units)")
    static let holdout = Option<Double>.number("holdout", .interval(0, 0.9), default: 0, "the fraction of the series held out from training; test.rmse is their reconstruction error")
    static let observe = Option<Double>.number("observe", .interval(0.05, 1), default: 1,
                                               "the fraction of each series' time span the model sees; the rest is extrapolated (extrapolation.rmse)")
    static let trainOn = Option<String>.choice("train_on", SeriesPreparation.Training.allCases.map(\.rawValue), default: "seen",
                                               "with observe < 1, what the model trains on: seen (the seen part of each series, the article's experiment), whole (whole series), or forecast (whole series scored whole, the encoder reading only their seen part)")
    static let fieldOutput = Option<String>.choice("field_output", [Activation.identity, .tanh].map(\.rawValue), default: "identity",
                                                   "the latent field's last activation: identity (none), or tanh, which bounds every component of dz/dt by 1")

    public static let options: [OptionSpec] = [
        spiralCount.spec, totalPoints.spec, samplePoints.spec, start.spec, stop.spec, noise.spec, a.spec, b.spec, data.spec,
        split.spec, subsample.spec, gap.spec, normalize.spec, holdout.spec, observe.spec, trainOn.spec,
        latentWidth.spec, hidden.spec, rnnHidden.spec, observationWidth.spec, fieldOutput.spec,
        iterations.spec, optimizer.spec, learningRate.spec, solver.spec, rtol.spec, atol.spec, gradient.spec,
        show.spec, batchSize.spec, dtype.spec,
    ]

    /// The checked experiment; `nil` while its data are another block's table not yet written.
    let experiment: LatentODEExperiment?
    /// The series' CSV file, when `data` names one.
    let dataFile: URL?
    /// The metrics a run reports (the evaluation's depend on `holdout` and `observe`).
    public let metricNames: [String]
    /// Iterations × series per iteration × time steps × the networks' sizes (a guess of a hundred
    /// series of a hundred steps while the data are another block's table not yet written).
    public let estimatedCost: Double

    /// Checks the options and loads or generates the data.
    public init(options: ResolvedOptions, context: BlockContext) throws(OptionError) {
        let seed = UInt64(options[CommonOptions.seed])
        let observationWidth = options[Self.observationWidth]
        var preparation = SeriesPreparation(
            subsample: options[Self.subsample], gap: options[Self.gap], normalize: options[Self.normalize],
            holdout: options[Self.holdout], observe: options[Self.observe], training: SeriesPreparation.Training(rawValue: options[Self.trainOn])!, seed: seed)
        if preparation.training != .seen {
            guard preparation.observe < 1, preparation.holdout > 0 else {
                throw OptionError("'train_on: \(preparation.training.rawValue)' trains on whole series and forecasts held-out ones: it needs observe below 1 and a holdout above 0",
                                  at: options.position(of: "train_on"))
            }
        }
        if case let .record(fields) = options[Self.split] {
            guard case let .text(column)? = fields.first(where: { $0.name == "column" })?.value else {
                throw OptionError("'split' needs the column to watch: split: {column: NAME, at: LEVEL, direction: rising}", at: options.position(of: "split"))
            }
            let level = fields.first { $0.name == "at" }?.value.doubleValue ?? 0
            let rising = fields.first { $0.name == "direction" }?.value != .text("falling")
            preparation.split = SeriesPreparation.Split(column: column, level: level, rising: rising)
            guard options[Self.data] != nil else {
                throw OptionError("'split' cuts a table into series: give data: {csv: path} or data: {block: ID}", at: options.position(of: "split"))
            }
        }
        metricNames = LatentODEExperiment.metricNames + (preparation.holdout > 0 ? ["test.rmse"] : [])
            + (preparation.observe < 1 ? ["extrapolation.rmse", "extrapolation.max_abs_error", "extrapolation.persistence_rmse"] : [])
        if options[Self.data] == nil {
            try Self.checkMemory(options, series: options[Self.spiralCount], steps: options[Self.samplePoints],
                                 generatedPoints: options[Self.totalPoints], budget: context.budget)
        }
        var spirals: SpiralData?
        let series: LatentODEData
        var evaluation: SeriesPreparation.Prepared?
        if let data = options[Self.data] {
            let textColumns: Set<String> = preparation.split == nil ? ["series"] : []
            if case .inline = data {
                throw OptionError("'data' for {latent-ode} is a table: data: {csv: path} or data: {block: ID}, with columns series,t,x,y (or split:)", at: options.position(of: "data"))
            }
            let position = options.position(of: "data")
            guard let read = try context.dataTable(data, option: "data", at: position, textColumns: textColumns) else {
                // Another block's table: checked again with it when the producer has run.
                dataFile = nil
                experiment = nil
                estimatedCost = Double(options[Self.iterations]) * 100 * 100 * Double(options[Self.hidden] * options[Self.hidden])
                return
            }
            dataFile = read.file
            let (table, shown) = (read.table, read.origin)
            let prepared = try Self.prepare(table, preparation, shown: shown, options: options, at: position)
            series = prepared.training
            if !preparation.isIdentity { evaluation = prepared }
            try Self.checkMemory(options, series: series.seriesCount, steps: series.steps, generatedPoints: 0, budget: context.budget)
            guard series.width == observationWidth else {
                throw OptionError("\(shown) has \(series.width) values per point but obs_dim is \(observationWidth)", at: options.position(of: "obs_dim"))
            }
            guard series.steps >= 2 else { throw OptionError("\(shown) needs at least two distinct times", at: position) }
        } else {
            dataFile = nil
            guard observationWidth == 2 else {
                throw OptionError("the generated spirals are 2-dimensional: obs_dim must be 2 (or give data: {csv: ...})", at: options.position(of: "obs_dim"))
            }
            let startValue = try Self.constant(options, Self.start, default: 0)
            let stopValue = try Self.constant(options, Self.stop, default: 6 * Double.pi)
            guard stopValue > startValue else { throw OptionError("'stop' must be after start", at: options.position(of: "stop")) }
            let total = options[Self.totalPoints], sample = options[Self.samplePoints]
            guard 2 * sample < total else {
                throw OptionError("'nsample' (\(sample)) must be below half of ntotal (\(total)): each spiral starts between nsample and ntotal − nsample",
                                  at: options.position(of: "nsample"))
            }
            let configuration = SpiralData.Configuration(
                spiralCount: options[Self.spiralCount], totalPoints: total, samplePoints: sample, start: startValue, stop: stopValue,
                noiseStandardDeviation: options[Self.noise], a: options[Self.a], b: options[Self.b])
            let made = SpiralData(configuration: configuration, seed: seed)
            if preparation.isIdentity {
                spirals = made
                series = made.data
            } else {
                let generated = made.data
                let pieces = generated.names.indices.map { index in
                    let (times, values) = generated.series(index)
                    return SeriesPreparation.Series(name: generated.names[index], points: times.indices.map {
                        LatentODEData.Point(series: generated.names[index], time: times[$0], values: Array(values[(2 * $0)..<(2 * $0 + 2)]))
                    })
                }
                let prepared: SeriesPreparation.Prepared
                do { prepared = try preparation.prepare(pieces, valueNames: ["x", "y"]) } catch {
                    throw OptionError("'\(error.option)': \(error.message)", at: options.position(of: error.option))
                }
                series = prepared.training
                evaluation = prepared
            }
        }
        if let batch = options[Self.batchSize], batch > series.seriesCount {
            throw OptionError("'batch_size' (\(batch)) exceeds the \(series.seriesCount) series", at: options.position(of: "batch_size"))
        }
        let tableau = ButcherTableau.adaptiveMethods.first { $0.name == options[Self.solver] }!
        let solver = AdaptiveSolver(tableau: tableau, controller: .integral(rtol: options[Self.rtol], atol: options[Self.atol]))
        let noise = options[Self.noise]
        let made = LatentODEExperiment(
            data: series, spirals: spirals, evaluation: evaluation, latentWidth: options[Self.latentWidth], hidden: options[Self.hidden],
            rnnHidden: options[Self.rnnHidden], fieldOutput: options[Self.fieldOutput] == "tanh" ? .tanh : .identity,
            singlePrecision: options[Self.dtype] == "float32", seed: seed,
            show: min(options[Self.show], evaluation?.evaluation.count ?? series.seriesCount), solver: solver,
            training: LatentODETraining(
                iterations: options[Self.iterations], batchSize: options[Self.batchSize],
                optimizer: OptimizerKind(rawValue: options[Self.optimizer])!, learningRate: options[Self.learningRate], integrator: solver,
                gradient: options[Self.gradient] == "adjoint" ? .adjoint(AdjointOptions()) : .backprop,
                noiseStandardDeviation: noise, seed: seed &+ 1))
        experiment = made
        estimatedCost = made.estimatedCost
    }

    /// The series of a table: with `split`, one long record (`t`, the watched column, values) cut
    /// into series; else columns `series`, `t` and values. Then the preparation's gaps, subsamples,
    /// standardisation, hold-out and observed fraction.
    static func prepare(_ table: CSVTable, _ preparation: SeriesPreparation, shown: String, options: ResolvedOptions,
                        at position: SourcePosition) throws(OptionError) -> SeriesPreparation.Prepared {
        var pieces: [SeriesPreparation.Series]
        var valueNames: [String]
        if let split = preparation.split {
            guard let times = table.columns.first(where: { $0.name == "t" })?.values else {
                throw OptionError("\(shown) has no time column 't' to cut into series", at: position)
            }
            guard let watched = table.columns.first(where: { $0.name == split.column })?.values else {
                let names = table.columns.map(\.name)
                throw OptionError("'split.column': \(shown) has no column '\(split.column)' (columns: \(names.filter(CSVTable.isPlainName).joined(separator: ", ")))"
                    + Suggestion.didYouMean(split.column, in: names), at: options.position(of: "split.column"))
            }
            let valueColumns = table.columns.filter { $0.name != "t" && $0.name != split.column }
            guard !valueColumns.isEmpty else { throw OptionError("\(shown) has no value columns besides t and \(split.column)", at: position) }
            for (row, time) in times.enumerated() where time == nil || watched[row] == nil || valueColumns.contains(where: { $0.values[row] == nil }) {
                throw OptionError("\(shown) row \(row + 1) has an empty field; split needs a complete record", at: position)
            }
            valueNames = valueColumns.map(\.name)
            pieces = SeriesPreparation.cut(times: times.map { $0! }, watched: watched.map { $0! }, values: valueColumns.map { $0.values.map { $0! } }, split: split)
            guard !pieces.isEmpty else {
                throw OptionError("'split': column '\(split.column)' of \(shown) never crosses \(OptionValue.format(split.level)) \(split.rising ? "rising" : "falling") twice, so no series can be cut",
                                  at: options.position(of: "split"))
            }
        } else {
            let whole = try readSeries(table, path: shown, options: options, at: position)
            valueNames = table.columns.filter { $0.name != "t" }.map(\.name)
            pieces = whole.names.indices.map { index in
                let (times, values) = whole.series(index)
                return SeriesPreparation.Series(name: whole.names[index], points: times.indices.map {
                    LatentODEData.Point(series: whole.names[index], time: times[$0], values: Array(values[($0 * whole.width)..<(($0 + 1) * whole.width)]))
                })
            }
        }
        do { return try preparation.prepare(pieces, valueNames: valueNames) } catch {
            throw OptionError("'\(error.option)': \(error.message)", at: error.option == "data" ? position : options.position(of: error.option))
        }
    }

    /// The series of a CSV file with columns `series`, `t` and one or more value columns.
    static func readSeries(_ table: CSVTable, path: String, options: ResolvedOptions, at position: SourcePosition) throws(OptionError) -> LatentODEData {
        guard let names = table.texts["series"], let times = table.columns.first(where: { $0.name == "t" })?.values else {
            throw OptionError("\(path) needs the columns series, t and one or more values (series,t,x,y)", at: position)
        }
        let valueColumns = table.columns.filter { $0.name != "t" }
        guard !valueColumns.isEmpty else {
            throw OptionError("\(path) has no value columns after series and t", at: position)
        }
        var points = [LatentODEData.Point]()
        for row in names.indices {
            let values = valueColumns.map { $0.values[row] }
            guard let time = times[row], values.allSatisfy({ $0 != nil }) else {
                throw OptionError("\(path) row \(row + 1) (series \(seriesLabel(names[row], names))) has an empty time or value", at: position)
            }
            points.append(LatentODEData.Point(series: names[row], time: time, values: values.map { $0! }))
        }
        do { return try LatentODEData(points: points) } catch {
            let message: String
            switch error {
            case .empty: message = "no observations"
            case let .inconsistentWidth(series, time, expected, found):
                message = "series \(seriesLabel(series, names)) at t = \(OptionValue.format(time)) has \(found) values, the others \(expected)"
            case let .duplicate(series, time):
                message = "series \(seriesLabel(series, names)) has two observations at t = \(OptionValue.format(time))"
            case let .notFinite(series, time):
                message = "series \(seriesLabel(series, names)) at t = \(OptionValue.format(time)) has a value that is not finite"
            }
            throw OptionError("in \(path): \(message)", at: position)
        }
    }

    /// A series of a file for a message: its name when plain, else its number in order of first
    /// appearance (no message quotes a file's text).
    static func seriesLabel(_ name: String, _ names: [String]) -> String {
        if let label = CSVTable.label(name) { return label }
        var seen = Set<String>()
        for candidate in names where seen.insert(candidate).inserted && candidate == name { break }
        return "number \(seen.count)"
    }

    /// Refuses a block whose data and training would not fit the budget: the series (values and
    /// masks), the generating spirals, the networks with their optimiser state, and per iteration
    /// the activations kept for backpropagation (about 300 evaluations of the latent field) and
    /// the recognition network's states.
    static func checkMemory(_ options: ResolvedOptions, series: Int, steps: Int, generatedPoints: Int, budget: MemoryBudget) throws(OptionError) {
        let scalar = options[Self.dtype] == "float32" ? 4.0 : 8.0
        let latent = Double(options[Self.latentWidth]), hidden = Double(options[Self.hidden]), rnn = Double(options[Self.rnnHidden])
        let width = Double(options[Self.observationWidth])
        let batch = Double(options[Self.batchSize] ?? series)
        let weights = (latent * hidden + hidden * hidden + hidden * latent) + (latent * hidden + hidden * width) + ((width + rnn) * rnn + rnn * 2 * latent)
        let backprop = options[Self.gradient] != "adjoint"
        try budget.check([
            ("data", Double(series) * Double(steps) * (width * 8 + 9) + Double(generatedPoints) * 4 * 8),
            ("weights and optimiser state", weights * 4 * scalar),
            ("activations kept for backpropagation", backprop ? 300 * batch * (2 * hidden + latent) * scalar * 2 : 0),
            ("the recognition network's states", batch * Double(steps) * rnn * scalar * 3),
        ], advice: "lower nspiral, nsample, nhidden or batch_size, or raise --max-memory", at: options.position(of: "nhidden"))
    }

    /// A number written as a constant expression (`6*pi`).
    static func constant(_ options: ResolvedOptions, _ option: Option<String?>, default value: Double) throws(OptionError) -> Double {
        guard let text = options[option] else { return value }
        let expression: Expressions.Expression
        do { expression = try ExpressionParser.parse(text, names: []) } catch {
            throw OptionError("'\(option.name)' must be a number (pi allowed, as in 6*pi): \(error.message)", at: options.position(of: option.name))
        }
        let result = expression.evaluate { $0 == "pi" ? Double.pi : M_E }
        guard result.isFinite else { throw OptionError("'\(option.name)' is not a finite number", at: options.position(of: option.name)) }
        return result
    }

    /// The series' CSV file, when `data` names one.
    public var inputFiles: [URL] { dataFile.map { [$0] } ?? [] }

    /// Trains (reporting iterations to `monitor`) and builds the artifacts.
    public func run(monitor: RunMonitor) throws(BlockFailure) -> Artifacts {
        guard let experiment else { throw BlockFailure("its data is another block's table, which was not read: the block must be run by the notebook runner") }
        return try experiment.run(monitor: monitor)
    }
}
