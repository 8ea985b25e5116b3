import Foundation
import Testing

private let historyNotebook = """
    # History

    ```{species}
    id: plain
    steps: 100
    ```

    ```{species}
    id: other
    steps: 20
    ```

    """

/// `notebook history --json` lines, parsed.
private func historyLines(_ scratch: Scratch, _ arguments: [String] = []) throws -> [[String: Any]] {
    let result = try CLI.run(["history", "--json"] + arguments, in: scratch.url)
    #expect(result.status == 0, "\(result)")
    return result.stdout.split(separator: "\n").compactMap {
        try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
}

@Suite("the run history")
struct HistoryTests {
    @Test("every run appends its blocks and metrics, cached or not; notebook history filters and prints them")
    func cachedAndUncachedRuns() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(historyNotebook, to: "h.md")
        for _ in 0..<2 { #expect(try CLI.run(["run", "h.md", "-q"], in: scratch.url).status == 0) }
        #expect(try CLI.run(["run", "h.md", "-q", "-p", "plain.steps=101"], in: scratch.url).status == 0)
        let steps = try historyLines(scratch, ["h.md", "--block", "plain", "--metric", "steps"])
        #expect(steps.map { $0["run"] as? Int } == [1, 2, 3])
        #expect(steps.map { $0["cached"] as? Bool } == [false, true, false])
        #expect(steps.map { $0["value"] as? Double } == [100, 100, 101])
        // Outside a git work tree a notebook is named by its absolute path.
        #expect(steps.allSatisfy { ($0["notebook"] as? String)?.hasPrefix("/") == true && ($0["notebook"] as? String)?.hasSuffix("/h.md") == true
            && $0["point"] is NSNull && $0["commit"] is NSNull }, "\(steps)")
        let lastTwo = try historyLines(scratch, ["--last", "2", "--block", "other"])
        #expect(Set(lastTwo.map { $0["run"] as? Int }) == [2, 3])
        let table = try CLI.run(["history", "h.md", "--block", "plain", "--metric", "final.x1"], in: scratch.url)
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.count == 4 && lines[0].hasPrefix("run  date (UTC)") && lines[0].hasSuffix("plain.final.x1"), "\(table)")
        #expect(lines[2].hasSuffix("(cached)"), "\(table)")
        // With three runs the report draws each metric over them, in a part marked run-dependent.
        #expect(scratch.exists("output/h/figures/plain-history.png"))
        #expect(try scratch.read("output/h/index.html").contains("data-run-dependent=\"history\""))
        // --no-history appends nothing.
        #expect(try CLI.run(["run", "h.md", "-q", "--no-history"], in: scratch.url).status == 0)
        #expect(try historyLines(scratch, ["--metric", "steps", "--block", "plain"]).count == 3)
        let missing = try CLI.run(["history", "-o", "elsewhere"], in: scratch.url)
        #expect(missing.status == 2 && missing.stderr.contains("elsewhere/history.sqlite does not exist"), "\(missing)")
    }

    @Test("in a git work tree a run records the commit and whether the tree was dirty, and names the notebook relative to the top")
    func gitState() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(historyNotebook, to: "notebooks/h.md")
        func git(_ arguments: String...) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org"] + arguments
            process.currentDirectoryURL = scratch.url
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "git \(arguments)")
        }
        try git("init", "-q")
        try git("add", "notebooks/h.md")
        try git("commit", "-q", "-m", "notebook")
        #expect(try CLI.run(["run", "h.md", "-q", "-o", "../output"], in: scratch.file("notebooks")).status == 0)
        try scratch.write(historyNotebook + "\nEdited.\n", to: "notebooks/h.md")
        #expect(try CLI.run(["run", "notebooks/h.md", "-q"], in: scratch.url).status == 0)
        let points = try historyLines(scratch, ["notebooks/h.md", "--block", "plain", "--metric", "steps"])
        #expect(points.map { $0["notebook"] as? String } == ["notebooks/h.md", "notebooks/h.md"], "the same name from either folder")
        #expect(points.map { ($0["commit"] as? String)?.count } == [40, 40])
        #expect(points.map { $0["dirty"] as? Bool } == [false, true])
    }

    @Test("two runs on the same folder at once (two shards) both land their rows")
    func concurrentRuns() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(historyNotebook, to: "h.md")
        // Both processes start before either ends: they write the same database at once.
        let group = DispatchGroup()
        let statuses = StatusBox()
        for shard in [1, 2] {
            group.enter()
            Thread.detachNewThread {
                let outcome = try? CLI.run(["run", "h.md", "-q", "--shard", "\(shard)/2"], in: scratch.url)
                statuses.add(outcome?.status ?? -1, said: outcome?.stderr ?? "")
                group.leave()
            }
        }
        group.wait()
        #expect(statuses.values.sorted() == [0, 0])
        let points = try historyLines(scratch, ["--metric", "steps"])
        #expect(Set(points.map { $0["run"] as? Int }) == [1, 2], "\(points); the runs said: \(statuses.said)")
        #expect(Set(points.map { $0["block"] as? String }) == ["plain", "other"])
    }

    @Test("a corrupt history database gives a warning, the run succeeds and the file is left as it was")
    func corruptDatabase() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(historyNotebook, to: "h.md")
        let garbage = String(repeating: "not a database ", count: 300)
        try scratch.write(garbage, to: "output/history.sqlite")
        let result = try CLI.run(["run", "h.md"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("warning: output/history.sqlite cannot be used (file is not a database); this run is not recorded in the history"), "\(result)")
        #expect(try scratch.read("output/history.sqlite") == garbage)
        #expect(scratch.exists("output/h/index.html"))
        let listed = try CLI.run(["history"], in: scratch.url)
        #expect(listed.status == 2 && listed.stderr.contains("cannot be read (file is not a database)"), "\(listed)")
    }
}

/// Exit statuses gathered from threads.
private final class StatusBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = [Int32]()
    private var messages = [String]()
    func add(_ status: Int32, said: String = "") { lock.lock(); stored.append(status); messages.append(said); lock.unlock() }
    var said: [String] { lock.lock(); defer { lock.unlock() }; return messages }
    var values: [Int32] { lock.lock(); defer { lock.unlock() }; return stored }
}
