import Experiments
import Foundation
import RunHistory

/// Past values of each metric of each block of one notebook, oldest run first: what the report's
/// history figures draw, this run's values added last.
typealias MetricHistory = [String: [String: [Double]]]

/// The run's link to `DIR/history.sqlite` (docs/format.md §6): the past values the reports draw,
/// read before the run, and this run's blocks and metrics, appended at its end. A database that
/// cannot be opened, read or written (corrupt, locked past the timeout, read-only) costs a
/// warning, never the run.
struct HistoryRecorder {
    /// How many past runs the report's history figures show.
    static let pastRuns = 9

    private let history: RunHistory?
    private let display: ProgressDisplay
    private let shownPath: String
    /// The git state of each notebook's folder, and the name the history gives each notebook.
    private let states: [String: GitState?]
    let names: [String]

    /// Opens the history of the output folder `output` (shown as `shownOutput`) for `notebooks`;
    /// with `enabled` false (`--no-history`) nothing is read or written.
    init(output: URL, shownOutput: String, notebooks: [SweptNotebook], display: ProgressDisplay, enabled: Bool = true) {
        self.display = display
        shownPath = (shownOutput.hasSuffix("/") ? shownOutput : shownOutput + "/") + RunHistory.fileName
        var opened: RunHistory?
        if enabled {
            do { opened = try RunHistory(path: output.appendingPathComponent(RunHistory.fileName).path) } catch {
                display.error("warning: \(shownPath) cannot be used (\(Self.reason(error))); this run is not recorded in the history")
            }
        }
        history = opened
        var states = [String: GitState?]()
        var names = [String]()
        for notebook in notebooks {
            let folder = URL(fileURLWithPath: notebook.base.path).deletingLastPathComponent().path
            if opened != nil, states[folder] == nil { states[folder] = .some(GitState.of(folder: folder)) }
            names.append(GitState.historyName(of: notebook.base.path, in: states[folder] ?? nil))
        }
        self.states = states
        self.names = names
    }

    /// Whether the history is open.
    var isOpen: Bool { history != nil }

    /// The past values of notebook `index`'s blocks (unswept blocks only), oldest first.
    func past(notebook index: Int) -> MetricHistory {
        guard let history else { return [:] }
        let points: [MetricPoint]
        do { points = try history.points(HistoryQuery(notebook: names[index], lastRuns: Self.pastRuns)) } catch {
            display.error("warning: \(shownPath): cannot read the history (\(Self.reason(error))); the reports show none")
            return [:]
        }
        var past = MetricHistory()
        for point in points where point.sweepPoint == nil {
            guard let value = point.value else { continue }
            past[point.block, default: [:]][point.metric, default: []].append(value)
        }
        return past
    }

    /// Appends the run: every block that finished, once per notebook and sweep point it belongs to.
    func record(plan: RunPlan, endings: [ReportAssembler.Ending?], command: String, overrides: [String], sweep: String, date: Date) {
        guard let history else { return }
        var blocks = [RecordedBlock]()
        for (index, job) in plan.jobs.enumerated() {
            guard case let .finished(rendered)? = endings[index] else { continue }
            for location in job.locations {
                let swept = plan.notebooks[location.notebook]
                blocks.append(RecordedBlock(
                    notebook: names[location.notebook], id: rendered.id, kind: rendered.kind,
                    cacheKey: job.cacheable ? job.identity.digest : nil, status: rendered.status.rawValue,
                    seconds: rendered.seconds, cached: rendered.cached, sweepPoint: swept.points[location.point].name,
                    metrics: rendered.metrics.map { metric in
                        switch metric.value {
                        case let .count(count): RecordedMetric(name: metric.name, value: Double(count))
                        case let .real(real): RecordedMetric(name: metric.name, value: real)
                        }
                    }))
            }
        }
        let state = plan.notebooks.first.flatMap { states[URL(fileURLWithPath: $0.base.path).deletingLastPathComponent().path] ?? nil }
        let run = RecordedRun(date: date, version: ProgramVersion.current, gitCommit: state?.commit, gitDirty: state?.dirty,
                              command: command, overrides: overrides, sweep: sweep, blocks: blocks)
        do { try history.record(run) } catch {
            display.error("warning: \(shownPath): could not record this run (\(Self.reason(error)))")
        }
    }

    /// An error of the database in a few words (SQLite's own message when it has one).
    static func reason(_ error: Error) -> String {
        let text = String(describing: error)
        if let range = text.range(of: "SQLite error ") {
            // "SQLite error 26: file is not a database - while executing ..." → "file is not a database"
            let rest = text[range.upperBound...]
            let message = rest.split(separator: ":", maxSplits: 1).last.map(String.init) ?? String(rest)
            return (message.components(separatedBy: " - ").first ?? message).trimmingCharacters(in: .whitespaces)
        }
        return text
    }
}
