import Experiments
import Foundation
import Report
import Testing
@testable import NotebookKit

@Suite("Report builder")
struct ReportBuilderTests {
    /// Loads `text` as a notebook, runs its blocks and builds the report.
    func build(_ text: String, selfContained: Bool, files: [String: Data] = [:]) throws -> (report: RenderedReport, blocks: [RenderedBlock]) {
        let path = try temporaryNotebook(text)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        for (name, data) in files { try data.write(to: directory.appendingPathComponent(name)) }
        let notebook = try NotebookLoader.load([path]).get()[0]
        let blocks = notebook.blocks.map { BlockRenderer.render(BlockRunner.run($0, monitor: RunMonitor())) }
        let run = RunInformation(overrides: [], date: Date(timeIntervalSince1970: 0), selfContained: selfContained, quiet: true)
        return (ReportBuilder.build(notebook, blocks: blocks, run: run, totalSeconds: 1), blocks)
    }

    func page(_ report: RenderedReport) throws -> String {
        let file = try #require(report.files.first { $0.path == "index.html" })
        return String(decoding: file.contents, as: UTF8.self)
    }

    @Test("--self-contained embeds each figure's PNG as a data URI; the PNG files are still written")
    func embeddedFigures() throws {
        let text = "# F\n\n```{species}\nid: a\nsteps: 5\nplot: time\n```\n"
        let linked = try build(text, selfContained: false)
        #expect(try page(linked.report).contains("<a href=\"figures/a-time.png\"><img src=\"figures/a-time.png\""))

        let embedded = try build(text, selfContained: true)
        let png = try #require(embedded.blocks[0].files.first { $0.path == "figures/a-time.png" }).contents
        let html = try page(embedded.report)
        #expect(html.contains("<img src=\"data:image/png;base64,\(png.base64EncodedString())\""))
        #expect(html.contains("<figure id=\"figure-a-time\" class=\"zoomable\"><a class=\"zoom\" href=\"#figure-a-time\""))
        #expect(!html.contains("src=\"figures/"))
        #expect(embedded.report.files.contains { $0.path == "figures/a-time.png" }, "results.json lists the figure files")
    }

