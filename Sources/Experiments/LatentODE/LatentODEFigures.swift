import NeuralODE
import Plot

/// The figures of a `{latent-ode}` block.
enum LatentODEFigures {
    static func component(_ values: [Double], _ i: Int, _ width: Int) -> [Double] {
        stride(from: i, to: values.count, by: width).map { values[$0] }
    }

    /// One panel per shown series, in the plane of its first two values.
    static func reconstructions(_ views: [LatentODEExperiment.SeriesView], axes: [String]) -> Figure {
        let width = views.first.map { $0.reconstruction.values.count / max($0.reconstruction.times.count, 1) } ?? 2
        let panels = views.map { view -> Panel in
            var series = [Series]()
            if let truth = view.truth {
                series.append(.line(view.observed.count * 2 < truth.count ? "whole series" : "true", x: component(truth, 0, 2), y: component(truth, 1, 2),
                                    color: Color(hex: 0xAAAAAA), width: 1))
            }
            series.append(.scatter("observed", x: view.observed.map { $0.values[0] }, y: view.observed.map { $0.values[1] },
                                   color: Color.palette[0], size: 4))
            series.append(.line("reconstruction", x: component(view.reconstruction.values, 0, width),
                                y: component(view.reconstruction.values, 1, width), color: Color.palette[1]))
            let after = view.forward.times.indices.filter { view.forward.times[$0] >= view.windowEnd }
            if !after.isEmpty { series.append(.line("extrapolation", x: after.map { view.forward.values[$0 * width] }, y: after.map { view.forward.values[$0 * width + 1] },
                                color: Color.palette[2], dash: .dashed)) }
            series.append(.line(nil, x: component(view.backward.values, 0, width), y: component(view.backward.values, 1, width),
                                color: Color.palette[2], dash: .dashed))
            let (xRange, yRange) = framed(view, width: width)
            return Panel(title: view.name, x: Axis(axes.first ?? "x", range: xRange), y: Axis(axes.count > 1 ? axes[1] : "y", range: yRange),
                         series: series, legend: view.index == 0 ? .best : .none)
        }
        let columns = min(2, panels.count), rows = (panels.count + columns - 1) / columns
        return Figure(title: "Reconstructions and extrapolations", panels: panels, columns: columns,
                      width: 420 * Double(columns), height: 340 * Double(rows) + 40)
    }

    /// One column per shown series, one row per value (at most two): each value against time, the
    /// seen points, the unseen ones, the reconstruction and the prediction.
    static func forecasts(_ views: [LatentODEExperiment.SeriesView], names: [String], title: String) -> Figure {
        let width = views.first.map { $0.forward.values.count / max($0.forward.times.count, 1) } ?? 1
        let rows = min(2, names.count), columns = min(2, max(views.count, 1))
        // Series side by side in pairs, each with its values stacked under one another.
        var panels = [Panel]()
        for first in stride(from: 0, to: views.count, by: columns) {
            for row in 0..<rows {
                for view in views[first..<min(first + columns, views.count)] {
                    panels.append(panel(view, value: row, name: names[row], width: width,
                                        title: row == 0 ? view.name : "", legend: row == rows - 1 && view.index == 0))
                }
            }
        }
        let bands = (views.count + columns - 1) / columns
        return Figure(title: title, panels: panels, columns: columns,
                      width: 420 * Double(columns), height: 250 * Double(rows * bands) + 40)
    }

