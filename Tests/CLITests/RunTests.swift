import Foundation
import Testing

/// Small notebooks written by the tests.
enum Notebooks {
    /// Two blocks with every option at its default: ids `species-1` and `species-2`.
    static let twoDefaultBlocks = """
        # Defaults

        ```{species}
        ```

        Between the blocks.

        ```{species}
        ```

        """

    /// One good block and one whose Euler recurrence overflows (huge r1 with a huge step).
    static let blowUp = """
        # Blow-up

        ```{species}
        id: fine
        steps: 10
        ```

        ```{species}
        id: boom
        params: {r1: 1e6}
        h: 10
        steps: 100
        ```

        """

    /// Script tags in the prose and in a caption.
    static let script = "<script>alert(1)</script>"
    static let hostile = """
        # Escaping

        Some prose with \(script) inside it.

        \(script)

        ```{species}
        id: hostile
        caption: "\(script)"
        steps: 5
        ```

        """
}

/// Metric `name` of block `id` in a results.json object.
func metric(_ results: [String: Any], block id: String, _ name: String) throws -> Double {
    let blocks = try #require(results["blocks"] as? [[String: Any]])
    let block = try #require(blocks.first { $0["id"] as? String == id }, "no block '\(id)' in results.json")
    let metrics = try #require(block["metrics"] as? [String: Any])
    return try #require((metrics[name] as? NSNumber)?.doubleValue, "no metric '\(name)' in block '\(id)'")
}

func expectClose(_ value: Double, _ expected: Double, relative tolerance: Double = 1e-8,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(abs(value - expected) <= tolerance * abs(expected), "\(value) is not \(expected) within \(tolerance) relative",
            sourceLocation: sourceLocation)
}

@Suite("notebook run")
struct RunTests {
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    @Test("run writes the report, figures, CSVs, results.json and the index")
    func runWritesReportFolder() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.copyExperimentsNotebook()
        let result = try CLI.run(["run", "experiments.md"], in: scratch.url)
        #expect(result.status == 0 && !result.signaled, "\(result)")

