import Foundation
import Testing

/// A notebook with a quick solve and a fit: sweeping the fit's learning rate leaves the solve one
/// job that every point shares.
let sweepNotebook = """
    ---
    title: Fit sweep
    ---
    # Fit sweep

    Prose before the blocks.

    ```{species}
    id: plain
    steps: 100
    ```

    ```{species}
    id: fitted
    data: {t: [0, 10, 15, 30, 36, 40, 42], x1: [100, 165, 197, 280, 305, 318, 324], x2: [150, 283, 290, 276, 269, 266, 264]}
    h: 1
    steps: 42
    fit:
      init: {r1: 0.1, r2: 0.1, a1: 0.001, a2: 0.001, iN1: 0.001, iN2: 0.001}
      optimizer: adam
      lr: 1e-4
      epochs: 200
    ```

    """

/// Every regular file under `root` (hidden folders left out), by path relative to it.
func reportTree(_ root: URL) throws -> [String: Data] {
    var result = [String: Data]()
    let enumerator = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]))
    for case let url as URL in enumerator {
        let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
        if relative.hasPrefix(".") || relative.contains("/.") && !relative.hasSuffix("/.notebook-report") {
            if url.hasDirectoryPath { enumerator.skipDescendants() }
            continue
        }
        guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
        // The run history records runs; it is not part of a report.
        if relative.hasPrefix("history.sqlite") { continue }
        result[relative] = try Data(contentsOf: url)
    }
    return result
}

/// Expects two report trees to hold the same files, equal byte for byte outside what the report
/// marks run-dependent (HTML elements with `data-run-dependent`, JSON fields named `*seconds*`).
func expectSameReports(_ first: [String: Data], _ second: [String: Data], _ comment: String) {
    #expect(Set(first.keys) == Set(second.keys), "\(comment): \(Set(first.keys).symmetricDifference(second.keys).sorted())")
    for path in first.keys.sorted() {
        guard let a = first[path], let b = second[path] else { continue }
        if path.hasSuffix(".html") {
            #expect(RunDependentMask.html(String(decoding: a, as: UTF8.self)).text == RunDependentMask.html(String(decoding: b, as: UTF8.self)).text,
                    "\(comment): \(path) differs outside its run-dependent elements")
        } else if path.hasSuffix(".json") {
            #expect(RunDependentMask.json(String(decoding: a, as: UTF8.self)).text == RunDependentMask.json(String(decoding: b, as: UTF8.self)).text,
                    "\(comment): \(path) differs outside its seconds fields")
        } else {
            #expect(a == b, "\(comment): \(path) differs")
        }
    }
}

