import Foundation
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
        // The learned curves first, so that the truth is drawn on top of them.
        var learnedLines = [Series](), trueLines = [Series]()
        for (i, name) in stateNames.enumerated() {
            let color = Color.palette[i % Color.palette.count]
            learnedLines.append(.line("\(name) learned", x: data.times, y: component(learned, i), color: color, dash: .dashed))
            trueLines.append(.line("\(name) true", x: data.times, y: component(data.states, i), color: color))
        }
        return Figure(title: "Trajectories", panels: [Panel(x: Axis("t"), y: Axis(SystemFigures.valueLabel(stateNames)),
                                                            series: learnedLines + trueLines)])
    }

    /// The first two states against each other.
    func phase(learned: [Double]) -> Figure {
        Figure(title: "Phase portrait", panels: [phasePanel(learned: learned, title: nil)])
    }

    /// The true and the learned path in the plane of the first two states, the truth on top, one
    /// unit the same length on both axes; `ranges` fixes the axes (panels that share them).
    func phasePanel(learned: [Double], title: String?, ranges: (ClosedRange<Double>, ClosedRange<Double>)? = nil,
                    legend: LegendPlacement? = nil) -> Panel {
        Panel(title: title, x: Axis(stateNames[0], range: ranges?.0), y: Axis(stateNames[1], range: ranges?.1), series: [
            .line("learned", x: component(learned, 0), y: component(learned, 1), color: Color.palette[1], dash: .dashed),
            .line("true", x: component(data.states, 0), y: component(data.states, 1), color: Color.palette[0]),
        ], legend: legend ?? (title == nil ? .best : .none), equalAspect: true)
    }

    /// The range of `values` with the automatic axis margin.
    static func padded(_ values: [Double]) -> ClosedRange<Double>? {
        guard let range = Ticks.dataRange(values, scale: .linear), range.upperBound > range.lowerBound else { return nil }
        let margin = (range.upperBound - range.lowerBound) * Ticks.automaticMargin
        return (range.lowerBound - margin)...(range.upperBound + margin)
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

    /// The true and the learned field side by side, and the size of their difference: arrows of
    /// one length showing the direction everywhere, coloured by |f| in classes shared by the three
    /// panels (one legend, on the first), so that a weak field near the centre still shows its
    /// direction and the error compares with the field.
    func field(grid: [(Double, Double)], truth: [[Double]], learned: [[Double]]) -> Figure {
        let x = grid.map(\.0), y = grid.map(\.1)
        let trueSize = truth.map { hypot($0[0], $0[1]) }, learnedSize = learned.map { hypot($0[0], $0[1]) }
        let error = zip(truth, learned).map { hypot($0[0] - $1[0], $0[1] - $1[1]) }
        let classes = MagnitudeClasses(spanning: trueSize + learnedSize + error)
        let trueArrows = Series.directionField(x: x, y: y, u: truth.map { $0[0] }, v: truth.map { $0[1] }, classes: classes)
        let learnedArrows = Series.directionField(x: x, y: y, u: learned.map { $0[0] }, v: learned.map { $0[1] }, classes: classes)
        let errorSquares = Series.magnitudeSquares(x: x, y: y, values: error, classes: classes, labelPrefix: "")
        let path = Series.line(nil, x: component(data.states, 0), y: component(data.states, 1), color: Color(hex: 0x888888), width: 1)
        // Shared axes: the grid and a grid step around it (arrows are about one step long).
        func span(_ values: [Double]) -> ClosedRange<Double>? {
            guard let low = values.min(), let high = values.max(), high > low else { return nil }
            let step = (high - low) / max(Double(Set(values).count - 1), 1)
            return (low - step)...(high + step)
        }
        let xAxis = Axis(stateNames[0], range: span(x)), yAxis = Axis(stateNames[1], range: span(y))
        return Figure(title: "Vector fields: direction, coloured by |f|", panels: [
            Panel(title: "true", x: xAxis, y: yAxis, series: trueArrows + [path], legend: .best, equalAspect: true),
            Panel(title: "learned", x: xAxis, y: yAxis, series: learnedArrows + [path], legend: .none, equalAspect: true),
            Panel(title: "|true − learned| (same colours)", x: xAxis, y: yAxis, series: errorSquares + [path], legend: .none, equalAspect: true),
        ], columns: 3, width: 1200, height: 430)
    }

    /// A time-dependent true field at several moments, in classes of |f| shared by the panels.
    func fieldOverTime(grid: [(Double, Double)], moments: [(t: Double, field: [[Double]])]) -> Figure {
        let x = grid.map(\.0), y = grid.map(\.1)
        let classes = MagnitudeClasses(spanning: moments.flatMap { $0.field.map { hypot($0[0], $0[1]) } })
        let path = Series.line(nil, x: component(data.states, 0), y: component(data.states, 1), color: Color(hex: 0x888888), width: 1)
        let panels = moments.enumerated().map { index, moment in
            Panel(title: "t = " + String(format: "%.3g", moment.t), x: Axis(stateNames[0]), y: Axis(stateNames[1]),
                  series: Series.directionField(x: x, y: y, u: moment.field.map { $0[0] }, v: moment.field.map { $0[1] }, classes: classes) + [path],
                  legend: index == 0 ? .best : .none, equalAspect: true)
        }
        return Figure(title: "The true field over time, coloured by |f|", panels: panels, columns: panels.count, width: 1200, height: 430)
    }

    /// Phase portraits at the snapshot iterations, three per row.
    func snapshots(_ snapshots: [TrainingResult.Snapshot]) -> Figure {
        let columns = min(3, snapshots.count)
        let rows = (snapshots.count + columns - 1) / columns
        // Shared axes: every panel spans the truth and every snapshot, so the panels compare.
        let xs = component(data.states, 0) + snapshots.flatMap { component($0.states, 0) }
        let ys = component(data.states, 1) + snapshots.flatMap { component($0.states, 1) }
        let ranges = Self.padded(xs).flatMap { x in Self.padded(ys).map { (x, $0) } }
        return Figure(title: "Training snapshots",
                      // One legend, in the first panel.
                      panels: snapshots.enumerated().map { index, snapshot in
                          phasePanel(learned: snapshot.states, title: "iteration \(snapshot.iteration)", ranges: ranges,
                                     legend: index == 0 ? .best : LegendPlacement.none)
                      },
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
        return Figure(title: "Training loss", panels: [Panel(x: Axis("iteration"), y: Axis("mean absolute error", scale: .log), series: series)])
    }

    /// NFE per iteration, forward and backward.
    /// Function evaluations per iteration, forward and backward. With the adjoint, the backward
    /// pass of backpropagation through the same forward solve is drawn too (dashed): one
    /// vector–Jacobian product per forward evaluation, the cost the adjoint's claim is measured against.
    static func evaluations(_ result: TrainingResult, adjoint: Bool = false) -> Figure {
        let iterations = result.history.indices.map { Double($0 + 1) }
        let forward = result.history.map { Double($0.forwardEvaluations) }
        let backward = result.history.map { Double($0.backwardEvaluations) }
        var series = RunningMean.series("forward", x: iterations, y: forward, color: Color.palette[0])
        if adjoint {
            // Per iteration in all: the adjoint's forward and backward solves, against backprop
            // through the same forward solve (each forward evaluation once more as a VJP).
            series += RunningMean.series("adjoint, forward + backward", x: iterations, y: zip(forward, backward).map { $0 + $1 },
                                         color: Color.palette[1])
            series.append(.line("backprop, forward + backward (2 × forward)", x: iterations,
                                y: RunningMean.of(forward, window: RunningMean.window(for: forward.count)).map { 2 * $0 },
                                color: Color(hex: 0x555555), dash: .dashed, width: 1.5))
        } else {
            series += RunningMean.series("backward", x: iterations, y: backward, color: Color.palette[1])
        }
        // From zero, with room above the curves for the legend.
        let highest = result.history.map { Double(adjoint ? max(2 * $0.forwardEvaluations, $0.forwardEvaluations + $0.backwardEvaluations)
                                                           : max($0.forwardEvaluations, $0.backwardEvaluations)) }.max() ?? 1
        let yAxis = Axis("NFE per iteration", range: 0...(highest * 1.4))
        return Figure(title: "Function evaluations", panels: [Panel(x: Axis("iteration"), y: yAxis, series: series, legend: .upperRight)])
    }
}
