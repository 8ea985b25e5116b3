import BlockResults
import Expressions
import Foundation
import ODE
import Plot

/// An ODE system ready to solve, with everything a block asked for: the shared computation of
/// `{ode}` and `{species}` (solve, figures, CSV, metrics, observations, work–precision).
struct SystemExperiment<Field: JacobianField & DifferentiableField>: Sendable {
    let field: Field
    let stateNames: [String]
    let initialState: [Double]
    var settings: SolveSettings
    let figures: [FigureRequest]
    let logAxes: [String]
    /// The states whose rates the table adds as columns `x'`.
    let tabulatedRates: [String]
    /// The rate of each state at the saved points, by the name `x'`: the field evaluated there.
    func rates(of solution: Solution) -> [String: [Double]] {
        let n = stateNames.count
        var columns = [[Double]](repeating: [], count: n)
        var derivative = [Double](repeating: 0, count: n)
        for index in 0..<solution.count {
            let state = Array(solution.state(at: index))
            state.withUnsafeBufferPointer { y in
                derivative.withUnsafeMutableBufferPointer { field.evaluate(t: solution.times[index], state: y, derivative: $0) }
            }
            for k in 0..<n { columns[k].append(derivative[k]) }
        }
        return Dictionary(uniqueKeysWithValues: zip(stateNames.map { $0 + "'" }, columns))
    }

    /// Whether the phase portraits keep one unit the same length on both axes.
    let equalAspect: Bool
    let compare: [String]
    let observations: Observations?
    let title: String
    let parameterNames: [String]
    let fit: FitOptions.Settings?
    /// The ensemble the block solves instead of one solution, when `ensemble` is given.
    let ensemble: EnsembleOptions.Settings?
    /// The files the block reads: the observations' and the ensemble's columns'.
    var inputFiles: [URL] { (dataFile.map { [$0] } ?? []) + (ensemble?.files ?? []) }
    /// The CSV file of the observations, when `data` names one.
    let dataFile: URL?
    /// Whether the observations are another block's table, not read yet (while checking).
    let awaitsData: Bool
    /// Whether the block has observations, read or still to read.
    var hasObservations: Bool { observations != nil || awaitsData }

    /// The most states a stiff (Rosenbrock) solve takes: its dense factorisation of 3000 states
    /// costs about 10⁹ operations a step.
    static var maximumStiffStates: Int { 3000 }

    /// The work of the block for `--shard`'s balance: a solve's steps (an adaptive solve guessed at
    /// a thousand) times the states and the stages, times the epochs of a fit (a forward and a
    /// backward pass each) and the settings of a work–precision comparison.
    var estimatedCost: Double {
        let states = Double(max(stateNames.count, 1))
        var solve: Double
        switch settings.family {
        case .fixedStep: solve = Double(settings.steps) * states
        case .adaptive: solve = 1000 * 7 * states
        case .stiff: solve = 1000 * 6 * states * states
        }
        var total = solve
        if let fit { total += 3 * solve * Double(fit.epochs) }
        if let ensemble { total *= Double(ensemble.members) }
        if !compare.isEmpty { total += Double(compare.count) * 8 * solve }
        return total
    }

    /// The metrics `solveAndDescribe` reports, and a fit's after them.
    var metricNames: [String] {
        if ensemble != nil {
            return EnsembleSummary.metricNames(states: stateNames) + ["steps", "nfe", "rejected"] + (isStiff ? ["jacobian_evaluations"] : [])
        }
        var names = stateNames.map { "final.\($0)" } + ["steps", "nfe", "rejected"]
        if case .stiff = settings.family { names.append("jacobian_evaluations") }
        if hasObservations { names += ["data.max_abs_error", "data.rmse"] }
        if fit != nil, hasObservations, !isStiff {
            names += ["loss.initial", "loss.final"] + parameterNames.map { "param.\($0)" } + ["epochs", "gradient_evaluations"]
        }
        return names
    }

    /// Whether the solver is a Rosenbrock method.
    private var isStiff: Bool {
        if case .stiff = settings.family { return true }
        return false
    }

