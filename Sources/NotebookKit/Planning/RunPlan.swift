import Crypto
import Experiments
import Foundation

/// The jobs of one run: every block of every sweep point of every notebook, with blocks that are
/// the same at several points (same kind, options and data) made one job, so that it runs once
/// and every point shows the same result.
///
/// A job's identity is its cache key without the build (the program's version, the kind, every
/// resolved option, the contents of its data files): shards on other machines, built separately,
/// agree on it, so `notebook merge` can put their results together.
struct RunPlan: Sendable {
    /// Where a block sits: notebook, sweep point, and its index among the point's blocks.
    struct Location: Sendable, Hashable {
        let notebook: Int
        let point: Int
        let position: Int
    }

    /// One job: a block to run once.
    struct Job: Sendable {
        /// The cache key without the build: what the result depends on.
        let identity: CacheKey
        /// The block, as at its first location.
        var block: ExperimentBlock
        /// The kind's own estimate of the work.
        let cost: Double
        /// `stem: id {kind}`, or `stem [point]: id {kind}`, as progress lines name it.
        let label: String
        /// Every place the block sits, in run order.
        let locations: [Location]
        /// Whether its result may come from and go to the cache (every location allows it).
        let cacheable: Bool
        /// Why the key could not include a data file's contents (it could not be read then).
        let keyProblem: String?
        /// The jobs whose tables it reads (`data: {block: ID}`): it runs after them.
        let inputs: [Int]
    }

    /// The notebooks, each with its points.
    let notebooks: [SweptNotebook]
    /// The jobs, in the order of their first location.
    let jobs: [Job]
    /// For each notebook, point and position, the job that computes it.
    let jobIndex: [[[Int]]]
    /// A digest of the plan: the notebooks, their points and every job's identity. Shards of one
    /// plan, and only those, are merged together.
    let digest: String

    /// The plan of `notebooks` for this program version.
    init(notebooks: [SweptNotebook], programVersion: String = ProgramVersion.current) {
        self.notebooks = notebooks
        var jobs = [Job]()
        var byIdentity = [String: Int]()
        var index = [[[Int]]]()
        var pending = [(identity: CacheKey, block: ExperimentBlock, label: String, locations: [Location], cacheable: Bool, problem: String?)]()
        var digests = FileDigests()
        var description = "notebook run plan 1\nprogram: \(programVersion)\n"
        for (notebookIndex, swept) in notebooks.enumerated() {
            description += "notebook \(swept.base.path) (\(swept.base.stem)): \(swept.points.count) point(s)\n"
            var points = [[Int]]()
            for (pointIndex, point) in swept.points.enumerated() {
                description += "point \(point.name ?? "-")\n"
                // Identities in an order where a block's inputs come first: a block's identity
                // includes those of the blocks it reads.
                let blocks = point.notebook.blocks
                let inputs = BlockDependencies.inputs(of: blocks)
                var identities = [CacheKey?](repeating: nil, count: blocks.count)
                var problems = [String?](repeating: nil, count: blocks.count)
                for position in BlockDependencies.order(blocks) ?? Array(blocks.indices) {
                    let block = blocks[position]
                    do {
                        var key = try CacheKey(block: block, programVersion: programVersion, build: nil, digests: &digests)
                        for input in inputs[position] {
                            key = key.reading(blocks[input].id, identity: identities[input])
                            if problems[input] != nil { problems[position] = "the block it reads (\(blocks[input].id)) cannot be keyed" }
                        }
                        identities[position] = key
                    } catch {
                        problems[position] = error.message
                    }
                }
                var positions = [Int]()
                for (position, block) in blocks.enumerated() {
                    let location = Location(notebook: notebookIndex, point: pointIndex, position: position)
                    let problem = problems[position]
                    let identity = problem == nil ? identities[position]!
                        : CacheKey(text: "unkeyable \(swept.base.path) \(point.name ?? "-") \(block.id)\n")
                    let cacheable = block.options[CommonOptions.cache] && problem == nil
                    if let existing = byIdentity[identity.text] {
                        pending[existing].locations.append(location)
                        pending[existing].cacheable = pending[existing].cacheable && cacheable
                        positions.append(existing)
                    } else {
                        byIdentity[identity.text] = pending.count
                        positions.append(pending.count)
                        let point = point.name.map { " [\($0)]" } ?? ""
                        pending.append((identity, block, "\(swept.base.stem)\(point): \(block.id) {\(block.kind)}", [location], cacheable, problem))
                    }
                    description += "block \(block.id): \(identity.digest)\n"
                }
                points.append(positions)
            }
            index.append(points)
        }
        for entry in pending {
            // The jobs of the blocks it reads, at its first location (equal identities read equal inputs).
            let first = entry.locations[0]
            let blocks = notebooks[first.notebook].points[first.point].notebook.blocks
            let inputs = BlockDependencies.inputs(of: blocks)[first.position].map { index[first.notebook][first.point][$0] }
            jobs.append(Job(identity: entry.identity, block: entry.block, cost: max(entry.block.experiment.estimatedCost, 1),
                            label: entry.label, locations: entry.locations, cacheable: entry.cacheable, keyProblem: entry.problem,
                            inputs: inputs))
        }
        self.jobs = jobs
        jobIndex = index
        digest = CacheKey.hex(SHA256.hash(data: Data(description.utf8)))
    }

    /// The number of distinct jobs each notebook needs.
    var jobCounts: [Int] {
        jobIndex.map { Set($0.joined()).count }
    }
}
