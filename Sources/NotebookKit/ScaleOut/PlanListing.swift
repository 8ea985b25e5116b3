import Experiments
import FileAccess
import Foundation

extension Commands {
    /// Options of `notebook plan`.
    public struct PlanOptions: Sendable {
        /// What to load.
        public var request: LoadRequest
        /// The output folder whose cache says which jobs are cached.
        public var outputDirectory: String
        /// Show each job's shard among this many (`--shards N`).
        public var shards: Int?
        /// One JSON object per line instead of a table.
        public var json: Bool

        /// Creates plan options.
        public init(request: LoadRequest, outputDirectory: String = "output", shards: Int? = nil, json: Bool = false) {
            self.request = request
            self.outputDirectory = outputDirectory
            self.shards = shards
            self.json = json
        }
    }

    /// `notebook plan`: the jobs a run would have, one per block of every sweep point (a block
    /// shared by several points is one job, listed at each), with its kind, cache key, whether the
    /// cache holds it, its expected cost, the blocks whose tables it reads (JSON) and (with
    /// `--shards N`) its shard, assigned as `run --shard` assigns it. Runs nothing and writes nothing.
    public static func plan(_ options: PlanOptions) -> Int32 {
        if isBelowOne(options.shards, option: "--shards") { return 2 }
        guard let notebooks = loadedOrReported(options.request) else { return 2 }
        let plan = RunPlan(notebooks: notebooks)
        let cache = ResultCache(outputDirectory: URL(fileURLWithPath: options.outputDirectory))
        let shard = options.shards.map { count in
            ShardAssignment.assign(costs: plan.jobs.map(\.cost), identities: plan.jobs.map(\.identity.digest),
                                   together: plan.jobs.map(\.inputs), count: count)
        }
        let build = BuildIdentity.current
        let cached = plan.jobs.map { job in job.cacheable && cache.holds(job.identity.withBuild(build)) }
        var lines = [String]()
        var table = [["notebook", "point", "block", "kind", "key", "cached", "cost"] + (shard == nil ? [] : ["shard"])]
        for (notebookIndex, swept) in notebooks.enumerated() {
            for (pointIndex, point) in swept.points.enumerated() {
                for (position, block) in point.notebook.blocks.enumerated() {
                    let jobIndex = plan.jobIndex[notebookIndex][pointIndex][position]
                    let job = plan.jobs[jobIndex]
                    var fields: [(String, JSONValue)] = [
                        ("notebook", .string(swept.base.path)), ("point", point.name.map(JSONValue.string) ?? .null),
                        ("block", .string(block.id)), ("kind", .string(block.kind)), ("line", .integer(block.line)),
                        ("key", .string(job.identity.digest)), ("cached", .bool(cached[jobIndex])),
                        ("cost", .number(job.cost)), ("job", .integer(jobIndex + 1)),
                        ("reads", .array(block.inputBlocks.map(JSONValue.string))),
                    ]
                    if let shard { fields.append(("shard", .integer(shard[jobIndex] + 1))) }
                    lines.append(JSONValue.object(fields).compact())
                    table.append([swept.base.path, point.name ?? "-", block.id, block.kind, String(job.identity.digest.prefix(12)),
                                  cached[jobIndex] ? "yes" : "no", String(format: "%.3g", job.cost)]
                                 + (shard.map { [String($0[jobIndex] + 1)] } ?? []))
                }
            }
        }
        if options.json {
            for line in lines { print(TerminalText.escaped(line)) }
        } else {
            for line in TerminalText.columns(table) { print(line) }
            let distinct = plan.jobs.count, listed = table.count - 1
            var summary = "\(listed) block\(listed == 1 ? "" : "s"), \(distinct) distinct job\(distinct == 1 ? "" : "s"), \(cached.filter { $0 }.count) cached"
            if let shard, let count = options.shards {
                let loads = (0..<count).map { index in plan.jobs.indices.filter { shard[$0] == index }.map { plan.jobs[$0].cost }.reduce(0, +) }
                summary += "; expected work per shard: " + loads.map { String(format: "%.3g", $0) }.joined(separator: ", ")
            }
            print(summary)
        }
        return 0
    }
}
