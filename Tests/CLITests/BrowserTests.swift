import Foundation
import Testing

/// Opens reports in headless Chromium: no console errors, every image loaded, every math element
/// typeset by KaTeX with its fonts, figure links right, nothing from the network; and a screenshot.
///
/// The check runs in a copy of the page with one extra inline script (`selftest.html` beside it),
/// so reports themselves carry no test code. Skipped only where no Chromium binary exists
/// (`scripts/install-deps` installs Debian's `chromium`).
@Suite(.enabled(if: Chromium.binary != nil, "no chromium binary found (scripts/install-deps installs Debian's chromium)"))
struct BrowserTests {
    /// Appended to the page: once it has loaded and its fonts are ready, writes what it finds as
    /// JSON into `<pre id="notebook-selftest">`.
    static let selfCheck = """
        <script>
        window.addEventListener("load", function () {
          document.fonts.ready.then(function () {
            var all = function (selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); };
            var fonts = [];
            document.fonts.forEach(function (face) { fonts.push({family: face.family, status: face.status}); });
            var result = {
              images: all("img").map(function (image) {
                return {loaded: image.complete && image.naturalWidth > 0, src: image.getAttribute("src").slice(0, 30)};
              }),
              math: all(".math").map(function (element) {
                return {display: element.classList.contains("display"), typeset: element.querySelector(".katex") !== null,
                        displayMode: element.querySelector(".katex-display") !== null};
              }),
              katexErrors: all(".katex-error").length,
              fonts: fonts,
              figureLinks: all("figure > a:first-child").map(function (link) { return link.getAttribute("href"); }),
              lightboxes: all("figure > a.lightbox-close").length
            };
            var output = document.createElement("pre");
            output.id = "notebook-selftest";
            output.textContent = JSON.stringify(result).replace(/[<>&]/g, "");
            document.body.appendChild(output);
          });
        });
        </script>
        """

    struct Report: Decodable {
        struct Image: Decodable { var loaded: Bool; var src: String }
        struct Math: Decodable { var display: Bool; var typeset: Bool; var displayMode: Bool }
        struct Font: Decodable { var family: String; var status: String }
        var images: [Image]
        var math: [Math]
        var katexErrors: Int
        var fonts: [Font]
        var figureLinks: [String]
        var lightboxes: Int
    }

    @Test("a report opens with no console errors, its images loaded and its math typeset", arguments: [false, true])
    func report(selfContained: Bool) throws {
        try #require(ReportOptionsTests.katexInstalled, "libjs-katex is not installed (scripts/install-deps installs it)")
        let scratch = try Scratch(prefix: "notebook-browser-test")
        try scratch.write(mathNotebook, to: "browser.md")
        let result = try CLI.run(["run", "browser.md"] + (selfContained ? ["--self-contained"] : []), in: scratch.url)
        #expect(result.status == 0 && !result.stderr.contains("note:"), "\(result)")

        // A self-contained report is opened alone, copied into an empty folder.
        var page = scratch.file("output/browser/index.html")
        if selfContained {
            let alone = scratch.file("alone/report.html")
            try FileManager.default.createDirectory(at: alone.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: page, to: alone)
            page = alone
        }
        let html = try String(contentsOf: page, encoding: .utf8)
        let probe = page.deletingLastPathComponent().appendingPathComponent("selftest.html")
        try Data(html.replacingOccurrences(of: "</body>", with: Self.selfCheck + "\n</body>").utf8).write(to: probe)

        let dump = try Chromium.run(["--dump-dom"], page: probe, profile: scratch.file("profile-dom"))
        #expect(!dump.timedOut, "chromium timed out")
        #expect(Chromium.consoleMessages(dump.stderr) == [], "console messages")
        let json = try #require(
            dump.stdout.components(separatedBy: "<pre id=\"notebook-selftest\">").dropFirst().first?
                .components(separatedBy: "</pre>").first,
            "the page's self-check did not run; stderr:\n\(dump.stderr.suffix(3000))")
        let report = try JSONDecoder().decode(Report.self, from: Data(json.utf8))

