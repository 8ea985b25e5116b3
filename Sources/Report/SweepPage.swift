import BlockResults

/// Everything a sweep's comparison page shows: one row per point with its values, status and
/// every block metric, figures across the points, and links to each point's report.
public struct SweepPage: Sendable, Equatable {
    /// One point of the sweep.
    public struct Point: Sendable, Equatable {
        /// The point's name (`lr=0.001_seed=0`).
        public var name: String
        /// Link to its report, relative to the page.
        public var href: String
        /// The point's value of each key, as text.
        public var values: [String]
        /// How the point ended: `.failed` when a block failed or did not run.
        public var status: BlockStatus
        /// The value of each metric column (`nil`: the point has no such metric).
        public var metrics: [MetricValue?]
        /// Creates a point.
        public init(name: String, href: String, values: [String], status: BlockStatus, metrics: [MetricValue?]) {
            self.name = name
            self.href = href
            self.values = values
            self.status = status
            self.metrics = metrics
        }
    }

    /// A metric's value as shown and as sorted.
    public struct MetricValue: Sendable, Equatable {
        /// As shown (`0.0123`, `57`).
        public var text: String
        /// The number it sorts by.
        public var number: Double
        /// Creates a value.
        public init(text: String, number: Double) {
            self.text = text
            self.number = number
        }
    }

    /// The notebook's title.
    public var title: String
    /// The notebook's path as given.
    public var sourcePath: String
    /// `.failed` when any point failed.
    public var status: BlockStatus
    /// Facts about the sweep and the run.
    public var runInfo: [KeyValue]
    /// The run-dependent sentence of the footer.
    public var generatedNote: String
    /// The swept keys, in order.
    public var keys: [String]
    /// Whether each key's values are all numbers (their columns sort and align as numbers).
    public var numericKeys: [Bool]
    /// The metric columns: `<block id>.<metric>`.
    public var metricColumns: [String]
    /// Which metric columns are measured times (their cells are marked run-dependent).
    public var timingColumns: [Bool]
    /// The points, in the order of the sweep.
    public var points: [Point]
    /// Figures across the points: metrics against the swept key, loss curves overlaid.
    public var figures: [FigureReference]

    /// Creates a page.
    public init(title: String, sourcePath: String, status: BlockStatus, runInfo: [KeyValue], generatedNote: String,
                keys: [String], numericKeys: [Bool], metricColumns: [String], timingColumns: [Bool], points: [Point],
                figures: [FigureReference]) {
        self.title = title
        self.sourcePath = sourcePath
        self.status = status
        self.runInfo = runInfo
        self.generatedNote = generatedNote
        self.keys = keys
        self.numericKeys = numericKeys
        self.metricColumns = metricColumns
        self.timingColumns = timingColumns
        self.points = points
        self.figures = figures
    }
}

/// Writes a sweep's comparison page.
public enum SweepPageWriter {
    /// The complete HTML5 document: header, a table of the points sortable by any column (a click
    /// on its header), the figures, and the footer. Measured times are marked run-dependent.
    public static func page(_ sweep: SweepPage) -> String {
        var body: [HTML] = [header(sweep), table(sweep)]
        if !sweep.figures.isEmpty {
            body.append(PageLayout.line(.element("h2", [], .text("Across the points"))))
            body += sweep.figures.map { ReportWriter.figure($0, block: "sweep") }
        }
        body.append(ReportWriter.footer(sweep.generatedNote))
        return PageLayout.document(title: sweep.title, body: body, scripts: [.script(PageScripts.sortTable)])
    }

    static func header(_ sweep: SweepPage) -> HTML {
        let failed = sweep.points.filter { $0.status == .failed }.count
        let count = sweep.points.count == 1 ? "1 point" : "\(sweep.points.count) points"
        let parts: [HTML] =
            [.newline] + PageLayout.titleAndSource(title: sweep.title, sourcePath: sweep.sourcePath, status: sweep.status) + [
                PageLayout.line(ReportWriter.definitionList(sweep.runInfo, class: "run-info")),
                PageLayout.line(.element("p", [.init("class", "summary")], .text(failed == 0 ? count : "\(count), \(failed) failed"))),
            ]
        return PageLayout.line(.element("header", [.init("class", "page-header")], parts))
    }

    /// The points: name (a link to the report), each key's value, status, each metric.
    static func table(_ sweep: SweepPage) -> HTML {
        func header(_ label: String, numeric: Bool) -> HTML {
            PageLayout.sortingHeader(label, type: numeric ? "number" : "text", numeric: numeric)
        }
        var headers = [header("Point", numeric: false)]
        headers += zip(sweep.keys, sweep.numericKeys).map { header($0, numeric: $1) }
        headers.append(header("Status", numeric: false))
        headers += sweep.metricColumns.map { header($0, numeric: true) }
        let rows = sweep.points.map { point -> HTML in
            var cells: [HTML] = [
                .element("td", [.init("data-sort-value", point.name)], .element("a", [.init("href", point.href)], .text(point.name))),
            ]
            cells += zip(point.values, sweep.numericKeys).map { value, numeric in
                .element("td", [.init("class", numeric ? "num" : nil), .init("data-sort-value", value)], .text(value))
            }
            cells.append(.element("td", [.init("data-sort-value", point.status.rawValue)], PageLayout.badge(point.status)))
            cells += zip(point.metrics, sweep.timingColumns).map { value, timing in
                .element(
                    "td",
                    [
                        .init("class", "num"), .init("data-sort-value", value.map { sortKey($0.number) } ?? ""),
                        timing ? PageLayout.runDependent("duration") : .init("data-run-dependent", nil),
                    ],
                    .text(value?.text ?? "—"))
            }
            return PageLayout.line(.element("tr", [], cells))
        }
        return PageLayout.scrollingTable(class: "points sortable", caption: "Points", headerCells: headers, rows: rows)
    }

    /// A number as the sort script reads it (`parseFloat`): non-finite values sort first or last.
    static func sortKey(_ value: Double) -> String {
        if value.isNaN { return "" }
        if value.isInfinite { return value > 0 ? "1e308" : "-1e308" }
        return String(format: "%.17g", value)
    }
}
