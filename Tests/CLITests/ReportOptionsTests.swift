import Foundation
import Testing

/// A notebook with inline and display math and one block with a figure.
let mathNotebook = """
    # Math and a figure

    Euler's step $x_{n+1} = x_n + h\\,f(x_n)$ reads as a residual layer, and $e^{-kt}$ solves

    $$
    \\frac{dx}{dt} = -k x .
    $$

    ```{ode}
    id: decay
    caption: Exponential decay
    equations: {x: -k*x}
    params: {k: 0.5}
    initial: {x: 1}
    t_end: 4
    plot: time
    ```

    """

@Suite("Report options")
struct ReportOptionsTests {
    static let katexInstalled = FileManager.default.fileExists(atPath: "/usr/share/javascript/katex/katex.min.js")

    @Test("--figures-pdf writes each figure as a one-page PDF beside it, also from the cache; without it none is written")
    func figuresPDF() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        _ = try scratch.write(mathNotebook, to: "math.md")
        let pdf = scratch.file("output/math/figures/decay-time.pdf")
        var result = try CLI.run(["run", "math.md", "--quiet"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(!FileManager.default.fileExists(atPath: pdf.path))
        // The cached block was stored without a PDF: it runs again and writes one.
        result = try CLI.run(["run", "math.md", "--quiet", "--figures-pdf"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        let bytes = try Data(contentsOf: pdf)
        #expect(bytes.starts(with: Array("%PDF-".utf8)))
        #expect(String(decoding: bytes, as: UTF8.self).contains("/Count 1"))
        // Now from the cache, with and without the flag.
        result = try CLI.run(["run", "math.md", "--quiet", "--figures-pdf"], in: scratch.url)
        #expect(result.status == 0 && FileManager.default.fileExists(atPath: pdf.path))
        let json = try scratch.read("output/math/results.json")
        #expect(json.contains("\"status\": \"ok\""))
        result = try CLI.run(["run", "math.md", "--quiet"], in: scratch.url)
        #expect(result.status == 0)
        #expect(!FileManager.default.fileExists(atPath: pdf.path), "a run without the flag writes no PDF")
    }

    @Test("without --self-contained: figures are files, KaTeX is copied to katex/ and linked")
    func linked() throws {
        try #require(Self.katexInstalled, "libjs-katex is not installed (scripts/install-deps installs it)")
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(mathNotebook, to: "math.md")
        let result = try CLI.run(["run", "math.md"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(!result.stderr.contains("note:"), "\(result)")
        let page = try scratch.read("output/math/index.html")
        #expect(page.contains("<a href=\"figures/decay-time.png\"><img src=\"figures/decay-time.png\""))
        #expect(page.contains("<link rel=\"stylesheet\" href=\"katex/katex.min.css\">"))
        #expect(page.contains("<script src=\"katex/katex.min.js\"></script>"))
        #expect(page.contains("<span class=\"math inline\">$x_{n+1} = x_n + h\\,f(x_n)$</span>"))
        for path in ["katex/katex.min.css", "katex/katex.min.js", "katex/fonts/KaTeX_Main-Regular.woff2", "katex/fonts/KaTeX_Math-Italic.woff2"] {
            #expect(scratch.exists("output/math/\(path)"), "\(path)")
        }
        let css = try scratch.read("output/math/katex/katex.min.css")
        for font in css.components(separatedBy: "url(").dropFirst().compactMap({ $0.split(separator: ")").first }) {
            #expect(scratch.exists("output/math/katex/\(font)"), "the stylesheet names \(font), which is missing")
        }
    }

    @Test("--self-contained: one HTML file holding the figures, the stylesheet and KaTeX")
    func selfContained() throws {
        try #require(Self.katexInstalled, "libjs-katex is not installed (scripts/install-deps installs it)")
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(mathNotebook, to: "math.md")
        let result = try CLI.run(["run", "math.md", "--self-contained"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        let page = try scratch.read("output/math/index.html")
        let png = try Data(contentsOf: scratch.file("output/math/figures/decay-time.png"))
        #expect(page.contains("<img src=\"data:image/png;base64,\(png.base64EncodedString())\""))
        #expect(page.contains("<a class=\"zoom\" href=\"#figure-decay-time\""))
        #expect(!page.contains("src=\"figures/") && !page.contains("href=\"figures/"))
        #expect(!page.contains("<link") && !page.contains("katex/"))
        #expect(page.contains("data:font/woff2;base64,"))
        #expect(page.contains("<style>") && page.contains("throwOnError: false"))
        #expect(!scratch.exists("output/math/katex"))
        // Every reference the page makes is to itself (#...), to data: or to the data/ files it lists.
        let references = page.components(separatedBy: " src=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
            + page.components(separatedBy: " href=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        for reference in references {
            #expect(reference.hasPrefix("#") || reference.hasPrefix("data:") || reference.hasPrefix("data/"), "\(reference)")
        }
    }

    @Test("without KaTeX the math stays readable TeX and the run says so once, not with --quiet")
    func withoutKaTeX() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(mathNotebook, to: "one.md")
        try scratch.write(mathNotebook, to: "two.md")
        let environment = ["NOTEBOOK_KATEX_DIR": scratch.file("no-katex-here").path]
        var result = try CLI.run(["run", "one.md", "two.md"], in: scratch.url, environment: environment)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.components(separatedBy: "note: math is shown as TeX source").count - 1 == 1, "\(result)")
        #expect(result.stderr.contains("libjs-katex"))
        let page = try scratch.read("output/one/index.html")
        #expect(page.contains("<span class=\"math display\">$$\n\\frac{dx}{dt} = -k x .\n$$</span>"))
        #expect(!page.contains("<script") && !scratch.exists("output/one/katex"))

        result = try CLI.run(["run", "one.md", "--quiet"], in: scratch.url, environment: environment)
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
    }
}
