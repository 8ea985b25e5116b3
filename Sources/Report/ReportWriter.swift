import BlockResults
import Foundation

/// Writes one notebook's report page.
public enum ReportWriter {
    /// The complete HTML5 document for a report: header with run facts, table of contents, the
    /// cells in order, the parameter summary (collapsed, after the story), and a footer holding
    /// ``ReportPage/generatedNote``.
    ///
    /// Everything that changes from run to run (the date and total duration in the footer, block
    /// durations, measured times in metrics, tables and logs) sits in elements marked
    /// `data-run-dependent`; the rest of the page depends only on the notebook and its results.
    public static func page(_ report: ReportPage) -> String {
        var body: [HTML] = [header(report)]
        if let baseline = report.baseline { body.append(BaselineView.summary(baseline)) }
        if !report.contents.isEmpty { body.append(tableOfContents(report.contents)) }
        body.append(
            PageLayout.line(.element("main", [], [.newline] + report.cells.map(cell))))
        if !report.parameters.isEmpty { body.append(parameterSummary(report.parameters)) }
        body.append(footer(report.generatedNote))
        var head: [HTML] = []
        var scripts: [HTML] = []
        switch report.math {
        case .none:
            break
        case let .linked(stylesheet, script):
            head.append(.element("link", [.init("rel", "stylesheet"), .init("href", stylesheet)]))
            scripts += [.externalScript(source: script), .script(PageScripts.renderMath)]
        case let .embedded(stylesheet, script):
            head.append(.embedded(stylesheet))
            scripts += [.embedded(script), .script(PageScripts.renderMath)]
        }
        return PageLayout.document(title: report.title, body: body, head: head, scripts: scripts)
    }

    // MARK: Page parts

    /// The page header: title, source path, status badge and run facts.
    static func header(_ report: ReportPage) -> HTML {
        var parts: [HTML] = [.newline]
        if let up = report.upLink {
            parts.append(PageLayout.line(.element("p", [.init("class", "up")], .element("a", [.init("href", up.href)], .text("↑ " + up.text)))))
        }
        parts += PageLayout.titleAndSource(title: report.title, sourcePath: report.sourcePath, status: report.status)
        if !report.runInfo.isEmpty {
            parts.append(PageLayout.line(definitionList(report.runInfo, class: "run-info")))
        }
        return PageLayout.line(.element("header", [.init("class", "page-header")], parts))
    }

    /// Per block, the options that differ from their defaults or were set by `-p`: one table row
    /// per option, the block's cell spanning its rows; a block at its defaults says so. Collapsed
    /// after the cells, so that the story comes first; each block's own options are in its section.
    static func parameterSummary(_ blocks: [BlockParameters]) -> HTML {
        let rows = blocks.flatMap { block -> [HTML] in
            let name = HTML.element(
                "th", [.init("scope", "row"), .init("rowspan", block.settings.count > 1 ? String(block.settings.count) : nil)],
                .element("a", [.init("href", "#" + block.id)], .text(block.id)), .text(" "),
                .element("code", [.init("class", "block-kind")], .text("{\(block.kind)}")))
            guard !block.settings.isEmpty else {
                return [PageLayout.line(.element(
                    "tr", [], name, .element("td", [.init("colspan", "3"), .init("class", "defaults")], .text("all defaults"))))]
            }
            return block.settings.enumerated().map { index, setting in
                PageLayout.line(.element(
                    "tr", [],
                    index == 0 ? name : .empty,
                    .element("td", [], .element("code", [], .text(setting.name))),
                    .element("td", [], .element("code", [], .text(setting.value))),
                    .element("td", [.init("class", "origin")], .text(setting.origin))))
            }
        }
        let headerCells = ["Block", "Option", "Value", "Set by"].map { label -> HTML in
            .element("th", [.init("scope", "col")], .text(label))
        }
        let changed = blocks.filter { !$0.settings.isEmpty }.count
        let summary = "Parameters: options that differ from the defaults (\(changed) of \(blocks.count) block\(blocks.count == 1 ? "" : "s"))"
        return PageLayout.line(
            .element(
                "details", [.init("class", "parameters"), .init("id", "parameters")],
                .element("summary", [], .text(summary)),
                PageLayout.scrollingTable(class: "parameters", wrapperClasses: "parameters", caption: nil, headerCells: headerCells, rows: rows)))
    }

