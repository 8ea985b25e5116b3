import Experiments
import Foundation
import Testing
@testable import NotebookKit

/// Writes `text` as a notebook in a fresh temporary folder and returns its path.
func temporaryNotebook(_ text: String, name: String = "note.md") throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nbtest-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

private let twoBlocks = """
    # Two blocks

    ```{species}
    id: fine
    h: 0.1
    ```

    ```{species}
    id: coarse
    h: 1
    steps: 50
    ```
    """

@Suite("Notebook loader and overrides")
struct LoaderTests {
    @Test("-p KEY=VALUE sets the key in every block that has it")
    func globalOverride() throws {
        let path = try temporaryNotebook(twoBlocks)
        let notebook = try NotebookLoader.load([path], overrides: ["steps=500"]).get()[0]
        #expect(notebook.blocks.map { $0.options.value(named: "steps") } == [.integer(500), .integer(500)])
        #expect(notebook.blocks.allSatisfy { $0.options.overridden.contains("steps") })
    }

    @Test("-p ID.KEY=VALUE sets it in one block only")
    func scopedOverride() throws {
        let path = try temporaryNotebook(twoBlocks)
        let notebook = try NotebookLoader.load([path], overrides: ["coarse.h=0.5"]).get()[0]
        #expect(notebook.blocks[0].options.value(named: "h") == .number(0.1))
        #expect(notebook.blocks[1].options.value(named: "h") == .number(0.5))
    }

    @Test("-p map.key=VALUE sets one entry of a map and keeps the others")
    func nestedOverride() throws {
        let path = try temporaryNotebook(twoBlocks)
        let notebook = try NotebookLoader.load([path], overrides: ["fine.params.r1=0.25"]).get()[0]
        let params = notebook.blocks[0].options.value(named: "params")
        #expect(params?[field: "r1"] == .number(0.25))
        #expect(params?[field: "r2"] == .number(0.3))
    }

    @Test("-p values are YAML: flow sequences work")
    func flowSequenceOverride() throws {
        let path = try temporaryNotebook(twoBlocks)
        let notebook = try NotebookLoader.load([path], overrides: ["plot=[phase]"]).get()[0]
        #expect(notebook.blocks[0].options.value(named: "plot") == .list([.text("phase")]))
    }

    @Test("An override that matches no block is an error with advice")
    func unmatchedOverride() throws {
        let path = try temporaryNotebook(twoBlocks)
        let result = NotebookLoader.load([path], overrides: ["stps=5"])
        guard case let .failure(diagnostics) = result else {
            Issue.record("expected failure")
            return
        }
        #expect(diagnostics.all.count == 1)
        #expect(diagnostics.description.contains("-p stps=5"))
        #expect(diagnostics.description.contains("did you mean 'steps'?"))
    }

    @Test("An override with a bad value names the override")
    func badOverrideValue() throws {
        let path = try temporaryNotebook(twoBlocks)
        guard case let .failure(diagnostics) = NotebookLoader.load([path], overrides: ["h=-1"]) else {
            Issue.record("expected failure")
            return
        }
        #expect(diagnostics.all.allSatisfy { $0.override == "-p h=-1" })
        #expect(diagnostics.description.contains("'h'"))
    }

    @Test("Front matter seed is every block's default seed; a block's own seed wins")
    func seeds() throws {
        let path = try temporaryNotebook("""
            ---
            seed: 11
            ---
            ```{species}
            ```
            ```{species}
            seed: 2
            ```
            """)
        let notebook = try NotebookLoader.load([path]).get()[0]
        #expect(notebook.blocks.map { $0.options[CommonOptions.seed] } == [11, 2])
        #expect(notebook.blocks.map(\.id) == ["species-1", "species-2"])
    }

    @Test("Numbers are read in any common notation")
    func numberNotations() throws {
        for text in ["0.0001", "1e-4", "1.0e-4", "1E-4", ".0001"] {
            let path = try temporaryNotebook("```{species}\nh: \(text)\n```\n")
            let notebook = try NotebookLoader.load([path]).get()[0]
            #expect(notebook.blocks[0].options.value(named: "h") == .number(0.0001), "h: \(text)")
        }
    }

    @Test("Every problem of a notebook is reported, each at its line")
    func severalErrors() throws {
        let path = try temporaryNotebook("""
            ```{species}
            step: 5
            h: 0
            ```

            ```{ode-x}
            ```
            """)
        guard case let .failure(diagnostics) = NotebookLoader.load([path]) else {
            Issue.record("expected failure")
            return
        }
        #expect(diagnostics.all.map(\.line) == [2, 3, 6])
        #expect(diagnostics.all[0].message.contains("did you mean 'steps'?"))
    }

    @Test("Title: front matter, else first level-1 heading (removed from the prose), else the stem")
    func titles() throws {
        let fromHeading = try NotebookLoader.load([try temporaryNotebook("# Heading title\n\nText.\n")]).get()[0]
        #expect(fromHeading.title == "Heading title")
        guard case let .prose(prose) = fromHeading.cells[0] else {
            Issue.record("expected prose")
            return
        }
        #expect(!prose.html.contains("<h1"))
        let fromStem = try NotebookLoader.load([try temporaryNotebook("Just text.\n", name: "my-notes.md")]).get()[0]
        #expect(fromStem.title == "my-notes")
    }

