import Experiments
import Foundation
import Report

/// The text of progress reports: live bars, plain periodic lines and the line that ends a block.
/// Pure formatting, so that every shape can be tested without a terminal.
enum ProgressText {
    /// Cells of the bar drawn between the label and the counts.
    static let barCells = 20

    /// A live bar: `label ▕██████░░░░▏ 812/2000 iterations  41.3/s  ETA 29 s`, cut to `width`
    /// columns so that it never wraps (the display moves the cursor up by whole lines).
    /// In a narrow terminal the bar itself is left out before the counts are cut.
    static func bar(label: String, progress: RunMonitor.Progress?, elapsed: Double, width: Int) -> String {
        let numbers = "  " + counts(progress, elapsed: elapsed, separator: "  ")
        if let progress, let total = progress.total, total > 0 {
            let fraction = min(max(Double(progress.done) / Double(total), 0), 1)
            let filled = Int((fraction * Double(barCells)).rounded(.down))
            let drawn = label + " ▕" + String(repeating: "█", count: filled) + String(repeating: "░", count: barCells - filled) + "▏" + numbers
            if drawn.count <= width { return drawn }
        }
        return truncated(label + numbers, to: width)
    }

    /// A plain progress line for logs: `label: 812/2000 iterations (41%), 41.3/s, ETA 29 s`.
    static func line(label: String, progress: RunMonitor.Progress?, elapsed: Double) -> String {
        "\(label): " + counts(progress, elapsed: elapsed, separator: ", ")
    }

    /// The counts, rate, and time left (or time spent when the total is unknown); `elapsed` is the
    /// block's time so far, shown when it has reported no progress.
    static func counts(_ progress: RunMonitor.Progress?, elapsed: Double, separator: String) -> String {
        guard let progress, progress.done > 0 || progress.total != nil else {
            return "running" + separator + ReportFormat.duration(seconds: elapsed)
        }
        let elapsed = progress.seconds
        var parts = [String]()
        if let total = progress.total {
            let percent = total > 0 ? Int((100 * Double(progress.done) / Double(total)).rounded(.down)) : 100
            parts.append("\(progress.done)/\(total) \(progress.unit) (\(percent)%)")
        } else {
            parts.append("\(progress.done) \(progress.unit)")
        }
        let rate = elapsed > 0 ? Double(progress.done) / elapsed : 0
        if rate > 0 { parts.append(rateText(rate) + "/s") }
        if let total = progress.total, rate > 0, progress.done < total {
            parts.append("ETA " + ReportFormat.duration(seconds: Double(total - progress.done) / rate))
        } else {
            parts.append(ReportFormat.duration(seconds: elapsed))
        }
        return parts.joined(separator: separator)
    }

    /// A rate to about three digits, with k and M for large ones (`0.42`, `41.3`, `9600`, `12.5k`, `1.25M`).
    static func rateText(_ rate: Double) -> String {
        if rate >= 1e6 { return String(format: "%.2fM", rate / 1e6) }
        if rate >= 1e4 { return String(format: "%.1fk", rate / 1e3) }
        if rate >= 100 { return String(format: "%.0f", rate) }
        if rate >= 10 { return String(format: "%.1f", rate) }
        return String(format: "%.2f", rate)
    }

    /// `text` cut to at most `width` characters, ending in `…` when cut.
    static func truncated(_ text: String, to width: Int) -> String {
        guard width > 1, text.count > width else { return text }
        return String(text.prefix(width - 1)) + "…"
    }

    /// The line that ends a block: `experiments: competition {species} ok in 4 ms`, `… cached
    /// (ran in 4 ms)`, `… FAILED in 3 ms: message`, or `… stopped: reason`.
    static func ended(label: String, block: RenderedBlock) -> String {
        let time = ReportFormat.duration(seconds: block.seconds)
        if let failure = block.failure { return "\(label) FAILED in \(time): \(failure.message)" }
        return block.cached ? "\(label) cached (ran in \(time))" : "\(label) ok in \(time)"
    }
}
