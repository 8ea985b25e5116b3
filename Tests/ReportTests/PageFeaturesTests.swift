import BlockResults
import Foundation
import Testing
@testable import Report

@Suite("Embedded code")
struct EmbeddedCodeTests {
    @Test("stylesheets and scripts that could close their element are refused, in any case")
    func refusal() {
        #expect(EmbeddedCode(css: ".a{color:red}")?.text == ".a{color:red}")
        #expect(EmbeddedCode(javaScript: "var a = '</span>';")?.language == .javaScript)
        #expect(EmbeddedCode(css: "a{}</style><script>x()</script>") == nil)
        #expect(EmbeddedCode(css: "a{}</STYLE >") == nil)
        #expect(EmbeddedCode(javaScript: "s = '</script>'") == nil)
        #expect(EmbeddedCode(javaScript: "s = '</ScRiPt'") == nil)
        #expect(EmbeddedCode(javaScript: "s = '<!--'") == nil)
        #expect(EmbeddedCode(javaScript: "s = '\0'") == nil)
    }

    @Test("embedded code is written between its tags as it is")
    func rendering() throws {
        let css = try #require(EmbeddedCode(css: "a>b{x:1}"))
        let js = try #require(EmbeddedCode(javaScript: "if (a < b && c) {}"))
        #expect(HTML.embedded(css).rendered == "<style>a>b{x:1}</style>")
        #expect(HTML.embedded(js).rendered == "<script>if (a < b && c) {}</script>")
        #expect(HTML.externalScript(source: "katex/katex.min.js").rendered == "<script src=\"katex/katex.min.js\"></script>")
        #expect(HTML.externalScript(source: "javascript:alert(1)").rendered == "<script src=\"#\"></script>")
        #expect(HTML.externalScript(source: "a\"b.js").rendered == "<script src=\"a&quot;b.js\"></script>")
    }
}

@Suite("Report page features")
struct PageFeaturesTests {
    static let mathProse = TrustedHTML(
        rendererOutput: "<p>Step <span class=\"math inline\">$x_{n+1}$</span>:</p>\n<p><span class=\"math display\">$$a &lt; b$$</span></p>")

    func page(math: MathRenderer, figures: [FigureReference] = Fixtures.okBlock.figures) -> String {
        var block = Fixtures.okBlock
        block.figures = figures
        return ReportWriter.page(ReportPage(
            title: "M", sourcePath: "m.md", status: .ok, runInfo: [], generatedNote: "now", contents: [],
            cells: [.prose(Self.mathProse), .block(block)], math: math))
    }

    @Test("no renderer: no script and no stylesheet link; the TeX is in the page as text")
    func noRenderer() {
        let html = page(math: .none)
        #expect(!html.contains("<script") && !html.contains("<link"))
        #expect(html.contains("<span class=\"math inline\">$x_{n+1}$</span>"))
        #expect(MarkupChecker(html).problems == [])
    }

    @Test("linked KaTeX: its stylesheet in the head, its script and the render call at the end of the body")
    func linked() {
        let html = page(math: .linked(stylesheet: "katex/katex.min.css", script: "katex/katex.min.js"))
        let checker = MarkupChecker(html)
        #expect(checker.problems == [])
        #expect(checker.all("link").first?.attributes["href"] == "katex/katex.min.css")
        #expect(checker.all("link").first?.ancestors == ["html", "head"])
        let scripts = checker.all("script")
        #expect(scripts.count == 2)
        #expect(scripts[0].attributes["src"] == "katex/katex.min.js")
        #expect(scripts.allSatisfy { $0.ancestors == ["html", "body"] })
        #expect(html.contains("katex.render(") && html.contains("throwOnError: false") && html.contains("displayMode: display"))
        #expect(html.hasSuffix("})();</script>\n</body>\n</html>\n"))
        // The render script comes after the footer, so every math element exists when it runs.
        let footer = html.range(of: "<footer")!.lowerBound
        #expect(html.range(of: "katex.render(")!.lowerBound > footer)
    }

