/// Writes one notebook's report page.
public enum ReportWriter {
    /// The complete HTML5 document for a report: header with run facts, table of contents, the cells
    /// in order, and a footer holding ``ReportPage/generatedNote`` (the only run-dependent text besides
    /// block durations).
    public static func page(_ report: ReportPage) -> String {
        var body: [HTML] = [header(report)]
        if !report.contents.isEmpty { body.append(tableOfContents(report.contents)) }
        body.append(
            PageLayout.line(.element("main", [], [.newline] + report.cells.map(cell))))
        body.append(footer(report.generatedNote))
        return PageLayout.document(title: report.title, body: body)
    }

    // MARK: Page parts

    /// The page header: title, source path, status badge and run facts.
    static func header(_ report: ReportPage) -> HTML {
        var parts: [HTML] = [
            .newline,
            PageLayout.line(.element("h1", [], .text(report.title))),
            PageLayout.line(
                .element(
                    "p", [.init("class", "source")],
                    .element("code", [], .text(report.sourcePath)), .text(" "), PageLayout.badge(report.status))),
        ]
        if !report.runInfo.isEmpty {
            parts.append(PageLayout.line(definitionList(report.runInfo, class: "run-info")))
        }
        return PageLayout.line(.element("header", [.init("class", "page-header")], parts))
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
                let link = HTML.element("a", [.init("href", "#" + entry.anchor)], .text(entry.text))
                return PageLayout.line(.element("li", [], link, list(i)))
            }
            return .element("ul", [], [.newline] + lis)
        }
        return PageLayout.line(
            .element(
                "nav", [.init("class", "toc"), .init("aria-label", "Contents")],
                .newline, PageLayout.line(.element("h2", [], .text("Contents"))), PageLayout.line(list(nil))))
    }

    /// The footer holding the run stamp.
    static func footer(_ note: String) -> HTML {
        PageLayout.line(.element("footer", [.init("class", "run-stamp")], .text(note)))
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
        parts += block.figures.map(figure)
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
            parts.append(
                PageLayout.line(
                    .element(
                        "details", [.init("class", "log")],
                        .element("summary", [], .text(summary)),
                        // A newline right after <pre> is dropped by parsers; writing one keeps a leading empty line.
                        .element("pre", [], .newline, .text(block.log.joined(separator: "\n"))))))
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
            .element("span", [.init("class", "block-meta duration")], .text(timing)), .text(" "),
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

    /// Scalar results as a two-column table.
    static func metricsTable(_ metrics: [KeyValue]) -> HTML {
        let rows = metrics.map { metric -> HTML in
            PageLayout.line(
                .element(
                    "tr", [],
                    .element("th", [.init("scope", "row")], .element("code", [], .text(metric.key))),
                    valueCell(metric.value)))
        }
        return PageLayout.line(
            .element(
                "table", [.init("class", "metrics")],
                .element("caption", [], .text("Metrics")),
                .element("tbody", [], [.newline] + rows)))
    }

    /// A figure: the image links to itself and scales to the page width.
    static func figure(_ figure: FigureReference) -> HTML {
        let image = HTML.element(
            "img",
            [
                .init("src", figure.path), .init("alt", figure.caption),
                .init("width", String(figure.width)), .init("height", String(figure.height)),
                .init("loading", "lazy"),
            ])
        return PageLayout.line(
            .element(
                "figure", [],
                .element("a", [.init("href", figure.path)], image),
                .element("figcaption", [], .text(figure.caption))))
    }

    /// A table of text cells; numeric-looking cells (and columns) are right-aligned.
    static func dataTable(_ table: DataTable) -> HTML {
        let width = max(table.columns.count, table.rows.map(\.count).max() ?? 0)
        let numericColumn = (0..<width).map { column in
            let cells = table.rows.compactMap { column < $0.count ? $0[column] : nil }
                .filter { !$0.trimmingSpaces.isEmpty }
            return !cells.isEmpty && cells.allSatisfy(ReportFormat.looksNumeric)
        }
        let head = table.columns.enumerated().map { column, name -> HTML in
            .element(
                "th", [.init("scope", "col"), .init("class", numericColumn[column] ? "num" : nil)], .text(name))
        }
        let rows = table.rows.map { row -> HTML in
            let padded = row + Array(repeating: "", count: max(0, table.columns.count - row.count))
            return PageLayout.line(.element("tr", [], padded.map(valueCell)))
        }
        var parts: [HTML] = []
        if !table.title.isEmpty { parts.append(.element("caption", [], .text(table.title))) }
        if !head.isEmpty { parts.append(.element("thead", [], .element("tr", [], head))) }
        parts.append(.element("tbody", [], [.newline] + rows))
        return PageLayout.line(
            .element(
                "div", [.init("class", "table-wrap")],
                .element("table", [.init("class", "data")], parts)))
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

    /// A `<td>`, right-aligned when its text reads as a number.
    static func valueCell(_ value: String) -> HTML {
        .element("td", [.init("class", ReportFormat.looksNumeric(value) ? "num" : nil)], .text(value))
    }

    /// Key/value pairs as a `<dl>`, each pair grouped in a `<div>` (valid HTML5).
    static func definitionList(_ pairs: [KeyValue], class className: String?) -> HTML {
        let items = pairs.map { pair -> HTML in
            .element("div", [], .element("dt", [], .text(pair.key)), .element("dd", [], .text(pair.value)))
        }
        return .element("dl", [.init("class", className)], items)
    }
}
