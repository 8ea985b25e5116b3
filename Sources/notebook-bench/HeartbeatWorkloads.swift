import Foundation

/// `ecg-latent-iteration`: one training iteration of the latent-ODE VAE on heartbeats, as
/// `notebooks/heartbeats.md` trains it: the blocks `ecg-long` (McSharry's synthetic ECG, 60 s at
/// 250 Hz with its rate z') and `beats` (a `{latent-ode}` reading that table, cut into beats,
/// subsampled, standardised, a fifth held out) are taken from the notebook and run whole by the
/// `notebook` executable built beside this one, with fewer iterations. The figure is the block's
/// own `seconds_per_iteration` (the median over its iterations; the block reports no minimum, so
/// the minimum column repeats it).
enum HeartbeatWorkloads {
    /// Iterations of the timed run (`NOTEBOOK_BENCH_ECG_ITERATIONS`, default 200).
    static var iterations: Int {
        Int(ProcessInfo.processInfo.environment["NOTEBOOK_BENCH_ECG_ITERATIONS"] ?? "") ?? 200
    }

    /// The notebook the blocks come from (`NOTEBOOK_BENCH_HEARTBEATS`, default
    /// `notebooks/heartbeats.md` under the working directory).
    static var source: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["NOTEBOOK_BENCH_HEARTBEATS"] ?? "notebooks/heartbeats.md")
    }

    /// The fenced block whose `id:` line is `id`, fences included.
    static func block(_ id: String, in text: String) throws -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let idLine = lines.firstIndex(where: { $0 == "id: \(id)" }),
              let open = lines[..<idLine].lastIndex(where: { $0.hasPrefix("```{") }),
              let close = lines[idLine...].firstIndex(where: { $0 == "```" }) else {
            throw BenchmarkSkip("\(source.path) has no block with id \(id)")
        }
        return lines[open...close].joined(separator: "\n")
    }

    static var all: [Workload] {
        [
            Workload(name: "ecg-latent-iteration", runsOnce: true) {
                guard let text = try? String(contentsOf: source, encoding: .utf8) else {
                    throw BenchmarkSkip("run from the repository root (or set NOTEBOOK_BENCH_HEARTBEATS): \(source.path) is not readable")
                }
                let notebook = "# Beats\n\n" + (try block("ecg-long", in: text)) + "\n\n" + (try block("beats", in: text)) + "\n"
                var metrics = [String: Double]()
                _ = try SweepWorkloads.inScratch(notebook, as: "beats.md") { folder in
                    let seconds = try SweepWorkloads.run(["run", "beats.md", "--no-cache", "--no-history", "--quiet", "--jobs", "1", "-o", "out",
                                                          "-p", "beats.iterations=\(iterations)"], in: folder)
                    let results = try JSONDecoder().decode(Results.self, from: Data(contentsOf: folder.appendingPathComponent("out/beats/results.json")))
                    guard let beats = results.blocks.first(where: { $0.id == "beats" }), beats.status == "ok" else {
                        throw BenchmarkSkip("the beats block did not run: see `notebook run` of \(source.path)")
                    }
                    metrics = beats.metrics.compactMapValues(\.value)
                    return seconds
                }
                let perIteration = metrics["seconds_per_iteration"] ?? .nan
                var outcome = Workload.Outcome(functionEvaluations: Int(metrics["nfe.forward"] ?? 0), steps: Int(metrics["iterations"] ?? 0),
                                               check: metrics["loss.final"] ?? .nan)
                outcome.perIteration = (perIteration, perIteration)
                outcome.extra = [("nfe_backward", metrics["nfe.backward"] ?? .nan), ("series", metrics["series"] ?? .nan),
                                 ("test_rmse", metrics["test.rmse"] ?? .nan)]
                return outcome
            },
        ]
    }

    /// The parts of `results.json` the workload reads.
    struct Results: Decodable {
        struct Block: Decodable {
            var id: String
            var status: String
            var metrics: [String: Number]
        }

        /// A metric's value: a number, or `nil` for the strings that stand for NaN and infinities.
        struct Number: Decodable {
            var value: Double?

            init(from decoder: any Decoder) throws {
                value = try? decoder.singleValueContainer().decode(Double.self)
            }
        }

        var blocks: [Block]
    }
}
