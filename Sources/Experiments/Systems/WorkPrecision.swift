import BlockResults
import Foundation
import ODE
import Plot

/// A work–precision study: each solver over a range of tolerances (adaptive) or step counts
/// (fixed-step), its error at the final time against a tight reference, plotted against the
/// function evaluations and the time it cost, log–log (the diagram of DifferentialEquations.jl's
/// benchmarks).
struct WorkPrecision<Field: JacobianField>: Sendable {
    let field: Field
    let initialState: [Double]
    let settings: SolveSettings
    let solvers: [String]

    struct Result {
        var figure: Figure
        var table: ResultTable
        var series: [NumericTable]
        var log: [String]
    }

    /// One solve of the study.
    struct Point {
        var setting: Double
        var error: Double
        var evaluations: Int
        var seconds: Double
    }

    /// Runs the study, reporting each solver's turn to `monitor` and stopping between solvers when it says so.
    func run(monitor: RunMonitor) throws(BlockFailure) -> Result {
        let reference: [Double]
        do {
            reference = try referenceFinalState()
        } catch {
            throw BlockFailure("the work–precision reference solve failed: \(error.description)")
        }
        var errorPanel = [Series](), timePanel = [Series]()
        var rows = [[String]]()
        var tables = [NumericTable]()
        var log = ["reference: final state \(reference.map { String($0) }.joined(separator: ", ")) (tight-tolerance solve)"]
        for (index, name) in solvers.enumerated() {
            guard monitor.report(done: index, total: solvers.count, unit: "solvers") else {
                throw BlockFailure("the work–precision study stopped before \(name)")
            }
            guard let family = SolveSettings.family(of: name) else { continue }
            let points = study(family, reference: reference)
            let (color, style) = SolverLook.of(name)
            errorPanel.append(Series(label: name, x: points.map { Double($0.evaluations) }, y: points.map(\.error), style: style, color: color))
            timePanel.append(Series(label: name, x: points.map(\.seconds), y: points.map(\.error), style: style, color: color))
            tables.append(NumericTable(name: "work-precision-\(name)", columns: ["setting", "error", "nfe", "seconds"],
                                       rows: points.map { [$0.setting, $0.error, Double($0.evaluations), $0.seconds] }))
            for point in points {
                rows.append([name, OptionValue.format(point.setting), String(format: "%.3e", point.error), String(point.evaluations),
                             String(format: "%.3e", point.seconds)])
            }
            if points.isEmpty { log.append("\(name): no run of the study succeeded") }
        }
        let figure = Figure(title: "Work–precision", panels: [
            Panel(x: Axis("function evaluations", scale: .log), y: Axis("relative error at t_end", scale: .log), series: errorPanel),
            Panel(x: Axis("seconds", scale: .log), y: Axis("relative error at t_end", scale: .log), series: timePanel, legend: .none),
        ], width: 860, height: 400)
        let table = ResultTable(title: "Work–precision (setting: rtol = atol for adaptive solvers, number of steps for fixed-step ones)",
                                columns: ["solver", "setting", "error", "nfe", "seconds"], rows: rows)
        return Result(figure: figure, table: table, series: tables, log: log)
    }

    /// A solve far tighter than any of the study: DOP853 at rtol 1e-13, or, when that gives up
    /// (a stiff problem), Rodas4 at rtol 1e-12.
    private func referenceFinalState() throws(SolveFailure) -> [Double] {
        var controller = StepSizeController(rtol: 1e-13, atol: 1e-15)
        controller.maximumSteps = 200_000
        do {
            return Array(try AdaptiveSolver(tableau: .dop853, controller: controller)
                .solve(field, initialState: initialState, from: settings.startTime, to: settings.endTime, saveAt: .final).finalState)
        } catch {
            controller.tolerances = Tolerances(relative: 1e-12, absolute: 1e-14)
            controller.maximumSteps = 2_000_000
            return Array(try RosenbrockSolver(controller: controller)
                .solve(field, initialState: initialState, from: settings.startTime, to: settings.endTime, saveAt: .final).finalState)
        }
    }

    private func study(_ family: SolveSettings.Family, reference: [Double]) -> [Point] {
        var points = [Point]()
        let span = settings.endTime - settings.startTime
        switch family {
        case let .fixedStep(tableau):
            for exponent in 4...13 {
                let steps = 1 << exponent
                let solver = FixedStepSolver(tableau: tableau, stepSize: span / Double(steps), steps: steps, saving: .stepIndices([steps]))
                if let point = timed(setting: Double(steps), { () throws(SolveFailure) in try solver.solve(field, initialState: initialState, startTime: settings.startTime) }, reference: reference) {
                    points.append(point)
                }
            }
        case let .adaptive(tableau):
            for exponent in 3...11 {
                var controller = settings.controller
                controller.tolerances = Tolerances(relative: pow(10, -Double(exponent)), absolute: pow(10, -Double(exponent)))
                let solver = AdaptiveSolver(tableau: tableau, controller: controller)
                if let point = timed(setting: pow(10, -Double(exponent)), { () throws(SolveFailure) in
                    try solver.solve(field, initialState: initialState, from: settings.startTime, to: settings.endTime, saveAt: .final)
                }, reference: reference) {
                    points.append(point)
                }
            }
        case let .stiff(method):
            for exponent in 3...10 {
                var controller = settings.controller
                controller.tolerances = Tolerances(relative: pow(10, -Double(exponent)), absolute: pow(10, -Double(exponent)))
                let solver = RosenbrockSolver(method: method, controller: controller)
                if let point = timed(setting: pow(10, -Double(exponent)), { () throws(SolveFailure) in
                    try solver.solve(field, initialState: initialState, from: settings.startTime, to: settings.endTime, saveAt: .final)
                }, reference: reference) {
                    points.append(point)
                }
            }
        }
        return points
    }

    /// Runs `solve` a few times (at least 3, or 20 ms), taking the fastest; `nil` when it fails.
    private func timed(setting: Double, _ solve: () throws(SolveFailure) -> Solution, reference: [Double]) -> Point? {
        let clock = ContinuousClock()
        var best = Double.infinity
        var solution: Solution?
        var total = 0.0, runs = 0
        while runs < 3 || (total < 0.02 && runs < 50) {
            let start = clock.now
            do { solution = try solve() } catch { return nil }
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            best = min(best, seconds)
            total += seconds
            runs += 1
        }
        guard let solution else { return nil }
        // Relative error of the whole final state: ‖y − y_ref‖ / ‖y_ref‖ (components near zero
        // do not blow it up).
        var difference = 0.0, size = 0.0
        for (value, target) in zip(solution.finalState, reference) {
            difference += (value - target) * (value - target)
            size += target * target
        }
        let error = difference.squareRoot() / max(size.squareRoot(), 1e-300)
        guard error.isFinite else { return nil }
        return Point(setting: setting, error: max(error, 1e-17), evaluations: solution.statistics.functionEvaluations, seconds: best)
    }
}