        // The figure, and (linked only) its thumbnail in the contents' gallery.
        #expect(report.images.count == (selfContained ? 1 : 2))
        #expect(report.images.allSatisfy { $0.loaded }, "\(report.images)")
        #expect(report.images.allSatisfy { $0.src.hasPrefix(selfContained ? "data:image/png;base64," : "figures/") })
        #expect(report.math.map(\.display) == [false, false, true])
        #expect(report.math.allSatisfy { $0.typeset }, "every math element holds KaTeX's output")
        #expect(report.math.map(\.displayMode) == [false, false, true])
        #expect(report.katexErrors == 0)
        let loaded = Set(report.fonts.filter { $0.status == "loaded" }.map(\.family))
        #expect(loaded.isSuperset(of: ["KaTeX_Main", "KaTeX_Math"]), "\(report.fonts)")
        #expect(!report.fonts.contains { $0.status == "error" }, "\(report.fonts)")
        #expect(report.figureLinks == [selfContained ? "#figure-decay-time" : "figures/decay-time.png"])
        #expect(report.lightboxes == (selfContained ? 1 : 0))

        let screenshot = scratch.file("screenshot-\(selfContained ? "self-contained" : "linked").png")
        let shot = try Chromium.run(
            ["--hide-scrollbars", "--window-size=1200,2000", "--screenshot=\(screenshot.path)"],
            page: page, profile: scratch.file("profile-shot"))
        #expect(!shot.timedOut && Chromium.consoleMessages(shot.stderr) == [], "\(shot.stderr.suffix(2000))")
        let png = try Data(contentsOf: screenshot)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        print("BrowserTests: screenshot of the \(selfContained ? "self-contained" : "linked") report: \(screenshot.path)")

        // Keep the screenshot for a look; the rest of the scratch folder goes.
        for name in ["output", "alone", "profile-dom", "profile-shot", "browser.md"] {
            try? FileManager.default.removeItem(at: scratch.file(name))
        }
    }

    /// Appended to the index page: clicks the column headers in turn and writes the order of the
    /// report titles after each click (and the initial one) into `<pre id="notebook-selftest">`.
    static let sortCheck = """
        <script>
        window.addEventListener("load", function () {
          var titles = function () {
            return Array.prototype.map.call(document.querySelectorAll("table.reports tbody tr"), function (row) {
              return row.cells[0].textContent;
            }).join(",");
          };
          var click = function (column) { document.querySelectorAll("table.reports th button")[column].click(); return titles(); };
          var orders = [titles(), click(0), click(0), click(1), click(2), click(2)];
          var output = document.createElement("pre");
          output.id = "notebook-selftest";
          output.textContent = orders.join("|");
          document.body.appendChild(output);
        });
        </script>
        """

    @Test("the index sorts by title, status and date with a click on the column headers, offline")
    func sortableIndex() throws {
        let scratch = try Scratch(prefix: "notebook-browser-test")
        defer { scratch.remove() }
        try scratch.write(Notebooks.blowUp, to: "blowup.md")
        try scratch.write(Notebooks.twoDefaultBlocks, to: "defaults.md")
        // Two runs, so that the second report is newer.
        #expect(try CLI.run(["run", "blowup.md", "--quiet"], in: scratch.url).status == 1)
        Thread.sleep(forTimeInterval: 0.05)
        #expect(try CLI.run(["run", "defaults.md", "--quiet"], in: scratch.url).status == 0)

        let html = try scratch.read("output/index.html")
        let probe = scratch.file("output/selftest.html")
        try Data(html.replacingOccurrences(of: "</body>", with: Self.sortCheck + "\n</body>").utf8).write(to: probe)
        let dump = try Chromium.run(["--dump-dom"], page: probe, profile: scratch.file("profile"))
        #expect(Chromium.consoleMessages(dump.stderr) == [], "console messages")
        let orders = try #require(
            dump.stdout.components(separatedBy: "<pre id=\"notebook-selftest\">").dropFirst().first?
                .components(separatedBy: "</pre>").first,
            "the index's check did not run; stderr:\n\(dump.stderr.suffix(3000))")
        #expect(orders.components(separatedBy: "|") == [
            "Defaults,Blow-up",  // as written: newest first
            "Blow-up,Defaults",  // Report: A to Z
            "Defaults,Blow-up",  // Report again: Z to A
            "Blow-up,Defaults",  // Status: failed before ok
            "Defaults,Blow-up",  // Date: newest first
            "Blow-up,Defaults",  // Date again: oldest first
        ])
    }
}