    @Test("Raw HTML passes through only with allowHTML")
    func allowHTML() throws {
        let path = try temporaryNotebook("Some <b>bold</b> text.\n")
        let escaped = try NotebookLoader.load([path]).get()[0]
        let allowed = try NotebookLoader.load([path], allowHTML: true).get()[0]
        guard case let .prose(a) = escaped.cells[0], case let .prose(b) = allowed.cells[0] else {
            Issue.record("expected prose")
            return
        }
        #expect(a.html.contains("&lt;b&gt;bold&lt;/b&gt;"))
        #expect(b.html.contains("<b>bold</b>"))
    }

    @Test("Relative images are collected as report assets")
    func imageAssets() throws {
        let path = try temporaryNotebook("![a plot](pictures/plot.png) and ![remote](https://example.org/x.png)\n")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("pictures"), withIntermediateDirectories: true)
        try Data([0x89, 0x50]).write(to: directory.appendingPathComponent("pictures/plot.png"))
        let notebook = try NotebookLoader.load([path]).get()[0]
        #expect(notebook.assets.map(\.reportPath) == ["assets/plot.png"])
        guard case let .prose(prose) = notebook.cells[0] else { return }
        #expect(prose.html.contains("src=\"assets/plot.png\""))
        #expect(prose.html.contains("src=\"https://example.org/x.png\""))
    }

    @Test("Block ids keep heading anchors unique")
    func anchorsAvoidBlockIDs() throws {
        let path = try temporaryNotebook("## Competition\n\n```{species}\nid: competition\n```\n")
        let notebook = try NotebookLoader.load([path]).get()[0]
        guard case let .prose(prose) = notebook.cells[0] else { return }
        #expect(prose.headings[0].anchor == "competition-1")
    }
}

@Suite("Math protection")
struct MathProtectionTests {
    @Test("Inline and display math keep their characters; their delimiters become markers", arguments: [
        ("$a_1 * b_2$", "\u{E000}a\\_1 \\* b\\_2\u{E001}"),
        ("$$x^2_i$$", "\u{E002}x\\^2\\_i\u{E003}"),
        ("costs $5 and $6", "costs $5 and $6"),
        ("`$a_b$` in code", "`$a_b$` in code"),
        ("\\$a_b$ escaped", "\\$a_b$ escaped"),
        ("$a\\$b$", "\u{E000}a\\\\\\$b\u{E001}"),
        ("a stray $$ stays", "a stray $$ stays"),
    ])
    func protect(input: String, expected: String) {
        #expect(MathProtection.protect(input) == expected)
    }

    @Test("Fenced code is left alone and the line count is kept")
    func fences() {
        let text = "```\n$a_b$\n```\n$$\na_b\n$$"
        let protected = MathProtection.protect(text)
        #expect(protected.split(separator: "\n", omittingEmptySubsequences: false).count == 6)
        #expect(protected.hasPrefix("```\n$a_b$\n```"))
        #expect(protected.hasSuffix("\u{E002}\na\\_b\n\u{E003}"))
    }

    @Test("$$ opens display math only when it closes before the paragraph ends")
    func unclosedDisplayMath() {
        #expect(MathProtection.protect("$$a_b\n\n$$") == "$$a_b\n\n$$")
        #expect(MathProtection.protect("$$a_b\n```\n$$\n```") == "$$a_b\n```\n$$\n```")
        #expect(MathProtection.protect("$$a\nb$$ c") == "\u{E002}a\nb\u{E003} c")
    }

    @Test("Inline math may run over a line break, not over a blank line")
    func inlineOverLines() {
        #expect(MathProtection.protect("at $t = 0,\n42$ and") == "at \u{E000}t \\= 0\\,\n42\u{E001} and")
        #expect(MathProtection.protect("costs $5 and\n$6 more") == "costs $5 and\n$6 more")
        #expect(MathProtection.protect("$a\n\nb$") == "$a\n\nb$")
    }

    @Test("Marker characters written in a notebook cannot forge math")
    func forgedMarkers() {
        #expect(MathProtection.protect("x \u{E000}y\u{E001}") == "x \u{FFFD}y\u{FFFD}")
        #expect(MathProtection.restoringDelimiters("\u{E000}a\u{E001} \u{E002}b\u{E003}") == "$a$ $$b$$")
    }
}

@Suite("Math in the prose")
struct MathMarkupTests {
    /// The HTML of the notebook's first prose cell.
    func prose(_ text: String) throws -> ProseCell {
        let notebook = try NotebookLoader.load([try temporaryNotebook("---\ntitle: t\n---\n" + text)]).get()[0]
        guard case let .prose(prose) = notebook.cells[0] else { throw CancellationError() }
        return prose
    }

