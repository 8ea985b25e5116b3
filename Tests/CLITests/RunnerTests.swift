import Foundation
import Testing

/// Notebooks for the runner's tests.
private enum RunnerNotebooks {
    /// Blocks of different lengths (so that with two workers they end out of order).
    static let mixed = """
        # Mixed

        Some prose.

        ```{species}
        id: long-euler
        h: 0.001
        steps: 100000
        save_every: 1000
        ```

        ```{ode}
        id: lorenz
        equations:
          x: sigma*(y - x)
          y: x*(rho - z) - y
          z: x*y - beta*z
        params: {sigma: 10, rho: 28, beta: 2.6667}
        initial: {x: 1, y: 1, z: 1}
        t_end: 10
        plot: [time, {phase: [x, z]}]
        ```

        ```{species}
        id: short
        steps: 20
        ```

        ```{ode}
        id: decay
        equations: {y: -k*y}
        params: {k: 0.5}
        initial: {y: 1}
        solver: rk4
        h: 0.1
        steps: 50
        ```

        """

    /// A quick block, then a training far too long to finish: `iterations` replaces its count.
    static func endless(iterations: Int = 1_000_000, timeout: String = "") -> String {
        """
        # Endless

        ```{species}
        id: quick
        steps: 20
        ```

        ```{spiral}
        id: spin
        \(timeout)
        data_size: 100
        hidden: [4]
        iterations: \(iterations)
        batch_time: 5
        batch_size: 4
        test_every: 0
        snapshots: 0
        rtol: 1e-4
        atol: 1e-6
        ```

        """
    }
}

/// `text` with the run-dependent parts blanked: the text of elements the report marks
/// `data-run-dependent` (durations, the generated note) and `seconds` in results.json.
private func withoutTimings(_ text: String) -> String {
    var result = text
    for pattern in [#"(<[a-z]+ [^>]*data-run-dependent="[^"]*"[^>]*>)[^<]*(<)"#, #"("seconds": ?)[0-9.eE+-]+()"#] {
        result = result.replacingOccurrences(of: pattern, with: "$1…$2", options: .regularExpression)
    }
    return result
}

