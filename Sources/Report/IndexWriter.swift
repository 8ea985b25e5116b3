import Foundation

/// Writes the index page of an output folder: every report, its status and date.
public enum IndexWriter {
    /// The element every page written by notebook carries in its head, by which an index page
    /// left in an output folder is known to be notebook's own (and so may be replaced).
    public static let generatorMarker = "<meta name=\"generator\" content=\"notebook\">"

    /// The complete HTML5 document listing `entries`, newest first (by ``IndexEntry/date``; ties by
    /// title, then href), or a message saying there are no reports yet. A small inline script makes
    /// the columns sortable (by title, status, date and block counts) with a click on their header.
    public static func page(title: String, entries: [IndexEntry]) -> String {
        var body: [HTML] = [PageLayout.line(.element("h1", [], .text(title)))]
        if entries.isEmpty {
            body.append(
                PageLayout.line(
                    .element(
                        "p", [.init("class", "empty")],
                        .text("No reports yet. Run "), .element("code", [], .text("notebook run FILE.md")),
                        .text(" to write one."))))
            return PageLayout.document(title: title, body: body)
        }
        body.append(PageLayout.line(summary(entries)))
        body.append(table(sorted(entries)))
        return PageLayout.document(title: title, body: body, scripts: [.script(PageScripts.sortTable)])
    }

    /// The entries newest first; dates that do not parse as ISO 8601 come last, by their text.
    public static func sorted(_ entries: [IndexEntry]) -> [IndexEntry] {
        let keyed = entries.map { (entry: $0, date: parseDate($0.date)) }
        return keyed.sorted { a, b in
            switch (a.date, b.date) {
            case let (x?, y?) where x != y: return x > y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil) where a.entry.date != b.entry.date: return a.entry.date > b.entry.date
            default:
                if a.entry.title != b.entry.title { return a.entry.title < b.entry.title }
                return a.entry.href < b.entry.href
            }
        }.map(\.entry)
    }

    /// "3 reports, 1 failed".
    static func summary(_ entries: [IndexEntry]) -> HTML {
        let failed = entries.filter { $0.status == .failed }.count
        let reports = entries.count == 1 ? "1 report" : "\(entries.count) reports"
        return .element("p", [.init("class", "summary")], .text(failed == 0 ? reports : "\(reports), \(failed) failed"))
    }

    /// The table of reports. Each column header holds a button that sorts the rows by that column;
    /// every cell carries its sort key in `data-sort-value` (dates as seconds since 1970, empty when
    /// the date does not parse), and the date cells are marked run-dependent.
    static func table(_ entries: [IndexEntry]) -> HTML {
        let headerCells = [
            PageLayout.sortingHeader("Report", type: "text"), PageLayout.sortingHeader("Status", type: "text"),
            PageLayout.sortingHeader("Date", type: "number", sorted: "descending"),
            PageLayout.sortingHeader("Blocks", type: "number", numeric: true),
            PageLayout.sortingHeader("Failed", type: "number", numeric: true),
        ]
        let rows = entries.map { entry -> HTML in
            PageLayout.line(
                .element(
                    "tr", [],
                    .element(
                        "td", [.init("data-sort-value", entry.title)],
                        .element("a", [.init("href", entry.href)], .text(entry.title))),
                    .element("td", [.init("data-sort-value", entry.status.rawValue)], PageLayout.badge(entry.status)),
                    .element(
                        "td", [PageLayout.runDependent("date"), .init("data-sort-value", sortKey(date: entry.date))],
                        date(entry.date)),
                    .element(
                        "td", [.init("class", "num"), .init("data-sort-value", String(entry.blocks))],
                        .text(String(entry.blocks))),
                    .element(
                        "td", [.init("class", "num"), .init("data-sort-value", String(entry.failedBlocks))],
                        .text(String(entry.failedBlocks)))))
        }
        return PageLayout.scrollingTable(class: "reports sortable", caption: nil, headerCells: headerCells, rows: rows)
    }

    /// A date's sort key: seconds since 1970 with three decimals, or empty when it does not parse.
    static func sortKey(date text: String) -> String {
        guard let date = parseDate(text) else { return "" }
        return String(format: "%.3f", date.timeIntervalSince1970)
    }

    /// A date cell: `<time>` showing `YYYY-MM-DD HH:MM UTC` when the text parses, else the text.
    static func date(_ text: String) -> HTML {
        guard let date = parseDate(text) else { return .text(text) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : String($0) } ?? "00" }
        let shown = "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)) UTC"
        return .element("time", [.init("datetime", text)], .text(shown))
    }

    /// An ISO 8601 date-time with or without fractional seconds.
    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