    /// The table of contents, nested by level: each entry sits under the nearest earlier entry with a
    /// smaller level (so a jump from level 1 to 3 nests one step, not two).
    static func tableOfContents(_ entries: [ContentsEntry]) -> HTML {
        // parent[i] is the index of the entry that entry i nests under, or nil at the top.
        var children: [Int?: [Int]] = [:]
        var stack: [Int] = []
        for (i, entry) in entries.enumerated() {
            while let last = stack.last, entries[last].level >= entry.level { stack.removeLast() }
            children[stack.last, default: []].append(i)
            stack.append(i)
        }
        func list(_ parent: Int?) -> HTML {
            guard let items = children[parent], !items.isEmpty else { return .empty }
            let lis = items.map { i -> HTML in
                let entry = entries[i]
                let thumbnail: HTML = entry.thumbnail.map {
                    .element("img", [.init("class", "thumb"), .init("src", $0), .init("alt", ""), .init("loading", "lazy")])
                } ?? .empty
                let link = HTML.element("a", [.init("href", "#" + entry.anchor)], thumbnail, .text(entry.text))
                return PageLayout.line(.element("li", [.init("class", entry.thumbnail == nil ? nil : "figure-entry")], link, list(i)))
            }
            return .element("ul", [], [.newline] + lis)
        }
        return PageLayout.line(
            .element(
                "nav", [.init("class", "toc"), .init("aria-label", "Contents")],
                .newline, PageLayout.line(.element("h2", [], .text("Contents"))), PageLayout.line(list(nil))))
    }

    /// The footer holding the run stamp, the page's one run-dependent sentence.
    static func footer(_ note: String) -> HTML {
        PageLayout.line(
            .element("footer", [.init("class", "run-stamp"), PageLayout.runDependent("date duration")], .text(note)))
    }

    /// One cell: prose as it is, or a block section.
    static func cell(_ cell: ReportCell) -> HTML {
        switch cell {
        case .prose(let markup): PageLayout.line(.trusted(markup))
        case .block(let report): block(report)
        }
    }

    // MARK: Blocks

    /// A block's section: header line, error, metrics, figures, tables, data files, options, log.
    static func block(_ block: BlockReport) -> HTML {
        var parts: [HTML] = [.newline, blockHeader(block)]
        if let error = block.error { parts.append(errorBox(error)) }
        if !block.metrics.isEmpty { parts.append(metricsTable(block.metrics)) }
        if let baseline = block.baseline { parts.append(BaselineView.section(baseline, block: block.id)) }
        parts += block.figures.map { figure($0, block: block.id, data: $0.data) }
        if let history = block.history {
            parts.append(PageLayout.line(.element(
                "details", [.init("class", "history"), PageLayout.runDependent("history")],
                .element("summary", [], .text("History: the metrics over the last runs")),
                .element("figure", [], .element("img", [.init("src", history.embeddedPNG.map { "data:image/png;base64," + $0.base64EncodedString() } ?? history.path),
                                                        .init("alt", history.caption),
                                                        .init("width", String(history.width)), .init("height", String(history.height)),
                                                        .init("loading", "lazy")]),
                         .element("figcaption", [], .text(history.caption))))))
        }
        parts += block.tables.map(dataTable)
        if !block.dataFiles.isEmpty { parts.append(dataFiles(block.dataFiles)) }
        if !block.options.isEmpty {
            parts.append(
                PageLayout.line(
                    .element(
                        "details", [.init("class", "options")],
                        .element("summary", [], .text("Options")), definitionList(block.options, class: nil))))
        }
        if !block.log.isEmpty {
            let summary = block.log.count == 1 ? "Log (1 line)" : "Log (\(block.log.count) lines)"
            let text = ReportFormat.timingSegments(block.log.joined(separator: "\n")).map { segment -> HTML in
                segment.isTiming
                    ? .element("span", [PageLayout.runDependent("duration")], .text(segment.text)) : .text(segment.text)
            }
            parts.append(
                PageLayout.line(
                    .element(
                        "details", [.init("class", "log")],
                        .element("summary", [], .text(summary)),
                        // A newline right after <pre> is dropped by parsers; writing one keeps a leading empty line.
                        .element("pre", [], [.newline] + text))))
        }
        return PageLayout.line(
            .element(
                "section", [.init("class", "block block-\(block.status.rawValue)"), .init("id", block.id)], parts))
    }

