import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP GET: the status and the body; `nil` when nothing answered.
private func get(_ url: String) -> (status: Int, body: String)? {
    guard let url = URL(string: url) else { return nil }
    let done = DispatchSemaphore(value: 0)
    let box = ResponseBox()
    var request = URLRequest(url: url, timeoutInterval: 5)
    request.cachePolicy = .reloadIgnoringLocalCacheData
    let task = URLSession.shared.dataTask(with: request) { data, response, _ in
        if let response = response as? HTTPURLResponse {
            box.value = (response.statusCode, String(decoding: data ?? Data(), as: UTF8.self))
        }
        done.signal()
    }
    task.resume()
    _ = done.wait(timeout: .now() + 6)
    return box.value
}

/// Polls `url` every 50 ms until `accept` holds of the body or `seconds` pass; the seconds taken.
private func waitFor(_ url: String, seconds: Double, _ accept: (String) -> Bool) -> Double? {
    let start = Date()
    while Date().timeIntervalSince(start) < seconds {
        if let response = get(url), response.status == 200, accept(response.body) { return Date().timeIntervalSince(start) }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return nil
}

private final class ResponseBox: @unchecked Sendable {
    var value: (Int, String)?
}

@Suite("notebook watch")
struct WatchTests {
    @Test("serves the report on a free port, serves the new value within 2 s of a save, shows the problems of a broken edit, refuses paths outside")
    func liveRun() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let notebook = "# Watch\n\n```{species}\nid: fine\nsteps: 200\n```\n"
        try scratch.write(notebook, to: "w.md")
        var base: String?
        let result = try CLI.run(["watch", "w.md", "--port", "0", "-q"], in: scratch.url, timeout: 30) { process, stderr in
            defer { kill(process.processIdentifier, SIGINT) }
            let start = Date()
            while base == nil, Date().timeIntervalSince(start) < 20 {
                if let range = stderr().range(of: #"http://127\.0\.0\.1:[0-9]+/"#, options: .regularExpression) {
                    base = String(stderr()[range])
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
            let root = try #require(base, "no address printed: \(stderr())")
            let page = try #require(get(root + "w/"), "the report is served")
            #expect(page.status == 200 && page.body.contains("<h1") && page.body.contains("EventSource(\"/__notebook/events\")"))
            #expect(get(root)?.body.contains("w/index.html") == true, "the index at /")

            try scratch.write(notebook.replacingOccurrences(of: "steps: 200", with: "steps: 321"), to: "w.md")
            let seconds = waitFor(root + "w/", seconds: 2) { $0.contains(">321<") }
            #expect(seconds != nil, "the new value is served within 2 s of the save")

            try scratch.write(notebook.replacingOccurrences(of: "steps: 200", with: "steps: abc"), to: "w.md")
            let broken = waitFor(root + "w/", seconds: 2) { $0.contains("<div id=\"notebook-live-problems\"") }
            #expect(broken != nil, "a broken edit shows its problems over the last good report")
            let shown = get(root + "w/")?.body ?? ""
            #expect(shown.contains("w.md:5: error: &#x27;steps&#x27;") || shown.contains("w.md:5: error: 'steps'"), "\(shown.suffix(800))")
            #expect(shown.contains(">321<"), "the last good report stays")

            try scratch.write(notebook, to: "w.md")
            #expect(waitFor(root + "w/", seconds: 2) { !$0.contains("<div id=\"notebook-live-problems\"") && $0.contains(">200<") } != nil)

            for refused in ["w/..%2F..%2Fw.md", ".cache/", "history.sqlite"] {
                #expect(get(root + refused).map { $0.status == 403 || $0.status == 404 } == true, "\(refused) is not served")
            }
            #expect(get(root + "nothing-here")?.status == 404)
        }
        #expect(!result.signaled && result.status == 0 && result.stderr.contains("notebook watch: stopped"), "Ctrl-C stops it cleanly: \(result)")
        #expect(result.stderr.contains("w.md:5: error: 'steps'"), "the terminal shows the problems too: \(result)")
    }

    @Test("an empty output folder, or a file as one, is refused before anything is served")
    func badOutput() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("# W\n\n```{species}\nsteps: 10\n```\n", to: "w.md")
        var result = try CLI.run(["watch", "w.md", "--port", "0", "-o", ""], in: scratch.url, timeout: 20)
        #expect(result.status == 2 && result.stderr.contains("-o: the output folder is empty") && !result.stderr.contains("serving"), "\(result)")
        result = try CLI.run(["watch", "w.md", "--port", "0", "-o", "w.md"], in: scratch.url, timeout: 20)
        #expect(result.status == 2 && result.stderr.contains("is not a folder"), "\(result)")
    }

    @Test("a port in use is an error naming it")
    func portInUse() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write("# W\n\n```{species}\nsteps: 10\n```\n", to: "w.md")
        var base: String?
        _ = try CLI.run(["watch", "w.md", "--port", "0", "-q"], in: scratch.url, timeout: 30) { process, stderr in
            defer { kill(process.processIdentifier, SIGINT) }
            let start = Date()
            while base == nil, Date().timeIntervalSince(start) < 20 {
                if let range = stderr().range(of: #"127\.0\.0\.1:[0-9]+"#, options: .regularExpression) { base = String(stderr()[range]) }
                Thread.sleep(forTimeInterval: 0.05)
            }
            let port = try #require(base?.split(separator: ":").last.map(String.init))
            let second = try CLI.run(["watch", "w.md", "--port", port, "-q", "-o", "other"], in: scratch.url, timeout: 30)
            #expect(second.status == 2 && second.stderr.contains("cannot serve on 127.0.0.1:\(port)"), "\(second)")
        }
    }
}