    @Test("Inline and display math become elements holding the TeX as escaped text")
    func elements() throws {
        let cell = try prose("A $a_1 < b^*$ and\n\n$$\n\\frac{x}{y} & z\n$$\n")
        #expect(cell.html.contains("<p>A <span class=\"math inline\">$a_1 &lt; b^*$</span> and</p>"))
        #expect(cell.html.contains("<p><span class=\"math display\">$$\n\\frac{x}{y} &amp; z\n$$</span></p>"))
        #expect(cell.mathCount == 2)
    }

    @Test("Several spans in one line, and math inside emphasis and links")
    func several() throws {
        let cell = try prose("*$x$* then $y$, [$z$](https://example.org) $$w$$ end\n")
        #expect(cell.html.contains("<em><span class=\"math inline\">$x$</span></em> then <span class=\"math inline\">$y$</span>,"))
        #expect(cell.html.contains("<a href=\"https://example.org\"><span class=\"math inline\">$z$</span></a>"))
        #expect(cell.html.contains("<span class=\"math display\">$$w$$</span> end"))
        #expect(cell.mathCount == 4)
    }

    @Test("Where no element fits, the delimiters come back: image text, code, headings' contents")
    func plainPlaces() throws {
        let cell = try prose("## Energy $E = mc^2$\n\n![a $x_1$ plot](p.png \"t $y$\") and `$c$`\n\n    $indented_code$\n")
        #expect(cell.headings.first?.text == "Energy $E = mc^2$")
        #expect(cell.html.contains("<h2 id=\"energy-e--mc2\">Energy <span class=\"math inline\">$E = mc^2$</span></h2>"))
        #expect(cell.html.contains("alt=\"a $x_1$ plot\""))
        #expect(cell.html.contains("title=\"t $y$\""))
        #expect(cell.html.contains("<code>$c$</code>"))
        #expect(!cell.html.contains("\u{E000}") && !cell.html.contains("\u{E001}"))
        #expect(cell.mathCount == 1)
    }

    @Test("Inline math over a line break is one element")
    func inlineOverLines() throws {
        let cell = try prose("Observed at $t = 0, 10,\n42$, drawn as points.\n")
        #expect(cell.html == "<p>Observed at <span class=\"math inline\">$t = 0, 10,\n42$</span>, drawn as points.</p>\n")
    }

    @Test("Prices and stray dollars are text")
    func notMath() throws {
        let cell = try prose("It costs $5 and $6; a stray $$ here.\n")
        #expect(cell.html == "<p>It costs $5 and $6; a stray $$ here.</p>\n")
        #expect(cell.mathCount == 0)
    }

    @Test("Raw HTML in math is text, with or without --allow-html")
    func rawHTMLInMath() throws {
        for allowHTML in [false, true] {
            let path = try temporaryNotebook("Math $<b>x</b>$ here.\n")
            let notebook = try NotebookLoader.load([path], allowHTML: allowHTML).get()[0]
            guard case let .prose(cell) = notebook.cells[0] else { throw CancellationError() }
            #expect(cell.html.contains("<span class=\"math inline\">$&lt;b&gt;x&lt;/b&gt;$</span>"), "allowHTML \(allowHTML)")
        }
    }
}

@Suite("Inputs that used to be misread")
struct MisreadInputTests {
    @Test("A stray $$ in prose does not hide the blocks after it")
    func strayDisplayMath() throws {
        let path = try temporaryNotebook("It costs $$5 per run.\n\n```{species}\nid: a\n```\n\nMore $$ text\n\n```{species}\nid: b\n```\n")
        let notebook = try NotebookLoader.load([path]).get()[0]
        #expect(notebook.blocks.map(\.id) == ["a", "b"])
    }

    @Test("Old Mac line ends (lone CR) read like any other")
    func loneCarriageReturns() throws {
        let path = try temporaryNotebook("# Title\r\r```{species}\rid: a\rsteps: 10\r```\r")
        let notebook = try NotebookLoader.load([path]).get()[0]
        #expect(notebook.blocks.map(\.id) == ["a"])
        #expect(notebook.blocks[0].line == 3)
    }

    @Test("Default block ids are reserved as anchors")
    func defaultIDAnchors() throws {
        let path = try temporaryNotebook("## Species 1\n\n```{species}\n```\n")
        let notebook = try NotebookLoader.load([path]).get()[0]
        guard case let .prose(prose) = notebook.cells[0] else {
            Issue.record("expected prose")
            return
        }
        #expect(notebook.blocks[0].id == "species-1")
        #expect(prose.headings[0].anchor == "species-1-1")
    }

    @Test("-p reaches an entry of a map option")
    func mapOverride() throws {
        let path = try temporaryNotebook("```{ode}\nid: decay\nequations:\n  x: -k*x\nparams: {k: 1}\ninitial: {x: 1}\nt_end: 1\n```\n")
        let notebook = try NotebookLoader.load([path], overrides: ["params.k=3", "decay.initial.x=2"]).get()[0]
        #expect(notebook.blocks[0].options.value(named: "params") == .record([RecordField("k", .number(3))]))
        #expect(notebook.blocks[0].options.value(named: "initial") == .record([RecordField("x", .number(2))]))
    }
}
