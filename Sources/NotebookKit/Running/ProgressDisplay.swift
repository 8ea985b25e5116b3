import Dispatch
import Experiments
import Foundation

/// Shows a run's progress on standard error, as docs/format.md §1 asks: on a terminal a live bar per
/// running block, redrawn in place, with a line above the bars as each block ends; elsewhere
/// plain lines, at most one every `interval` seconds per block, and the end lines; with
/// `--quiet` nothing but errors.
///
/// Every write goes through one serial queue, so lines from the workers, the run's coordinator
/// and the redraw timer never interleave.
final class ProgressDisplay: @unchecked Sendable {
    /// How progress is shown.
    enum Mode: Sendable, Equatable {
        /// Live bars with ANSI cursor movement.
        case terminal
        /// Plain lines, a running block's at most one per `interval` seconds.
        case lines(interval: Double)
        /// Errors only.
        case quiet
    }

    /// A running block and when its last plain line was written.
    private struct Running {
        let label: String
        let monitor: RunMonitor
        var lastLine: Double
    }

    let mode: Mode
    private let queue = DispatchQueue(label: "notebook.progress")
    private let write: @Sendable (String) -> Void
    private var running = [Running]()
    private var timer: DispatchSourceTimer?
    /// Bar lines on the screen below the cursor's line start (terminal mode).
    private var drawnBars = 0
    private var cursorHidden = false
    /// A line drawn above the bars (a sweep's overall progress), and its last text in line mode.
    private var header: (@Sendable () -> String)?
    private var lastHeader = ""
    /// At most this many bars are drawn; more running blocks are summed up in one line.
    static let maximumBars = 12
    /// Seconds between plain lines when `NOTEBOOK_PROGRESS_INTERVAL` does not say otherwise.
    static let defaultInterval = 5.0

    /// A display in `mode` writing through `write` (standard error by default).
    init(mode: Mode, write: @escaping @Sendable (String) -> Void = ProgressDisplay.writeToStandardError) {
        self.mode = mode
        self.write = write
    }

    /// The display for standard error: quiet with `--quiet`, bars on a terminal (unless
    /// `TERM=dumb`), else plain lines every `NOTEBOOK_PROGRESS_INTERVAL` seconds (default 5).
    static func forStandardError(quiet: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) -> ProgressDisplay {
        if quiet { return ProgressDisplay(mode: .quiet) }
        if isatty(STDERR_FILENO) == 1, environment["TERM"] != "dumb" { return ProgressDisplay(mode: .terminal) }
        let interval = environment["NOTEBOOK_PROGRESS_INTERVAL"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil } ?? defaultInterval
        return ProgressDisplay(mode: .lines(interval: interval))
    }

    /// A block started computing (not called for cache hits).
    func began(_ label: String, monitor: RunMonitor) {
        guard mode != .quiet else { return }
        queue.sync {
            running.append(Running(label: TerminalText.escaped(label), monitor: monitor, lastLine: 0))
            startTimer()
            if mode == .terminal { redraw(above: []) }
        }
    }

    /// A block ended: its bar goes, and `summary` is written.
    func ended(_ label: String, summary: String) {
        guard mode != .quiet else { return }
        queue.sync {
            let shown = TerminalText.escaped(label)
            running.removeAll { $0.label == shown }
            emit([summary])
            if case .lines = mode, let header {
                // Off a terminal the overall line is written when it changes, after the block's.
                let line = header()
                if line != lastHeader {
                    lastHeader = line
                    write(TerminalText.escaped(line) + "\n")
                }
            }
        }
    }

    /// Shows `line()` above the bars from now on (a sweep's progress).
    func setHeader(_ line: @escaping @Sendable () -> String) {
        guard mode != .quiet else { return }
        queue.sync { header = line }
    }

    /// A line of information (not written with `--quiet`).
    func note(_ text: String) {
        guard mode != .quiet else { return }
        queue.sync { emit([text]) }
    }

    /// An error or a warning that must be seen: written in every mode.
    func error(_ text: String) {
        queue.sync { emit([text]) }
    }

    /// Stops redrawing, removes the bars and shows the cursor again.
    func finish() {
        queue.sync {
            timer?.cancel()
            timer = nil
            running.removeAll()
            if mode == .terminal { redraw(above: []) }
            if cursorHidden {
                write("\u{1B}[?25h")
                cursorHidden = false
            }
        }
    }

    /// What to write so that the terminal is usable again when the process must exit at once.
    static let terminalRestore = "\u{1B}[?25h"

    // MARK: - On the queue

    /// Writes `lines` (their control characters escaped: they may hold a notebook's text).
    private func emit(_ unsafeLines: [String]) {
        let lines = unsafeLines.map(TerminalText.escaped)
        if mode == .terminal {
            redraw(above: lines)
        } else {
            write(lines.map { $0 + "\n" }.joined())
        }
    }

    private func startTimer() {
        guard timer == nil else { return }
        let tick: Double
        switch mode {
        case .terminal: tick = 0.1
        case let .lines(interval): tick = min(0.25, interval / 4)
        case .quiet: return
        }
        let source = DispatchSource.makeTimerSource(queue: queue)
        source.schedule(deadline: .now() + tick, repeating: tick)
        source.setEventHandler { [weak self] in self?.tick() }
        source.resume()
        timer = source
    }

    private func tick() {
        switch mode {
        case .terminal:
            if !running.isEmpty { redraw(above: []) }
        case let .lines(interval):
            var text = ""
            for index in running.indices {
                let elapsed = running[index].monitor.elapsedSeconds
                guard elapsed - running[index].lastLine >= interval else { continue }
                running[index].lastLine = elapsed
                text += ProgressText.line(label: running[index].label, progress: running[index].monitor.progress, elapsed: elapsed) + "\n"
            }
            if !text.isEmpty { write(text) }
        case .quiet:
            break
        }
    }

    /// Clears the bars, writes `lines` (they stay), and draws the bars again below them.
    private func redraw(above lines: [String]) {
        var text = ""
        if !cursorHidden, !running.isEmpty {
            text += "\u{1B}[?25l"
            cursorHidden = true
        }
        if drawnBars > 0 { text += "\u{1B}[\(drawnBars)A\r\u{1B}[J" }
        for line in lines { text += line + "\n" }
        let width = Self.terminalWidth()
        var headerLines = 0
        if let header, !running.isEmpty {
            text += ProgressText.truncated(TerminalText.escaped(header()), to: width - 1) + "\n"
            headerLines = 1
        }
        let shown = running.prefix(Self.maximumBars)
        for block in shown {
            text += ProgressText.bar(label: block.label, progress: block.monitor.progress, elapsed: block.monitor.elapsedSeconds,
                                     width: width - 1) + "\n"
        }
        drawnBars = shown.count + headerLines
        if running.count > shown.count {
            text += ProgressText.truncated("… and \(running.count - shown.count) more running", to: width - 1) + "\n"
            drawnBars += 1
        }
        if !text.isEmpty { write(text) }
    }

    /// The terminal's width in columns (80 when it cannot be told).
    private static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 80
    }

    /// Writes `text` to standard error.
    static let writeToStandardError: @Sendable (String) -> Void = { text in
        FileHandle.standardError.write(Data(text.utf8))
    }
}
