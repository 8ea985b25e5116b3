import Foundation
import Testing
@testable import LivePreview

@Suite("Live preview: what is served")
struct ServedFileTests {
    func folder() throws -> String {
        let path = NSTemporaryDirectory() + "served-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path + "/x/figures", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: path + "/.cache", withIntermediateDirectories: true)
        try Data("<html><body>x</body></html>".utf8).write(to: URL(fileURLWithPath: path + "/x/index.html"))
        try Data([0x89]).write(to: URL(fileURLWithPath: path + "/x/figures/a.png"))
        try Data("secret".utf8).write(to: URL(fileURLWithPath: path + "/.cache/entry"))
        try Data("db".utf8).write(to: URL(fileURLWithPath: path + "/history.sqlite"))
        try FileManager.default.createSymbolicLink(atPath: path + "/x/out", withDestinationPath: "/etc")
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    @Test("files inside the folder; a folder's index; a folder without its slash redirected")
    func inside() throws {
        let root = try folder()
        #expect(ServedFile.lookup("/x/", in: root) == .file(path: root + "/x/index.html", type: "text/html; charset=utf-8"))
        #expect(ServedFile.lookup("/x/figures/a.png", in: root) == .file(path: root + "/x/figures/a.png", type: "image/png"))
        #expect(ServedFile.lookup("/x", in: root) == .redirect("/x/"))
        #expect(ServedFile.lookup("/missing.html", in: root) == .notFound)
    }

    @Test("no way out: .., encoded .., hidden files, links leaving the folder, the history")
    func refusals() throws {
        let root = try folder()
        for path in ["/x/../../etc/passwd", "/x/%2E%2E/%2E%2E/etc/passwd", "/.cache/entry", "/x/out/passwd", "/history.sqlite", "/x/%00"] {
            let lookup = ServedFile.lookup(path, in: root)
            #expect(lookup == .refused || lookup == .notFound, "\(path): \(lookup)")
            if case .file = lookup { Issue.record("\(path) was served") }
        }
    }

    @Test("the page gets the reload script, and the problems escaped in an overlay")
    func injection() {
        let page = LiveReload.inject(into: "<html><body><p>r</p></body></html>", problems: "x.md:3: error: <script>alert(1)</script>")
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("<script>alert(1)"))
        #expect(page.hasSuffix("</script></body></html>"))
        #expect(!LiveReload.inject(into: "<body></body>", problems: nil).contains("notebook-live-problems\" role"))
    }

    @Test("events are server-sent events: a name and one line of data")
    func events() async {
        let hub = PreviewHub()
        var iterator = hub.subscribe().makeAsyncIterator()
        #expect(await iterator.next() == Data(": notebook watch\n\n".utf8))
        hub.publishProblems("a\nb \"c\"")
        #expect(await iterator.next() == Data("event: problems\ndata: \"a\\nb \\\"c\\\"\"\n\n".utf8))
        #expect(hub.currentProblems == "a\nb \"c\"")
        hub.publishReload()
        #expect(await iterator.next() == Data("event: reload\ndata: 1\n\n".utf8))
    }
}
