import Foundation

/// `tiny-blocks`: notebooks of many trivial `{species}` blocks (ten Euler steps each) run whole by
/// the `notebook` executable with `--jobs 1` and no cache, to measure what a block costs beyond its
/// own solve: parsing, planning, scheduling, caching, progress, the report and the index.
///
/// `10k-no-figures` (`plot: []`) is the per-block overhead; `1k-figures` draws each block's two
/// default figures (1280 × 840 PNGs), which is most of what a small block costs.
enum BlockWorkloads {
    static var all: [Workload] {
        [
            workload(variant: "10k-no-figures", blocks: 10_000, options: "steps: 10\nplot: []"),
            workload(variant: "1k-figures", blocks: 1_000, options: "steps: 10"),
        ]
    }

    /// How many times each variant runs (the median is reported).
    static let repeats = 3

    static func workload(variant: String, blocks: Int, options: String) -> Workload {
        Workload(name: "tiny-blocks", variant: variant, runsOnce: true) {
            let block = "```{species}\n\(options)\n```\n"
            let text = "# Tiny blocks\n\n" + Array(repeating: block, count: blocks).joined(separator: "\n")
            var times = [Double]()
            for _ in 0..<repeats {
                times.append(try SweepWorkloads.inScratch(text, as: "tiny.md") { folder in
                    try SweepWorkloads.run(["run", "tiny.md", "--no-cache", "--quiet", "--jobs", "1", "-o", "out"], in: folder)
                })
            }
            let sorted = times.sorted()
            var outcome = Workload.Outcome(functionEvaluations: 0, steps: blocks, check: 0)
            outcome.perIteration = (sorted[sorted.count / 2], sorted[0])
            outcome.extra = [("blocks", Double(blocks)), ("ms_per_block", sorted[sorted.count / 2] / Double(blocks) * 1000)]
            return outcome
        }
    }
}
