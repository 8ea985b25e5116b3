import Foundation
import Testing

/// Two `{species}` blocks; `extra` is appended (another block, or nothing). `tolerance` is the
/// `coarse` block's `tolerance:` line, if any.
private func baselineNotebook(tolerance: String? = nil, extra: String = "") -> String {
    """
    # Baseline

    ```{species}
    id: fine
    steps: 200
    ```

    ```{species}
    id: coarse
    h: 1
    steps: 50
    \(tolerance.map { "tolerance: \($0)" } ?? "")
    ```
    \(extra)
    """
}

/// The `"baseline"` entry of block `id` in a results.json.
private func baselineEntry(_ results: [String: Any], block id: String) -> [String: Any]? {
    (results["blocks"] as? [[String: Any]])?.first { $0["id"] as? String == id }?["baseline"] as? [String: Any]
}

/// Lines of `text` that say "regression".
private func regressionLines(_ text: String) -> [String] {
    text.split(separator: "\n").map(String.init).filter { $0.contains(": regression: ") }
}

@Suite("notebook baseline and run --baseline")
struct BaselineTests {
    @Test("notebook baseline writes results and figures only; an unchanged run is within tolerance; --update replaces it")
    func roundTrip() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(baselineNotebook(), to: "b.md")
        var result = try CLI.run(["baseline", "b.md", "-o", "baselines"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        let files = try FileManager.default.subpathsOfDirectory(atPath: scratch.file("baselines/b").path).sorted()
        #expect(files.contains("results.json") && files.contains("figures/fine-time.png"), "\(files)")
        #expect(!files.contains { $0.hasSuffix(".html") || $0.hasSuffix(".csv") }, "only results and figures: \(files)")

        result = try CLI.run(["run", "b.md", "--baseline", "baselines"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("baseline baselines: every metric within tolerance"), "\(result)")
        let results = try scratch.json("output/b/results.json")
        let steps = try #require(baselineEntry(results, block: "fine")?["steps"] as? [String: Any])
        #expect(steps["value"] as? Int == 200 && steps["baseline"] as? Int == 200 && steps["ok"] as? Bool == true)
        let summary = try #require(results["baseline"] as? [String: Any])
        #expect(summary["ok"] as? Bool == true && summary["regressions"] as? Int == 0)
        #expect(try scratch.read("output/b/index.html").contains("within tolerance."))

        // A results.json and a report folder are baselines too.
        for path in ["baselines/b/results.json", "baselines/b"] {
            result = try CLI.run(["run", "b.md", "--baseline", path], in: scratch.url)
            #expect(result.status == 0, "\(path): \(result)")
        }

        result = try CLI.run(["baseline", "b.md", "-o", "baselines"], in: scratch.url)
        #expect(result.status == 2 && result.stderr.contains("give --update to replace it"), "\(result)")
        try scratch.write(baselineNotebook().replacingOccurrences(of: "steps: 200", with: "steps: 201"), to: "b.md")
        result = try CLI.run(["baseline", "b.md", "-o", "baselines", "--update"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        result = try CLI.run(["run", "b.md", "--baseline", "baselines"], in: scratch.url)
        #expect(result.status == 0, "the updated baseline has the new steps: \(result)")
    }

    @Test("a metric outside its tolerance: one exact line per regression, exit 1, marked in the report")
    func regressionLinesAndExit() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(baselineNotebook(), to: "b.md")
        #expect(try CLI.run(["baseline", "b.md", "-o", "base"], in: scratch.url).status == 0)
        let result = try CLI.run(["run", "b.md", "--baseline", "base", "-p", "fine.steps=201", "-p", "coarse.initial.x1=100.5"], in: scratch.url)
        #expect(result.status == 1, "\(result)")
        let lines = regressionLines(result.stderr)
        #expect(lines.contains("b.md:3: regression: block 'fine' metric 'steps' = 201 vs baseline 200 (counts compare exactly)"), "\(lines)")
        #expect(lines.contains("b.md:3: regression: block 'fine' metric 'nfe' = 201 vs baseline 200 (counts compare exactly)"), "\(lines)")
        let x1 = try #require(lines.first { $0.hasPrefix("b.md:8: regression: block 'coarse' metric 'final.x1' = ") }, "\(lines)")
        #expect(x1.range(of: #"^b\.md:8: regression: block 'coarse' metric 'final\.x1' = [0-9.]+ vs baseline [0-9.]+ \(rel [0-9.]+e-[0-9]+ > rtol 1e-09\)$"#,
                         options: .regularExpression) != nil, "\(x1)")
        #expect(result.stderr.contains("regressions against the baseline base:"), "\(result)")
        let results = try scratch.json("output/b/results.json")
        #expect((baselineEntry(results, block: "fine")?["steps"] as? [String: Any])?["ok"] as? Bool == false)
        let page = try scratch.read("output/b/index.html")
        #expect(page.contains("metrics outside tolerance in 2 blocks."), "the summary at the top")
        #expect(page.contains("class=\"regression\""))
    }

    @Test("tolerances: the flags, a block's pair, a metric's own pair; counts exact unless a block tolerance says otherwise")
    func toleranceRules() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(baselineNotebook(), to: "b.md")
        #expect(try CLI.run(["baseline", "b.md", "-o", "base"], in: scratch.url).status == 0)
        let nudge = ["-p", "coarse.initial.x1=100.01"]
        // The default rtol 1e-9 flags the nudge; --rtol 1e-3 accepts it.
        #expect(try CLI.run(["run", "b.md", "--baseline", "base"] + nudge, in: scratch.url).status == 1)
        var result = try CLI.run(["run", "b.md", "--baseline", "base", "--rtol", "1e-3"] + nudge, in: scratch.url)
        #expect(result.status == 0, "\(result)")
        // --atol alone, large enough.
        result = try CLI.run(["run", "b.md", "--baseline", "base", "--rtol", "0", "--atol", "1"] + nudge, in: scratch.url)
        #expect(result.status == 0, "\(result)")
        // A block's own pair overrides the flags.
        try scratch.write(baselineNotebook(tolerance: "{rtol: 1e-3}"), to: "b.md")
        result = try CLI.run(["run", "b.md", "--baseline", "base"] + nudge, in: scratch.url)
        #expect(result.status == 0, "\(result)")
        // Per metric: final.x1 is allowed to move, final.x2 is held to the flags.
        try scratch.write(baselineNotebook(tolerance: "{final.x1: {rtol: 1e-3}}"), to: "b.md")
        result = try CLI.run(["run", "b.md", "--baseline", "base"] + nudge, in: scratch.url)
        #expect(result.status == 1, "\(result)")
        let lines = regressionLines(result.stderr)
        #expect(!lines.contains { $0.contains("'final.x1'") } && lines.contains { $0.contains("'final.x2'") }, "\(lines)")
        // A count compares exactly under the flags, within a block's tolerance when it has one.
        try scratch.write(baselineNotebook(), to: "b.md")
        result = try CLI.run(["run", "b.md", "--baseline", "base", "--atol", "5", "-p", "coarse.steps=51"], in: scratch.url)
        #expect(regressionLines(result.stderr).contains { $0.contains("'steps' = 51 vs baseline 50 (counts compare exactly)") }, "\(result)")
        try scratch.write(baselineNotebook(tolerance: "{steps: {atol: 5}, nfe: {atol: 5}, final.x1: {rtol: 1}, final.x2: {rtol: 1}, data.max_abs_error: {rtol: 1}}"), to: "b.md")
        result = try CLI.run(["run", "b.md", "--baseline", "base", "-p", "coarse.steps=51"], in: scratch.url)
        #expect(!regressionLines(result.stderr).contains { $0.contains("'steps'") || $0.contains("'nfe'") }, "\(result)")
    }

