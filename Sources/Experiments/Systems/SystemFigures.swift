import ODE
import Plot

/// The figures of an ODE solution: states against time, and a phase portrait.
enum SystemFigures {
    /// The chosen states against time, with observations as points.
    static func time(_ solution: Solution, stateNames: [String], shown: [String], observations: Observations?,
                     logTime: Bool, logValues: Bool, title: String) -> Figure {
        var series = [Series]()
        for (index, name) in shown.enumerated() {
            guard let component = stateNames.firstIndex(of: name) else { continue }
            let color = Color.palette[index % Color.palette.count]
            series.append(.line(name, x: solution.times, y: solution.component(component), color: color))
            if let observations, let values = observations.values(of: name) {
                let points = zip(observations.times, values).compactMap { t, v in v.map { (t, $0) } }
                series.append(.scatter("\(name) observed", x: points.map(\.0), y: points.map(\.1), color: color, size: 7))
            }
        }
        return Figure(title: title, panels: [
            Panel(x: Axis("t", scale: logTime ? .log : .linear), y: Axis(shown.count == 1 ? shown[0] : "state", scale: logValues ? .log : .linear),
                  series: series),
        ])
    }

    /// `pair[1]` against `pair[0]`, with the start marked and observations as points.
    static func phase(_ solution: Solution, stateNames: [String], pair: [String], observations: Observations?) -> Figure {
        let xIndex = stateNames.firstIndex(of: pair[0]) ?? 0, yIndex = stateNames.firstIndex(of: pair[1]) ?? 1
        let x = solution.component(xIndex), y = solution.component(yIndex)
        var series: [Series] = [
            .line("trajectory", x: x, y: y, color: Color.palette[2]),
            .scatter("start", x: [x[0]], y: [y[0]], color: Color.palette[3], marker: .square, size: 8),
        ]
        if let observations, let xs = observations.values(of: pair[0]), let ys = observations.values(of: pair[1]) {
            let points = zip(xs, ys).compactMap { a, b -> (Double, Double)? in
                guard let a, let b else { return nil }
                return (a, b)
            }
            series.append(.scatter("observed", x: points.map(\.0), y: points.map(\.1), color: Color.palette[4], size: 7))
        }
        return Figure(title: "Phase portrait", panels: [Panel(x: Axis(pair[0]), y: Axis(pair[1]), series: series)])
    }

    /// Observations with the fitted curves (solid) and the initial guess (dashed).
    static func fit(fitted: Solution, guess: Solution, stateNames: [String], observations: Observations) -> Figure {
        var series = [Series]()
        for (index, column) in observations.columns.enumerated() {
            guard let component = stateNames.firstIndex(of: column.name) else { continue }
            let color = Color.palette[index % Color.palette.count]
            series.append(.line("\(column.name) fitted", x: fitted.times, y: fitted.component(component), color: color))
            series.append(.line("\(column.name) initial guess", x: guess.times, y: guess.component(component), color: color, dash: .dashed, width: 1.25))
            let points = zip(observations.times, column.values).compactMap { t, v in v.map { (t, $0) } }
            series.append(.scatter("\(column.name) observed", x: points.map(\.0), y: points.map(\.1), color: color, size: 7))
        }
        return Figure(title: "Fit", panels: [Panel(x: Axis("t"), y: Axis("state"), series: series)])
    }

    /// The loss per epoch on a log scale.
    static func loss(_ history: [Double]) -> Figure {
        let epochs = (1...max(history.count, 1)).map(Double.init)
        return Figure(title: "Training loss", panels: [
            Panel(x: Axis("epoch"), y: Axis("loss", scale: .log),
                  series: [.line(nil, x: Array(epochs.prefix(history.count)), y: history, color: Color.palette[0])], legend: .none),
        ])
    }
}
