import NeuralODE
import Plot

/// The figures of a `{spiral}` block.
struct SpiralFigures {
    let stateNames: [String]
    let data: Trajectory

    var n: Int { stateNames.count }

    func component(_ states: [Double], _ i: Int) -> [Double] { stride(from: i, to: states.count, by: n).map { states[$0] } }

    /// Each state against time, true solid and learned dashed.
    func time(learned: [Double]) -> Figure {
        var series = [Series]()
        for (i, name) in stateNames.enumerated() {
            let color = Color.palette[i % Color.palette.count]
            series.append(.line("\(name) true", x: data.times, y: component(data.states, i), color: color))
            series.append(.line("\(name) learned", x: data.times, y: component(learned, i), color: color, dash: .dashed))
        }
        return Figure(title: "Trajectories", panels: [Panel(x: Axis("t"), y: Axis("state"), series: series)])
    }

    /// The first two states against each other.
    func phase(learned: [Double]) -> Figure {
        Figure(title: "Phase portrait", panels: [phasePanel(learned: learned, title: nil)])
    }

    func phasePanel(learned: [Double], title: String?) -> Panel {
        Panel(title: title, x: Axis(stateNames[0]), y: Axis(stateNames[1]), series: [
            .line("true", x: component(data.states, 0), y: component(data.states, 1), color: Color.palette[0]),
            .line("learned", x: component(learned, 0), y: component(learned, 1), color: Color.palette[1], dash: .dashed),
        ], legend: title == nil ? .best : .none, equalAspect: false)
    }

    /// A `side × side` grid over the data's bounding box (first two states), padded by 10%.
    func grid(side: Int) -> [(Double, Double)] {
        let xs = component(data.states, 0), ys = component(data.states, 1)
        func range(_ values: [Double]) -> (Double, Double) {
            let low = values.min() ?? -1, high = values.max() ?? 1
            let pad = max(high - low, 1e-3) * 0.1
            return (low - pad, high + pad)
        }
        let (x0, x1) = range(xs), (y0, y1) = range(ys)
        var points = [(Double, Double)]()
        for j in 0..<side {
            for i in 0..<side {
                points.append((x0 + (x1 - x0) * Double(i) / Double(side - 1), y0 + (y1 - y0) * Double(j) / Double(side - 1)))
            }
        }
        return points
    }

    /// The true and the learned field side by side, at the true field's arrow scale.
    func field(grid: [(Double, Double)], truth: [[Double]], learned: [[Double]]) -> Figure {
        let x = grid.map(\.0), y = grid.map(\.1)
        let trueArrows = Series.quiver(nil, x: x, y: y, u: truth.map { $0[0] }, v: truth.map { $0[1] }, color: Color.palette[0])
        let scale = trueArrows.arrowScale ?? 1
        let learnedArrows = Series.quiver(nil, x: x, y: y, u: learned.map { $0[0] }, v: learned.map { $0[1] }, color: Color.palette[1],
                                          scale: .fixed(scale))
        let path = Series.line(nil, x: component(data.states, 0), y: component(data.states, 1), color: Color(hex: 0x888888), width: 1)
        return Figure(title: "Vector fields", panels: [
            Panel(title: "true", x: Axis(stateNames[0]), y: Axis(stateNames[1]), series: [trueArrows, path], legend: .none),
            Panel(title: "learned", x: Axis(stateNames[0]), y: Axis(stateNames[1]), series: [learnedArrows, path], legend: .none),
        ], columns: 2, width: 900, height: 430)
    }

    /// Phase portraits at the snapshot iterations, three per row.
    func snapshots(_ snapshots: [TrainingResult.Snapshot]) -> Figure {
        let columns = min(3, snapshots.count)
        let rows = (snapshots.count + columns - 1) / columns
        return Figure(title: "Training snapshots",
                      panels: snapshots.map { phasePanel(learned: $0.states, title: "iteration \($0.iteration)") },
                      columns: columns, width: 300 * Double(columns), height: 260 * Double(rows) + 40)
    }

    /// Batch loss per iteration and the full-trajectory error at test iterations, log scale.
    static func loss(_ result: TrainingResult) -> Figure {
        let iterations = result.history.indices.map { Double($0 + 1) }
        var series = RunningMean.series("batch loss", x: iterations, y: result.history.map(\.loss), color: Color.palette[0])
        if !result.tests.isEmpty {
            series.append(Series(label: "full-trajectory error", x: result.tests.map { Double($0.iteration) },
                                 y: result.tests.map(\.meanAbsoluteError),
                                 style: .lineAndMarkers(width: 1.5, dash: .solid, marker: .circle, size: 5), color: Color.palette[1]))
        }
        return Figure(title: "Loss", panels: [Panel(x: Axis("iteration"), y: Axis("mean absolute error", scale: .log), series: series)])
    }

    /// NFE per iteration, forward and backward.
    static func evaluations(_ result: TrainingResult) -> Figure {
        let iterations = result.history.indices.map { Double($0 + 1) }
        let series = RunningMean.series("forward", x: iterations, y: result.history.map { Double($0.forwardEvaluations) }, color: Color.palette[0])
            + RunningMean.series("backward", x: iterations, y: result.history.map { Double($0.backwardEvaluations) }, color: Color.palette[1])
        return Figure(title: "Function evaluations", panels: [Panel(x: Axis("iteration"), y: Axis("NFE per iteration"), series: series)])
    }
}
