import BlockResults
import Experiments
import Foundation
import Plot
import Report

/// Lays out a swept notebook's report folder (docs/format.md §5): each point's full report under
/// `points/<point>/`, the comparison page `index.html` (a sortable table of the points with their
/// status and every block metric, each metric drawn against a single numeric key, the training
/// losses of all points overlaid), and `sweep.json`.
enum SweepReportBuilder {
    /// One point's outcome: its blocks' results in document order (blocks that did not run are
    /// absent) and whether all of them finished.
    struct PointResult {
        let blocks: [RenderedBlock]
        let complete: Bool
    }

    /// The folder's files for `swept`, whose point `i` ended as `results[i]` (`nil`: none of its
    /// blocks started).
    static func build(_ swept: SweptNotebook, results: [PointResult?], run: RunInformation, totalSeconds: Double,
                      baseline: BaselineSettings? = nil) -> RenderedReport {
        let base = swept.base
        var regressions = [String]()
        var files = [(path: String, contents: Data)]()
        var copies = [(path: String, source: URL)]()
        var rows = [SweepPage.Point]()
        var pointJSON = [JSONValue]()
        var columns = [String]()
        var columnIndex = [String: Int]()
        var values = [[String: (text: String, number: Double)]]()
        var curves = [(block: String, curve: LossCurve, point: String)]()
        var mathFiles = [(path: String, contents: Data)]()
        var failedPoints = 0

        for (index, point) in swept.points.enumerated() {
            guard let name = point.name, let sweep = point.sweep else { continue }
            let folder = "points/\(name)/"
            let result = results[index]
            let blocks = result?.blocks ?? []
            let complete = result?.complete ?? false
            let failed = blocks.contains { !$0.succeeded }
            let status: BlockStatus = !failed && complete ? .ok : .failed
            if status == .failed { failedPoints += 1 }
            let shownValues = sweep.assignments.map { "\($0.axis.key)=\(YAMLReader.flowText($0.value))" }.joined(separator: ", ")
            if let result {
                var pointRun = run
                if !result.complete, !run.interrupted, run.incomplete == nil { pointRun.incomplete = "blocks of this point did not run" }
                let placement = PagePlacement(
                    upLink: Link(href: "../../index.html", text: "\(ProseValueRendering.withoutValues(base.title)): all \(swept.points.count) points of the sweep"),
                    sweepValues: shownValues, rootPrefix: "../../")
                let check = baseline.map { BaselineCheck(settings: $0, results: $0.source.results(stem: base.stem, point: name)) }
                let report = ReportBuilder.build(point.notebook, blocks: blocks, run: pointRun, totalSeconds: totalSeconds,
                                                 placement: placement, baseline: check)
                regressions += report.regressions
                files += report.files.map { (folder + $0.path, $0.contents) }
                copies += report.copies.map { (folder + $0.path, $0.source) }
                if mathFiles.isEmpty, !run.selfContained {
                    mathFiles = ReportBuilder.mathRenderer(point.notebook, run: run).files
                }
            }
            var metrics = [String: (text: String, number: Double)]()
            var metricJSON = [(String, JSONValue)]()
            for block in blocks {
                for metric in block.metrics {
                    let column = "\(block.id).\(metric.name)"
                    if columnIndex[column] == nil {
                        columnIndex[column] = columns.count
                        columns.append(column)
                    }
                    metrics[column] = (metric.value.text(significantDigits: 6), metric.value.number)
                    metricJSON.append((column, metric.value.json))
                }
                if let curve = block.lossCurve, !curve.values.isEmpty { curves.append((block.id, curve, name)) }
            }
            values.append(metrics)
            rows.append(SweepPage.Point(
                name: name, href: "\(folder)index.html",
                values: sweep.assignments.map { YAMLReader.flowText($0.value) }, status: status, metrics: []))
            pointJSON.append(.object([
                ("name", .string(name)),
                ("overrides", .object(sweep.assignments.map { ($0.axis.key, json($0.value)) })),
                ("status", .string(result == nil ? "not run" : (complete ? (failed ? "failed" : "ok") : "incomplete"))),
                ("report", result == nil ? .null : .string("\(folder)index.html")),
                ("metrics", .object(metricJSON)),
            ]))
        }
        // Metrics that change across the points come first in the table, constant ones after.
        let varying = Set(columns.filter { column in
            let finite = values.compactMap { $0[column]?.number }.filter(\.isFinite)
            return finite.contains { $0 != finite[0] } || values.contains { $0[column] == nil }
        })
        columns = columns.filter { varying.contains($0) } + columns.filter { !varying.contains($0) }
        for index in rows.indices {
            rows[index].metrics = columns.map { column in values[index][column].map { SweepPage.MetricValue(text: $0.text, number: $0.number) } }
        }
        files += mathFiles

        // Figures across the points.
        var figures = [FigureReference]()
        var figureNames = Set<String>()
        var undrawn = [String]()
        func draw(_ name: String, _ caption: String, _ figure: Figure) {
            let png: [UInt8]
            do { png = try CairoRenderer.pngData(figure) } catch {
                // The page says so (the points' own reports are unaffected).
                undrawn.append("\(name): \(error)")
                return
            }
            var unique = name, next = 2
            while !figureNames.insert(unique).inserted {
                unique = "\(name)-\(next)"
                next += 1
            }
            let path = "figures/sweep-\(unique).png"
            files.append((path, Data(png)))
            figures.append(FigureReference(path: path, caption: caption, width: Int(figure.width), height: Int(figure.height),
                                           embeddedPNG: run.selfContained ? Data(png) : nil))
        }
        if swept.axes.count == 1, let keyValues = numericValues(swept.axes[0]), keyValues.count >= 2 {
            let key = swept.axes[0].key
            let logX = spansDecade(keyValues)
            // One panel per metric that changes across the points (one that does not says nothing
            // against the key); measured times change from run to run, and figures must not.
            var panels = [Panel]()
            for metric in columns where varying.contains(metric) && !ReportFormat.isTimingName(metric) {
                let ys = values.map { $0[metric]?.number ?? .nan }
                let logY = spansDecade(ys.filter(\.isFinite))
                panels.append(Panel(
                    title: metric, x: Axis(key, scale: logX ? .log : .linear), y: Axis("", scale: logY ? .log : .linear),
                    series: [Series(label: nil, x: keyValues, y: ys,
                                    style: .lineAndMarkers(width: 1.75, dash: .solid, marker: .circle, size: 5), color: Color.palette[0])],
                    legend: .none))
            }
            if !panels.isEmpty {
                let columnCount = min(3, panels.count)
                let rowCount = (panels.count + columnCount - 1) / columnCount
                draw("metrics", "Each metric that changes across the points, against \(key)",
                     Figure(title: "Metrics against \(key)", panels: panels, columns: columnCount,
                            width: Double(320 * columnCount), height: Double(40 + 240 * rowCount)))
            }
        }
        var blockOrder = [String]()
        for entry in curves where !blockOrder.contains(entry.block) { blockOrder.append(entry.block) }
        for block in blockOrder {
            let entries = curves.filter { $0.block == block }
            let positive = entries.allSatisfy { $0.curve.values.allSatisfy { !$0.isFinite || $0 > 0 } }
            let series = entries.enumerated().map { index, entry in
                Series.line(entry.point, x: (1...entry.curve.values.count).map(Double.init), y: entry.curve.values,
                            color: Color.palette[index % Color.palette.count], width: 1.25)
            }
            let first = entries[0].curve
            let panel = Panel(x: Axis(first.step), y: Axis(first.quantity, scale: positive ? .log : .linear), series: series,
                              legend: entries.count <= 12 ? .best : .none)
            draw("\(fileSafe(block))-loss", "\(block): \(first.quantity) per \(first.step), every point", Figure(title: "\(block): \(first.quantity), all points", panels: [panel]))
        }

        let status: BlockStatus = failedPoints == 0 && !run.interrupted && run.incomplete == nil ? .ok : .failed
        var info = [
            KeyValue("program", "notebook \(ProgramVersion.current)"),
            KeyValue("sweep", swept.axes.map { "\($0.key) (\($0.values.count) value\($0.values.count == 1 ? "" : "s"))" }.joined(separator: ", ")
                + (swept.axes.count > 1 ? ", \(swept.mode.rawValue)" : "")),
            KeyValue("points", failedPoints == 0 ? "\(swept.points.count) ok" : "\(swept.points.count - failedPoints) ok, \(failedPoints) failed"),
        ]
        if !run.overrides.isEmpty { info.append(KeyValue("overrides", run.overrides.map { "-p \($0)" }.joined(separator: " "))) }
        if run.interrupted { info.append(KeyValue("run", "interrupted: points that had not finished are incomplete")) }
        if let incomplete = run.incomplete { info.append(KeyValue("run", "incomplete: \(incomplete)")) }
        if !undrawn.isEmpty { info.append(KeyValue("figures not drawn", undrawn.joined(separator: "; "))) }
        if run.allowHTML {
            info.insert(KeyValue("raw HTML", "passed through (--allow-html): the notebook's own HTML, scripts included, is part of its pages"), at: 0)
        }
        let page = SweepPage(
            title: ProseValueRendering.withoutValues(base.title), sourcePath: base.path, status: status, runInfo: info,
            generatedNote: "Generated \(ReportBuilder.iso8601(run.date)) by notebook \(ProgramVersion.current) in \(ReportFormat.duration(seconds: totalSeconds)).",
            keys: swept.axes.map(\.key), numericKeys: swept.axes.map { numericValues($0) != nil }, metricColumns: columns,
            timingColumns: columns.map(ReportFormat.isTimingName), points: rows, figures: figures)
        files.append(("index.html", Data(SweepPageWriter.page(page).utf8)))
        let sweepJSON = JSONValue.object([
            ("notebook", .string(base.path)), ("title", .string(ProseValueRendering.withoutValues(base.title))), ("status", .string(status.rawValue)),
            ("mode", .string(swept.mode.rawValue)), ("keys", .array(swept.axes.map { .string($0.key) })),
            ("points", .array(pointJSON)),
        ])
        files.append(("sweep.json", Data(sweepJSON.serialized().utf8)))
        return RenderedReport(files: files, copies: copies, succeeded: failedPoints == 0, regressions: regressions)
    }

