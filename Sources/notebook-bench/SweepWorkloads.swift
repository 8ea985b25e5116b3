import Foundation

/// `sweep-spiral-8`: a `{spiral}` block of 300 iterations swept over eight learning rates, run
/// whole by the `notebook` executable built beside this one: with `--jobs 1`, with `--jobs 2`,
/// and through `notebook slurm --shards 2 --submit --wait` on a cluster (`SLURM_CONF`, e.g. from
/// `scripts/local-slurm start`), whose difference to the local two-job run is the overhead of
/// submitting, scheduling and merging, per Slurm job.
enum SweepWorkloads {
    /// The notebook every variant runs.
    static let notebook = """
        # Eight spirals

        ```{spiral}
        id: spiral
        iterations: 300
        test_every: 50
        ```

        """

    /// The eight points.
    static let sweep = "lr=[1e-4,2e-4,5e-4,1e-3,2e-3,5e-3,1e-2,2e-2]"

    /// How many times each variant runs (the median is reported).
    static let repeats = 3

    static var all: [Workload] {
        [
            Workload(name: "sweep-spiral-8", variant: "jobs-1", runsOnce: true) { try time(["--jobs", "1"]) },
            Workload(name: "sweep-spiral-8", variant: "jobs-2", runsOnce: true) { try time(["--jobs", "2"]) },
            Workload(name: "sweep-spiral-8", variant: "slurm-2-shards", runsOnce: true) { try timeSlurm() },
        ]
    }

    /// The `notebook` executable beside this benchmark.
    static var executable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("notebook")
    }

    /// `notebook run` of the sweep with `extra` arguments, `repeats` times from an empty folder.
    static func time(_ extra: [String]) throws -> Workload.Outcome {
        var times = [Double]()
        for _ in 0..<repeats {
            times.append(try inScratch { folder in
                try run(["run", "spiral.md", "--sweep", sweep, "--no-cache", "--quiet", "-o", "out"] + extra, in: folder)
            })
        }
        return outcome(times)
    }

    /// `notebook slurm --shards 2 --submit --wait` of the sweep, `repeats` times; the extra
    /// fields give the overhead per Slurm job against the local `--jobs 2` run.
    static func timeSlurm() throws -> Workload.Outcome {
        guard ProcessInfo.processInfo.environment["SLURM_CONF"] != nil else {
            throw BenchmarkSkip("sweep-spiral-8 slurm-2-shards: no cluster (set SLURM_CONF, e.g. eval \"$(scripts/local-slurm start)\")")
        }
        var times = [Double]()
        for _ in 0..<repeats {
            times.append(try inScratch { folder in
                try run(["slurm", "spiral.md", "--sweep", sweep, "--no-cache", "--quiet", "-o", "out", "--shards", "2",
                         "--cpus-per-task", "1", "--submit", "--wait"], in: folder, environment: ["NOTEBOOK_SLURM_POLL": "0.2"])
            })
        }
        var result = outcome(times)
        let local = try time(["--jobs", "2"])
        let localMedian = local.perIteration?.median ?? .nan
        result.extra.append(("local_jobs2_median_s", localMedian))
        // Two array tasks and the merge job.
        result.extra.append(("overhead_per_slurm_job_s", (result.perIteration!.median - localMedian) / 3))
        return result
    }

    static func outcome(_ times: [Double]) -> Workload.Outcome {
        let sorted = times.sorted()
        var outcome = Workload.Outcome(functionEvaluations: 0, steps: times.count, check: 0)
        outcome.perIteration = (sorted[sorted.count / 2], sorted[0])
        outcome.extra = [("points", 8), ("iterations_per_point", 300)]
        return outcome
    }

    /// Runs `body` in a fresh folder holding `text` as `file` (by default the sweep's notebook),
    /// then removes the folder.
    static func inScratch(
        _ text: String = notebook, as file: String = "spiral.md", _ body: (URL) throws -> Double
    ) throws -> Double {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("notebook-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(text.utf8).write(to: folder.appendingPathComponent(file))
        return try body(folder)
    }

    /// Runs `notebook arguments` in `folder` and returns its wall time in seconds.
    static func run(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> Double {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw BenchmarkSkip("build the notebook executable first (swift build -c release)")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        // Foundation's waitUntilExit() can miss a child's end off the main thread; poll instead.
        while process.isRunning { Thread.sleep(forTimeInterval: 0.002) }
        let elapsed = clock.now - start
        guard process.terminationStatus == 0 else {
            throw BenchmarkSkip("notebook \(arguments.prefix(2).joined(separator: " ")) exited with \(process.terminationStatus)")
        }
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}

/// A workload that cannot run here (what it needs is missing); the table says why and goes on.
struct BenchmarkSkip: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