    @Test("--self-contained embeds the prose's local images; otherwise they are copied to assets/")
    func embeddedAssets() throws {
        let image = Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3])
        let text = "# Pictures\n\n![a sketch](my%20sketch.png) and ![remote](https://example.org/x.png)\n"
        let linked = try build(text, selfContained: false, files: ["my sketch.png": image])
        #expect(try page(linked.report).contains("<img src=\"assets/my%20sketch.png\" alt=\"a sketch\""))
        #expect(linked.report.copies.map(\.path) == ["assets/my sketch.png"])

        let embedded = try build(text, selfContained: true, files: ["my sketch.png": image])
        let html = try page(embedded.report)
        #expect(html.contains("<img src=\"data:image/png;base64,\(image.base64EncodedString())\" alt=\"a sketch\""))
        #expect(html.contains("<img src=\"https://example.org/x.png\""))
    }

    @Test("A page with math gets KaTeX: files under katex/, or embedded; a page without math gets nothing")
    func math() throws {
        guard case .success = KaTeX.installed else {
            Issue.record("libjs-katex is not installed (scripts/install-deps installs it)")
            return
        }
        let text = "# M\n\nEuler: $x_{n+1} = x_n + h f(x_n)$.\n"
        let linked = try build(text, selfContained: false)
        let linkedPage = try page(linked.report)
        #expect(linkedPage.contains("<link rel=\"stylesheet\" href=\"katex/katex.min.css\">"))
        #expect(linkedPage.contains("<script src=\"katex/katex.min.js\"></script>\n<script>"))
        #expect(linkedPage.contains("throwOnError: false"))
        for path in ["katex/katex.min.css", "katex/katex.min.js", "katex/fonts/KaTeX_Main-Regular.woff2"] {
            #expect(linked.report.files.contains { $0.path == path }, "\(path)")
        }

        let embedded = try build(text, selfContained: true)
        let embeddedPage = try page(embedded.report)
        #expect(!embedded.report.files.contains { $0.path.hasPrefix("katex/") })
        #expect(!embeddedPage.contains("katex/katex") && !embeddedPage.contains("<link"))
        #expect(embeddedPage.contains("data:font/woff2;base64,"))
        #expect(embeddedPage.contains("<span class=\"math inline\">$x_{n+1} = x_n + h f(x_n)$</span>"))

        let plain = try build("# P\n\nNo math, only $5.\n", selfContained: false)
        #expect(!(try page(plain.report)).contains("<script"))
        #expect(!plain.report.files.contains { $0.path.hasPrefix("katex/") })
    }

    @Test("Math in a table cell, in a heading and in a list is kept; a notebook's own marker characters are not taken for math")
    func mathInTables() throws {
        let text = "# T\n\n| symbol | value |\n|---|---|\n| $r_1$ | 0.1 |\n| $\\alpha$ and $\\beta$ | 2 |\n\n"
            + "## About $x^2$\n\n- item $y_0$\n\nforged \u{E006}0\u{E007} marker\n"
        let html = try page(try build(text, selfContained: false).report)
        #expect(html.contains("<td><span class=\"math inline\">$r_1$</span></td>"))
        #expect(html.contains("<td><span class=\"math inline\">$\\alpha$</span> and <span class=\"math inline\">$\\beta$</span></td>"))
        #expect(html.contains("About <span class=\"math inline\">$x^2$</span></h2>"))
        #expect(html.contains("<li>item <span class=\"math inline\">$y_0$</span></li>"))
        #expect(html.contains("forged \u{FFFD}0\u{FFFD} marker"))
    }

    @Test("A figure of panels side by side also comes stacked for phones: a narrow PNG chosen by a media query, embedded too")
    func narrowVariants() throws {
        let text = "# N\n\n```{spiral}\nid: s\ndata_size: 100\nhidden: [4]\niterations: 2\nbatch_time: 5\nbatch_size: 4\ntest_every: 0\nsnapshots: 2\n```\n"
        let linked = try build(text, selfContained: false)
        let html = try page(linked.report)
        #expect(html.contains("<picture><source media=\"(max-width: 600px)\" srcset=\"figures/s-field-narrow.png\" width=\"340\""))
        #expect(linked.report.files.contains { $0.path == "figures/s-field-narrow.png" })
        #expect(!linked.report.files.contains { $0.path == "figures/s-loss-narrow.png" }, "one panel: no variant")
        let embedded = try page(try build(text, selfContained: true).report)
        #expect(embedded.contains("<picture><source media=\"(max-width: 600px)\" srcset=\"data:image/png;base64,"))
    }

    @Test("figure_format: svg in the front matter draws every block's figures as SVG (titled), a block may keep png; embedded as SVG data URIs")
    func svgFigures() throws {
        let text = "---\nfigure_format: svg\n---\n# S\n\n```{ode}\nid: a\nequations: {x: -x}\ninitial: {x: 1}\nt_end: 1\nplot: time\n```\n\n"
            + "```{ode}\nid: b\nequations: {x: -x}\ninitial: {x: 1}\nt_end: 1\nplot: time\nfigure_format: png\n```\n"
        let linked = try build(text, selfContained: false)
        let svg = try #require(linked.blocks[0].files.first { $0.path == "figures/a-time.svg" }).contents
        let document = String(decoding: svg, as: UTF8.self)
        #expect(document.hasPrefix("<?xml") && document.contains("<svg") && document.contains("<title>Solution</title>"))
        #expect(linked.blocks[1].files.contains { $0.path == "figures/b-time.png" })
        let html = try page(linked.report)
        #expect(html.contains("<figure id=\"figure-a-time\"><a href=\"figures/a-time.svg\"><img src=\"figures/a-time.svg\""))
        let embedded = try page(try build(text, selfContained: true).report)
        #expect(embedded.contains("<img src=\"data:image/svg+xml;base64,"))
        #expect(embedded.contains("<img src=\"data:image/png;base64,"), "block b keeps png")
    }

    @Test("The contents list each block's figures by number and caption, with a thumbnail when the figures are files")
    func figureGallery() throws {
        let text = "# G\n\n```{ode}\nid: a\nequations: {x: -x}\ninitial: {x: 1}\nt_end: 1\nplot: time\n```\n"
        let linked = try page(try build(text, selfContained: false).report)
        let contents = try #require(linked.components(separatedBy: "<nav class=\"toc\"").dropFirst().first?.components(separatedBy: "</nav>").first)
        #expect(contents.contains("<li class=\"figure-entry\"><a href=\"#figure-a-time\"><img class=\"thumb\" src=\"figures/a-time.png\" alt=\"\" loading=\"lazy\">Figure 1. x against time</a></li>"))
        let embedded = try page(try build(text, selfContained: true).report)
        let embeddedContents = try #require(embedded.components(separatedBy: "<nav class=\"toc\"").dropFirst().first?.components(separatedBy: "</nav>").first)
        #expect(embeddedContents.contains("<a href=\"#figure-a-time\">Figure 1. x against time</a>"))
        #expect(!embeddedContents.contains("<img"), "no second copy of the figure in a self-contained page")
    }

    @Test("The parameter summary lists each block that ran")
    func parameters() throws {
        let built = try build("# P\n\n```{species}\nid: a\nsteps: 5\n```\n", selfContained: false)
        let html = try page(built.report)
        #expect(html.contains("<table class=\"parameters\">"))
        #expect(html.contains("<td><code>steps</code></td><td><code>5</code></td><td class=\"origin\">line 5</td>"))
    }
}
