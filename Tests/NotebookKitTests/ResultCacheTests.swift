import BlockResults
import Experiments
import Foundation
import Testing
@testable import NotebookKit

/// A notebook of one `{species}` block reading `obs.csv`, with `seed` in the front matter,
/// `prose` before the block and `extra` lines in the block.
private func observedNotebook(seed: Int = 0, prose: String = "", extra: String = "") -> String {
    """
    ---
    seed: \(seed)
    ---
    # Observed
    \(prose)

    ```{species}
    id: observed
    h: 1
    steps: 50
    data: {csv: obs.csv}
    \(extra)
    ```
    """
}

private let observations = "t,x1,x2\n0,100,150\n10,165,283\n"

/// The block of the notebook at `path`, loaded with `overrides`.
private func block(_ path: String, overrides: [String] = []) throws -> ExperimentBlock {
    try NotebookLoader.load([path], overrides: overrides).get()[0].blocks[0]
}

/// A small rendered block with two files.
private func sample(id: String = "observed") -> RenderedBlock {
    var rendered = RenderedBlock(id: id, kind: "species", line: 6, seconds: 0.25)
    rendered.files = [.init(path: "data/\(id).csv", contents: Data("t,x1\n0,1\n".utf8)),
                      .init(path: "figures/\(id)-time.png", contents: Data((0..<3000).map { UInt8($0 % 251) }))]
    rendered.figures = [.init(path: "figures/\(id)-time.png", caption: "x against time", width: 640, height: 400)]
    rendered.dataFiles = ["data/\(id).csv"]
    rendered.metrics = [Metric("steps", .count(50)), Metric("final.x1", .real(324.4))]
    rendered.tables = [.init(title: "Observations", columns: ["t", "x1"], rows: [["0", "100"]])]
    rendered.log = ["euler: h = 1"]
    return rendered
}

@Suite("Result cache keys and entries")
struct ResultCacheTests {
    @Test("the key changes with the options, a -p override, the seed, the data file's contents and the program version")
    func keyParts() throws {
        let path = try temporaryNotebook(observedNotebook())
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try observations.write(to: directory.appendingPathComponent("obs.csv"), atomically: true, encoding: .utf8)
        let base = try CacheKey(block: block(path))
        #expect(try CacheKey(block: block(path)) == base, "the same block gives the same key")
        #expect(base.text.contains("kind: species") && base.text.contains("option seed: 0") && base.text.contains("sha256 "))
        #expect(base.digest.count == 64 && base.digest.allSatisfy { $0.isHexDigit })

        #expect(try CacheKey(block: block(path, overrides: ["steps=49"])) != base, "a -p override")
        #expect(try CacheKey(block: block(path), programVersion: "99.0.0") != base, "another program version")

        try observedNotebook(extra: "solver: rk4").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try CacheKey(block: block(path)) != base, "an option written in the block")

        try observedNotebook(seed: 1).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try CacheKey(block: block(path)) != base, "the notebook's seed")

        try observedNotebook().write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try CacheKey(block: block(path)) == base, "back to the first text: the first key")
        try "t,x1,x2\n0,100,150\n10,166,283\n".write(to: directory.appendingPathComponent("obs.csv"), atomically: true, encoding: .utf8)
        #expect(try CacheKey(block: block(path)) != base, "the data file's contents")
    }

    @Test("caption, cache and timeout, and the block's place in the file, do not change the key")
    func presentationOnly() throws {
        let path = try temporaryNotebook(observedNotebook())
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try observations.write(to: directory.appendingPathComponent("obs.csv"), atomically: true, encoding: .utf8)
        let base = try CacheKey(block: block(path))
        try observedNotebook(prose: "\nSome prose first.\n", extra: "caption: Another caption\ntimeout: 30\ncache: true")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try CacheKey(block: block(path)) == base)
    }

    @Test("a stored block reads back equal, under its key only")
    func roundTrip() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let cache = ResultCache(outputDirectory: scratch)
        let key = CacheKey(text: "a key\n"), other = CacheKey(text: "another key\n")
        #expect(cache.lookup(key) == .miss)
        try cache.store(sample(), under: key)
        #expect(cache.lookup(key) == .hit(sample()))
        #expect(cache.lookup(other) == .miss)
        // An entry under the right name but holding another key's text is not trusted.
        try FileManager.default.copyItem(at: cache.entryURL(key), to: cache.entryURL(other))
        guard case let .corrupt(reason) = cache.lookup(other) else {
            Issue.record("an entry holding another key was trusted")
            return
        }
        #expect(reason.contains("another key"))
        #expect(!FileManager.default.fileExists(atPath: cache.entryURL(other).path), "a corrupt entry is removed")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cache.directory.path).sorted()
        #expect(leftovers == ["CACHEDIR.TAG", cache.entryURL(key).lastPathComponent], "no temporary files are left")
    }

    @Test("a truncated, garbled or foreign entry is reported as corrupt, never returned")
    func corruptEntries() throws {
        let key = CacheKey(text: "k\n")
        let entry = try ResultCache.encode(sample(), key: key)
        #expect(ResultCache.decode(entry, expecting: key) == .success(sample()))
        var damaged = [Data]()
        damaged.append(entry.prefix(entry.count / 2))
        damaged.append(entry.prefix(10))
        damaged.append(Data())
        damaged.append(Data("not a cache entry at all\n".utf8))
        for offset in [entry.count - 5, entry.count / 2, 100, ResultCache.header.utf8.count + 3] {
            var garbled = entry
            garbled[offset] ^= 0x20
            damaged.append(garbled)
        }
        damaged.append(entry + Data("x".utf8))
        for (index, data) in damaged.enumerated() {
            guard case .failure = ResultCache.decode(data, expecting: key) else {
                Issue.record("damaged entry \(index) was trusted")
                continue
            }
        }
    }

    @Test("30 random damages (flipped bytes, cuts, additions) are all detected")
    func randomDamage() throws {
        let key = CacheKey(text: "k\n")
        let entry = try ResultCache.encode(sample(), key: key)
        var generator = SeededBytes(seed: 14)
        for index in 0..<30 {
            var damaged = entry
            switch index % 3 {
            case 0:
                let offset = generator.next(below: entry.count)
                damaged[offset] ^= UInt8(1 + generator.next(below: 255))
            case 1:
                damaged = entry.prefix(generator.next(below: entry.count))
            default:
                let offset = generator.next(below: entry.count)
                damaged.insert(UInt8(generator.next(below: 256)), at: offset)
            }
            guard case .failure = ResultCache.decode(damaged, expecting: key) else {
                Issue.record("damage \(index) was not detected")
                continue
            }
        }
    }

    @Test("an entry that names a file outside figures/ and data/ is rejected, its checksum right or not")
    func foreignPaths() throws {
        let key = CacheKey(text: "k\n")
        for path in ["../../x.csv", "/etc/x.csv", "figures/../../x.png", "data/sub/x.csv", "index.html", "data/"] {
            var block = sample()
            block.files[0].path = path
            let entry = try ResultCache.encode(block, key: key)
            #expect(ResultCache.decode(entry, expecting: key) == .failure(.init("it names a file outside the report's figures/ and data/ folders")), "\(path)")
        }
        var figure = sample()
        figure.figures[0].path = "../f.png"
        #expect(ResultCache.decode(try ResultCache.encode(figure, key: key), expecting: key)
            == .failure(.init("it names a file outside the report's figures/ and data/ folders")))
    }
}

/// A small deterministic generator (SplitMix64) for test inputs.
private struct SeededBytes {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