    /// Reads the shared options, checking the figure requests and observations against the states.
    init(field: Field, stateNames: [String], initialState: [Double], options: ResolvedOptions,
         context: BlockContext, title: String, parameterNames: [String]) throws(OptionError) {
        self.field = field
        self.parameterNames = parameterNames
        self.stateNames = stateNames
        self.initialState = initialState
        self.title = title
        settings = try SolveSettings.make(options, states: stateNames)
        var requests = [FigureRequest]()
        let explicitPlot = options.keyLines["plot"] != nil || options.overridden.contains("plot")
        for request in options[SystemOptionSet.plot] {
            // A phase portrait may draw a state's rate: x' is dx/dt (x against x', as for ECGs).
            for state in request.states where !stateNames.contains(request.kind == "phase" && state.hasSuffix("'") ? String(state.dropLast()) : state) {
                let names = request.kind == "phase" ? stateNames + stateNames.map { $0 + "'" } : stateNames
                throw OptionError("'plot': '\(state)' is not a state" + (request.kind == "phase" ? " or a state's rate (x')" : "")
                                  + Suggestion.didYouMean(state, in: names), at: options.position(of: "plot"))
            }
            if request.kind == "phase" {
                let chosen = request.states.isEmpty ? Array(stateNames.prefix(2)) : request.states
                guard chosen.count == 2 else {
                    if !explicitPlot && request.states.isEmpty { continue }  // one-state systems: no default phase plot
                    throw OptionError("a phase plot needs two states: write phase: [x, y]", at: options.position(of: "plot"))
                }
                requests.append(FigureRequest(kind: "phase", states: chosen))
            } else {
                requests.append(FigureRequest(kind: "time", states: request.states.isEmpty ? stateNames : request.states))
            }
        }
        var seen = Set<String>()
        for request in requests where !seen.insert("\(request.kind) \(request.states)").inserted {
            throw OptionError("'plot' asks for the same \(request.kind) figure twice", at: options.position(of: "plot"))
        }
        figures = requests
        logAxes = options[SystemOptionSet.logAxes]
        var seenRates = Set<String>()
        for state in options[SystemOptionSet.rates] {
            guard stateNames.contains(state) else {
                throw OptionError("'rates': '\(state)' is not a state (states: \(stateNames.joined(separator: ", ")))" + Suggestion.didYouMean(state, in: stateNames),
                                  at: options.position(of: "rates"))
            }
            guard seenRates.insert(state).inserted else { throw OptionError("'rates' names '\(state)' twice", at: options.position(of: "rates")) }
        }
        tabulatedRates = options[SystemOptionSet.rates]
        equalAspect = options[SystemOptionSet.phaseAspect] == "equal"
        compare = options[SystemOptionSet.compare]
        // Another block's table is read when that block has run: the runner makes this block again then.
        let data = try options[SystemOptionSet.data].flatMap { value throws(OptionError) in
            try context.dataTable(value, option: "data", at: SourcePosition(line: options.line(of: "data")))
        }
        dataFile = data?.file
        awaitsData = data == nil && options[SystemOptionSet.data] != nil
        if let data {
            let loaded = try Observations.load(data, states: stateNames, line: options.line(of: "data"))
            if case .fixedStep = settings.family {
                for time in loaded.times
                where SolveSettings.gridIndex(of: time, start: settings.startTime, h: settings.stepSize, steps: settings.steps) == nil {
                    throw OptionError(
                        "'data': observation time \(OptionValue.format(time)) is not a step of the solve (t_start = \(OptionValue.format(settings.startTime)), h = \(OptionValue.format(settings.stepSize)), \(settings.steps) steps)",
                        at: SourcePosition(line: options.line(of: "data")))
                }
            } else {
                let low = min(settings.startTime, settings.endTime), high = max(settings.startTime, settings.endTime)
                if let outside = loaded.times.first(where: { $0 < low || $0 > high }) {
                    throw OptionError("'data': observation time \(OptionValue.format(outside)) lies outside the solve [\(OptionValue.format(low)), \(OptionValue.format(high))]",
                                      at: SourcePosition(line: options.line(of: "data")))
                }
            }
            observations = loaded
        } else {
            observations = nil
        }
        fit = try FitOptions.settings(options, names: parameterNames, current: field.parameters)
        ensemble = try EnsembleOptions.settings(options, context: context, states: stateNames, initial: initialState,
                                                parameterNames: parameterNames, parameters: field.parameters)
        if let ensemble {
            if fit != nil { throw OptionError("'fit' fits one solution to data: an ensemble block cannot fit; remove fit or ensemble", at: options.position(of: "fit")) }
            if !compare.isEmpty {
                throw OptionError("'compare' measures one solve: an ensemble block draws no work–precision diagram; remove compare or ensemble", at: options.position(of: "compare"))
            }
            if options.value(named: "data") != .null {
                throw OptionError("'data' is drawn against one solution: an ensemble block draws no observations; remove data or ensemble", at: options.position(of: "data"))
            }
            if ensemble.sharedStep, case .stiff = settings.family {
                throw OptionError("'ensemble_step: shared' solves the members as one system, whose Jacobian \(settings.solverName) would factorise whole: use ensemble_step: each, or an explicit method",
                                  at: options.position(of: "ensemble_step"))
            }
            let points = Double(EnsembleSolve<Field>.grid(settings).count)
            // The trajectories twice (the solves' buffer and the result), and per member its field,
            // draws and row of the final-state table.
            let trajectories = Double(ensemble.members) * points * Double(max(stateNames.count, 1)) * 8
            let perMember = Double(ensemble.members) * Double(8 * (2 * stateNames.count + parameterNames.count) + 160)
            try context.budget.check([("the members' trajectories", 2 * trajectories), ("the members' fields, draws and final states", perMember)],
                                     advice: "use fewer members (ensemble.n) or fewer output times (t_eval)", at: options.position(of: "ensemble.n"))
        }
        if case .stiff = settings.family {
            // A Rosenbrock step factorises a dense n × n matrix: n³/3 operations and three n × n
            // matrices, every step.
            let n = stateNames.count
            guard n <= Self.maximumStiffStates else {
                throw OptionError("\(settings.solverName) factorises a dense \(n) × \(n) matrix at every step: \(n) states are more than it can take in reasonable time (at most \(Self.maximumStiffStates)); use an explicit method (dopri5, tsit5) or fewer states",
                                  at: options.position(of: "solver"))
            }
            let matrix = Double(n) * Double(n) * 8
            try context.budget.check([("the Jacobian and its factorisation", 3 * matrix), ("the symbolic Jacobian", matrix * 4)],
                                     advice: "use an explicit method or fewer states", at: options.position(of: "solver"))
        }
        if fit != nil {
            guard hasObservations else {
                throw OptionError("'fit' needs observations: add data: {t: [...], <state>: [...]}, data: {csv: path} or data: {block: ID}", at: options.position(of: "fit"))
            }
            if case .stiff = settings.family {
                throw OptionError("'fit' backpropagates through explicit Runge–Kutta steps: choose a fixed-step or adaptive explicit solver (\(SolverCatalog.phrase(.stiff)) is not differentiated yet)",
                                  at: options.position(of: "solver"))
            }
            if (fit?.checkpoints ?? 0) > 0, fit?.adjoint == true || !isFixedStep(settings.family) {
                throw OptionError("'fit.checkpoints' applies to backprop through a fixed-step solve", at: options.position(of: "fit.checkpoints"))
            }
            if fit?.adjoint == false, let key = ["adjoint_state", "adjoint_rtol", "adjoint_atol"].first(where: { options.valuePositions["fit.\($0)"] != nil }) {
                throw OptionError("'fit.\(key)' applies to the continuous adjoint: add gradient: adjoint, or remove it",
                                  at: options.position(of: "fit.\(key)"))
            }
            if fit?.adjoint == true, case .fixedStep = settings.family {
                throw OptionError("'fit.gradient: adjoint' solves the adjoint ODE backwards with an adaptive solver: choose \(SolverCatalog.phrase(.adaptive)) (with t_end), or use gradient: backprop",
                                  at: options.position(of: "fit.gradient"))
            }
        }
    }