    /// The header line: id, `{kind}`, status badge, duration, line; then the caption.
    static func blockHeader(_ block: BlockReport) -> HTML {
        let duration = ReportFormat.duration(seconds: block.seconds)
        let timing =
            block.status == .cached ? "cached result, originally \(duration)" : duration
        var parts: [HTML] = [
            .element("span", [.init("class", "block-id")], .text(block.id)), .text(" "),
            .element("code", [.init("class", "block-kind")], .text("{\(block.kind)}")), .text(" "),
            PageLayout.badge(block.status), .text(" "),
            .element("span", [.init("class", "block-meta duration"), PageLayout.runDependent("duration")], .text(timing)),
            .text(" "),
            .element("span", [.init("class", "block-meta line")], .text("line \(block.line)")),
        ]
        if let caption = block.caption, !caption.isEmpty {
            parts.append(.element("p", [.init("class", "caption")], .text(caption)))
        }
        return PageLayout.line(.element("header", [.init("class", "block-header")], parts))
    }

    /// The error of a failed block, with the notebook line it refers to.
    static func errorBox(_ error: BlockError) -> HTML {
        PageLayout.line(
            .element(
                "div", [.init("class", "error"), .init("role", "alert")],
                .element("p", [.init("class", "error-title")], .text("Error at line \(error.line)")),
                .element("p", [.init("class", "error-message")], .text(error.message))))
    }

    /// Scalar results as a two-column table; measured times are marked run-dependent.
    static func metricsTable(_ metrics: [KeyValue]) -> HTML {
        let rows = metrics.map { metric -> HTML in
            let timing = ReportFormat.isTimingName(metric.key)
            return PageLayout.line(
                .element(
                    "tr", [],
                    .element("th", [.init("scope", "row")], .element("code", [], .text(metric.key))),
                    valueCell(metric.value, runDependent: timing)))
        }
        return PageLayout.line(
            .element(
                "table", [.init("class", "metrics")],
                .element("caption", [], .text("Metrics")),
                .element("tbody", [], [.newline] + rows)))
    }

    /// A figure, scaled to the page width, its caption followed by a download link to its data
    /// (`data`, a CSV) when it has one. A figure in a file links to it (the PNG at full size);
    /// an embedded figure links to itself and opens in a CSS-only lightbox (`:target`), closed by
    /// a click anywhere, which goes to its caption.
    static func figure(_ figure: FigureReference, block: String, data: String? = nil) -> HTML {
        let type = MediaType.of(figure.path)
        let source = figure.embeddedPNG.map { "data:\(type);base64," + $0.base64EncodedString() } ?? figure.path
        var image = HTML.element(
            "img",
            [
                .init("src", source), .init("alt", figure.caption),
                .init("width", String(figure.width)), .init("height", String(figure.height)),
                .init("loading", figure.embeddedPNG == nil ? "lazy" : nil),
            ])
        if let narrow = figure.narrow {
            // Panels side by side on a wide screen, stacked on a phone.
            let narrowSource = narrow.embeddedPNG.map { "data:\(type);base64," + $0.base64EncodedString() } ?? narrow.path
            image = .element(
                "picture", [],
                .element("source", [
                    .init("media", "(max-width: 600px)"), .init("srcset", narrowSource),
                    .init("width", String(narrow.width)), .init("height", String(narrow.height)),
                ]),
                image)
        }
        let anchor = figureAnchor(figure.path, block: block)
        let download: HTML = data.map { path in
            .element("span", [.init("class", "figure-data")], .text(" "),
                     .element("a", [.init("href", path), .init("download", "")], .text("data (\(path.split(separator: "/").last ?? ""))")))
        } ?? .empty
        guard figure.embeddedPNG != nil else {
            return PageLayout.line(
                .element(
                    "figure", [.init("id", anchor)],
                    .element("a", [.init("href", figure.path)], image),
                    .element("figcaption", [], .text(figure.caption), download)))
        }
        return PageLayout.line(
            .element(
                "figure", [.init("id", anchor), .init("class", "zoomable")],
                .element("a", [.init("class", "zoom"), .init("href", "#" + anchor), .init("title", "Show at full size")], image),
                .element(
                    "a", [.init("class", "lightbox-close"), .init("href", "#" + anchor + "-caption"), .init("aria-label", "Close")],
                    .text("×")),
                .element("figcaption", [.init("id", anchor + "-caption")], .text(figure.caption), download)))
    }

