import BatchSolvers
import BlockResults
import Dispatch
import Foundation
import ODE
import Plot

/// What a solved ensemble shows: quantiles over time per state, a few members' trajectories, the
/// distribution of the final states, and their statistics.
struct EnsembleSummary {
    /// The quantiles drawn and tabulated, as fractions.
    static let levels: [(label: String, fraction: Double)] = [("q05", 0.05), ("q25", 0.25), ("q50", 0.5), ("q75", 0.75), ("q95", 0.95)]
    /// Trajectories drawn thin behind the bands.
    static let sampleCount = 20
    /// The statistics each state's final value reports, in the order of `metricNames`.
    static let finalStatistics = ["mean", "std", "q05", "q95"]

    /// The metrics an ensemble run reports, known from its states.
    static func metricNames(states: [String]) -> [String] {
        ["ensemble.members"] + states.flatMap { state in finalStatistics.map { "final.\(state).\($0)" } }
    }

    /// The solved members.
    let result: EnsembleResult
    /// The states' names.
    let stateNames: [String]

    /// The quantile of sorted `values` at `fraction` (linear interpolation between order
    /// statistics, numpy's default); NaN for no values.
    static func quantile(sorted values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let position = fraction * Double(values.count - 1)
        let below = Int(position.rounded(.down)), above = min(below + 1, values.count - 1)
        let weight = position - Double(below)
        return weight == 0 ? values[below] : values[below] + (values[above] - values[below]) * weight
    }

