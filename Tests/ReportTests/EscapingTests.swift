import BlockResults
import Foundation
import Testing
@testable import Report

/// Every slot of user text, filled one at a time with hostile text.
enum Slot: String, CaseIterable, Sendable {
    case title, sourcePath, runInfoKey, runInfoValue, generatedNote, contentsText, contentsAnchor
    case blockID, kind, caption, optionKey, optionValue, metricKey, metricValue
    case figurePath, figureCaption, tableTitle, tableColumn, tableCell, dataFile, logLine, errorMessage
    case parameterBlock, parameterKind, parameterName, parameterValue, parameterOrigin, embeddedFigureCaption

    func page(_ text: String) -> ReportPage {
        func v(_ slot: Slot, _ normal: String) -> String { slot == self ? text : normal }
        let block = BlockReport(
            id: v(.blockID, "b1"), kind: v(.kind, "species"), line: 3, caption: v(.caption, "cap"),
            status: .failed, seconds: 0.5,
            options: [KeyValue(v(.optionKey, "k"), v(.optionValue, "v"))],
            metrics: [KeyValue(v(.metricKey, "m"), v(.metricValue, "1"))],
            figures: [
                FigureReference(path: v(.figurePath, "f.png"), caption: v(.figureCaption, "fig"), width: 10, height: 10),
                FigureReference(path: "figures/e.png", caption: v(.embeddedFigureCaption, "e"), width: 10, height: 10,
                                embeddedPNG: Data([1, 2, 3])),
            ],
            tables: [ResultTable(title: v(.tableTitle, "t"), columns: [v(.tableColumn, "c")], rows: [[v(.tableCell, "2")]])],
            dataFiles: [v(.dataFile, "d.csv")], log: [v(.logLine, "log")],
            error: BlockError(message: v(.errorMessage, "boom"), line: 4))
        return ReportPage(
            title: v(.title, "T"), sourcePath: v(.sourcePath, "n.md"), status: .failed,
            runInfo: [KeyValue(v(.runInfoKey, "seed"), v(.runInfoValue, "1"))],
            generatedNote: v(.generatedNote, "now"),
            contents: [ContentsEntry(level: 1, text: v(.contentsText, "c"), anchor: v(.contentsAnchor, "a"))],
            cells: [.block(block)],
            parameters: [
                BlockParameters(
                    id: v(.parameterBlock, "b1"), kind: v(.parameterKind, "species"),
                    settings: [ParameterSetting(name: v(.parameterName, "h"), value: v(.parameterValue, "0.1"),
                                                origin: v(.parameterOrigin, "line 3"))]),
            ])
    }
}

@Suite("Escaping")
struct EscapingTests {
    @Test("hostile text in each slot of a report comes out escaped", arguments: Slot.allCases)
    func reportSlot(_ slot: Slot) {
        let html = ReportWriter.page(slot.page(Fixtures.script))
        #expect(!html.lowercased().contains("<script"))
        #expect(html.contains(Fixtures.escapedScript))
        #expect(MarkupChecker(html).problems == [])
    }

    @Test("hostile text everywhere at once")
    func everywhere() {
        let html = ReportWriter.page(Fixtures.hostilePage(Fixtures.script))
        #expect(!html.lowercased().contains("<script"))
        // title (twice), source, runInfo (2), note, contents, id, kind, caption, options (2), metrics (2),
        // figure caption (alt, figcaption), table (3), data file text, log, error
        let count = html.components(separatedBy: Fixtures.escapedScript).count - 1
        #expect(count >= 20)
        #expect(MarkupChecker(html).problems == [])
    }

    @Test("index title and entry titles are escaped")
    func index() {
        let entries = [IndexEntry(title: Fixtures.script, href: "a/index.html", status: .ok, date: Fixtures.script, blocks: 1, failedBlocks: 0)]
        let html = IndexWriter.page(title: Fixtures.script, entries: entries)
        #expect(!html.lowercased().contains("<script>alert"))
        // The page's one script is its own sorting script.
        #expect(html.components(separatedBy: "<script").count - 1 == 1)
        #expect(html.contains("<script>(function () {"))
        // title, h1, entry link, entry sort key, date
        #expect(html.components(separatedBy: Fixtures.escapedScript).count - 1 == 5)
        #expect(MarkupChecker(html).problems == [])
    }

    @Test("quotes in attribute values are escaped")
    func quotesInAttributes() {
        let path = "figures/a\"b'c.png"
        var block = Fixtures.okBlock
        block.figures = [FigureReference(path: path, caption: "x\" onerror=\"alert(1)", width: 1, height: 1)]
        let html = ReportWriter.page(ReportPage(
            title: "t", sourcePath: "s", status: .ok, runInfo: [], generatedNote: "", contents: [], cells: [.block(block)]))
        #expect(html.contains("src=\"figures/a&quot;b&#39;c.png\""))
        #expect(html.contains("href=\"figures/a&quot;b&#39;c.png\""))
        #expect(html.contains("alt=\"x&quot; onerror=&quot;alert(1)\""))
        let checker = MarkupChecker(html)
        #expect(checker.problems == [])
        let image = checker.all("img").first
        #expect(image?.attributes["onerror"] == nil)
        #expect(image?.attributes["src"] == "figures/a&quot;b&#39;c.png")
    }

    @Test("text escaping covers the five special characters")
    func textEscaping() {
        #expect(HTML.text("a & b < c > d \" e ' f").rendered == "a &amp; b &lt; c &gt; d &quot; e &#39; f")
        #expect(HTML.text("plain ünïcode ✓").rendered == "plain ünïcode ✓")
    }

    @Test("script URLs in href and src are neutralised")
    func scriptURLs() {
        for url in ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:x", "vbscript:x", "data:text/html,<b>"] {
            let link = HTML.element("a", [.init("href", url)], .text("x")).rendered
            #expect(link == "<a href=\"#\">x</a>", "\(url)")
        }
        for url in ["figures/x.png", "https://example.org/a", "#anchor", "data:image/png;base64,AAAA", "a/b:c.png", "?q=a:b"] {
            let link = HTML.element("a", [.init("href", url)], .text("x")).rendered
            #expect(link == "<a href=\"\(HTML.escape(url))\">x</a>", "\(url)")
        }
    }

    @Test("trusted prose passes through unchanged")
    func trustedProse() {
        let html = ReportWriter.page(Fixtures.fullPage())
        #expect(html.contains(Fixtures.prose.markup))
        #expect(HTML.trusted(Fixtures.prose).rendered == Fixtures.prose.markup)
    }
}
