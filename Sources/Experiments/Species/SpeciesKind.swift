import Foundation
import ODE
import Plot

/// `{species}`: the two-species competition model of the seed articles, solved step by step with
/// an explicit Runge–Kutta recurrence (explicit Euler by default: the ODE read as an RNN), and
/// compared with observations when the block gives them.
public struct SpeciesKind: ExperimentKind {
    public static let name = "species"
    public static let summary = "the two-species competition model solved by a fixed-step recurrence (explicit Euler by default)"

    static let params = Option<[String: Double]>.numbers(
        "params", [("r1", 0.1), ("r2", 0.3), ("a1", 1e-4), ("a2", 2e-4), ("iN1", 0.002), ("iN2", 0.003)],
        "growth rates r, competition a, inverse capacities iN; keys left out keep their defaults")
    static let initial = Option<[String: Double]>.numbers(
        "initial", [("x1", 100), ("x2", 150)], "the populations at t_start")
    static let solver = Option<String>.choice(
        "solver", ButcherTableau.fixedStepMethods.map(\.name), default: "euler", "the fixed-step method")
    static let stepSize = Option<Double>.number("h", .positive, default: 0.1, "the step size")
    static let steps = Option<Int>.integer("steps", minimum: 1, default: 1000, "the number of steps")
    static let startTime = Option<Double>.number("t_start", default: 0, "the initial time")
    static let saveEvery = Option<Int>.integer("save_every", minimum: 1, default: 1, "keep every n-th step (and the last)")
    static let plot = Option<[String]>.choices("plot", ["time", "phase"], default: ["time", "phase"], "which figures to draw")
    static let data = Option<ColumnsValue?>.columns(
        "data", "observations {t: [...], x1: [...], x2: [...]} or {csv: path}, drawn and tabulated next to the solution")

    public static let options: [OptionSpec] = [
        params.spec, initial.spec, solver.spec, stepSize.spec, steps.spec, startTime.spec, saveEvery.spec, plot.spec, data.spec,
    ]

    /// The state names, in order.
    static let states = ["x1", "x2"]

    let model: CompetitionModel
    let initialState: [Double]
    let solverConfiguration: FixedStepSolver
    let startTimeValue: Double
    let figures: [String]
    let observations: Observations?
    let observationSteps: [Int]

    /// Checks the options together and loads the observations.
    public init(options: ResolvedOptions, context: BlockContext) throws(OptionError) {
        let p = options[Self.params]
        model = CompetitionModel(r1: p["r1"]!, r2: p["r2"]!, a1: p["a1"]!, a2: p["a2"]!, iN1: p["iN1"]!, iN2: p["iN2"]!)
        let x0 = options[Self.initial]
        initialState = Self.states.map { x0[$0]! }
        let tableau = ButcherTableau.fixedStep(named: options[Self.solver]) ?? .euler
        let h = options[Self.stepSize], stepCount = options[Self.steps]
        solverConfiguration = FixedStepSolver(tableau: tableau, stepSize: h, steps: stepCount, saving: .every(options[Self.saveEvery]))
        startTimeValue = options[Self.startTime]
        figures = options[Self.plot]
        if let columns = options[Self.data] {
            let line = options.line(of: Self.data.name)
            let loaded = try Observations.load(columns, states: Self.states, option: Self.data.name, line: line,
                                               relativeTo: context.notebookDirectory)
            var indices = [Int]()
            for time in loaded.times {
                let exact = (time - startTimeValue) / h
                let index = exact.rounded()
                guard abs(exact - index) <= 1e-9 * max(1, abs(exact)), index >= 0, Int(index) <= stepCount else {
                    throw OptionError(
                        "'data': observation time \(OptionValue.format(time)) is not a step of the solve (t_start = \(OptionValue.format(startTimeValue)), h = \(OptionValue.format(h)), \(stepCount) steps)",
                        at: SourcePosition(line: line))
                }
                indices.append(Int(index))
            }
            observations = loaded
            observationSteps = indices
        } else {
            observations = nil
            observationSteps = []
        }
    }