    /// `figure-<block>-<name>` from `figures/<block>-<name>.png`: an anchor as stable as the file name.
    public static func figureAnchor(_ path: String, block: String) -> String {
        var name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasSuffix(".png") || name.hasSuffix(".svg") { name.removeLast(4) }
        let cleaned = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
        return "figure-" + (cleaned.isEmpty ? block : cleaned)
    }

    /// A table of text cells; numeric-looking cells (and columns) are right-aligned, cells of a
    /// column of measured times are marked run-dependent.
    static func dataTable(_ table: ResultTable) -> HTML {
        let width = max(table.columns.count, table.rows.map(\.count).max() ?? 0)
        let numericColumn = (0..<width).map { column in
            let cells = table.rows.compactMap { column < $0.count ? $0[column] : nil }
                .filter { !$0.trimmingSpaces.isEmpty }
            return !cells.isEmpty && cells.allSatisfy(ReportFormat.looksNumeric)
        }
        let timingColumn = (0..<width).map { column in
            column < table.columns.count && ReportFormat.isTimingName(table.columns[column])
        }
        let head = table.columns.enumerated().map { column, name -> HTML in
            .element(
                "th", [.init("scope", "col"), .init("class", numericColumn[column] ? "num" : nil)], .text(name))
        }
        let rows = table.rows.map { row -> HTML in
            let padded = row + Array(repeating: "", count: max(0, table.columns.count - row.count))
            let cells = padded.enumerated().map { column, value in valueCell(value, runDependent: timingColumn[column]) }
            return PageLayout.line(.element("tr", [], cells))
        }
        return PageLayout.scrollingTable(
            class: "data", caption: table.title.isEmpty ? nil : table.title, headerCells: head, rows: rows)
    }

    /// Links to the block's CSV files.
    static func dataFiles(_ paths: [String]) -> HTML {
        let items = paths.map { path -> HTML in
            .element("li", [], .element("a", [.init("href", path)], .text(path)))
        }
        return PageLayout.line(
            .element(
                "div", [.init("class", "data-links")],
                .element("p", [.init("class", "data-title")], .text("Data")),
                .element("ul", [.init("class", "data-files")], items)))
    }

    // MARK: Helpers

    /// A `<td>`, right-aligned when its text reads as a number, marked when it is a measured time.
    static func valueCell(_ value: String, runDependent: Bool = false) -> HTML {
        .element(
            "td",
            [
                .init("class", ReportFormat.looksNumeric(value) ? "num" : nil),
                runDependent ? PageLayout.runDependent("duration") : .init("data-run-dependent", nil),
            ],
            .text(value))
    }

    /// Key/value pairs as a `<dl>`, each pair grouped in a `<div>` (valid HTML5).
    static func definitionList(_ pairs: [KeyValue], class className: String?) -> HTML {
        let items = pairs.map { pair -> HTML in
            .element("div", [], .element("dt", [], .text(pair.key)), .element("dd", [], .text(pair.value)))
        }
        return .element("dl", [.init("class", className)], items)
    }
}