@Suite("notebook run: jobs, timeouts, failures, interrupts, progress")
struct RunnerTests {
    @Test("--jobs 2 writes the same reports as --jobs 1, across notebooks, but for timings")
    func parallelEqualsSerial() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(RunnerNotebooks.mixed, to: "mixed.md")
        try scratch.write(Notebooks.twoDefaultBlocks, to: "defaults.md")
        for jobs in ["1", "2"] {
            let result = try CLI.run(["run", "mixed.md", "defaults.md", "--no-cache", "--quiet", "--jobs", jobs, "-o", "jobs-\(jobs)"],
                                     in: scratch.url)
            #expect(result.status == 0, "\(result)")
        }
        for stem in ["mixed", "defaults"] {
            let serial = try reportFiles(scratch, "jobs-1/\(stem)"), parallel = try reportFiles(scratch, "jobs-2/\(stem)")
            #expect(Set(serial.keys) == Set(parallel.keys))
            #expect(serial.count > 5, "\(serial.keys.sorted())")
            for (path, contents) in serial {
                if path == "index.html" || path == "results.json" {
                    let one = withoutTimings(String(decoding: contents, as: UTF8.self))
                    let two = withoutTimings(String(decoding: parallel[path] ?? Data(), as: UTF8.self))
                    #expect(one == two, "\(stem)/\(path) differs beyond timings")
                    #expect(one.contains("…"), "the timings were found and blanked in \(path)")
                } else {
                    #expect(parallel[path] == contents, "\(stem)/\(path) differs")
                }
            }
        }
        let order = try (scratch.json("jobs-2/mixed/results.json")["blocks"] as? [[String: Any]])?.map { $0["id"] as? String }
        #expect(order == ["long-euler", "lorenz", "short", "decay"], "blocks in document order")
        let bad = try CLI.run(["run", "mixed.md", "--jobs", "0"], in: scratch.url)
        #expect(bad.status == 2 && bad.stderr.contains("--jobs must be at least 1"), "\(bad)")
    }

    @Test("a block past its timeout is stopped and fails with advice; the other blocks run; exit 1")
    func timeout() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(RunnerNotebooks.endless(timeout: "timeout: 0.5"), to: "endless.md")
        let started = Date()
        let result = try CLI.run(["run", "endless.md"], in: scratch.url, timeout: 30)
        #expect(Date().timeIntervalSince(started) < 8, "the training was stopped near its limit")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("endless.md:10: error: block 'spin': stopped at its time limit (timeout: 0.5 s) after "),
                "the summary names the timeout's line: \(result)")
        #expect(result.stderr.contains("raise timeout or lower the number of iterations"), "\(result)")
        #expect(try statuses(scratch, "endless") == ["quick": "ok", "spin": "failed"])
        let blocks = try #require(scratch.json("output/endless/results.json")["blocks"] as? [[String: Any]])
        let error = try #require(blocks.first { $0["id"] as? String == "spin" }?["error"] as? [String: Any])
        #expect(error["line"] as? Int == 10)
        #expect(try scratch.read("output/endless/index.html").contains("stopped at its time limit"))
    }

    @Test("every block runs when some fail; the summary lists each failure with path:line; exit 1")
    func keepGoing() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let twoFailures = Notebooks.blowUp + """

            ```{species}
            id: fine-too
            steps: 10
            ```

            ```{species}
            id: boom-again
            params: {r2: 1e6}
            h: 10
            steps: 100
            ```

            """
        try scratch.write(twoFailures, to: "blowup.md")
        try scratch.write(Notebooks.blowUp, to: "second.md")
        let result = try CLI.run(["run", "blowup.md", "second.md", "--no-cache"], in: scratch.url)
        #expect(result.status == 1, "\(result)")
        #expect(try statuses(scratch, "blowup") == ["fine": "ok", "boom": "failed", "fine-too": "ok", "boom-again": "failed"])
        #expect(try statuses(scratch, "second") == ["fine": "ok", "boom": "failed"])
        let summary = try #require(result.stderr.components(separatedBy: "3 blocks failed:\n").last, "\(result)")
        let lines = summary.split(separator: "\n")
        #expect(lines.count == 3, "\(result)")
        #expect(lines.first?.hasPrefix("blowup.md:8: error: block 'boom':") == true, "\(result)")
        #expect(lines.dropFirst().first?.hasPrefix("blowup.md:20: error: block 'boom-again':") == true, "\(result)")
        #expect(lines.last?.hasPrefix("second.md:8: error: block 'boom':") == true, "\(result)")
    }

    @Test("--fail-fast stops the blocks running beside the failure and skips the rest; exit 1")
    func failFast() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // The endless training first, so that it is running when the blow-up fails.
        try scratch.write(RunnerNotebooks.endless() + Notebooks.blowUp.replacingOccurrences(of: "# Blow-up", with: ""), to: "mixed.md")
        let started = Date()
        let result = try CLI.run(["run", "mixed.md", "--fail-fast", "--jobs", "2"], in: scratch.url, timeout: 30)
        #expect(Date().timeIntervalSince(started) < 8, "the training was stopped")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("stopped at the first failure (--fail-fast)"), "\(result)")
        #expect(result.stderr.contains("mixed: spin {spiral} stopped before it finished"), "\(result)")
        let ran = try statuses(scratch, "mixed")
        #expect(ran["spin"] == nil, "a stopped block is left out of the report: \(ran)")
        #expect(ran["boom"] == "failed")
    }

    @Test("SIGINT stops the run: exit 130, the previous report kept, the finished blocks reported elsewhere")
    func interrupt() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(RunnerNotebooks.endless(), to: "endless.md")
        var result = try CLI.run(["run", "endless.md", "--quiet", "-p", "spin.iterations=3"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        let previous = try Data(contentsOf: scratch.file("output/endless/index.html"))
        let previousResults = try Data(contentsOf: scratch.file("output/endless/results.json"))

        result = try CLI.run(["run", "endless.md"], in: scratch.url, environment: ["NOTEBOOK_PROGRESS_INTERVAL": "0.1"],
                             timeout: 30) { process, standardError in
            let deadline = Date().addingTimeInterval(20)
            while !standardError().contains("spin {spiral}: "), Date() < deadline, process.isRunning {
                Thread.sleep(forTimeInterval: 0.02)
            }
            process.interrupt()
        }
        #expect(result.status == 130 && !result.signaled && !result.timedOut, "\(result)")
        #expect(try Data(contentsOf: scratch.file("output/endless/index.html")) == previous, "the previous report is untouched")
        #expect(try Data(contentsOf: scratch.file("output/endless/results.json")) == previousResults)
        #expect(result.stderr.contains("output/endless.interrupted/index.html"), "the run says where the report went: \(result)")
        #expect(try statuses(scratch, "endless.interrupted") == ["quick": "cached"], "what finished, and nothing else")
        let interrupted = try scratch.json("output/endless.interrupted/results.json")
        #expect(interrupted["status"] as? String == "failed")
        #expect(try scratch.read("output/endless.interrupted/index.html").contains("interrupted"))
        #expect(try scratch.read("output/index.html").contains("endless.interrupted/index.html"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.file("output").path)
        #expect(!leftovers.contains { $0.contains(".partial-") || $0.contains(".old-") }, "\(leftovers)")

        // A full run later replaces the report and removes the interrupted one.
        result = try CLI.run(["run", "endless.md", "--quiet", "-p", "spin.iterations=3"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(!scratch.exists("output/endless.interrupted"))
    }

    @Test("off a terminal, progress comes as plain lines during a long block and an end line per block; --quiet prints nothing")
    func progressLines() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(RunnerNotebooks.endless(iterations: 1500), to: "endless.md")
        var result = try CLI.run(["run", "endless.md", "--no-cache"], in: scratch.url, environment: ["NOTEBOOK_PROGRESS_INTERVAL": "0.1"])
        #expect(result.status == 0, "\(result)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("endless: spin {spiral}: ") && $0.contains("/1500 iterations (") }, "\(result)")
        #expect(lines.contains { $0.hasPrefix("endless: quick {species} ok in ") }, "\(result)")
        #expect(lines.contains { $0.hasPrefix("endless: spin {spiral} ok in ") }, "\(result)")
        #expect(!result.stderr.contains("\u{1B}["), "no escape codes off a terminal")

        result = try CLI.run(["run", "endless.md", "--no-cache", "--quiet"], in: scratch.url, environment: ["NOTEBOOK_PROGRESS_INTERVAL": "0.1"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
    }
}