    /// One value of one series against time: the seen points, the unseen ones, the reconstruction
    /// and the prediction.
    static func panel(_ view: LatentODEExperiment.SeriesView, value row: Int, name: String, width: Int, title: String, legend: Bool) -> Panel {
        var series = [Series]()
        series.append(.scatter("seen", x: view.observed.map(\.t), y: view.observed.map { $0.values[row] }, color: Color.palette[0], size: 4))
        if !view.unseen.isEmpty {
            series.append(.scatter("not seen", x: view.unseen.map(\.t), y: view.unseen.map { $0.values[row] }, color: Color(hex: 0x999999), size: 4))
        }
        let before = view.forward.times.indices.filter { view.forward.times[$0] <= view.windowEnd }
        let after = view.forward.times.indices.filter { view.forward.times[$0] >= view.windowEnd }
        series.append(.line("reconstruction", x: before.map { view.forward.times[$0] }, y: before.map { view.forward.values[$0 * width + row] },
                            color: Color.palette[1]))
        if after.count > 1 {
            series.append(.line("prediction", x: after.map { view.forward.times[$0] }, y: after.map { view.forward.values[$0 * width + row] },
                                color: Color.palette[2], dash: .dashed))
        }
        let data = (view.observed + view.unseen).map { $0.values[row] }
        var range: ClosedRange<Double>?
        if let low = data.min(), let high = data.max() {
            let span = max(high - low, 1e-12)
            let drawn = view.forward.values.enumerated().filter { $0.offset % width == row }.map(\.element)
            if drawn.contains(where: { $0 < low - 2 * span || $0 > high + 2 * span }) { range = (low - span)...(high + span) }
        }
        return Panel(title: title, x: Axis("t"), y: Axis(name, range: range), series: series, legend: legend ? .best : .none)
    }

    /// Fixed axis ranges when the model's paths run far outside the data, more than twice its span
    /// beyond it (an extrapolation off to infinity would otherwise shrink the data to a dot): the
    /// data's range widened by its span on each side. `nil` ranges (fit everything) otherwise.
    static func framed(_ view: LatentODEExperiment.SeriesView, width: Int) -> (ClosedRange<Double>?, ClosedRange<Double>?) {
        func range(_ values: [Double]) -> ClosedRange<Double>? {
            let finite = values.filter(\.isFinite)
            guard let low = finite.min(), let high = finite.max() else { return nil }
            return low...high
        }
        var result: [ClosedRange<Double>?] = [nil, nil]
        for axis in 0..<2 {
            let data = view.observed.map { $0.values[axis] } + (view.truth.map { component($0, axis, 2) } ?? [])
            let paths = [view.reconstruction.values, view.forward.values, view.backward.values].flatMap { component($0, axis, width) }
            guard let shown = range(data), let drawn = range(paths) else { continue }
            let span = max(shown.upperBound - shown.lowerBound, 1e-12)
            if drawn.lowerBound < shown.lowerBound - 2 * span || drawn.upperBound > shown.upperBound + 2 * span {
                result[axis] = (shown.lowerBound - span)...(shown.upperBound + span)
            }
        }
        return (result[0], result[1])
    }

    /// The negative ELBO per iteration on a log axis.
    static func loss(_ result: LatentODETraining.Result) -> Figure {
        let iterations = result.history.indices.map { Double($0 + 1) }
        let values = result.history.map(\.loss)
        let positive = values.allSatisfy { $0 > 0 }
        return Figure(title: "Training loss (negative ELBO)", panels: [Panel(x: Axis("iteration"), y: Axis("−ELBO", scale: positive ? .log : .linear),
                                                            series: RunningMean.series("−ELBO", x: iterations, y: values, color: Color.palette[0]))])
    }

    /// The first two latent coordinates of each shown series over the extended window.
    static func latents(_ views: [LatentODEExperiment.SeriesView], latentWidth: Int) -> Figure {
        let second = min(1, latentWidth - 1)
        var series = [Series]()
        for view in views {
            let color = Color.palette[view.index % Color.palette.count]
            let backward = view.backward.latents.chunked(latentWidth).reversed().flatMap { $0 }
            let latents = backward + view.forward.latents
            series.append(.line(view.name, x: component(latents, 0, latentWidth), y: component(latents, second, latentWidth), color: color))
            if view.forward.latents.count > second {
                series.append(.scatter(nil, x: [view.forward.latents[0]], y: [view.forward.latents[second]], color: color, marker: .square, size: 6))
            }
        }
        return Figure(title: "Latent trajectories", panels: [Panel(x: Axis("z1"), y: Axis(latentWidth > 1 ? "z2" : "z1"), series: series)])
    }
}

extension Array {
    /// Consecutive pieces of `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
