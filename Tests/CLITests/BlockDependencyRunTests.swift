import Foundation
import Testing

/// `fit` (first in the document) estimates the decay rate from the table `truth` (second) writes.
private let readerNotebook = """
    # Reading another block

    ```{ode}
    id: fit
    equations:
      x: -k*x
    params: {k: 0.5}
    initial: {x: 1}
    t_end: 2
    data: {block: truth, columns: [t, x]}
    fit: {init: {k: 0.5}, optimizer: levenberg-marquardt, epochs: 50}
    ```

    ```{ode}
    id: truth
    equations:
      x: -r*x
    params: {r: 0.8}
    initial: {x: 1}
    t_end: 2
    t_eval: [0, 0.5, 1, 1.5, 2]
    ```

    The fitted rate is {{fit.param.k}}.
    """

@Suite("notebook run: blocks that read other blocks' tables")
struct BlockDependencyRunTests {
    @Test("the reader runs after the block it reads and fits its table; a changed producer runs both again")
    func readsAndInvalidates() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(readerNotebook, to: "reader.md")
        var result = try CLI.run(["run", "reader.md", "--jobs", "2"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        let truthEnded = try #require(result.stderr.range(of: "reader: truth {ode} ok"), "\(result)")
        let fitEnded = try #require(result.stderr.range(of: "reader: fit {ode} ok"), "\(result)")
        #expect(truthEnded.lowerBound < fitEnded.lowerBound)
        expectClose(try metric(scratch.json("output/reader/results.json"), block: "fit", "param.k"), 0.8, relative: 1e-6)

        result = try CLI.run(["run", "reader.md"], in: scratch.url)
        #expect(try statuses(scratch, "reader") == ["fit": "cached", "truth": "cached"], "\(result)")

        result = try CLI.run(["run", "reader.md", "-p", "truth.params.r=0.6"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(try statuses(scratch, "reader") == ["fit": "ok", "truth": "ok"], "the reader's key follows its producer's")
        expectClose(try metric(scratch.json("output/reader/results.json"), block: "fit", "param.k"), 0.6, relative: 1e-6)
    }

    @Test("a reader of a failed block fails without running, naming it; a missing column names the table's columns")
    func failures() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(readerNotebook.replacingOccurrences(of: "t_eval: [0, 0.5, 1, 1.5, 2]", with: "t_eval: [0, 0.5, 1, 1.5, 2]\ntimeout: 1e-9"),
                          to: "reader.md")
        var result = try CLI.run(["run", "reader.md"], in: scratch.url)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("reader.md:10: error: block 'fit': not run: block 'truth', whose table it reads, failed"), "\(result)")

        try scratch.write(readerNotebook.replacingOccurrences(of: "columns: [t, x]", with: "columns: {t: t, x: y}"), to: "reader.md")
        result = try CLI.run(["run", "reader.md"], in: scratch.url)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("reader.md:10: error: block 'fit': 'data.columns': block 'truth' has no column 'y' (columns: t, x)"), "\(result)")
    }

    @Test("notebook plan lists what each block reads and puts a reader in its producer's shard")
    func plan() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(readerNotebook, to: "reader.md")
        for shards in 2...3 {
            let result = try CLI.run(["plan", "reader.md", "--shards", "\(shards)", "--json"], in: scratch.url)
            #expect(result.status == 0, "\(result)")
            let objects = try result.stdout.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            let byBlock = Dictionary(uniqueKeysWithValues: objects.map { ($0["block"] as? String ?? "?", $0) })
            #expect(byBlock["fit"]?["reads"] as? [String] == ["truth"])
            #expect(byBlock["truth"]?["reads"] as? [String] == [])
            #expect(byBlock["fit"]?["shard"] as? Int == byBlock["truth"]?["shard"] as? Int)
        }
    }
}