    /// Per state, level and output time, the quantile over the members' finite values:
    /// `[state][level][time]`. The output times are shared out over the cores.
    func quantiles() -> [[[Double]]] {
        let fractions = Self.levels.map(\.fraction)
        let times = result.times.count, states = result.states, members = result.members
        let columns = times * states
        let buffer = WorkerResults(count: columns * fractions.count, workers: 1, filling: .nan)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, columns))
        let result = self.result
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let column = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(members, 1))
            defer { column.deallocate() }
            var levels = [Double](repeating: .nan, count: fractions.count)
            for index in (columns * worker / workers)..<(columns * (worker + 1) / workers) {
                let k = index / states, i = index % states
                var count = 0
                result.values.withUnsafeBufferPointer { values in
                    for member in 0..<members {
                        let value = values[(member * times + k) * states + i]
                        if value.isFinite {
                            column[count] = value
                            count += 1
                        }
                    }
                }
                levels.withUnsafeMutableBufferPointer { levels in
                    OrderStatistics.quantiles(UnsafeMutableBufferPointer(rebasing: column[0..<count]), fractions: fractions,
                                              into: levels.baseAddress!)
                }
                buffer.store(levels, at: index * fractions.count)
            }
        }
        let output = buffer.values()
        return (0..<states).map { i in
            fractions.indices.map { level in (0..<times).map { k in output[(k * states + i) * fractions.count + level] } }
        }
    }

    /// The artifacts: the quantile and final-state tables, the band and histogram figures, the
    /// metrics (`metricNames`, then the work) and the log.
    func artifacts(title: String, logValues: Bool, sharedStep: Bool) -> Artifacts {
        var artifacts = Artifacts()
        let bands = quantiles()
        let times = result.times
        let levels = Self.levels
        artifacts.series.append(NumericTable(
            name: "quantiles", columns: ["t"] + stateNames.flatMap { state in levels.map { "\(state).\($0.label)" } },
            rows: times.indices.map { k in [times[k]] + stateNames.indices.flatMap { i in levels.indices.map { bands[i][$0][k] } } }))
        let finals = stateNames.indices.map { result.finalValues(state: $0) }
        artifacts.series.append(NumericTable(
            name: "final", columns: ["member"] + stateNames,
            rows: (0..<result.members).map { member in [Double(member + 1)] + finals.map { $0[member] } }))
        artifacts.metrics.append(Metric("ensemble.members", .count(result.members)))
        var statistics = [[Double]]()
        for (i, name) in stateNames.enumerated() {
            let values = finals[i].filter(\.isFinite).sorted()
            let mean = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
            let variance = values.count < 2 ? 0 : values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
            let row = [mean, variance.squareRoot(), Self.quantile(sorted: values, 0.05), Self.quantile(sorted: values, 0.95)]
            statistics.append(row)
            for (statistic, value) in zip(Self.finalStatistics, row) { artifacts.metrics.append(Metric("final.\(name).\(statistic)", .real(value))) }
        }
        artifacts.tables.append(ResultTable(
            title: "Final states over \(result.members) members", columns: ["state", "mean", "std", "5%", "95%"],
            rows: stateNames.indices.map { i in [stateNames[i]] + statistics[i].map { String(format: "%.6g", $0) } }))
        artifacts.figures.append(NamedFigure(
            name: "ensemble", caption: "Median, 25–75% and 5–95% bands over \(result.members) members, with \(min(Self.sampleCount, result.members)) members drawn thin",
            figure: bandFigure(bands, title: title, logValues: logValues), data: "quantiles"))
        artifacts.figures.append(NamedFigure(
            name: "final-histogram", caption: "Distribution of the final states over \(result.members) members",
            figure: histogramFigure(finals), data: "final"))
        artifacts.log.append("ensemble: \(result.members) members, \(sharedStep ? "one shared step" : "each with its own steps"), \(times.count) output times")
        artifacts.log.append(result.statistics.steps > 0
            ? "\(result.statistics.steps) steps, \(result.statistics.rejected) rejected, \(result.statistics.functionEvaluations) evaluations of the vector field"
            + (sharedStep ? " (of the whole ensemble)" : " (summed over the members)")
            : "\(result.statistics.functionEvaluations) evaluations of the vector field")
        artifacts.log.append("final states: " + stateNames.indices.map { i in
            "\(stateNames[i]) mean \(String(format: "%.6g", statistics[i][0])), std \(String(format: "%.6g", statistics[i][1]))"
        }.joined(separator: "; "))
        return artifacts
    }

    /// One panel per state: the 5–95% and 25–75% bands, a few members thin, the median on top.
    private func bandFigure(_ bands: [[[Double]]], title: String, logValues: Bool) -> Figure {
        let times = result.times
        let panels = stateNames.enumerated().map { i, name in
            let color = Color.palette[i % Color.palette.count]
            var series = [Series]()
            series.append(.band("5–95%", x: times, lower: bands[i][0], upper: bands[i][4], color: color, opacity: 0.18))
            series.append(.band("25–75%", x: times, lower: bands[i][1], upper: bands[i][3], color: color, opacity: 0.35))
            for member in 0..<min(Self.sampleCount, result.members) {
                series.append(.line(nil, x: times, y: result.trajectory(member: member, state: i),
                                    color: Color(red: 0.35, green: 0.35, blue: 0.35, alpha: 0.45), width: 0.6))
            }
            series.append(.line("median", x: times, y: bands[i][2], color: color, width: 2))
            return Panel(title: name, x: Axis("t"), y: Axis(name, scale: logValues ? .log : .linear), series: series)
        }
        let columns = min(panels.count, 2)
        let rows = (panels.count + columns - 1) / max(columns, 1)
        return Figure(title: title, panels: panels, columns: columns, width: columns == 1 ? 640 : 960,
                      height: 360 * Double(max(rows, 1)) + 60)
    }

    /// One panel per state: a histogram of the members' final values.
    private func histogramFigure(_ finals: [[Double]]) -> Figure {
        let panels = stateNames.enumerated().map { i, name in
            let values = finals[i].filter(\.isFinite)
            let (edges, counts) = Self.histogram(values)
            // Bars as one band over a step curve: each bin's count held from its left to its right edge.
            var x = [Double](), upper = [Double]()
            for (bin, count) in counts.enumerated() {
                x += [edges[bin], edges[bin + 1]]
                upper += [Double(count), Double(count)]
            }
            let color = Color.palette[i % Color.palette.count]
            return Panel(title: "final \(name)", x: Axis(name), y: Axis("members"), series: [
                .band(nil, x: x, lower: [Double](repeating: 0, count: x.count), upper: upper, color: color, opacity: 0.45),
                .line(nil, x: x, y: upper, color: color, width: 1.2),
            ], legend: .none)
        }
        let columns = min(panels.count, 2)
        let rows = (panels.count + columns - 1) / max(columns, 1)
        return Figure(panels: panels, columns: columns, width: columns == 1 ? 640 : 960, height: 320 * Double(max(rows, 1)))
    }

    /// Bin edges and counts of `values`: about √n bins (10 to 50) over their range; one bin of
    /// width 1 around a single value.
    static func histogram(_ values: [Double]) -> (edges: [Double], counts: [Int]) {
        guard let low = values.min(), let high = values.max() else { return ([0, 1], [0]) }
        let bins = min(50, max(10, Int(Double(values.count).squareRoot())))
        let width = (high - low) / Double(bins)
        // A range too narrow or too wide for the arithmetic is one bin.
        guard high > low, width > 0, width.isFinite else { return ([low - 0.5, low + 0.5], [values.count]) }
        var counts = [Int](repeating: 0, count: bins)
        for value in values {
            let position = (value - low) / width
            let bin = position.isFinite ? Int(min(max(position, 0), Double(bins - 1))) : bins - 1
            counts[bin] += 1
        }
        return ((0...bins).map { low + width * Double($0) }, counts)
    }
}