    @Test("a new block fails without --allow-new and passes with it; a baseline block the notebook lost is a regression")
    func newAndMissingBlocks() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(baselineNotebook(), to: "b.md")
        #expect(try CLI.run(["baseline", "b.md", "-o", "base"], in: scratch.url).status == 0)
        try scratch.write(baselineNotebook(extra: "\n```{species}\nid: added\nsteps: 10\n```\n"), to: "b.md")
        var result = try CLI.run(["run", "b.md", "--baseline", "base"], in: scratch.url)
        #expect(result.status == 1, "\(result)")
        #expect(regressionLines(result.stderr) == ["b.md:15: regression: block 'added' is not in the baseline base (--allow-new accepts new blocks)"], "\(result)")
        result = try CLI.run(["run", "b.md", "--baseline", "base", "--allow-new"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect((baselineEntry(try scratch.json("output/b/results.json"), block: "added"))?["new"] as? Bool == true)

        try scratch.write("# Baseline\n\n```{species}\nid: fine\nsteps: 200\n```\n", to: "b.md")
        result = try CLI.run(["run", "b.md", "--baseline", "base"], in: scratch.url)
        #expect(result.status == 1, "\(result)")
        #expect(regressionLines(result.stderr) == ["b.md:8: regression: block 'coarse' of the baseline is not in the notebook"], "\(result)")
    }

    @Test("a failed block's metrics are missing; a notebook absent from a baseline folder is all new")
    func failedBlockAndAbsentNotebook() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(baselineNotebook(), to: "b.md")
        #expect(try CLI.run(["baseline", "b.md", "-o", "base"], in: scratch.url).status == 0)
        // A growth rate of a million blows the Euler recurrence up: the block fails at run time.
        var result = try CLI.run(["run", "b.md", "--baseline", "base", "-p", "fine.params.r1=1e6"], in: scratch.url)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("b.md:3: error: block 'fine'"), "\(result)")
        #expect(regressionLines(result.stderr).contains { $0.hasPrefix("b.md:3: regression: block 'fine' metric 'final.x1' (baseline ") && $0.hasSuffix("is missing: the block failed") }, "\(result)")
        try scratch.write(baselineNotebook(), to: "other.md")
        result = try CLI.run(["run", "other.md", "--baseline", "base"], in: scratch.url)
        #expect(result.status == 1 && regressionLines(result.stderr).count == 2, "\(result)")
    }

    @Test("a changed figure is shown beside the baseline's with a difference image; an unchanged one is not")
    func changedFigure() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(baselineNotebook(), to: "b.md")
        #expect(try CLI.run(["baseline", "b.md", "-o", "base"], in: scratch.url).status == 0)
        let result = try CLI.run(["run", "b.md", "--baseline", "base", "-p", "coarse.steps=60"], in: scratch.url)
        #expect(result.status == 1, "\(result)")
        #expect(scratch.exists("output/b/figures/baseline/coarse-time.png"))
        #expect(scratch.exists("output/b/figures/baseline/coarse-time-difference.png"))
        #expect(!scratch.exists("output/b/figures/baseline/fine-time.png"), "fine did not change")
        let page = try scratch.read("output/b/index.html")
        #expect(page.contains("figures/baseline/coarse-time-difference.png") && page.contains("% of the pixels"))
        #expect(try scratch.json("output/b/results.json")["baseline"].flatMap { ($0 as? [String: Any])?["changed_figures"] as? Int } ?? 0 >= 1)
        // A page that stands alone embeds the three images of a comparison.
        _ = try CLI.run(["run", "b.md", "-o", "alone", "--self-contained", "--baseline", "base", "-p", "coarse.steps=60"], in: scratch.url)
        let alone = try scratch.read("alone/b/index.html")
        #expect(alone.contains("alt=\"Difference (red: changed): Figure 3. x1, x2 against time\" src=\"data:image/png;base64,"), "the difference image is embedded")
    }

    @Test("a swept notebook's points are compared with the baseline's points; a merge of shards compares like a run")
    func sweepsAndMerges() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(baselineNotebook(), to: "b.md")
        let sweep = ["--sweep", "coarse.steps=[50,60]"]
        var result = try CLI.run(["baseline", "b.md", "-o", "base", "-q"] + sweep, in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(scratch.exists("base/b/sweep.json") && scratch.exists("base/b/points/coarse.steps=60/results.json"))
        result = try CLI.run(["run", "b.md", "--baseline", "base"] + sweep, in: scratch.url)
        #expect(result.status == 0, "\(result)")
        result = try CLI.run(["run", "b.md", "--baseline", "base", "-p", "fine.steps=201"] + sweep, in: scratch.url)
        #expect(result.status == 1, "\(result)")
        let lines = regressionLines(result.stderr)
        #expect(lines.contains("b.md:3: regression: block 'fine' [coarse.steps=60] metric 'steps' = 201 vs baseline 200 (counts compare exactly)"), "\(lines)")

        // Two shards, merged with the baseline: the same comparison as one run.
        try scratch.write(baselineNotebook(), to: "plain.md")
        #expect(try CLI.run(["baseline", "plain.md", "-o", "plainbase", "-q"], in: scratch.url).status == 0)
        for shard in ["1/2", "2/2"] {
            #expect(try CLI.run(["run", "plain.md", "-o", "shards", "-q", "--shard", shard, "-p", "coarse.steps=51"], in: scratch.url).status == 0)
        }
        result = try CLI.run(["run", "plain.md", "-o", "x", "--shard", "1/2", "--baseline", "plainbase"], in: scratch.url)
        #expect(result.status == 2 && result.stderr.contains("give it to `notebook merge` instead"), "\(result)")
        result = try CLI.run(["merge", "shards", "-o", "site", "--baseline", "plainbase"], in: scratch.url)
        #expect(result.status == 1, "\(result)")
        #expect(regressionLines(result.stderr).contains("plain.md:8: regression: block 'coarse' metric 'steps' = 51 vs baseline 50 (counts compare exactly)"), "\(result)")
        #expect((try scratch.json("site/plain/results.json")["baseline"] as? [String: Any])?["ok"] as? Bool == false)
    }

    @Test("notebooks/experiments.md reproduces its committed baseline (notebooks/baselines)")
    func repositoryBaseline() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.copyExperimentsNotebook()
        let baselines = CLI.repository.appendingPathComponent("notebooks/baselines").path
        // 1e-6: another processor (FMA or not) may move a trained value in its last digits.
        let result = try CLI.run(["run", "experiments.md", "--baseline", baselines, "--rtol", "1e-6"], in: scratch.url)
        #expect(result.status == 0, "a change moved a result of notebooks/experiments.md; if intended, run `notebook baseline notebooks/*.md -o notebooks/baselines --update`: \(result)")
        #expect((try scratch.json("output/experiments/results.json")["baseline"] as? [String: Any])?["regressions"] as? Int == 0)
    }

    @Test("--no-figures keeps checksums instead of images; a changed figure is then named without images")
    func checksumBaseline() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(baselineNotebook(), to: "b.md")
        #expect(try CLI.run(["baseline", "b.md", "-o", "base", "--no-figures", "-q"], in: scratch.url).status == 0)
        let files = try FileManager.default.subpathsOfDirectory(atPath: scratch.file("base/b").path)
        #expect(!files.contains { $0.hasSuffix(".png") }, "\(files)")
        let sums = try scratch.read("base/b/figures.sha256").split(separator: "\n")
        #expect(sums.count == 4 && sums.allSatisfy { $0.range(of: #"^[0-9a-f]{64}  figures/[a-z-]+\.png$"#, options: .regularExpression) != nil }, "\(sums)")
        var result = try CLI.run(["run", "b.md", "--baseline", "base"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        result = try CLI.run(["run", "b.md", "--baseline", "base", "-p", "coarse.steps=60", "--allow-new"], in: scratch.url)
        let page = try scratch.read("output/b/index.html")
        #expect(page.contains("its file differs from the baseline&#39;s (the baseline keeps only its SHA-256)"), "\(result)")
        #expect(!scratch.exists("output/b/figures/baseline"), "no baseline images to show")
    }

    @Test("bad baselines and flags: exit 2 with the reason, nothing run")
    func badBaselines() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(baselineNotebook(), to: "b.md")
        var result = try CLI.run(["run", "b.md", "--baseline", "nowhere"], in: scratch.url)
        #expect(result.status == 2 && result.stderr.contains("nowhere: no such baseline"), "\(result)")
        try scratch.write("{\"blocks\": 3}", to: "broken/results.json")
        result = try CLI.run(["run", "b.md", "--baseline", "broken"], in: scratch.url)
        #expect(result.status == 2 && result.stderr.contains("not a results.json of a notebook report"), "\(result)")
        result = try CLI.run(["run", "b.md", "--baseline", "broken", "--rtol=-1"], in: scratch.url)
        #expect(result.status == 2 && result.stderr.contains("--rtol must be a number ≥ 0"), "\(result)")
        #expect(!scratch.exists("output/b/index.html"))
        // An empty baseline or history folder is refused, and nothing is written where it would resolve to.
        result = try CLI.run(["baseline", "b.md", "-o", ""], in: scratch.url)
        #expect(result.status == 2 && result.stderr.contains("-o: the baseline folder is empty"), "\(result)")
        #expect(!scratch.exists("b/results.json"))
        result = try CLI.run(["history", "-o", ""], in: scratch.url)
        #expect(result.status == 2 && result.stderr.contains("-o: the output folder is empty"), "\(result)")
        try scratch.write(baselineNotebook(tolerance: "{rtl: 1e-3}"), to: "b.md")
        result = try CLI.run(["check", "b.md"], in: scratch.url)
        #expect(result.status == 2 && result.stderr.contains("b.md:12") && result.stderr.contains("'tolerance.rtl'")
                && result.stderr.contains("did you mean 'rtol'"), "\(result)")
    }
}