    @Test("embedded KaTeX: stylesheet and script inside the page, nothing to fetch")
    func embedded() throws {
        let css = try #require(EmbeddedCode(css: ".katex{font:1.21em KaTeX_Main}@font-face{src:url(data:font/woff2;base64,AAAA)}"))
        let js = try #require(EmbeddedCode(javaScript: "var katex = {render: function () {}};"))
        let html = page(math: .embedded(stylesheet: css, script: js))
        let checker = MarkupChecker(html)
        #expect(checker.problems == [])
        #expect(checker.all("link").isEmpty)
        #expect(checker.all("style").count == 2 && checker.all("script").count == 2)
        #expect(checker.all("script").allSatisfy { $0.attributes.isEmpty })
        #expect(html.contains("<style>.katex{font:1.21em KaTeX_Main}"))
        #expect(html.contains("<script>var katex = {render: function () {}};</script>"))
    }

    @Test("a figure in a file links to the PNG; an embedded one is a data URI opening in a CSS lightbox")
    func figures() throws {
        let png = Data([0x89, 0x50, 0x4E, 0x47])
        let html = page(math: .none, figures: [
            FigureReference(path: "figures/a-time.png", caption: "Time", width: 640, height: 420, data: "data/competition.csv"),
            FigureReference(path: "figures/a-phase.png", caption: "Phase", width: 640, height: 420, embeddedPNG: png, data: "data/competition.csv"),
        ])
        let checker = MarkupChecker(html)
        #expect(checker.problems == [])
        #expect(html.contains(
            "<figure id=\"figure-a-time\"><a href=\"figures/a-time.png\"><img src=\"figures/a-time.png\" alt=\"Time\" width=\"640\" height=\"420\" loading=\"lazy\"></a><figcaption>Time<span class=\"figure-data\"> <a href=\"data/competition.csv\" download=\"\">data (competition.csv)</a></span></figcaption></figure>"), "a download link to the figure's data")
        #expect(html.contains(
            "<figure id=\"figure-a-phase\" class=\"zoomable\"><a class=\"zoom\" href=\"#figure-a-phase\" title=\"Show at full size\">"
                + "<img src=\"data:image/png;base64,iVBORw==\" alt=\"Phase\" width=\"640\" height=\"420\"></a>"
                + "<a class=\"lightbox-close\" href=\"#figure-a-phase-caption\" aria-label=\"Close\">×</a>"
                + "<figcaption id=\"figure-a-phase-caption\">Phase<span class=\"figure-data\"> <a href=\"data/competition.csv\" download=\"\">data (competition.csv)</a></span></figcaption></figure>"))
        // The lightbox is CSS only: shown for the figure that is the document's target.
        #expect(html.contains("figure:target .zoom{position:fixed;inset:0"))
        #expect(html.contains(".lightbox-close{display:none}"))
        #expect(!html.contains("<script"))
    }

    @Test("figure anchors come from the file name")
    func figureAnchors() {
        #expect(ReportWriter.figureAnchor("figures/spiral-main-loss.png", block: "spiral-main") == "figure-spiral-main-loss")
        #expect(ReportWriter.figureAnchor("figures/a b\".png", block: "a") == "figure-a-b-")
        #expect(ReportWriter.figureAnchor(".png", block: "blk") == "figure-blk")
    }

    @Test("parameter summary: one row per option, the block spanning its rows; a block at its defaults says so")
    func parameterSummary() throws {
        let page = ReportPage(
            title: "P", sourcePath: "p.md", status: .ok, runInfo: [KeyValue("seed", "0")], generatedNote: "", contents: [],
            cells: [], parameters: [
                BlockParameters(id: "a", kind: "species", settings: [
                    ParameterSetting(name: "params.r1", value: "0.2", origin: "line 7"),
                    ParameterSetting(name: "steps", value: "500", origin: "-p steps=500"),
                ]),
                BlockParameters(id: "b", kind: "ode", settings: []),
            ])
        let html = ReportWriter.page(page)
        #expect(MarkupChecker(html).problems == [])
        #expect(html.contains(
            "<tr><th scope=\"row\" rowspan=\"2\"><a href=\"#a\">a</a> <code class=\"block-kind\">{species}</code></th>"
                + "<td><code>params.r1</code></td><td><code>0.2</code></td><td class=\"origin\">line 7</td></tr>\n"
                + "<tr><td><code>steps</code></td><td><code>500</code></td><td class=\"origin\">-p steps=500</td></tr>"))
        #expect(html.contains(
            "<tr><th scope=\"row\"><a href=\"#b\">b</a> <code class=\"block-kind\">{ode}</code></th><td colspan=\"3\" class=\"defaults\">all defaults</td></tr>"))
        // After the cells, collapsed: the story comes first.
        let header = try #require(html.components(separatedBy: "</header>").first)
        #expect(header.contains("<dl class=\"run-info\">") && !header.contains("<table class=\"parameters\">"))
        let afterMain = try #require(html.components(separatedBy: "</main>").last)
        #expect(afterMain.contains("<details class=\"parameters\" id=\"parameters\"><summary>Parameters: options that differ from the defaults (1 of 2 blocks)</summary>"))
        #expect(afterMain.contains("<table class=\"parameters\">"))
        #expect(!ReportWriter.page(Fixtures.fullPage()).contains("class=\"parameters\""))
    }

    @Test("run-dependent values are marked: footer, durations, timing metrics, timing columns, times in logs")
    func runDependentMarks() {
        var block = Fixtures.okBlock
        block.metrics = [KeyValue("loss.final", "0.1"), KeyValue("seconds_per_iteration", "0.004")]
        block.tables = [ResultTable(title: "wp", columns: ["solver", "error", "seconds"], rows: [["rk4", "1e-6", "0.002"]])]
        block.log = ["trained 20 iterations in 0.41 s; loss 3.5", "fit: 50 epochs in 12 ms", "h = 0.1, 20 steps, 3 species"]
        let html = ReportWriter.page(ReportPage(
            title: "R", sourcePath: "r.md", status: .ok, runInfo: [], generatedNote: "Generated now in 1 s.", contents: [],
            cells: [.block(block)]))
        #expect(MarkupChecker(html).problems == [])
        #expect(html.contains("<footer class=\"run-stamp\" data-run-dependent=\"date duration\">Generated now in 1 s.</footer>"))
        #expect(html.contains("<span class=\"block-meta duration\" data-run-dependent=\"duration\">4 ms</span>"))
        #expect(html.contains("<th scope=\"row\"><code>loss.final</code></th><td class=\"num\">0.1</td>"))
        #expect(html.contains("<th scope=\"row\"><code>seconds_per_iteration</code></th><td class=\"num\" data-run-dependent=\"duration\">0.004</td>"))
        #expect(html.contains("<td>rk4</td><td class=\"num\">1e-6</td><td class=\"num\" data-run-dependent=\"duration\">0.002</td>"))
        #expect(html.contains(
            "trained 20 iterations in <span data-run-dependent=\"duration\">0.41 s</span>; loss 3.5\nfit: 50 epochs in "
                + "<span data-run-dependent=\"duration\">12 ms</span>\nh = 0.1, 20 steps, 3 species</pre>"))
        #expect(html.components(separatedBy: "data-run-dependent").count - 1 == 6)
    }
}

@Suite("Timing text")
struct TimingTextTests {
    @Test("numbers with a unit of time are found; other numbers are not", arguments: [
        ("in 0.41 s;", ["0.41 s"]), ("took 12ms", ["12ms"]), ("2.5 seconds and 1 second", ["2.5 seconds", "1 second"]),
        ("3 min 5 s", ["3 min", "5 s"]), ("1e-3 s", ["1e-3 s"]), ("40 µs", ["40 µs"]),
        ("20 steps, 3 species", []), ("x1 s", []), ("h = 0.1", []), ("v1.5 s", []), ("12 sec", []), ("", []),
    ])
    func segments(_ text: String, _ timings: [String]) {
        let segments = ReportFormat.timingSegments(text)
        #expect(segments.filter(\.isTiming).map(\.text) == timings)
        #expect(segments.map(\.text).joined() == text)
    }

    @Test("timing names")
    func names() {
        #expect(ReportFormat.isTimingName("seconds_per_iteration") && ReportFormat.isTimingName("Seconds"))
        #expect(!ReportFormat.isTimingName("steps") && !ReportFormat.isTimingName("t"))
    }
}
