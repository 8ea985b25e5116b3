import Testing
@testable import Report

@Suite("Index page")
struct IndexWriterTests {
    let html = IndexWriter.page(title: "Reports in output", entries: Fixtures.entries)

    @Test("links point to the given hrefs, newest first")
    func links() {
        let checker = MarkupChecker(html)
        #expect(checker.problems == [])
        let hrefs = checker.all("a").compactMap { $0.attributes["href"] }
        #expect(hrefs == ["newest/index.html", "middle/index.html", "older/index.html"])
        #expect(html.contains("<a href=\"newest/index.html\">Newest</a>"))
    }

    @Test("rows show status, date, blocks and failed count")
    func rows() {
        #expect(html.contains("<title>Reports in output</title>"))
        #expect(html.contains("<h1>Reports in output</h1>"))
        #expect(html.contains("3 reports, 1 failed"))
        #expect(html.contains(
            "<tr><td data-sort-value=\"Newest\"><a href=\"newest/index.html\">Newest</a></td>"
                + "<td data-sort-value=\"failed\"><span class=\"badge badge-failed\">failed</span></td>"
                + "<td data-run-dependent=\"date\" data-sort-value=\"1714566600.000\"><time datetime=\"2024-05-01T12:30:00Z\">2024-05-01 12:30 UTC</time></td>"
                + "<td class=\"num\" data-sort-value=\"4\">4</td><td class=\"num\" data-sort-value=\"1\">1</td></tr>"))
        #expect(html.contains("<time datetime=\"2024-03-15T08:00:00.250Z\">2024-03-15 08:00 UTC</time>"))
    }

    @Test("no entries gives an empty-state message and no table")
    func emptyState() {
        let empty = IndexWriter.page(title: "Reports", entries: [])
        #expect(empty.contains("<p class=\"empty\">No reports yet."))
        #expect(!empty.contains("<table"))
        #expect(MarkupChecker(empty).problems == [])
    }

    @Test("sorting: dates with offsets compare as instants; unparsable dates last; ties by title")
    func sorting() {
        let entries = [
            IndexEntry(title: "b", href: "b", status: .ok, date: "yesterday", blocks: 0, failedBlocks: 0),
            IndexEntry(title: "z", href: "z", status: .ok, date: "2024-05-01T12:00:00Z", blocks: 0, failedBlocks: 0),
            IndexEntry(title: "a", href: "a", status: .ok, date: "2024-05-01T12:00:00Z", blocks: 0, failedBlocks: 0),
            // 13:30 at +02:00 is 11:30 UTC: older than the two above despite sorting after them as text.
            IndexEntry(title: "c", href: "c", status: .ok, date: "2024-05-01T13:30:00+02:00", blocks: 0, failedBlocks: 0),
        ]
        #expect(IndexWriter.sorted(entries).map(\.title) == ["a", "z", "c", "b"])
        #expect(IndexWriter.sorted(entries.reversed()).map(\.title) == ["a", "z", "c", "b"])
        let page = IndexWriter.page(title: "x", entries: entries)
        #expect(page.contains("<td data-run-dependent=\"date\" data-sort-value=\"\">yesterday</td>"))
    }

    @Test("column headers are sort buttons; the date column is the current order; the sorting script is inline")
    func sortable() {
        let checker = MarkupChecker(html)
        let headers = checker.all("th")
        #expect(headers.map { $0.attributes["data-sort-type"] } == ["text", "text", "number", "number", "number"])
        #expect(headers.map { $0.attributes["aria-sort"] } == [nil, nil, "descending", nil, nil])
        #expect(checker.all("button").count == 5)
        #expect(checker.all("button").allSatisfy { $0.attributes["type"] == "button" && $0.ancestors.last == "th" })
        // Every body cell carries its sort key.
        let cells = checker.all("td")
        #expect(cells.count == 15 && cells.allSatisfy { $0.attributes["data-sort-value"] != nil })
        #expect(cells.filter { $0.attributes["data-run-dependent"] == "date" }.count == 3)
        // One inline script, at the end of the body, that reads those attributes; nothing external.
        #expect(checker.all("script").count == 1 && checker.all("script")[0].attributes.isEmpty)
        #expect(html.contains("getAttribute(\"data-sort-value\")") && html.contains("aria-sort"))
        #expect(html.hasSuffix("})();</script>\n</body>\n</html>\n"))
        #expect(!html.contains("http://") && !html.contains("https://"))
    }

    @Test("date sort keys are seconds since 1970, instants for dates with offsets, empty when unparsable")
    func dateSortKeys() {
        #expect(IndexWriter.sortKey(date: "1970-01-01T00:00:01Z") == "1.000")
        #expect(IndexWriter.sortKey(date: "2024-03-15T08:00:00.250Z") == "1710489600.250")
        #expect(IndexWriter.sortKey(date: "2024-05-01T13:30:00+02:00") == IndexWriter.sortKey(date: "2024-05-01T11:30:00Z"))
        #expect(IndexWriter.sortKey(date: "yesterday") == "")
    }

    @Test("deterministic")
    func determinism() {
        #expect(IndexWriter.page(title: "Reports in output", entries: Fixtures.entries) == html)
        #expect(IndexWriter.page(title: "Reports in output", entries: Fixtures.entries.reversed()) == html)
    }
}
