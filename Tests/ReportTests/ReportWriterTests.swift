import Testing
@testable import Report

@Suite("Report page")
struct ReportWriterTests {
    let html = ReportWriter.page(Fixtures.fullPage())

    @Test("is a complete, self-contained HTML5 document")
    func documentSkeleton() {
        #expect(html.hasPrefix("<!doctype html>\n<html lang=\"en\">"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        #expect(html.contains("<title>Experiments</title>"))
        #expect(html.contains("<style>"))
        #expect(html.contains("prefers-color-scheme:dark"))
        #expect(html.hasSuffix("</html>\n"))
        // Nothing from the network.
        #expect(!html.contains("<link"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.contains("@import") && !html.contains("url("))
    }

    @Test("a page with every feature is well formed")
    func wellFormed() {
        let checker = MarkupChecker(html)
        #expect(checker.problems == [])
        #expect(checker.all("html").count == 1 && checker.all("body").count == 1 && checker.all("main").count == 1)
        for image in checker.all("img") {
            #expect(image.attributes["alt"] != nil)
        }
    }

    @Test("the checker itself catches broken markup")
    func checkerCatchesProblems() {
        #expect(MarkupChecker("<div><p>x</div>").problems != [])
        #expect(MarkupChecker("<div><span>x</span>").problems != [])
        #expect(MarkupChecker("<p><div>x</div></p>").problems != [])
        #expect(MarkupChecker("<a href=\"x\"y\">z</a>").problems != [])
        #expect(MarkupChecker("<a href=x>z</a>").problems != [])
        #expect(MarkupChecker("a & b").problems != [])
        #expect(MarkupChecker("a > b").problems != [])
        #expect(MarkupChecker("<i id=\"a\"></i><b id=\"a\"></b>").problems != [])
        #expect(MarkupChecker("<p>a <img src=\"x\" alt=\"\"> &amp; <br> b</p>").problems == [])
    }

    @Test("table-of-contents links match element ids, nested by level")
    func tableOfContents() {
        let checker = MarkupChecker(html)
        let ids = Set(checker.ids)
        let tocLinks = checker.all("a").filter { $0.ancestors.contains("nav") }.compactMap { $0.attributes["href"] }
        #expect(tocLinks == ["#competition-model", "#competition", "#broken", "#spiral-main"])
        for link in tocLinks {
            #expect(ids.contains(String(link.dropFirst())), "\(link) has no target")
        }
        // Level 1 at the top, the level-2 and level-4 entries one step in.
        let depth = { (a: MarkupChecker.Element) in a.ancestors.filter { $0 == "ul" }.count }
        let depths = checker.all("a").filter { $0.ancestors.contains("nav") }.map(depth)
        #expect(depths == [1, 2, 2, 3])
    }

    @Test("each block is a section with its id, kind, caption, status, duration and line")
    func blockSections() {
        let sections = MarkupChecker(html).all("section")
        #expect(sections.map { $0.attributes["id"] } == ["competition", "broken", "spiral-main"])
        #expect(sections.map { $0.attributes["class"] } == ["block block-ok", "block block-failed", "block block-cached"])
        #expect(html.contains("<span class=\"block-id\">competition</span>"))
        #expect(html.contains("<code class=\"block-kind\">{species}</code>"))
        #expect(html.contains("<p class=\"caption\">Two species compete</p>"))
        #expect(html.contains("<span class=\"badge badge-ok\">ok</span>"))
        #expect(html.contains(">4 ms</span>"))
        #expect(html.contains(">line 12</span>"))
    }

    @Test("a failed block shows its message and line")
    func failedBlock() throws {
        let section = try #require(sectionText("broken"))
        #expect(section.contains("<span class=\"badge badge-failed\">failed</span>"))
        #expect(section.contains("Error at line 44"))
        #expect(section.contains("step size underflow at t = 3.2; try rtol: 1e-4"))
        #expect(section.contains("role=\"alert\""))
        #expect(section.contains("line 40"))
        #expect(sectionText("competition")?.contains("Error") == false)
    }