    /// Solves the model and builds the figures, tables, CSVs and metrics.
    public func run() throws(BlockFailure) -> Artifacts {
        let solution: Solution
        let atObservations: Solution?
        do {
            solution = try solverConfiguration.solve(model, initialState: initialState, startTime: startTimeValue)
            atObservations = observations == nil ? nil : try FixedStepSolver(
                tableau: solverConfiguration.tableau, stepSize: solverConfiguration.stepSize,
                steps: solverConfiguration.steps, saving: .steps(observationSteps)
            ).solve(model, initialState: initialState, startTime: startTimeValue)
        } catch {
            throw BlockFailure(error.description(stateNames: Self.states))
        }
        var artifacts = Artifacts()
        let x1 = solution.component(0), x2 = solution.component(1)
        artifacts.series.append(NumericTable(
            name: "", columns: ["t"] + Self.states,
            rows: (0..<solution.count).map { [solution.times[$0], x1[$0], x2[$0]] }))
        if let observations {
            artifacts.series.append(NumericTable(
                name: "observations", columns: ["t"] + observations.columns.map(\.name),
                rows: observations.times.indices.map { row in
                    [observations.times[row]] + observations.columns.map { $0.values[row] ?? .nan }
                }))
        }
        let statistics = solution.statistics
        let final = solution.finalState
        artifacts.metrics = [
            Metric("final.x1", .real(final[final.startIndex])),
            Metric("final.x2", .real(final[final.startIndex + 1])),
            Metric("steps", .count(statistics.steps)),
            Metric("nfe", .count(statistics.functionEvaluations)),
        ]
        if let observations, let atObservations {
            let comparison = Self.comparison(observations, computed: atObservations)
            artifacts.tables.append(comparison.table)
            artifacts.metrics.append(Metric("data.max_abs_error", .real(comparison.maxError)))
            artifacts.metrics.append(Metric("data.rmse", .real(comparison.rms)))
        }
        let tEnd = solution.times.last ?? startTimeValue
        artifacts.log = [
            "\(solverConfiguration.tableau.name): h = \(OptionValue.format(solverConfiguration.stepSize)), "
                + "\(statistics.steps) steps from t = \(OptionValue.format(startTimeValue)) to \(OptionValue.format(tEnd))",
            "\(statistics.functionEvaluations) evaluations of the vector field; \(solution.count) points saved",
            "final state: x1 = \(final[final.startIndex]), x2 = \(final[final.startIndex + 1])",
        ]
        for name in figures {
            if name == "time" {
                artifacts.figures.append(NamedFigure(
                    name: "time", caption: "Both populations against time",
                    figure: Self.timeFigure(solution, observations: observations)))
            } else if name == "phase" {
                artifacts.figures.append(NamedFigure(
                    name: "phase", caption: "Phase portrait: x2 against x1",
                    figure: Self.phaseFigure(solution, observations: observations)))
            }
        }
        return artifacts
    }

    static func comparison(_ observations: Observations, computed: Solution) -> (table: ResultTable, maxError: Double, rms: Double) {
        var columns = ["t"]
        for column in observations.columns { columns += ["\(column.name) observed", "\(column.name) computed"] }
        var rows = [[String]]()
        var maxError = 0.0, squares = 0.0, count = 0
        for (row, time) in observations.times.enumerated() {
            let state = computed.state(at: row)
            var cells = [OptionValue.format(time)]
            for column in observations.columns {
                let index = states.firstIndex(of: column.name)!
                let value = state[state.startIndex + index]
                if let observed = column.values[row] {
                    cells.append(OptionValue.format(observed))
                    let error = abs(value - observed)
                    maxError = max(maxError, error)
                    squares += error * error
                    count += 1
                } else {
                    cells.append("—")
                }
                cells.append(String(format: "%.4f", value))
            }
            rows.append(cells)
        }
        let table = ResultTable(title: "Observations next to the computed solution", columns: columns, rows: rows)
        return (table, maxError, count > 0 ? (squares / Double(count)).squareRoot() : 0)
    }

    static func observedSeries(_ observations: Observations?, x: (Observations) -> [Double?], y: (Observations) -> [Double?]?,
                               label: String, color: Color) -> [Series] {
        guard let observations, let ys = y(observations) else { return [] }
        let xs = x(observations)
        let pairs = zip(xs, ys).compactMap { a, b -> (Double, Double)? in
            guard let a, let b else { return nil }
            return (a, b)
        }
        return [.scatter(label, x: pairs.map(\.0), y: pairs.map(\.1), color: color, marker: .circle, size: 7)]
    }

    static func timeFigure(_ solution: Solution, observations: Observations?) -> Figure {
        let colors = Color.palette
        var series: [Series] = [
            .line("x1", x: solution.times, y: solution.component(0), color: colors[0]),
            .line("x2", x: solution.times, y: solution.component(1), color: colors[1]),
        ]
        series += observedSeries(observations, x: { $0.times.map { $0 } }, y: { $0.values(of: "x1") }, label: "x1 observed", color: colors[0])
        series += observedSeries(observations, x: { $0.times.map { $0 } }, y: { $0.values(of: "x2") }, label: "x2 observed", color: colors[1])
        return Figure(title: "Competition model", panels: [
            Panel(x: Axis("t"), y: Axis("population"), series: series),
        ])
    }

    static func phaseFigure(_ solution: Solution, observations: Observations?) -> Figure {
        let colors = Color.palette
        let x1 = solution.component(0), x2 = solution.component(1)
        var series: [Series] = [
            .line("trajectory", x: x1, y: x2, color: colors[2]),
            .scatter("start", x: [x1[0]], y: [x2[0]], color: colors[3], marker: .square, size: 8),
        ]
        series += observedSeries(observations, x: { $0.values(of: "x1") ?? [] }, y: { $0.values(of: "x2") }, label: "observed", color: colors[4])
        return Figure(title: "Phase portrait", panels: [
            Panel(x: Axis("x1"), y: Axis("x2"), series: series),
        ])
    }
}