    /// The axis's values as numbers, when every one is a plain number.
    static func numericValues(_ axis: SweepAxis) -> [Double]? {
        var numbers = [Double]()
        for value in axis.values {
            guard case let .scalar(text, plain, _) = value, plain, let number = OptionSchema.parseNumber(text) else { return nil }
            numbers.append(number)
        }
        return numbers
    }

    /// Whether positive values span more than a factor of ten (then a log axis reads better).
    static func spansDecade(_ values: [Double]) -> Bool {
        guard let low = values.min(), let high = values.max(), low > 0 else { return false }
        return high / low > 10
    }

    /// A value of the sweep as JSON: numbers as numbers, `true`/`false`, lists, maps, else text.
    static func json(_ node: OptionNode) -> JSONValue {
        switch node {
        case let .scalar(text, plain, _):
            if plain, let integer = Int(text) { return .integer(integer) }
            if plain, let number = OptionSchema.parseNumber(text) { return .number(number) }
            if plain, text == "true" || text == "false" { return .bool(text == "true") }
            return .string(text)
        case let .sequence(items, _): return .array(items.map(json))
        case let .mapping(entries, _): return .object(entries.map { ($0.key, json($0.value)) })
        }
    }

    /// A metric or block name as part of a file name.
    static func fileSafe(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") ? $0 : "-" })
    }
}
