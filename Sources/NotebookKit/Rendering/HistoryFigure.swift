import BlockResults
import Foundation
import Plot
import Report

/// A block's metrics over the last runs, from the run history: one small panel per metric, this
/// run's value last (at 0 runs ago). Drawn when the history holds at least two earlier values, so
/// that a panel has three points.
enum HistoryFigure {
    /// Runs (this one included) a metric needs before it is drawn.
    static let minimumRuns = 3
    /// The most panels one figure has.
    static let maximumPanels = 6

    /// The figure of `block` with `past` (metric name → earlier values, oldest first), its PNG
    /// bytes and the reference the report shows; `nil` when no metric has enough runs.
    static func draw(_ block: RenderedBlock, past: [String: [Double]], embedding: Bool) -> (reference: FigureReference, png: Data)? {
        var panels = [Panel]()
        var runs = 0
        for metric in block.metrics where !ReportFormat.isTimingName(metric.name) && metric.value.number.isFinite {
            let earlier = past[metric.name] ?? []
            guard earlier.count + 1 >= minimumRuns, panels.count < maximumPanels else { continue }
            let values = earlier + [metric.value.number]
            runs = max(runs, values.count)
            let x = (0..<values.count).map { Double($0 - values.count + 1) }
            panels.append(Panel(title: metric.name, x: Axis("runs ago", range: (-Double(HistoryRecorder.pastRuns) - 0.4)...0.4), y: Axis(""),
                                series: [.line(nil, x: x, y: values, color: Color(hex: 0x1F77B4)),
                                         .scatter(nil, x: x, y: values, color: Color(hex: 0x1F77B4), size: 4),
                                         .scatter("this run", x: [0], y: [metric.value.number], color: Color(hex: 0xD62728), size: 6)],
                                legend: .none))
        }
        guard !panels.isEmpty else { return nil }
        let columns = min(3, panels.count)
        let rows = (panels.count + columns - 1) / columns
        let figure = Figure(panels: panels, columns: columns, width: 640, height: Double(170 * rows))
        guard let png = try? CairoRenderer.pngData(figure) else { return nil }
        let path = "figures/\(block.id)-history.png"
        var reference = FigureReference(
            path: path, caption: "\(block.id): each metric over the last \(runs) runs (the red point is this run)",
            width: Int(figure.width), height: Int(figure.height))
        if embedding { reference.embeddedPNG = Data(png) }
        return (reference, Data(png))
    }
}