        #expect(scratch.exists("output/index.html"))
        #expect(scratch.exists("output/experiments/index.html"))
        #expect(scratch.exists("output/experiments/results.json"))
        let figures = try FileManager.default.contentsOfDirectory(atPath: scratch.file("output/experiments/figures").path)
            .filter { $0.hasSuffix(".png") }
        #expect(!figures.isEmpty)
        for figure in figures {
            let bytes = try Data(contentsOf: scratch.file("output/experiments/figures/\(figure)"))
            #expect(Array(bytes.prefix(8)) == Self.pngSignature, "\(figure) is not a PNG")
        }
        let csvs = try FileManager.default.contentsOfDirectory(atPath: scratch.file("output/experiments/data").path)
            .filter { $0.hasSuffix(".csv") }
        #expect(csvs.contains("competition.csv"))
        let csv = try scratch.read("output/experiments/data/competition.csv")
        #expect(csv.split(separator: "\n").first == "t,x1,x2")
        #expect(csv.split(separator: "\n").count == 1002, "a header and 1001 rows (t = 0 ... 100)")
    }

    @Test("results.json has exactly the keys of docs/format.md §4 and the seed's numbers")
    func resultsSchema() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.copyExperimentsNotebook()
        try scratch.write(Notebooks.twoDefaultBlocks, to: "defaults.md")
        let result = try CLI.run(["run", "experiments.md", "defaults.md", "--quiet"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "--quiet prints nothing but errors")

        for stem in ["experiments", "defaults"] {
            let results = try scratch.json("output/\(stem)/results.json")
            #expect(Set(results.keys) == ["notebook", "title", "status", "blocks"])
            #expect(results["notebook"] as? String == "\(stem).md")
            #expect(results["status"] as? String == "ok")
            let blocks = try #require(results["blocks"] as? [[String: Any]])
            // experiments.md: the forward solves, the three recurrence fits and the adjoint fit; defaults.md: two blocks.
            #expect(blocks.count == (stem == "experiments" ? 6 : 2))
            for block in blocks {
                #expect(Set(block.keys) == ["id", "kind", "line", "status", "seconds", "metrics", "figures", "data", "error"])
                #expect(["species", "ode"].contains(block["kind"] as? String))
                #expect(block["status"] as? String == "ok")
                #expect(block["line"] is Int)
                #expect((block["seconds"] as? NSNumber).map { $0.doubleValue >= 0 } == true)
                #expect(block["error"] is NSNull)
                #expect(block["metrics"] is [String: Any])
                let figures = try #require(block["figures"] as? [String])
                let data = try #require(block["data"] as? [String])
                #expect(!figures.isEmpty && !data.isEmpty)
                for path in figures + data {
                    #expect(scratch.exists("output/\(stem)/\(path)"), "\(path) listed in results.json is missing")
                }
            }
        }
        let experiments = try scratch.json("output/experiments/results.json")
        #expect(experiments["title"] as? String == "An ODE is an RNN")
        let text = try scratch.read("experiments.md").split(separator: "\n", omittingEmptySubsequences: false)
        for block in experiments["blocks"] as? [[String: Any]] ?? [] {
            let line = try #require(block["line"] as? Int), kind = try #require(block["kind"] as? String)
            #expect(text[line - 1] == "```{\(kind)}", "block line \(line) is not its opening fence")
        }
        let defaults = try scratch.json("output/defaults/results.json")
        #expect((defaults["blocks"] as? [[String: Any]])?.map { $0["id"] as? String } == ["species-1", "species-2"])
        expectClose(try metric(defaults, block: "species-1", "final.x1"), 373.56820343)
        expectClose(try metric(experiments, block: "competition", "final.x1"), 373.56820343)
    }

    @Test("-p KEY=VALUE sets every block; -p ID.KEY=VALUE one block")
    func overrides() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(Notebooks.twoDefaultBlocks, to: "defaults.md")

        var result = try CLI.run(["run", "defaults.md", "-p", "steps=500"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        var results = try scratch.json("output/defaults/results.json")
        expectClose(try metric(results, block: "species-1", "final.x1"), 343.03847205)
        expectClose(try metric(results, block: "species-2", "final.x1"), 343.03847205)
        #expect(try metric(results, block: "species-1", "steps") == 500)

        result = try CLI.run(["run", "defaults.md", "-p", "species-2.steps=500"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        results = try scratch.json("output/defaults/results.json")
        expectClose(try metric(results, block: "species-1", "final.x1"), 373.56820343)
        expectClose(try metric(results, block: "species-2", "final.x1"), 343.03847205)
    }

    @Test("-p on a key no block has, or with a value of the wrong type, exits 2 with a message")
    func badOverrides() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(Notebooks.twoDefaultBlocks, to: "defaults.md")

        var result = try CLI.run(["run", "defaults.md", "-p", "stps=5"], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("error: -p stps=5:") && result.stderr.contains("did you mean 'steps'"), "\(result)")

        result = try CLI.run(["run", "defaults.md", "-p", "steps=abc"], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("error: -p steps=abc:") && result.stderr.contains("'steps'")
                && result.stderr.contains("integer"), "\(result)")

        result = try CLI.run(["check", "defaults.md", "-p", "h=fast"], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(!scratch.exists("output"), "a run that does not validate writes nothing")
    }

    @Test("a block that fails at run time: exit 1, report written, the other blocks ran")
    func runtimeFailure() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(Notebooks.blowUp, to: "blowup.md")
        let result = try CLI.run(["run", "blowup.md"], in: scratch.url)
        #expect(result.status == 1 && !result.signaled, "\(result)")
        #expect(result.stderr.contains("blowup.md:8: error: block 'boom':"), "\(result)")
        #expect(scratch.exists("output/blowup/index.html"))
        #expect(scratch.exists("output/index.html"))

        let results = try scratch.json("output/blowup/results.json")
        #expect(results["status"] as? String == "failed")
        let blocks = try #require(results["blocks"] as? [[String: Any]])
        let fine = try #require(blocks.first { $0["id"] as? String == "fine" })
        let boom = try #require(blocks.first { $0["id"] as? String == "boom" })
        #expect(fine["status"] as? String == "ok")
        #expect(fine["error"] is NSNull)
        #expect(boom["status"] as? String == "failed")
        let error = try #require(boom["error"] as? [String: Any], "a failed block has an error object")
        #expect(Set(error.keys) == ["message", "line"])
        #expect((error["message"] as? String)?.contains("non-finite") == true)
        #expect(error["line"] as? Int == 8)
        let report = try scratch.read("output/blowup/index.html")
        #expect(report.contains("non-finite"), "the report shows the failure")
    }

    @Test("a run that fails validation leaves the previous report untouched")
    func failedValidationKeepsReport() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(Notebooks.twoDefaultBlocks, to: "notes.md")
        var result = try CLI.run(["run", "notes.md"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        let report = try Data(contentsOf: scratch.file("output/notes/index.html"))
        let index = try Data(contentsOf: scratch.file("output/index.html"))
        let results = try Data(contentsOf: scratch.file("output/notes/results.json"))

        try scratch.write("# Notes\n\n```{species}\nsteps: abc\n```\n", to: "notes.md")
        result = try CLI.run(["run", "notes.md"], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(try Data(contentsOf: scratch.file("output/notes/index.html")) == report)
        #expect(try Data(contentsOf: scratch.file("output/index.html")) == index)
        #expect(try Data(contentsOf: scratch.file("output/notes/results.json")) == results)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.file("output").path)
        #expect(Set(leftovers) == ["index.html", "notes", ".cache", "history.sqlite"], "no staging folders are left behind")
    }

    @Test("the index links every report, and a report has a table of contents")
    func indexAndContents() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.copyExperimentsNotebook()
        try scratch.write(Notebooks.twoDefaultBlocks, to: "defaults.md")
        let result = try CLI.run(["run", "experiments.md", "defaults.md", "-o", "site"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        let index = try scratch.read("site/index.html")
        #expect(index.contains("href=\"experiments/index.html\""))
        #expect(index.contains("href=\"defaults/index.html\""))
        #expect(index.contains("An ODE is an RNN"))

        let report = try scratch.read("site/experiments/index.html")
        #expect(report.contains("<nav class=\"toc\""), "the report has a table of contents")
        // The table of contents links the notebook's sections.
        for heading in ["From Euler", "Two species competing", "The step size is the depth"] {
            #expect(report.contains(heading))
        }
        let anchors = report.components(separatedBy: "href=\"#").dropFirst().compactMap { $0.split(separator: "\"").first }
        #expect(anchors.count >= 3, "the contents link at least the three sections")
        for anchor in anchors {
            #expect(report.contains("id=\"\(anchor)\""), "contents link #\(anchor) has no target")
        }
    }

    @Test("HTML in the prose and in a caption is escaped in the report")
    func escaping() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(Notebooks.hostile, to: "hostile.md")
        let result = try CLI.run(["run", "hostile.md"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        let report = try scratch.read("output/hostile/index.html")
        #expect(!report.contains(Notebooks.script), "raw <script> reached the report")
        #expect(!report.contains("<script>alert"))
        #expect(report.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the text is still shown, escaped")
        #expect(!(try scratch.read("output/index.html")).contains("<script>alert"))
    }
}
