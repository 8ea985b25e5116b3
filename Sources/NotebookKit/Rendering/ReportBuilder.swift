import Experiments
import Foundation
import Plot
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
    /// Blocks that computed but whose figures could not be drawn.
    var renderFailures: [(block: String, line: Int, message: String)] = []
}

/// Facts about the run that every report shows.
public struct RunInformation: Sendable {
    /// The `-p` overrides, as given.
    public var overrides: [String]
    /// When the run started.
    public var date: Date
    /// Creates run information.
    public init(overrides: [String], date: Date) {
        self.overrides = overrides
        self.date = date
    }
}

/// Lays out a notebook's outcomes as a report: figures through Cairo, numbers as CSV, the page
/// through the HTML writer, and the machine-readable summary.
enum ReportBuilder {
    static func build(_ notebook: Notebook, outcomes: [BlockOutcome], run: RunInformation, totalSeconds: Double) -> RenderedReport {
        var files = [(path: String, contents: Data)]()
        var blockReports = [String: BlockReport]()
        var blockJSON = [JSONValue]()
        var failed = 0
        var renderFailures = [(block: String, line: Int, message: String)]()

        for outcome in outcomes {
            let block = outcome.block
            var figures = [FigureReference]()
            var dataFiles = [String]()
            var tables = [DataTable]()
            var metrics = [KeyValue]()
            var metricJSON = [(String, JSONValue)]()
            var log = [String]()
            var failure: BlockFailure?
            switch outcome.result {
            case let .success(artifacts):
                for table in artifacts.series {
                    let path = "data/\(block.id)\(table.name.isEmpty ? "" : "-\(table.name)").csv"
                    files.append((path, Data(CSVTable.format(columns: table.columns, rows: table.rows).utf8)))
                    dataFiles.append(path)
                }
                for named in artifacts.figures {
                    let path = "figures/\(block.id)-\(named.name).png"
                    do {
                        let png = try CairoRenderer.pngData(named.figure)
                        files.append((path, Data(png)))
                        figures.append(FigureReference(path: path, caption: named.caption,
                                                       width: Int(named.figure.width), height: Int(named.figure.height)))
                    } catch {
                        failure = BlockFailure("could not draw figure '\(named.name)': \(error)")
                        renderFailures.append((block.id, block.line, "could not draw figure '\(named.name)': \(error)"))
                    }
                }
                tables = artifacts.tables.map { DataTable(title: $0.title, columns: $0.columns, rows: $0.rows) }
                for metric in artifacts.metrics {
                    switch metric.value {
                    case let .count(count):
                        metrics.append(KeyValue(metric.name, String(count)))
                        metricJSON.append((metric.name, .integer(count)))
                    case let .real(value):
                        metrics.append(KeyValue(metric.name, String(format: "%.10g", value)))
                        metricJSON.append((metric.name, .number(value)))
                    }
                }
                log = artifacts.log
            case let .failure(error):
                failure = error
            }
            if failure != nil { failed += 1 }
            let status: BlockStatus = failure == nil ? .ok : .failed
            let errorLine = failure?.line ?? block.line
            blockReports[block.id] = BlockReport(
                id: block.id, kind: block.kind, line: block.line, caption: block.caption, status: status,
                seconds: outcome.seconds, options: optionLines(block.options), metrics: metrics, figures: figures,
                tables: tables, dataFiles: dataFiles, log: log,
                error: failure.map { BlockError(message: $0.message, line: errorLine) })
            blockJSON.append(.object([
                ("id", .string(block.id)), ("kind", .string(block.kind)), ("line", .integer(block.line)),
                ("status", .string(status.rawValue)), ("seconds", .number((outcome.seconds * 1e6).rounded() / 1e6)),
                ("metrics", .object(metricJSON)), ("figures", .array(figures.map { .string($0.path) })),
                ("data", .array(dataFiles.map { .string($0) })),
                ("error", failure.map { .object([("message", .string($0.message)), ("line", .integer(errorLine))]) } ?? .null),
            ]))
        }

        let status: BlockStatus = failed == 0 ? .ok : .failed
        let results = JSONValue.object([
            ("notebook", .string(notebook.path)), ("title", .string(notebook.title)), ("status", .string(status.rawValue)),
            ("blocks", .array(blockJSON)),
        ])
        files.append(("results.json", Data(results.serialized().utf8)))
        let page = ReportPage(
            title: notebook.title, sourcePath: notebook.path, status: status,
            runInfo: runInfo(notebook, run: run, outcomes: outcomes, failed: failed),
            generatedNote: "Generated \(iso8601(run.date)) by notebook \(ProgramVersion.current) in \(ReportFormat.duration(seconds: totalSeconds)).",
            contents: contents(notebook), cells: cells(notebook, blocks: blockReports))
        files.append(("index.html", Data(ReportWriter.page(page).utf8)))
        return RenderedReport(files: files, copies: notebook.assets.map { ($0.reportPath, $0.source) }, succeeded: failed == 0,
                              renderFailures: renderFailures)
    }

    /// Every resolved option as `key: value`, marking the ones set by `-p`.
    static func optionLines(_ options: ResolvedOptions) -> [KeyValue] {
        options.fields.compactMap { field in
            guard field.value != .null else { return nil }
            let note = options.overridden.contains(field.name) ? "   (set by -p)" : ""
            return KeyValue(field.name, field.value.yaml + note)
        }
    }

    private static func runInfo(_ notebook: Notebook, run: RunInformation, outcomes: [BlockOutcome], failed: Int) -> [KeyValue] {
        var info = [
            KeyValue("program", "notebook \(ProgramVersion.current)"),
            KeyValue("seed", String(notebook.seed)),
            KeyValue("blocks", failed == 0 ? "\(outcomes.count) ok" : "\(outcomes.count - failed) ok, \(failed) failed"),
        ]
        if !run.overrides.isEmpty {
            info.append(KeyValue("overrides", run.overrides.map { "-p \($0)" }.joined(separator: " ")))
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