    /// Solves (or fits), every solve stopping within a fraction of a second when `monitor` says
    /// so (a time limit, Ctrl-C, `--fail-fast`).
    func run(monitor: RunMonitor) throws(BlockFailure) -> Artifacts {
        guard !awaitsData else { throw BlockFailure("its data is another block's table, which was not read: the block must be run by the notebook runner") }
        var experiment = self
        experiment.settings.interruption = SolveInterruption { monitor.shouldStop }
        return try experiment.runStoppable(monitor: monitor)
    }

    private func runStoppable(monitor: RunMonitor) throws(BlockFailure) -> Artifacts {
        if let ensemble { return try solveEnsemble(ensemble, monitor: monitor) }
        guard let fit, let observations else { return try solveAndDescribe(field, monitor: monitor) }
        if case .stiff = settings.family { return try solveAndDescribe(field, monitor: monitor) }
        let initialGuess = field.withParameters(fit.initial)
        let study = ParameterFit(field: initialGuess, settings: fit, solve: settings.odeSolve, startTime: settings.startTime,
                                 initialState: initialState, observations: observations, stateNames: stateNames)
        let clock = ContinuousClock()
        let begin = clock.now
        let result = try study.run(monitor: monitor)
        let elapsed = clock.now - begin
        var artifacts = try SystemExperiment(copying: self, field: result.fitted).solveAndDescribe(result.fitted, monitor: monitor)
        let guessSolution: Solution
        let fittedSolution: Solution
        do {
            guessSolution = try settings.solve(initialGuess, initialState: initialState)
            fittedSolution = try settings.solve(result.fitted, initialState: initialState)
        } catch {
            throw BlockFailure(error.description(stateNames: stateNames))
        }
        artifacts.figures.insert(NamedFigure(
            name: "fit", caption: "Observations, the fitted model (solid) and the initial guess (dashed)",
            figure: SystemFigures.fit(fitted: fittedSolution, guess: guessSolution, stateNames: stateNames, observations: observations),
            data: "observations"), at: 0)
        artifacts.figures.insert(NamedFigure(
            name: "loss", caption: "Loss (squared error at the observed points) per epoch",
            figure: SystemFigures.loss(result.history), data: "loss"), at: 1)
        artifacts.lossCurve = LossCurve(step: "epoch", quantity: "loss", values: result.history)
        artifacts.series.append(NumericTable(name: "loss", columns: ["epoch", "loss"],
                                             rows: result.history.enumerated().map { [Double($0.offset + 1), $0.element] }))
        var rows = [[String]]()
        let fitted = result.fitted.parameters
        for (index, name) in parameterNames.enumerated() {
            var row = [name, String(format: "%.6g", fit.initial[index]), String(format: "%.6g", fitted[index])]
            if let truth = fit.truth { row.append(truth[index].isNaN ? "—" : String(format: "%.6g", truth[index])) }
            rows.append(row)
        }
        artifacts.tables.insert(ResultTable(title: "Parameters", columns: ["parameter", "initial", "fitted"] + (fit.truth == nil ? [] : ["true"]),
                                            rows: rows), at: 0)
        artifacts.metrics.append(Metric("loss.initial", .real(result.history.first ?? result.finalLoss)))
        artifacts.metrics.append(Metric("loss.final", .real(result.finalLoss)))
        for (name, value) in zip(parameterNames, fitted) { artifacts.metrics.append(Metric("param.\(name)", .real(value))) }
        artifacts.metrics.append(Metric("epochs", .count(result.history.count)))
        artifacts.metrics.append(Metric("gradient_evaluations", .count(result.gradientEvaluations)))
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        artifacts.log.insert("fit: \(fit.method), lr = \(OptionValue.format(fit.learningRate)), \(result.history.count) epochs in \(String(format: "%.3f", seconds)) s; loss \(String(format: "%.6g", result.history.first ?? .nan)) → \(String(format: "%.6g", result.finalLoss))", at: 0)
        return artifacts
    }

