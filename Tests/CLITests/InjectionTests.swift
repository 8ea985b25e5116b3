import Foundation
import Testing

/// Script injected through every field a notebook (or a command line) controls, opened in headless
/// Chromium: nothing runs, unless `--allow-html` lets the prose's own HTML through, which the
/// page then says at its top.
@Suite(.enabled(if: Chromium.binary != nil, "no chromium binary found (scripts/install-deps installs Debian's chromium)"))
struct InjectionTests {
    /// A script that counts in `window.pwned` when it runs.
    static let payloads = [
        "<script>window.pwned=(window.pwned||0)+1</script>",
        "<img src=x onerror=\"window.pwned=(window.pwned||0)+1\">",
        "\"><svg onload=\"window.pwned=(window.pwned||0)+1\">",
        "</code></pre></table><script>window.pwned=(window.pwned||0)+1</script>",
    ]

    /// Every payload in one string, for a single field.
    static var all: String { payloads.joined(separator: " ") }

    /// A notebook with the payloads in its title, prose, a heading, a link, a table cell, a
    /// caption, an option value that ends up in an error message, and a log of its own.
    static var notebook: String {
        let quoted = all.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return """
            ---
            title: "Title \(quoted)"
            ---
            # Heading \(all)

            Prose \(all) and a [link](javascript:window.pwned=1 "\(all.replacingOccurrences(of: "\"", with: "'"))").

            | column \(all) | b |
            |---|---|
            | cell \(all) | 2 |

            ```{species}
            id: solve
            caption: "Caption \(quoted)"
            steps: 10
            ```

            ```{ode}
            id: broken
            caption: "\(quoted)"
            equations: {x: x*x}
            initial: {x: 1}
            solver: euler
            h: 1
            steps: 50
            ```

            """
    }

    /// Counts the payloads that ran once the page loaded: appended to a copy of the page.
    static let probe = """
        <script>
        window.addEventListener("load", function () {
          setTimeout(function () {
            var output = document.createElement("pre");
            output.id = "notebook-selftest";
            output.textContent = "ran=" + (window.pwned || 0);
            document.body.appendChild(output);
          }, 200);
        });
        </script>
        """

    /// How many payloads ran in `page` (a copy with the probe, opened in Chromium).
    func scriptsThatRan(_ page: URL, profile: URL) throws -> Int {
        let html = try String(contentsOf: page, encoding: .utf8)
        let copy = page.deletingLastPathComponent().appendingPathComponent("probe-\(UUID().uuidString.prefix(6)).html")
        try Data(html.replacingOccurrences(of: "</body>", with: Self.probe + "\n</body>").utf8).write(to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let dump = try Chromium.run(["--dump-dom"], page: copy, profile: profile)
        #expect(!dump.timedOut, "chromium timed out on \(page.lastPathComponent)")
        guard let text = dump.stdout.components(separatedBy: "<pre id=\"notebook-selftest\">ran=").dropFirst().first,
              let count = Int(text.prefix { $0.isNumber }) else {
            Issue.record("the probe did not report on \(page.path)")
            return -1
        }
        return count
    }

    @Test("no script of the notebook runs in the report, the index, a sweep's pages, linked or self-contained")
    func nothingRuns() throws {
        let scratch = try Scratch(prefix: "notebook-injection")
        defer { scratch.remove() }
        try scratch.write(Self.notebook, to: "inject.md")
        var result = try CLI.run(["run", "inject.md", "-o", "linked"], in: scratch.url)
        #expect(result.status == 1, "the broken block fails: \(result)")
        result = try CLI.run(["run", "inject.md", "-o", "alone", "--self-contained"], in: scratch.url)
        #expect(result.status == 1, "\(result)")
        // A sweep over the caption puts the payloads into point names, the comparison page and sweep.json.
        let values = "[" + Self.payloads.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ", ") + "]"
        result = try CLI.run(["run", "inject.md", "-o", "swept", "--sweep", "solve.caption=\(values)"], in: scratch.url)
        #expect(result.status == 1, "\(result)")

        var pages = [scratch.file("linked/inject/index.html"), scratch.file("linked/index.html"),
                     scratch.file("alone/inject/index.html"), scratch.file("swept/inject/index.html"), scratch.file("swept/index.html")]
        let points = try FileManager.default.contentsOfDirectory(atPath: scratch.file("swept/inject/points").path)
        #expect(points.count == Self.payloads.count)
        pages += points.map { scratch.file("swept/inject/points/\($0)/index.html") }
        for (index, page) in pages.enumerated() {
            let html = try String(contentsOf: page, encoding: .utf8)
            #expect(!html.contains("<script>window.pwned"), "\(page.path) holds a payload's script tag")
            #expect(try scriptsThatRan(page, profile: scratch.file("profile-\(index)")) == 0, "a payload ran in \(page.path)")
        }
        #expect(!(try scratch.read("linked/inject/index.html")).contains("raw HTML"), "without --allow-html the page says nothing of it")
    }

    @Test("--allow-html lets the prose's HTML run, and the page says so at its top")
    func allowHTML() throws {
        let scratch = try Scratch(prefix: "notebook-injection")
        defer { scratch.remove() }
        try scratch.write("# Raw\n\nProse <script>window.pwned=(window.pwned||0)+1</script>\n", to: "raw.md")
        let result = try CLI.run(["run", "raw.md", "-o", "out", "--allow-html"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        let page = scratch.file("out/raw/index.html")
        #expect(try scratchRead(page).contains("<dt>raw HTML</dt><dd>passed through (--allow-html): the notebook&#39;s own HTML, scripts included, is part of this page</dd>"))
        #expect(try scriptsThatRan(page, profile: scratch.file("profile")) == 1, "the probe sees a script that does run")
    }

    private func scratchRead(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8)
    }
}
