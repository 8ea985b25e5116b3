import FileAccess
import Foundation
import RunHistory

extension Commands {
    /// Options of `notebook history`.
    public struct HistoryOptions: Sendable {
        /// Only this notebook's blocks (a path, named in the history relative to its work tree).
        public var notebook: String?
        /// The output folder whose `history.sqlite` is read.
        public var outputDirectory: String
        public var block: String?
        public var metric: String?
        /// The last this many runs (default 20).
        public var last: Int
        /// One JSON object per metric point and line instead of a table.
        public var json: Bool

        /// Creates history options.
        public init(notebook: String? = nil, outputDirectory: String = "output", block: String? = nil, metric: String? = nil,
                    last: Int = 20, json: Bool = false) {
            self.notebook = notebook
            self.outputDirectory = outputDirectory
            self.block = block
            self.metric = metric
            self.last = last
            self.json = json
        }
    }

    /// The most series (block and metric pairs) `notebook history` prints side by side, one
    /// column each and one row per run; with more, it prints one row per run, block and metric.
    static let historyColumns = 6

    /// `notebook history`: the metrics of the last runs recorded in `DIR/history.sqlite`, as a
    /// table (a column per block and metric, a row per run) or as JSON lines.
    public static func history(_ options: HistoryOptions) -> Int32 {
        if isBelowOne(options.last, option: "--last") { return 2 }
        guard !options.outputDirectory.isEmpty else {
            printError("error: -o: the output folder is empty; give the folder of the runs")
            return 2
        }
        let path = URL(fileURLWithPath: options.outputDirectory).appendingPathComponent(RunHistory.fileName).path
        let shown = (options.outputDirectory.hasSuffix("/") ? options.outputDirectory : options.outputDirectory + "/") + RunHistory.fileName
        guard FileKind.of(path) == .regular else {
            printError("error: \(shown) does not exist: no run has written to \(options.outputDirectory) yet (give the run's folder with -o)")
            return 2
        }
        let points: [MetricPoint]
        do {
            let history = try RunHistory(path: path)
            let notebook = options.notebook.map { file in
                GitState.historyName(of: file, in: GitState.of(folder: URL(fileURLWithPath: file).deletingLastPathComponent().path))
            }
            points = try history.points(HistoryQuery(notebook: notebook, block: options.block, metric: options.metric, lastRuns: options.last))
        } catch {
            printError("error: \(shown) cannot be read (\(HistoryRecorder.reason(error)))")
            return 2
        }
        guard !points.isEmpty else {
            let filters = [options.notebook, options.block.map { "block \($0)" }, options.metric.map { "metric \($0)" }].compactMap { $0 }
            printError("no runs recorded in \(shown)\(filters.isEmpty ? "" : " for " + filters.joined(separator: ", "))")
            return 0
        }
        if options.json {
            for point in points { print(jsonLine(point)) }
        } else {
            for line in historyTable(points, showNotebook: options.notebook == nil) { print(line) }
        }
        return 0
    }

    /// One point as a JSON object on one line.
    static func jsonLine(_ point: MetricPoint) -> String {
        JSONValue.object([
            ("run", .integer(Int(point.run))), ("date", .string(ReportBuilder.iso8601(point.date))), ("version", .string(point.version)),
            ("commit", point.gitCommit.map { .string($0) } ?? .null), ("dirty", point.gitDirty.map { .bool($0) } ?? .null),
            ("notebook", .string(point.notebook)), ("block", .string(point.block)),
            ("point", point.sweepPoint.map { .string($0) } ?? .null), ("status", .string(point.status)), ("cached", .bool(point.cached)),
            ("metric", .string(point.metric)), ("value", point.value.map { .number($0) } ?? point.text.map { .string($0) } ?? .null),
        ]).compact()
    }

    /// The points as table lines: a column per series when there are few, else a row per point.
    static func historyTable(_ points: [MetricPoint], showNotebook: Bool) -> [String] {
        func seriesName(_ point: MetricPoint) -> String {
            let notebook = showNotebook ? URL(fileURLWithPath: point.notebook).deletingPathExtension().lastPathComponent + ":" : ""
            let at = point.sweepPoint.map { "[\($0)]" } ?? ""
            return "\(notebook)\(point.block)\(at).\(point.metric)"
        }
        func value(_ point: MetricPoint) -> String {
            point.value.map { String(format: "%.10g", $0) } ?? point.text ?? "NaN"
        }
        func commit(_ point: MetricPoint) -> String {
            guard let commit = point.gitCommit else { return "-" }
            return String(commit.prefix(10)) + (point.gitDirty == true ? "+" : "")
        }
        func when(_ date: Date) -> String {
            let text = ReportBuilder.iso8601(date)
            return String(text.replacingOccurrences(of: "T", with: " ").prefix(16))
        }
        var series = [String]()
        for point in points where !series.contains(seriesName(point)) { series.append(seriesName(point)) }
        var rows = [[String]]()
        if series.count <= historyColumns {
            rows.append(["run", "date (UTC)", "commit"] + series)
            var byRun = [(run: Int64, first: MetricPoint, values: [String: String])]()
            for point in points {
                if byRun.last?.run != point.run { byRun.append((point.run, point, [:])) }
                byRun[byRun.count - 1].values[seriesName(point)] = value(point) + (point.cached ? " (cached)" : "")
            }
            for run in byRun {
                rows.append([String(run.run), when(run.first.date), commit(run.first)] + series.map { run.values[$0] ?? "" })
            }
        } else {
            rows.append(["run", "date (UTC)", "commit", "block", "metric", "value"])
            for point in points {
                rows.append([String(point.run), when(point.date), commit(point),
                             (showNotebook ? URL(fileURLWithPath: point.notebook).deletingPathExtension().lastPathComponent + ":" : "")
                                + point.block + (point.sweepPoint.map { "[\($0)]" } ?? ""),
                             point.metric, value(point) + (point.cached ? " (cached)" : "")])
            }
        }
        return TerminalText.columns(rows)
    }
}
