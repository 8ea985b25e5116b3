import Experiments
import Foundation
import Testing
@testable import NotebookKit

/// Collects what a display writes.
private final class Transcript: @unchecked Sendable {
    private let lock = NSLock()
    private var chunks = [String]()

    func append(_ text: String) {
        lock.lock()
        chunks.append(text)
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return chunks.joined()
    }
}

@Suite("Progress text and display")
struct ProgressDisplayTests {
    @Test("a bar shows the counts, the rate and the time left, and never passes the width")
    func bar() {
        let progress = RunMonitor.Progress(done: 500, total: 2000, unit: "iterations", seconds: 10)
        let bar = ProgressText.bar(label: "notes: spiral {spiral}", progress: progress, elapsed: 10, width: 200)
        #expect(bar.hasPrefix("notes: spiral {spiral} ▕█████░░░░░░░░░░░░░░░▏"))
        #expect(bar.contains("500/2000 iterations (25%)") && bar.contains("50.0/s") && bar.contains("ETA 30 s"), "\(bar)")
        let narrow = ProgressText.bar(label: "notes: spiral {spiral}", progress: progress, elapsed: 10, width: 70)
        #expect(!narrow.contains("█") && narrow.contains("500/2000 iterations"), "a narrow terminal keeps the counts: \(narrow)")
        for width in [10, 40, 60] {
            #expect(ProgressText.bar(label: "notes: spiral {spiral}", progress: progress, elapsed: 10, width: width).count <= width)
        }
        let unknown = ProgressText.bar(label: "b", progress: nil, elapsed: 2.5, width: 80)
        #expect(unknown == "b  running  2.5 s")
        let open = ProgressText.line(label: "b", progress: .init(done: 12, total: nil, unit: "evaluations", seconds: 4), elapsed: 4)
        #expect(open == "b: 12 evaluations, 3.00/s, 4.0 s")
    }

    @Test("rates read at a glance")
    func rates() {
        #expect(ProgressText.rateText(0.4249) == "0.42")
        #expect(ProgressText.rateText(41.26) == "41.3")
        #expect(ProgressText.rateText(9600.4) == "9600")
        #expect(ProgressText.rateText(12_480) == "12.5k")
        #expect(ProgressText.rateText(1_250_000) == "1.25M")
    }

    @Test("end lines say ok, cached or FAILED with the time")
    func endLines() {
        var block = RenderedBlock(id: "a", kind: "species", line: 3, seconds: 0.004)
        #expect(ProgressText.ended(label: "n: a {species}", block: block) == "n: a {species} ok in 4 ms")
        block.cached = true
        #expect(ProgressText.ended(label: "n: a {species}", block: block) == "n: a {species} cached (ran in 4 ms)")
        block.failure = .init(message: "boom", line: 3)
        #expect(ProgressText.ended(label: "n: a {species}", block: block) == "n: a {species} FAILED in 4 ms: boom")
    }

    @Test("on a terminal the bars are redrawn in place and the end line stays above them")
    func terminal() throws {
        let transcript = Transcript()
        let display = ProgressDisplay(mode: .terminal) { transcript.append($0) }
        let monitor = RunMonitor()
        monitor.report(done: 3, total: 10, unit: "epochs")
        display.began("n: a {species}", monitor: monitor)
        Thread.sleep(forTimeInterval: 0.25)
        display.ended("n: a {species}", summary: "n: a {species} ok in 4 ms")
        display.finish()
        let text = transcript.text
        #expect(text.contains("\u{1B}[?25l") && text.hasSuffix("\u{1B}[?25h"), "the cursor is hidden while bars show, then shown")
        #expect(text.contains("3/10 epochs (30%)"))
        #expect(text.components(separatedBy: "\u{1B}[1A\r\u{1B}[J").count >= 3, "the bar was redrawn in place by the timer")
        #expect(text.contains("\u{1B}[1A\r\u{1B}[Jn: a {species} ok in 4 ms\n"), "the end line replaces the bar")
    }

    @Test("plain lines come at most once per interval per block, and --quiet writes only errors")
    func plainAndQuiet() throws {
        let transcript = Transcript()
        let display = ProgressDisplay(mode: .lines(interval: 0.2)) { transcript.append($0) }
        let monitor = RunMonitor()
        monitor.report(done: 7, total: 70, unit: "iterations")
        display.began("n: s {spiral}", monitor: monitor)
        Thread.sleep(forTimeInterval: 0.5)
        display.ended("n: s {spiral}", summary: "n: s {spiral} ok in 500 ms")
        display.finish()
        let lines = transcript.text.split(separator: "\n")
        let progress = lines.filter { $0.hasPrefix("n: s {spiral}: 7/70 iterations (10%)") }
        #expect((1...3).contains(progress.count), "\(lines)")
        #expect(lines.last == "n: s {spiral} ok in 500 ms")
        #expect(!transcript.text.contains("\u{1B}"), "no escape codes off a terminal")

        let quiet = Transcript()
        let silent = ProgressDisplay(mode: .quiet) { quiet.append($0) }
        silent.began("n: s {spiral}", monitor: monitor)
        silent.note("wrote output/n/index.html")
        silent.ended("n: s {spiral}", summary: "n: s {spiral} ok in 1 ms")
        silent.error("error: something")
        silent.finish()
        #expect(quiet.text == "error: something\n")
    }

    @Test("the display for standard error follows --quiet and NOTEBOOK_PROGRESS_INTERVAL")
    func choice() {
        #expect(ProgressDisplay.forStandardError(quiet: true).mode == .quiet)
        // Under `swift test` standard error is not a terminal.
        if isatty(STDERR_FILENO) == 0 {
            #expect(ProgressDisplay.forStandardError(quiet: false, environment: [:]).mode == .lines(interval: 5))
            #expect(ProgressDisplay.forStandardError(quiet: false, environment: ["NOTEBOOK_PROGRESS_INTERVAL": "0.5"]).mode == .lines(interval: 0.5))
            #expect(ProgressDisplay.forStandardError(quiet: false, environment: ["NOTEBOOK_PROGRESS_INTERVAL": "soon"]).mode == .lines(interval: 5))
        }
    }
}
