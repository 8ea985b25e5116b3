import Foundation
import Report
import Testing
@testable import NotebookKit

@Suite("KaTeX files")
struct KaTeXTests {
    static let css = """
        .katex{font:normal 1.21em KaTeX_Main}@font-face{font-family:KaTeX_AMS;src:url(fonts/KaTeX_AMS-Regular.woff2) \
        format('woff2'),url(fonts/KaTeX_AMS-Regular.woff) format('woff'),url(fonts/KaTeX_AMS-Regular.ttf) format('truetype');\
        font-weight:400}@font-face{font-family:Old;src:url(fonts/Old.ttf) format('truetype')}\
        @font-face{font-family:KaTeX_Main;src:url("fonts/KaTeX_Main-Regular.woff2") format("woff2")}.x{color:red}
        """

    @Test("@font-face sources are reduced to their WOFF2 file at the URL given; other rules stay")
    func rewriting() {
        let rewritten = KaTeX.rewritingFontSources(Self.css) { "u/" + $0 }
        #expect(rewritten == """
            .katex{font:normal 1.21em KaTeX_Main}@font-face{font-family:KaTeX_AMS;src:url(u/fonts/KaTeX_AMS-Regular.woff2) \
            format('woff2');font-weight:400}@font-face{font-family:Old;src:url(fonts/Old.ttf) format('truetype')}\
            @font-face{font-family:KaTeX_Main;src:url(u/fonts/KaTeX_Main-Regular.woff2) format('woff2')}.x{color:red}
            """)
        #expect(KaTeX.woff2Fonts(in: Self.css) == ["fonts/KaTeX_AMS-Regular.woff2", "fonts/KaTeX_Main-Regular.woff2"])
    }

    /// A KaTeX folder with the given script and the test stylesheet's two WOFF2 fonts.
    func folder(script: String, fonts: Bool = true) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("katex-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("fonts"), withIntermediateDirectories: true)
        try Data(script.utf8).write(to: directory.appendingPathComponent("katex.min.js"))
        try Data(Self.css.utf8).write(to: directory.appendingPathComponent("katex.min.css"))
        if fonts {
            for name in ["KaTeX_AMS-Regular", "KaTeX_Main-Regular"] {
                try Data([0x77, 0x4F, 0x46, 0x32]).write(to: directory.appendingPathComponent("fonts/\(name).woff2"))
            }
        }
        return directory
    }

    @Test("A folder with script, stylesheet and fonts gives files to copy and code to embed")
    func loading() throws {
        let directory = try folder(script: "var katex = {};")
        defer { try? FileManager.default.removeItem(at: directory) }
        let katex = try KaTeX.load(from: directory).get()
        #expect(katex.linkedFiles.map(\.path) == [
            "katex/katex.min.css", "katex/katex.min.js", "katex/fonts/KaTeX_AMS-Regular.woff2", "katex/fonts/KaTeX_Main-Regular.woff2",
        ])
        #expect(String(decoding: katex.linkedFiles[0].contents, as: UTF8.self).contains("src:url(fonts/KaTeX_AMS-Regular.woff2) format('woff2');"))
        #expect(katex.embedded.script.text == "var katex = {};")
        #expect(katex.embedded.stylesheet.text.contains("src:url(data:font/woff2;base64,d09GMg==) format('woff2')"))
        #expect(!katex.embedded.stylesheet.text.contains("fonts/KaTeX"))
    }

    @Test("A missing folder, a missing font, or a script that would close its element: unavailable")
    func unavailable() throws {
        let missing = KaTeX.load(from: URL(fileURLWithPath: "/nonexistent/katex-\(UUID().uuidString)"))
        guard case let .failure(reason) = missing else { Issue.record("loaded from a missing folder"); return }
        #expect(reason.note.hasPrefix("note: math is shown as TeX source: KaTeX was not found in /nonexistent/"))
        #expect(reason.note.contains("libjs-katex"))

        let noFonts = try folder(script: "var katex = {};", fonts: false)
        defer { try? FileManager.default.removeItem(at: noFonts) }
        guard case let .failure(fontReason) = KaTeX.load(from: noFonts) else { Issue.record("loaded without fonts"); return }
        #expect(fontReason.reason.contains("KaTeX_AMS-Regular.woff2"))

        let closing = try folder(script: "var s = '</SCRIPT>';")
        defer { try? FileManager.default.removeItem(at: closing) }
        guard case .failure = KaTeX.load(from: closing) else { Issue.record("embedded a script that closes its element"); return }
    }

    @Test("Debian's libjs-katex, when installed, loads and embeds")
    func installed() throws {
        let directory = URL(fileURLWithPath: KaTeX.defaultDirectory)
        try #require(FileManager.default.fileExists(atPath: directory.path), "libjs-katex is not installed (scripts/install-deps installs it)")
        let katex = try KaTeX.load(from: directory).get()
        #expect(katex.linkedFiles.count == 2 + 20, "stylesheet, script and KaTeX's 20 WOFF2 fonts")
        #expect(katex.embedded.script.text.contains("katex"))
        #expect(katex.embedded.stylesheet.text.components(separatedBy: "data:font/woff2;base64,").count == 21)
    }
}
