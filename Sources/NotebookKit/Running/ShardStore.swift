import FileAccess
import Foundation

/// What a `--shard I/N` run leaves for `notebook merge`, in `DIR/.shards/`:
///
/// ```
/// DIR/.shards/SHARDS.TAG                        marks the folder as notebook's
/// DIR/.shards/<plan>-shard-<I>-of-<N>.json      the shard's manifest (written last)
/// DIR/.shards/results/<identity>.result         each job's result, failures included
/// ```
///
/// Results are filed by the job's identity (its cache key without the build), in the cache
/// entry's layout, so that shards built on different machines agree on them and a damaged file is
/// detected. A manifest names the plan, the shard, the command that made it and how each of its
/// jobs ended; it is written when the shard ends, so a shard that died leaves none.
struct ShardStore: Sendable {
    /// The folder's name inside the output folder.
    static let folderName = ".shards"
    /// The file that marks the folder as notebook's.
    static let tagName = "SHARDS.TAG"
    static let tagContents = Data("notebook shard results: `notebook merge` reads this folder.\n".utf8)

    /// `DIR/.shards`.
    let directory: String

    /// The store under the output folder `output`.
    init(output: String) {
        directory = (output as NSString).appendingPathComponent(Self.folderName)
    }

    /// The file of the result with `identity`.
    func resultPath(_ identity: CacheKey) -> String {
        "\(directory)/results/\(identity.digest).result"
    }

    /// The manifest file of shard `index` of `count` of `plan`.
    func manifestPath(plan: String, index: Int, count: Int) -> String {
        "\(directory)/\(plan.prefix(16))-shard-\(index)-of-\(count).json"
    }

    /// Makes the folder, its tag and `results/`.
    func prepare() throws(FileSystemError) {
        try FileOperations.createFolder(directory + "/results")
        let tag = directory + "/" + Self.tagName
        if FileKind.of(tag, followingLinks: false) == .missing { try FileOperations.writeAtomically(Self.tagContents, to: tag) }
    }

    /// Stores a job's result.
    func store(_ block: RenderedBlock, identity: CacheKey) throws(FileSystemError) {
        let entry: Data
        do { entry = try ResultCache.encode(block, key: identity) } catch {
            throw FileSystemError("encode the result for", resultPath(identity), code: EINVAL)
        }
        try FileOperations.writeAtomically(entry, to: resultPath(identity))
    }

    /// A job's stored result: `nil` when there is none, an error when it cannot be trusted.
    func result(_ identity: CacheKey) -> Result<RenderedBlock, ResultCache.EntryProblem>? {
        let data: Data
        do { data = try RegularFile.read(resultPath(identity)) } catch {
            if error == .missing { return nil }
            return .failure(.init("it \(error.explanation)"))
        }
        return ResultCache.decode(data, expecting: identity)
    }

    /// Writes `manifest` (atomically).
    func write(_ manifest: ShardManifest) throws(FileSystemError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do { data = try encoder.encode(manifest) } catch {
            throw FileSystemError("encode the manifest", directory, code: EINVAL)
        }
        try FileOperations.writeAtomically(data, to: manifestPath(plan: manifest.plan, index: manifest.shard, count: manifest.of))
    }

    /// Every manifest in the folder that decodes, with the names of those that do not.
    func manifests() -> (manifests: [ShardManifest], unreadable: [String]) {
        var manifests = [ShardManifest](), unreadable = [String]()
        for name in FileOperations.names(in: directory) where name.hasSuffix(".json") && name.contains("-shard-") {
            guard let data = try? RegularFile.read("\(directory)/\(name)", limit: 64 << 20),
                  let manifest = try? JSONDecoder().decode(ShardManifest.self, from: data),
                  manifest.format == ShardManifest.currentFormat else {
                unreadable.append(name)
                continue
            }
            manifests.append(manifest)
        }
        return (manifests, unreadable)
    }

    /// Whether the folder at `path` is a shard folder notebook made (or absent).
    static func ownership(of path: String) -> OutputFolder.Ownership {
        if let ownership = OutputFolder.Ownership.decidedByKind(of: path, expecting: .directory) { return ownership }
        return FileKind.of(path + "/" + tagName, followingLinks: false) == .regular ? .ours : .foreign("a folder without notebook's \(tagName)")
    }
}

/// The record a shard run leaves: which plan, which shard, the command to rebuild the plan, and
/// how each of its jobs ended.
struct ShardManifest: Codable, Sendable, Equatable {
    /// The command line that made the plan, enough to load the same notebooks again.
    struct Command: Codable, Sendable, Equatable {
        var notebooks: [String]
        var overrides: [String]
        var sweeps: [String]
        var sweepMode: String?
        var maxPoints: Int
        var allowHTML: Bool
        var allowRead: [String]
        var selfContained: Bool
        /// The folder the notebook paths are relative to.
        var workingDirectory: String
        /// `--max-memory` and `--max-data-size` of the shard runs.
        var maxMemory: Int?
        var maxDataSize: Int?
    }

    /// How one job ended.
    struct Job: Codable, Sendable, Equatable {
        /// The job's identity digest (the name of its result file).
        var key: String
        /// `stem: id {kind}`.
        var label: String
        /// `ok`, `cached`, `failed`, `stopped` or `skipped`.
        var status: String
    }

    static let currentFormat = "notebook shard 1"

    var format = ShardManifest.currentFormat
    /// The plan's digest.
    var plan: String
    /// This shard (1-based) and how many there are.
    var shard: Int
    var of: Int
    /// The program version that ran it.
    var program: String
    var command: Command
    var jobs: [Job]
    /// When the shard ended (ISO 8601).
    var finished: String
    /// Whether every job of the shard finished (none stopped or skipped).
    var complete: Bool
}