    /// Draws and solves the ensemble's members and summarises them.
    private func solveEnsemble(_ ensemble: EnsembleOptions.Settings, monitor: RunMonitor) throws(BlockFailure) -> Artifacts {
        let draws = ensemble.draw()
        let solve = EnsembleSolve(field: field, settings: settings, times: EnsembleSolve<Field>.grid(settings), sharedStep: ensemble.sharedStep)
        let result: EnsembleResult
        do {
            result = try solve.solve(members: ensemble.members, initialStates: draws.initial, parameters: draws.parameters,
                                     shouldStop: { monitor.shouldStop },
                                     progress: { monitor.report(done: $0, total: ensemble.members, unit: "members") })
        } catch {
            throw BlockFailure(error.description(stateNames: stateNames))
        }
        var artifacts = EnsembleSummary(result: result, stateNames: stateNames)
            .artifacts(title: title, logValues: logAxes.contains("y"), sharedStep: ensemble.sharedStep)
        let statistics = result.statistics
        artifacts.metrics += [
            Metric("steps", .count(statistics.steps)),
            Metric("nfe", .count(statistics.functionEvaluations)),
            Metric("rejected", .count(statistics.rejected)),
        ]
        if isStiff { artifacts.metrics.append(Metric("jacobian_evaluations", .count(statistics.jacobianEvaluations))) }
        let drawn = zip(stateNames, ensemble.initial).filter { !$0.1.isFixed }.map { "\($0.0)(0) ~ \($0.1.summary)" }
            + zip(parameterNames, ensemble.parameters).filter { !$0.1.isFixed }.map { "\($0.0) ~ \($0.1.summary)" }
        artifacts.log.insert("\(settings.solverName): t = \(OptionValue.format(settings.startTime)) → \(OptionValue.format(settings.endTime)); seed \(ensemble.seed); drawn: "
                             + (drawn.isEmpty ? "nothing (every member the same)" : drawn.joined(separator: ", ")), at: 0)
        return artifacts
    }

