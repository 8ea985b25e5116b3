import ArgumentParser
import Foundation
import Learning

/// `notebook-bench`: times the workloads the issues name and prints median and minimum.
@main
struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook-bench",
        abstract: "Time the solver and gradient workloads (build with -c release).",
        discussion: "Each workload runs once to warm up, then repeatedly for at least --seconds and --min-runs runs.")

    @Flag(help: "One JSON object per workload per line.")
    var json = false

    @Option(help: "Run only these workloads (comma-separated names).")
    var only: String?

    @Option(help: "Minimum time spent per workload, in seconds.")
    var seconds = 1.0

    @Option(help: "Minimum number of timed runs per workload.")
    var minRuns = 5

    @Option(help: .hidden)
    var probeMemory: String?

    func run() throws {
        let all = CompetitionWorkloads.all + GradientWorkloads.all + SpiralWorkloads.all + LatentWorkloads.all + HeartbeatWorkloads.all
            + OdeNetWorkloads.all + SweepWorkloads.all + BlockWorkloads.all + EnsembleWorkloads.all
        if let probeMemory {
            // Child process: one run of the labelled workload, then its peak memory above the baseline.
            guard let workload = all.first(where: { $0.label == probeMemory }) else { throw ValidationError("no workload '\(probeMemory)'") }
            let baseline = MemoryProbe.peakResidentBytes()
            _ = try workload.run()
            print(MemoryProbe.peakResidentBytes() - baseline)
            return
        }
        let names = only.map { Set($0.split(separator: ",").map(String.init)) }
        let workloads = all.filter { names == nil || names!.contains($0.name) }
        if !json {
            print("single-precision kernels: \(KernelVariant.current)")
            print("workload                                                    median        min  runs       nfe    steps   final x1   peak memory")
        }
        for workload in workloads {
            let result: Measurement
            do { result = try measure(workload) } catch let skip as BenchmarkSkip {
                FileHandle.standardError.write(Data("skipped: \(skip.description)\n".utf8))
                continue
            }
            let peak = workload.measuresMemory ? try MemoryProbe.peakBytes(of: workload.label) : nil
            if json {
                var object: [(String, String)] = [("name", "\"\(workload.name)\"")]
                if let variant = workload.variant { object.append(("variant", "\"\(variant)\"")) }
                object += [
                    ("median_s", "\(result.median)"), ("min_s", "\(result.minimum)"),
                    ("runs", "\(result.runs)"), ("nfe", "\(result.outcome.functionEvaluations)"),
                    ("steps", "\(result.outcome.steps)"), ("final_x1", "\(result.outcome.check)"),
                ]
                if let peak { object.append(("peak_bytes", "\(peak)")) }
                object += result.outcome.extra.map { ($0.0, "\($0.1)") }
                print("{" + object.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
            } else {
                print(workload.label.padding(toLength: 58, withPad: " ", startingAt: 0)
                      + format(result.median) + " " + format(result.minimum)
                      + String(format: " %5d %9d %8d %10.6f", result.runs, result.outcome.functionEvaluations,
                               result.outcome.steps, result.outcome.check)
                      + (peak.map { String(format: "   %8.2f MB", Double($0) / 1e6) } ?? ""))
            }
        }
    }

    struct Measurement {
        var median: Double
        var minimum: Double
        var runs: Int
        var outcome: Workload.Outcome
    }

    func measure(_ workload: Workload) throws -> Measurement {
        if workload.runsOnce {
            let outcome = try workload.run()
            let perIteration = outcome.perIteration ?? (0, 0)
            return Measurement(median: perIteration.median, minimum: perIteration.minimum, runs: outcome.steps, outcome: outcome)
        }
        var outcome = try workload.run()  // warm-up
        var times = [Double]()
        let clock = ContinuousClock()
        let budget = Duration.seconds(seconds)
        let start = clock.now
        while times.count < minRuns || clock.now - start < budget {
            let begin = clock.now
            outcome = try workload.run()
            let elapsed = clock.now - begin
            times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            if times.count >= 100_000 { break }
        }
        times.sort()
        return Measurement(median: times[times.count / 2], minimum: times[0], runs: times.count, outcome: outcome)
    }

    func format(_ seconds: Double) -> String {
        let text: String
        if seconds < 1e-3 {
            text = String(format: "%.2f µs", seconds * 1e6)
        } else if seconds < 1 {
            text = String(format: "%.2f ms", seconds * 1e3)
        } else {
            text = String(format: "%.3f s", seconds)
        }
        return text.padding(toLength: 10, withPad: " ", startingAt: 0)
    }
}