    @Test("a cached block says cached and shows the original duration")
    func cachedBlock() throws {
        let section = try #require(sectionText("spiral-main"))
        #expect(section.contains("<span class=\"badge badge-cached\">cached</span>"))
        #expect(section.contains("originally 2 min 5 s"))
    }

    @Test("metrics, figures, tables, data links, options and log")
    func blockContents() throws {
        let section = try #require(sectionText("competition"))
        #expect(section.contains("<table class=\"metrics\">"))
        #expect(section.contains("<td class=\"num\">373.568</td>"))
        #expect(section.contains("<td>yes</td>"))
        #expect(section.contains(
            "<figure id=\"figure-competition-time\"><a href=\"figures/competition-time.png\"><img src=\"figures/competition-time.png\" alt=\"Populations over time\" width=\"640\" height=\"400\" loading=\"lazy\"></a><figcaption>Populations over time<span class=\"figure-data\"> <a href=\"data/competition.csv\" download=\"\">data (competition.csv)</a></span></figcaption></figure>"))
        #expect(section.contains("<caption>Equilibria</caption>"))
        #expect(section.contains("<th scope=\"col\">name</th><th scope=\"col\" class=\"num\">x1</th>"))
        #expect(section.contains("<td>coexistence</td><td class=\"num\">1.5e2</td><td class=\"num\">-3.25</td>"))
        #expect(section.contains("<td class=\"num\">1,234</td>"))
        #expect(section.contains("<a href=\"data/competition.csv\">data/competition.csv</a>"))
        #expect(section.contains("<details class=\"options\"><summary>Options</summary><dl><div><dt>t1</dt><dd>100</dd></div>"))
        #expect(section.contains("<details class=\"log\"><summary>Log (2 lines)</summary><pre>\nstep 1\nstep 2 &lt;ok&gt;</pre></details>"))
        #expect(html.contains("img{max-width:100%;height:auto}"))
    }

    @Test("empty parts are left out")
    func emptyParts() throws {
        let section = try #require(sectionText("broken"))
        for absent in ["<table", "<figure", "<details", "class=\"caption\"", "data-links"] {
            #expect(!section.contains(absent), "\(absent)")
        }
        let bare = ReportWriter.page(ReportPage(
            title: "t", sourcePath: "s", status: .ok, runInfo: [], generatedNote: "", contents: [], cells: []))
        #expect(!bare.contains("<nav") && !bare.contains("<dl"))
        #expect(MarkupChecker(bare).problems == [])
    }

    @Test("header shows title, source, status and run info")
    func header() {
        #expect(html.contains("<h1>Experiments</h1>"))
        #expect(html.contains("<code>notebooks/experiments.md</code> <span class=\"badge badge-failed\">failed</span>"))
        #expect(html.contains("<dl class=\"run-info\"><div><dt>version</dt><dd>0.1.0</dd></div><div><dt>seed</dt><dd>42</dd></div>"))
    }

    @Test("the run stamp appears once, in the footer")
    func runStamp() {
        let note = "Generated 2024-05-01T12:00:00Z in 1.4 s"
        #expect(html.components(separatedBy: note).count == 2)
        #expect(html.contains("<footer class=\"run-stamp\" data-run-dependent=\"date duration\">\(note)</footer>"))
    }

    @Test("same input gives identical output; another run differs only in the run stamp")
    func determinism() {
        #expect(ReportWriter.page(Fixtures.fullPage()) == html)
        let other = ReportWriter.page(Fixtures.fullPage(note: "Generated 2025-01-01T00:00:00Z in 9 s"))
        let a = html.split(separator: "\n", omittingEmptySubsequences: false)
        let b = other.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(a.count == b.count)
        let differing = zip(a, b).filter { $0 != $1 }
        #expect(differing.count == 1)
        #expect(differing.first?.0.hasPrefix("<footer class=\"run-stamp\" data-run-dependent=") == true)
    }

    /// The markup of the section with the given id.
    private func sectionText(_ id: String) -> String? {
        guard let start = html.range(of: "<section class=\"block block-") else { return nil }
        let rest = html[start.lowerBound...]
        return rest.components(separatedBy: "</section>").first { $0.contains("id=\"\(id)\"") }
    }
}