    private func isFixedStep(_ family: SolveSettings.Family) -> Bool {
        if case .fixedStep = family { return true }
        return false
    }

    /// The same experiment with another field (the fitted model).
    init(copying other: SystemExperiment, field: Field) {
        self.field = field
        stateNames = other.stateNames
        initialState = other.initialState
        settings = other.settings
        // A fit draws its own figure of the observed states against time (fitted, guess and
        // observations); a time figure of the same states would repeat it.
        let observed = Set(other.observations?.columns.map(\.name) ?? [])
        figures = other.fit == nil ? other.figures
            : other.figures.filter { $0.kind != "time" || !Set($0.states).isSubset(of: observed) }
        logAxes = other.logAxes
        tabulatedRates = other.tabulatedRates
        equalAspect = other.equalAspect
        compare = other.compare
        observations = other.observations
        title = other.title
        parameterNames = other.parameterNames
        fit = nil
        ensemble = other.ensemble
        dataFile = other.dataFile
        awaitsData = other.awaitsData
    }

    /// Solves `field` and builds the figures, CSVs, metrics and log.
    func solveAndDescribe(_ field: Field, monitor: RunMonitor) throws(BlockFailure) -> Artifacts {
        let solution: Solution
        let atObservations: Solution?
        var finalState: [Double]
        do {
            // With output times that stop before t_end, one more point at t_end gives the final state.
            if let times = settings.outputTimes, times.last != settings.endTime {
                let extended = try settings.solve(field, initialState: initialState, at: times + [settings.endTime])
                finalState = Array(extended.finalState)
                let kept = extended.count - 1
                solution = Solution(dimension: extended.dimension, times: Array(extended.times.prefix(kept)),
                                    states: Array(extended.states.prefix(kept * extended.dimension)),
                                    stepIndices: Array(extended.stepIndices.prefix(kept)), statistics: extended.statistics)
            } else {
                solution = try settings.solve(field, initialState: initialState)
                finalState = Array(solution.finalState)
            }
            atObservations = try observations.map { observations throws(SolveFailure) in
                try settings.solve(field, initialState: initialState, at: observations.times)
            }
        } catch {
            throw BlockFailure(error.description(stateNames: stateNames))
        }
        var artifacts = Artifacts()
        var columns = (0..<stateNames.count).map { solution.component($0) }
        if !tabulatedRates.isEmpty {
            let computed = rates(of: solution)
            columns += tabulatedRates.map { computed[$0 + "'"]! }
        }
        artifacts.series.append(NumericTable(
            name: "", columns: ["t"] + stateNames + tabulatedRates.map { $0 + "'" },
            rows: (0..<solution.count).map { row in [solution.times[row]] + columns.map { $0[row] } }))
        let statistics = solution.statistics
        artifacts.metrics = zip(stateNames, finalState).map { Metric("final.\($0)", .real($1)) }
        artifacts.metrics += [
            Metric("steps", .count(statistics.steps)),
            Metric("nfe", .count(statistics.functionEvaluations)),
            Metric("rejected", .count(statistics.rejected)),
        ]
        if case .stiff = settings.family {
            artifacts.metrics.append(Metric("jacobian_evaluations", .count(statistics.jacobianEvaluations)))
        }
        if let observations, let atObservations {
            artifacts.series.append(NumericTable(
                name: "observations", columns: ["t"] + observations.columns.map(\.name),
                rows: observations.times.indices.map { row in
                    [observations.times[row]] + observations.columns.map { $0.values[row] ?? .nan }
                }))
            let comparison = ObservationComparison(observations: observations, computed: atObservations, stateNames: stateNames)
            artifacts.tables.append(comparison.table)
            artifacts.metrics.append(Metric("data.max_abs_error", .real(comparison.maxError)))
            artifacts.metrics.append(Metric("data.rmse", .real(comparison.rms)))
        }
        artifacts.log = logLines(solution, finalState: finalState)
        for request in figures {
            if request.kind == "time" {
                let several = figures.filter { $0.kind == "time" }.count > 1
                artifacts.figures.append(NamedFigure(
                    name: several ? "time-\(request.states.joined(separator: "-"))" : "time", caption: "\(request.states.joined(separator: ", ")) against time",
                    figure: SystemFigures.time(solution, stateNames: stateNames, shown: request.states, observations: observations,
                                               logTime: logAxes.contains("t"), logValues: logAxes.contains("y"), title: title),
                    data: ""))
            } else {
                // x' (a rate) is written x-rate in file names.
                let fileStates = request.states.map { $0.hasSuffix("'") ? $0.dropLast() + "-rate" : $0 }
                let name = figures.filter { $0.kind == "phase" }.count > 1 ? "phase-\(fileStates.joined(separator: "-"))" : "phase"
                artifacts.figures.append(NamedFigure(
                    name: name, caption: "Phase portrait: \(request.states[1]) against \(request.states[0])",
                    figure: SystemFigures.phase(solution, stateNames: stateNames, pair: request.states, observations: observations,
                                                // A rate has other units than its state: never equal.
                                                equalAspect: equalAspect && !request.states.contains { $0.hasSuffix("'") },
                                                values: { rates(of: solution)[$0] }),
                    data: ""))
            }
        }
        if !compare.isEmpty {
            let study = WorkPrecision(field: field, initialState: initialState, settings: settings, solvers: compare)
            let result = try study.run(monitor: monitor)
            artifacts.figures.append(NamedFigure(name: "work-precision", caption: "Work–precision: error against evaluations and time",
                                                 figure: result.figure))
            artifacts.tables.append(result.table)
            artifacts.series += result.series
            artifacts.log += result.log
        }
        return artifacts
    }

