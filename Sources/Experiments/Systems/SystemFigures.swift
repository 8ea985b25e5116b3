import ODE
import Plot

/// The figures of an ODE solution: states against time, and a phase portrait.
enum SystemFigures {
    /// The chosen states against time, with observations as points.
    static func time(_ solution: Solution, stateNames: [String], shown: [String], observations: Observations?,
                     logTime: Bool, logValues: Bool, title: String) -> Figure {
        var lines = [Series](), markers = [Series]()
        for (index, name) in shown.enumerated() {
            guard let component = stateNames.firstIndex(of: name) else { continue }
            let color = Color.palette[index % Color.palette.count]
            lines.append(.line(name, x: solution.times, y: solution.component(component), color: color))
            if let observations, let values = observations.values(of: name) {
                let points = zip(observations.times, values).compactMap { t, v in v.map { (t, $0) } }
                markers.append(.scatter("\(name) observed", x: points.map(\.0), y: points.map(\.1), color: color, size: 7))
            }
        }
        // Markers on top of every line.
        return Figure(title: title, panels: [
            Panel(x: Axis("t", scale: logTime ? .log : .linear), y: Axis(valueLabel(shown), scale: logValues ? .log : .linear),
                  series: lines + markers),
        ])
    }

    /// The y-axis title of a figure of `states` against time: the quantity's name (`x`, or
    /// `x1, x2`), "state" only for more than three.
    static func valueLabel(_ states: [String]) -> String {
        states.count <= 3 ? states.joined(separator: ", ") : "state"
    }

    /// `pair[1]` against `pair[0]`, with the start marked and observations as points.
    /// A name that is not a state (a rate, `x'`) is looked up in `values`.
    static func phase(_ solution: Solution, stateNames: [String], pair: [String], observations: Observations?,
                      equalAspect: Bool = false, values: (String) -> [Double]? = { _ in nil }) -> Figure {
        func component(_ name: String, fallback: Int) -> [Double] {
            if let index = stateNames.firstIndex(of: name) { return solution.component(index) }
            return values(name) ?? solution.component(fallback)
        }
        let x = component(pair[0], fallback: 0), y = component(pair[1], fallback: 1)
        var series: [Series] = [.line("trajectory", x: x, y: y, color: Color.palette[2])]
        if let observations, let xs = observations.values(of: pair[0]), let ys = observations.values(of: pair[1]) {
            let points = zip(xs, ys).compactMap { a, b -> (Double, Double)? in
                guard let a, let b else { return nil }
                return (a, b)
            }
            series.append(.scatter("observed", x: points.map(\.0), y: points.map(\.1), color: Color.palette[4], size: 7))
        }
        // The start last, so that an observation at the start does not hide it.
        series.append(.scatter("start", x: [x[0]], y: [y[0]], color: Color.palette[3], marker: .square, size: 8))
        return Figure(title: "Phase portrait", panels: [Panel(x: Axis(pair[0]), y: Axis(pair[1]), series: series, equalAspect: equalAspect)])
    }

    /// Observations with the fitted curves (solid) and the initial guess (dashed).
    static func fit(fitted: Solution, guess: Solution, stateNames: [String], observations: Observations) -> Figure {
        var lines = [Series](), markers = [Series](), shownValues = [Double]()
        for (index, column) in observations.columns.enumerated() {
            guard let component = stateNames.firstIndex(of: column.name) else { continue }
            let color = Color.palette[index % Color.palette.count]
            lines.append(.line("\(column.name) fitted", x: fitted.times, y: fitted.component(component), color: color))
            lines.append(.line("\(column.name) initial guess", x: guess.times, y: guess.component(component), color: color, dash: .dashed, width: 1.25))
            let points = zip(observations.times, column.values).compactMap { t, v in v.map { (t, $0) } }
            markers.append(.scatter("\(column.name) observed", x: points.map(\.0), y: points.map(\.1), color: color, size: 7))
            shownValues += fitted.component(component) + points.map(\.1)
        }
        // The axis fits the observations and the fit; an initial guess far off runs out of the frame
        // instead of squeezing them.
        var range: ClosedRange<Double>?
        if let data = Ticks.dataRange(shownValues, scale: .linear), data.upperBound > data.lowerBound {
            let margin = (data.upperBound - data.lowerBound) * Ticks.automaticMargin
            range = (data.lowerBound - margin)...(data.upperBound + margin)
        }
        let states = observations.columns.map(\.name).filter { stateNames.contains($0) }
        return Figure(title: "Fit", panels: [Panel(x: Axis("t"), y: Axis(valueLabel(states), range: range), series: lines + markers)])
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
