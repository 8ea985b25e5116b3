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
            "<tr><td><a href=\"newest/index.html\">Newest</a></td><td><span class=\"badge badge-failed\">failed</span></td><td><time datetime=\"2024-05-01T12:30:00Z\">2024-05-01 12:30 UTC</time></td><td class=\"num\">4</td><td class=\"num\">1</td></tr>"))
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
        #expect(page.contains("<td>yesterday</td>"))
    }

    @Test("deterministic")
    func determinism() {
        #expect(IndexWriter.page(title: "Reports in output", entries: Fixtures.entries) == html)
        #expect(IndexWriter.page(title: "Reports in output", entries: Fixtures.entries.reversed()) == html)
    }
}