    private func logLines(_ solution: Solution, finalState: [Double]) -> [String] {
        let statistics = solution.statistics
        var lines = [String]()
        switch settings.family {
        case .fixedStep:
            lines.append("\(settings.solverName): h = \(OptionValue.format(settings.stepSize)), \(statistics.steps) steps from t = \(OptionValue.format(settings.startTime)) to \(OptionValue.format(settings.endTime))")
        case .adaptive, .stiff:
            let tolerances = settings.tolerances
            lines.append("\(settings.solverName): t = \(OptionValue.format(settings.startTime)) → \(OptionValue.format(settings.endTime)), rtol = \(tolerances.relative.map(OptionValue.format).joined(separator: ",")), atol = \(tolerances.absolute.map(OptionValue.format).joined(separator: ","))")
            lines.append("\(statistics.steps) steps: \(statistics.accepted) accepted, \(statistics.rejected) rejected")
            if statistics.jacobianEvaluations > 0 {
                lines.append("\(statistics.jacobianEvaluations) Jacobians, \(statistics.factorizations) LU factorisations")
            }
        }
        lines.append("\(statistics.functionEvaluations) evaluations of the vector field; \(solution.count) points saved")
        lines.append("final state at t = \(OptionValue.format(settings.endTime)): " + zip(stateNames, finalState).map { "\($0) = \($1)" }.joined(separator: ", "))
        return lines
    }
}
