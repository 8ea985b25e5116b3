import Experiments
import Foundation
import Report

/// The files of one notebook's report, built in memory: figures drawn, CSVs formatted,
/// `results.json` and `index.html` written as text. Nothing touches the disk here.
struct RenderedReport {
    /// Files by path relative to the report folder.
    var files: [(path: String, contents: Data)]
    /// Local files to copy in, by path relative to the report folder.
    var copies: [(path: String, source: URL)]
    /// Whether every block succeeded.
    var succeeded: Bool
}

/// Facts about the run that every report shows.
public struct RunInformation: Sendable {
    /// The `-p` overrides, as given.
    public var overrides: [String]
    /// When the run started.
    public var date: Date
    /// Whether the run was interrupted (Ctrl-C, SIGTERM) before every block finished.
    public var interrupted: Bool
    /// Creates run information.
    public init(overrides: [String], date: Date, interrupted: Bool = false) {
        self.overrides = overrides
        self.date = date
        self.interrupted = interrupted
    }
}

/// Lays out a notebook's outcomes as a report: figures through Cairo, numbers as CSV, the page
/// through the HTML writer, and the machine-readable summary.
enum ReportBuilder {
    /// Builds the report of `notebook` from its blocks' rendered results (in document order; blocks
    /// that did not run, after `--fail-fast`, are simply absent).
    static func build(_ notebook: Notebook, blocks rendered: [RenderedBlock], run: RunInformation, totalSeconds: Double) -> RenderedReport {
        var files = [(path: String, contents: Data)]()
        var blockReports = [String: BlockReport]()
        var blockJSON = [JSONValue]()
        var failed = 0
        let sources = Dictionary(notebook.blocks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

        for result in rendered {
            files += result.files.map { ($0.path, $0.contents) }
            let metrics = result.metrics.map { metric in
                KeyValue(metric.name, metric.count.map { String($0) } ?? String(format: "%.10g", metric.real ?? .nan))
            }
            let metricJSON: [(String, JSONValue)] = result.metrics.map { metric in
                (metric.name, metric.count.map { JSONValue.integer($0) } ?? .number(metric.real ?? .nan))
            }
            if !result.succeeded { failed += 1 }
            let status: BlockStatus = !result.succeeded ? .failed : (result.cached ? .cached : .ok)
            let source = sources[result.id]
            blockReports[result.id] = BlockReport(
                id: result.id, kind: result.kind, line: result.line, caption: source?.caption, status: status,
                seconds: result.seconds, options: source.map { optionLines($0.options) } ?? [], metrics: metrics,
                figures: result.figures.map { FigureReference(path: $0.path, caption: $0.caption, width: $0.width, height: $0.height) },
                tables: result.tables.map { DataTable(title: $0.title, columns: $0.columns, rows: $0.rows) },
                dataFiles: result.dataFiles, log: result.log,
                error: result.failure.map { BlockError(message: $0.message, line: $0.line) })
            blockJSON.append(.object([
                ("id", .string(result.id)), ("kind", .string(result.kind)), ("line", .integer(result.line)),
                ("status", .string(status.rawValue)), ("seconds", .number((result.seconds * 1e6).rounded() / 1e6)),
                ("metrics", .object(metricJSON)), ("figures", .array(result.figures.map { .string($0.path) })),
                ("data", .array(result.dataFiles.map { .string($0) })),
                ("error", result.failure.map { .object([("message", .string($0.message)), ("line", .integer($0.line))]) } ?? .null),
            ]))
        }

        let status: BlockStatus = failed == 0 && !run.interrupted ? .ok : .failed
        let results = JSONValue.object([
            ("notebook", .string(notebook.path)), ("title", .string(notebook.title)), ("status", .string(status.rawValue)),
            ("blocks", .array(blockJSON)),
        ])
        files.append(("results.json", Data(results.serialized().utf8)))
        let page = ReportPage(
            title: notebook.title, sourcePath: notebook.path, status: status,
            runInfo: runInfo(notebook, run: run, blockCount: rendered.count, failed: failed),
            generatedNote: "Generated \(iso8601(run.date)) by notebook \(ProgramVersion.current) in \(ReportFormat.duration(seconds: totalSeconds)).",
            contents: contents(notebook), cells: cells(notebook, blocks: blockReports))
        files.append(("index.html", Data(ReportWriter.page(page).utf8)))
        return RenderedReport(files: files, copies: notebook.assets.map { ($0.reportPath, $0.source) }, succeeded: failed == 0)
    }

    /// Every resolved option as `key: value`, marking the ones set by `-p`.
    static func optionLines(_ options: ResolvedOptions) -> [KeyValue] {
        options.fields.compactMap { field in
            guard field.value != .null else { return nil }
            let note = options.overridden.contains(field.name) ? "   (set by -p)" : ""
            return KeyValue(field.name, field.value.yaml + note)
        }
    }

    private static func runInfo(_ notebook: Notebook, run: RunInformation, blockCount: Int, failed: Int) -> [KeyValue] {
        var info = [
            KeyValue("program", "notebook \(ProgramVersion.current)"),
            KeyValue("seed", String(notebook.seed)),
            KeyValue("blocks", failed == 0 ? "\(blockCount) ok" : "\(blockCount - failed) ok, \(failed) failed"),
        ]
        if !run.overrides.isEmpty {
            info.append(KeyValue("overrides", run.overrides.map { "-p \($0)" }.joined(separator: " ")))
        }
        if run.interrupted {
            info.append(KeyValue("run", "interrupted: blocks that had not finished are left out"))
        }
        return info
    }

    private static func contents(_ notebook: Notebook) -> [ContentsEntry] {
        var entries = [ContentsEntry]()
        var level = 1
        for cell in notebook.cells {
            switch cell {
            case let .prose(prose):
                for heading in prose.headings {
                    entries.append(ContentsEntry(level: heading.level, text: heading.text, anchor: heading.anchor))
                    level = heading.level
                }
            case let .block(block):
                let text = block.caption.map { "\(block.id): \($0)" } ?? "\(block.id) {\(block.kind)}"
                entries.append(ContentsEntry(level: min(level + 1, 6), text: text, anchor: block.id))
            }
        }
        return entries
    }

    private static func cells(_ notebook: Notebook, blocks: [String: BlockReport]) -> [ReportCell] {
        notebook.cells.compactMap { cell in
            switch cell {
            case let .prose(prose): return .prose(TrustedHTML(rendererOutput: prose.html))
            case let .block(block): return blocks[block.id].map { .block($0) }
            }
        }
    }

    /// `2026-11-23T16:05:00Z`.
    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
