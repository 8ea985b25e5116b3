/// Pieces shared by the report and index pages: the document skeleton and status badges.
enum PageLayout {
    /// A complete HTML5 document with the embedded stylesheet; `body` is the content of `<body>`,
    /// `head` goes after the stylesheet (more stylesheets) and `scripts` at the end of the body.
    /// An empty title becomes "Untitled" (an empty `<title>` is not valid HTML).
    static func document(title: String, body: [HTML], head extraHead: [HTML] = [], scripts: [HTML] = []) -> String {
        let head = HTML.element(
            "head", [],
            [
                .newline,
                .element("meta", [.init("charset", "utf-8")]), .newline,
                .element("meta", [.init("name", "generator"), .init("content", "notebook")]), .newline,
                .element("meta", [.init("name", "viewport"), .init("content", "width=device-width, initial-scale=1")]),
                .newline,
                .element("title", [], .text(title.isEmpty ? "Untitled" : title)), .newline,
                .style(Stylesheet.css), .newline,
            ] + extraHead.map(line)
        )
        let html = HTML.element(
            "html", [.init("lang", "en")],
            .newline, head, .newline,
            .element("body", [], [.newline] + body + scripts.map(line)), .newline
        )
        return (HTML.doctype + html + .newline).rendered
    }

    /// A status badge: `ok`, `failed` or `cached`, styled by class `badge-<status>`.
    static func badge(_ status: BlockStatus) -> HTML {
        .element("span", [.init("class", "badge badge-\(status.rawValue)")], .text(status.rawValue))
    }

    /// The first lines of a page header: the title, then the notebook's path with the status badge.
    static func titleAndSource(title: String, sourcePath: String, status: BlockStatus) -> [HTML] {
        [
            line(.element("h1", [], .text(title))),
            line(
                .element(
                    "p", [.init("class", "source")],
                    .element("code", [], .text(sourcePath)), .text(" "), badge(status))),
        ]
    }

    /// A table that scrolls sideways when it is wider than the page (inside `div.table-wrap`, with
    /// any further `wrapperClasses`): its caption when there is one, a header row when there are
    /// header cells, then the body rows.
    static func scrollingTable(
        class tableClass: String, wrapperClasses: String = "", caption: String?, headerCells: [HTML], rows: [HTML]
    ) -> HTML {
        var parts: [HTML] = []
        if let caption { parts.append(.element("caption", [], .text(caption))) }
        if !headerCells.isEmpty { parts.append(.element("thead", [], .element("tr", [], headerCells))) }
        parts.append(.element("tbody", [], [.newline] + rows))
        let wrapper = wrapperClasses.isEmpty ? "table-wrap" : "table-wrap " + wrapperClasses
        return line(.element("div", [.init("class", wrapper)], .element("table", [.init("class", tableClass)], parts)))
    }

    /// A column header whose button sorts a sortable table by the column (`type`: `text` or
    /// `number`); `sorted` is the column's initial `aria-sort`, when the rows start sorted by it.
    static func sortingHeader(_ label: String, type: String, numeric: Bool = false, sorted: String? = nil) -> HTML {
        .element(
            "th",
            [
                .init("scope", "col"), .init("class", numeric ? "num" : nil), .init("data-sort-type", type),
                .init("aria-sort", sorted),
            ],
            .element("button", [.init("type", "button"), .init("class", "sort")], .text(label)))
    }

    /// `element` followed by a source line break, for readable output.
    static func line(_ element: HTML) -> HTML {
        element + .newline
    }

    /// The attribute that marks an element whose text or attributes change from run to run (dates,
    /// durations): two runs of the same notebook differ only inside elements carrying it. Its value
    /// says what varies (`date`, `duration`).
    static func runDependent(_ what: String) -> HTML.Attribute {
        .init("data-run-dependent", what)
    }
}