@Suite("Sweeps, plans, shards, merges and Slurm")
struct ScaleOutTests {
    @Test("a sweep writes a report per point, a comparison page and sweep.json; the index lists it")
    func sweepLayout() throws {
        let scratch = try Scratch(prefix: "notebook-sweep")
        defer { scratch.remove() }
        try scratch.write(sweepNotebook, to: "fit.md")
        let result = try CLI.run(["run", "fit.md", "--sweep", "fitted.fit.lr=[1e-5, 1e-4, 1e-3]", "-o", "out"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("sweep: 3/3 points done"), "\(result)")
        #expect(result.stderr.components(separatedBy: "plain {species} ok").count == 2, "the shared block runs once: \(result)")
        let sweep = try scratch.json("out/fit/sweep.json")
        #expect(sweep["notebook"] as? String == "fit.md" && sweep["mode"] as? String == "grid")
        #expect(sweep["keys"] as? [String] == ["fitted.fit.lr"])
        let points = try #require(sweep["points"] as? [[String: Any]])
        #expect(points.map { $0["name"] as? String } == ["fitted.fit.lr=1e-5", "fitted.fit.lr=1e-4", "fitted.fit.lr=1e-3"])
        #expect(points.map { $0["status"] as? String } == ["ok", "ok", "ok"])
        #expect((points[1]["overrides"] as? [String: Any])?["fitted.fit.lr"] as? Double == 1e-4)
        #expect(points[1]["report"] as? String == "points/fitted.fit.lr=1e-4/index.html")
        let metrics = try #require(points[1]["metrics"] as? [String: Any])
        #expect(metrics["fitted.loss.final"] is Double && metrics["plain.steps"] as? Int == 100)
        for point in points {
            let report = try #require(point["report"] as? String)
            #expect(scratch.exists("out/fit/\(report)"))
            #expect(scratch.exists("out/fit/" + report.replacingOccurrences(of: "index.html", with: "results.json")))
        }
        let page = try scratch.read("out/fit/index.html")
        #expect(page.contains("<table class=\"points sortable\">") && page.contains("href=\"points/fitted.fit.lr=1e-3/index.html\""))
        #expect(page.contains("figures/sweep-metrics.png") && page.contains("figures/sweep-fitted-loss.png"))
        #expect(scratch.exists("out/fit/figures/sweep-metrics.png") && scratch.exists("out/fit/figures/sweep-fitted-loss.png"))
        let pointPage = try scratch.read("out/fit/points/fitted.fit.lr=1e-5/index.html")
        #expect(pointPage.contains("<a href=\"../../index.html\">↑ Fit sweep: all 3 points of the sweep</a>"))
        #expect(pointPage.contains("<td class=\"origin\">--sweep fitted.fit.lr=1e-5</td>"), "the parameter summary says where the value came from")
        #expect(try scratch.read("out/index.html").contains("Fit sweep (sweep of 3 points)"))
    }

    @Test("running the sweep again with one more value runs only the new point")
    func sweepReuse() throws {
        let scratch = try Scratch(prefix: "notebook-sweep")
        defer { scratch.remove() }
        try scratch.write(sweepNotebook, to: "fit.md")
        var result = try CLI.run(["run", "fit.md", "--sweep", "fitted.fit.lr=[1e-5,1e-4]", "-o", "out"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        result = try CLI.run(["run", "fit.md", "--sweep", "fitted.fit.lr=[1e-5,1e-4,3e-4]", "-o", "out"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        let ran = result.stderr.split(separator: "\n").filter { $0.contains(" ok in ") }
        #expect(ran.count == 1 && ran[0].contains("[fitted.fit.lr=3e-4]: fitted {species} ok in"), "\(result)")
        #expect(result.stderr.components(separatedBy: " cached (ran in ").count == 4, "three cached jobs: \(result)")
    }

    @Test("notebook plan: one JSON object per block and point, with its key, cache state, cost and shard")
    func planJSON() throws {
        let scratch = try Scratch(prefix: "notebook-plan")
        defer { scratch.remove() }
        try scratch.write(sweepNotebook, to: "fit.md")
        var result = try CLI.run(["plan", "fit.md", "--sweep", "fitted.fit.lr=[1e-5,1e-4]", "--shards", "2", "--json", "-o", "out"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        let objects = try result.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        #expect(objects.count == 4)
        for object in objects {
            #expect(Set(object.keys) == ["notebook", "point", "block", "kind", "line", "key", "cached", "cost", "job", "reads", "shard"])
            #expect((object["key"] as? String)?.count == 64 && object["cached"] as? Bool == false)
            #expect((object["shard"] as? Int).map { (1...2).contains($0) } == true && (object["cost"] as? Double ?? 0) > 0)
        }
        #expect(objects[0]["key"] as? String == objects[2]["key"] as? String, "the shared block has one key")
        #expect(Set(objects.map { $0["job"] as! Int }) == [1, 2, 3])
        #expect(!scratch.exists("out"), "plan writes nothing")

        result = try CLI.run(["run", "fit.md", "--sweep", "fitted.fit.lr=[1e-5]", "-o", "out", "--quiet"], in: scratch.url)
        result = try CLI.run(["plan", "fit.md", "--sweep", "fitted.fit.lr=[1e-5,1e-4]", "-o", "out"], in: scratch.url)
        #expect(result.stdout.hasSuffix("4 blocks, 3 distinct jobs, 2 cached\n"), "\(result)")
    }

    @Test("shards merged equal one run on one machine, byte for byte outside the run-dependent parts")
    func shardsMergeToTheSingleRun() throws {
        let scratch = try Scratch(prefix: "notebook-shards")
        defer { scratch.remove() }
        try scratch.write(sweepNotebook, to: "fit.md")
        try scratch.write("# Plain\n\n```{species}\nid: solo\nsteps: 50\n```\n", to: "plain.md")
        let arguments = ["fit.md", "plain.md", "--sweep", "fitted.fit.lr=[1e-5,1e-4,3e-4,1e-3]", "--quiet"]
        var result = try CLI.run(["run"] + arguments + ["-o", "single"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        for shard in 1...3 {
            result = try CLI.run(["run"] + arguments + ["-o", "shard-\(shard)", "--shard", "\(shard)/3"], in: scratch.url)
            #expect(result.status == 0, "shard \(shard): \(result)")
        }
        result = try CLI.run(["merge", "shard-1", "shard-2", "shard-3", "-o", "merged"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("merged 6 of 6 jobs from 3 of 3 shards into merged/"), "\(result)")
        let single = try reportTree(scratch.file("single")), merged = try reportTree(scratch.file("merged"))
        #expect(single.keys.contains("fit/points/fitted.fit.lr=1e-3/figures/fitted-fit.png"))
        expectSameReports(single, merged, "merged against single")
    }

    @Test("merging without a shard names it, exits 1 and marks the reports incomplete")
    func missingShard() throws {
        let scratch = try Scratch(prefix: "notebook-shards")
        defer { scratch.remove() }
        try scratch.write(sweepNotebook, to: "fit.md")
        let arguments = ["fit.md", "--sweep", "fitted.fit.lr=[1e-5,1e-4]", "--quiet", "-o", "site"]
        var result = try CLI.run(["run"] + arguments + ["--shard", "1/2"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        let manifest = try #require(try FileManager.default.contentsOfDirectory(atPath: scratch.file("site/.shards").path).first { $0.hasSuffix("-shard-1-of-2.json") })
        result = try CLI.run(["merge", "site", "-o", "site"], in: scratch.url)
        #expect(result.status == 1, "\(result)")
        let missing = manifest.replacingOccurrences(of: "-shard-1-of-2", with: "-shard-2-of-2")
        #expect(result.stderr.contains("error: shard 2 of 2 is missing: no \(missing) in site/.shards; its blocks are left out and the reports are marked incomplete"), "\(result)")
        let sweep = try scratch.json("site/fit/sweep.json")
        #expect(sweep["status"] as? String == "failed")
        #expect(try scratch.read("site/fit/index.html").contains("incomplete: shard 2 of 2 did not report"))

        // Shards of a plan that no longer matches the notebooks are refused.
        try scratch.write(sweepNotebook.replacingOccurrences(of: "steps: 100", with: "steps: 101"), to: "fit.md")
        result = try CLI.run(["merge", "site", "-o", "site"], in: scratch.url)
        #expect(result.status == 2 && result.stderr.contains("differ from what the shards ran"), "\(result)")
    }

    @Test("notebook slurm writes an array script and a merge script (golden text)")
    func slurmScripts() throws {
        let scratch = try Scratch(prefix: "notebook-slurm")
        defer { scratch.remove() }
        try scratch.write(sweepNotebook, to: "fit.md")
        let result = try CLI.run(["slurm", "fit.md", "--sweep", "fitted.fit.lr=[1e-5,1e-4]", "-p", "plain.steps=50", "--shards", "2",
                                  "-o", "site", "--partition", "debug", "--time", "00:10:00", "--cpus-per-task", "2", "--account", "lab"],
                                 in: scratch.url)
        #expect(result.status == 0, "\(result)")
        let site = scratch.file("site").resolvingSymlinksInPath().path
        let cwd = scratch.url.resolvingSymlinksInPath().path
        let binary = try #require(CLI.binary).resolvingSymlinksInPath().path
        func normalised(_ text: String) -> String {
            text.replacingOccurrences(of: site, with: "$SITE").replacingOccurrences(of: cwd, with: "$CWD").replacingOccurrences(of: binary, with: "$NOTEBOOK")
        }
        #expect(normalised(try scratch.read("site/slurm/fit.sbatch")) == """
            #!/bin/bash
            #SBATCH --job-name=notebook-fit
            #SBATCH --output=$SITE/slurm/logs/fit-%A_%a.out
            #SBATCH --partition=debug
            #SBATCH --time=00:10:00
            #SBATCH --account=lab
            #SBATCH --cpus-per-task=2
            #SBATCH --array=1-2
            #
            # Written by `notebook slurm`: task I of this array runs shard I of 2 of the run below and
            # stores its results in $SITE/.shards/ (a file system every node must share).
            # Submit with: sbatch --parsable $SITE/slurm/fit.sbatch, then the merge with
            #   sbatch --dependency=afterok:<that job id> $SITE/slurm/merge.sbatch
            set -uo pipefail
            cd $CWD || exit 2
            $NOTEBOOK run fit.md -p plain.steps=50 --sweep 'fitted.fit.lr=[1e-5,1e-4]' -o $SITE --shard "$SLURM_ARRAY_TASK_ID/2" --jobs "${SLURM_CPUS_PER_TASK:-1}"
            status=$?
            # A block that failed is a result (the merged report shows it): only other failures fail the task.
            if [ "$status" -le 1 ]; then exit 0; fi
            exit "$status"

            """)
        #expect(normalised(try scratch.read("site/slurm/merge.sbatch")) == """
            #!/bin/bash
            #SBATCH --job-name=notebook-fit-merge
            #SBATCH --output=$SITE/slurm/logs/fit-merge-%j.out
            #SBATCH --partition=debug
            #SBATCH --time=00:10:00
            #SBATCH --account=lab
            #SBATCH --cpus-per-task=1
            #
            # Written by `notebook slurm`: assembles the reports from the shards of fit.sbatch.
            # Submit after the array with: sbatch --dependency=afterok:<array job id> $SITE/slurm/merge.sbatch
            set -uo pipefail
            cd $CWD || exit 2
            $NOTEBOOK merge $SITE -o $SITE
            status=$?
            echo "$status" > $SITE/slurm/merge.status
            exit "$status"

            """)
        #expect(result.stdout.contains("sbatch --dependency=afterok:${job%%;*} site/slurm/merge.sbatch"), "\(result)")

        // Without Slurm's commands, --submit says so and where the scripts are.
        let refused = try CLI.run(["slurm", "fit.md", "--shards", "2", "-o", "site", "--submit"], in: scratch.url,
                                  environment: ["PATH": "/nonexistent"])
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("error: sbatch was not found on the PATH: submitting needs Slurm's client commands"), "\(refused)")
    }

    @Test("a 4-point sweep over 2 shards on a real (local) Slurm cluster merges to the local run")
    func slurmCluster() throws {
        let script = CLI.repository.appendingPathComponent("scripts/local-slurm").path
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/slurmctld") || FileManager.default.isExecutableFile(atPath: "/usr/bin/slurmctld") else {
            print("ScaleOutTests.slurmCluster: skipped: the local Slurm cluster needs root and slurm-wlm (scripts/install-deps installs it)")
            return
        }
        let scratch = try Scratch(prefix: "notebook-slurm")
        defer { scratch.remove() }
        let state = "/tmp/nb-slurm-\(UUID().uuidString.prefix(8))"
        let start = Process()
        start.executableURL = URL(fileURLWithPath: script)
        start.arguments = ["start"]
        start.environment = ProcessInfo.processInfo.environment.merging(["NOTEBOOK_SLURM_DIR": state]) { _, new in new }
        let out = Pipe()
        start.standardOutput = out
        try start.run()
        let exported = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        _ = start.waitUntilExit(timeout: 60, poll: 0.05)
        defer {
            let stop = Process()
            stop.executableURL = URL(fileURLWithPath: script)
            stop.arguments = ["stop"]
            stop.environment = ProcessInfo.processInfo.environment.merging(["NOTEBOOK_SLURM_DIR": state]) { _, new in new }
            if (try? stop.run()) != nil { _ = stop.waitUntilExit(timeout: 60, poll: 0.05) }
        }
        try #require(start.terminationStatus == 0, "scripts/local-slurm start failed")
        let conf = try #require(exported.split(separator: "=").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })

        try scratch.write(sweepNotebook, to: "fit.md")
        let arguments = ["fit.md", "--sweep", "fitted.fit.lr=[1e-5,1e-4]", "--sweep", "seed=[0,1]"]
        var result = try CLI.run(["run"] + arguments + ["-o", "local", "--quiet"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        result = try CLI.run(["slurm"] + arguments + ["--shards", "2", "-o", "cluster", "--submit", "--wait"], in: scratch.url,
                             environment: ["SLURM_CONF": conf, "NOTEBOOK_SLURM_POLL": "0.5"], timeout: 180)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("slurm: 2/2 shards done") && result.stderr.contains("slurm: merged"), "\(result)")
        let local = try reportTree(scratch.file("local")), cluster = try reportTree(scratch.file("cluster"))
        #expect(local.keys.filter { $0.hasPrefix("fit/points/") && $0.hasSuffix("/index.html") }.count == 4)
        expectSameReports(local, cluster.filter { !$0.key.hasPrefix("slurm/") }, "Slurm against local")
        #expect(cluster.keys.contains { $0.hasPrefix("slurm/logs/fit-") })

        // A task that fails (here: the nodes cannot find the executable) is named with its log,
        // and the merge job, which can never start, is cancelled.
        result = try CLI.run(["slurm", "fit.md", "--shards", "2", "-o", "broken", "--submit", "--wait",
                              "--executable", "/nonexistent/notebook"], in: scratch.url,
                             environment: ["SLURM_CONF": conf, "NOTEBOOK_SLURM_POLL": "0.5"], timeout: 120)
        #expect(result.status == 1, "\(result)")
        let broken = scratch.file("broken").resolvingSymlinksInPath().path
        #expect(result.stderr.contains("error: shard task "), "\(result)")
        #expect(result.stderr.contains("_1 failed (FAILED, exit code 127): its log is \(broken)/slurm/logs/fit-"), "\(result)")
        #expect(result.stderr.contains("was cancelled"), "\(result)")
    }
}
