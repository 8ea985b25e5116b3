import Foundation
import Testing

/// A notebook of two `{species}` blocks: `plain`, and `observed`, which reads `obs.csv`.
private func cacheNotebook(seed: Int = 0, plainSteps: Int = 200, caption: String = "Plain") -> String {
    """
    ---
    seed: \(seed)
    ---
    # Cache

    ```{species}
    id: plain
    caption: \(caption)
    steps: \(plainSteps)
    ```

    ```{species}
    id: observed
    h: 1
    steps: 50
    data: {csv: obs.csv}
    ```

    """
}

private let observations = "t,x1,x2\n0,100,150\n10,165,283\n15,197,290\n"

/// Each block's status in `stem`'s results.json, by id.
func statuses(_ scratch: Scratch, _ stem: String, output: String = "output") throws -> [String: String] {
    let results = try scratch.json("\(output)/\(stem)/results.json")
    let blocks = try #require(results["blocks"] as? [[String: Any]])
    return Dictionary(uniqueKeysWithValues: blocks.map { ($0["id"] as? String ?? "?", $0["status"] as? String ?? "?") })
}

@Suite("notebook run: the result cache")
struct CacheRunTests {
    @Test("a second run takes every block from the cache and writes the same report")
    func secondRunIsCached() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(cacheNotebook(), to: "cache.md")
        try scratch.write(observations, to: "obs.csv")
        var result = try CLI.run(["run", "cache.md"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(try statuses(scratch, "cache") == ["plain": "ok", "observed": "ok"])
        let first = try reportFiles(scratch, "output/cache")
        let firstResults = try scratch.json("output/cache/results.json")

        result = try CLI.run(["run", "cache.md"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(try statuses(scratch, "cache") == ["plain": "cached", "observed": "cached"])
        #expect(result.stderr.contains("cache: plain {species} cached (ran in "), "\(result)")
        let second = try reportFiles(scratch, "output/cache")
        #expect(Set(first.keys) == Set(second.keys))
        for (path, contents) in first where path.hasSuffix(".png") || path.hasSuffix(".csv") {
            #expect(second[path] == contents, "\(path) differs after a cache hit")
        }
        #expect(try metric(scratch.json("output/cache/results.json"), block: "observed", "final.x1")
                == metric(firstResults, block: "observed", "final.x1"))
        let seconds = { (results: [String: Any]) in (results["blocks"] as? [[String: Any]])?.map { $0["seconds"] as? Double } }
        #expect(seconds(try scratch.json("output/cache/results.json")) == seconds(firstResults), "a cached block shows its original duration")
        #expect(try scratch.read("output/cache/index.html").contains("cached result, originally"))
    }

    @Test("an edited option, a -p override, the seed and the data file's contents each make a block run again; a caption does not")
    func keyParts() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(cacheNotebook(), to: "cache.md")
        try scratch.write(observations, to: "obs.csv")
        func run(_ extra: [String] = []) throws -> [String: String] {
            let result = try CLI.run(["run", "cache.md", "--quiet"] + extra, in: scratch.url)
            #expect(result.status == 0, "\(result)")
            return try statuses(scratch, "cache")
        }
        #expect(try run() == ["plain": "ok", "observed": "ok"])
        #expect(try run() == ["plain": "cached", "observed": "cached"])

        try scratch.write(cacheNotebook(plainSteps: 300), to: "cache.md")
        #expect(try run() == ["plain": "ok", "observed": "cached"], "an option edited in the notebook")
        #expect(try run() == ["plain": "cached", "observed": "cached"])

        #expect(try run(["-p", "plain.steps=250"]) == ["plain": "ok", "observed": "cached"], "a -p override")
        #expect(try run(["-p", "plain.steps=250"]) == ["plain": "cached", "observed": "cached"], "the same override again")

        try scratch.write(cacheNotebook(seed: 7, plainSteps: 300), to: "cache.md")
        #expect(try run() == ["plain": "ok", "observed": "ok"], "the notebook's seed")

        try scratch.write(observations.replacingOccurrences(of: "165", with: "166"), to: "obs.csv")
        #expect(try run() == ["plain": "cached", "observed": "ok"], "the contents of the data file")

        try scratch.write(cacheNotebook(seed: 7, plainSteps: 300, caption: "Another caption"), to: "cache.md")
        #expect(try run() == ["plain": "cached", "observed": "cached"], "a caption does not change the result")
        #expect(try scratch.read("output/cache/index.html").contains("Another caption"), "but the report shows the new one")
    }

    @Test("cache: false and --no-cache run the block every time; --no-cache stores nothing")
    func bypass() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(cacheNotebook().replacingOccurrences(of: "id: plain\n", with: "id: plain\ncache: false\n"), to: "cache.md")
        try scratch.write(observations, to: "obs.csv")
        for _ in 0..<2 {
            let result = try CLI.run(["run", "cache.md", "--quiet"], in: scratch.url)
            #expect(result.status == 0, "\(result)")
        }
        #expect(try statuses(scratch, "cache") == ["plain": "ok", "observed": "cached"])

        var result = try CLI.run(["run", "cache.md", "--quiet", "--no-cache"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(try statuses(scratch, "cache") == ["plain": "ok", "observed": "ok"])

        result = try CLI.run(["run", "cache.md", "--quiet", "--no-cache", "-o", "fresh"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(!scratch.exists("fresh/.cache"), "--no-cache writes no cache entry")
        #expect(scratch.exists("fresh/cache/index.html"))
    }

    @Test("a truncated or garbled cache entry is reported, ignored and replaced; the report stays right")
    func corruptEntries() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(cacheNotebook(), to: "cache.md")
        try scratch.write(observations, to: "obs.csv")
        var result = try CLI.run(["run", "cache.md", "--quiet"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        let reference = try reportFiles(scratch, "output/cache")

        let entries = try FileManager.default.contentsOfDirectory(atPath: scratch.file("output/.cache").path).sorted()
            .filter { $0.hasSuffix(".result") }
        #expect(entries.count == 2, "one entry per block: \(entries)")
        let truncated = scratch.file("output/.cache/\(entries[0])")
        let contents = try Data(contentsOf: truncated)
        try contents.prefix(contents.count / 2).write(to: truncated)
        let garbled = scratch.file("output/.cache/\(entries[1])")
        var bytes = try Data(contentsOf: garbled)
        bytes[bytes.count - 100] ^= 0x01
        try bytes.write(to: garbled)

        result = try CLI.run(["run", "cache.md"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        let warnings = result.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") && $0.contains("ignored the cache entry") }
        #expect(warnings.count == 2, "one warning per damaged entry: \(result)")
        #expect(try statuses(scratch, "cache") == ["plain": "ok", "observed": "ok"], "both blocks ran again")
        let rerun = try reportFiles(scratch, "output/cache")
        for (path, contents) in reference where path.hasSuffix(".png") || path.hasSuffix(".csv") {
            #expect(rerun[path] == contents, "\(path) differs after rerunning")
        }

        result = try CLI.run(["run", "cache.md"], in: scratch.url)
        #expect(result.status == 0 && !result.stderr.contains("warning"), "\(result)")
        #expect(try statuses(scratch, "cache") == ["plain": "cached", "observed": "cached"], "the entries were written again")
    }

    @Test("a failed block is not cached: it runs again, the others come from the cache")
    func failuresAreNotCached() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(Notebooks.blowUp, to: "blowup.md")
        for expected in [["fine": "ok", "boom": "failed"], ["fine": "cached", "boom": "failed"]] {
            let result = try CLI.run(["run", "blowup.md", "--quiet"], in: scratch.url)
            #expect(result.status == 1, "\(result)")
            #expect(try statuses(scratch, "blowup") == expected)
        }
    }
}

/// Every file under `folder` of the scratch folder, by path relative to it.
func reportFiles(_ scratch: Scratch, _ folder: String) throws -> [String: Data] {
    let root = scratch.file(folder).standardizedFileURL
    guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [:] }
    var files = [String: Data]()
    for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
        let path = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
        files[path] = try Data(contentsOf: url)
    }
    return files
}
