import Crypto
import Experiments
import FileAccess
import Foundation

/// What a block's cached result depends on, written out in full: the program's version and build,
/// the kind, every resolved option (after defaults and `-p` overrides, the seed among them), and
/// the SHA-256 of every data file the block reads. Two runs of a block with equal keys give the
/// same result, so the second can reuse the first's.
///
/// Options that change only how a result is shown or whether it is computed (`caption`, `cache`,
/// `timeout`, `tolerance`) are left out.
struct CacheKey: Sendable, Equatable {
    /// The key as text, one fact a line; stored in the entry and compared in full on every read.
    let text: String
    /// SHA-256 of `text` in lowercase hex: the entry's file name.
    let digest: String

    /// Options that do not change a block's result.
    static let presentationOnlyOptions: Set<String> = [CommonOptions.caption.name, CommonOptions.cache.name, CommonOptions.timeout.name, CommonOptions.tolerance.name]

    /// The key of `block`.
    ///
    /// - Parameters:
    ///   - programVersion: the version written into the key (the tests pass another to see it matter).
    ///   - build: what identifies this build of the program (`nil`: nothing beyond the version).
    /// - Throws: a `CacheKeyError` when a data file of the block cannot be read.
    init(block: ExperimentBlock, programVersion: String = ProgramVersion.current,
         build: String? = BuildIdentity.current) throws(CacheKeyError) {
        var digests = FileDigests()
        try self.init(block: block, programVersion: programVersion, build: build, digests: &digests)
    }

    /// The key of `block`, reading each data file's digest from `digests` (which reads a file once).
    init(block: ExperimentBlock, programVersion: String, build: String?, digests: inout FileDigests) throws(CacheKeyError) {
        var lines = ["notebook result cache key 1", "program: notebook \(programVersion)"]
        if let build { lines.append("build: \(build)") }
        lines.append("kind: \(block.kind)")
        for field in block.options.fields where !Self.presentationOnlyOptions.contains(field.name) {
            lines.append("option \(field.name): \(field.value.yaml)")
        }
        for (index, file) in block.experiment.inputFiles.enumerated() {
            lines.append("file \(index + 1) (\(file.lastPathComponent)): sha256 \(try digests.digest(of: file.path))")
        }
        self.init(text: lines.joined(separator: "\n") + "\n")
    }

    /// This key with a line for a block it reads: that block's identity (so that a change to the
    /// producer's options or data makes this block's key change too).
    func reading(_ block: String, identity: CacheKey?) -> CacheKey {
        CacheKey(text: text + "reads block \(block): \(identity?.digest ?? "unkeyable")\n")
    }

    /// This key (made without a build) with the build line added: the key the cache files it under.
    func withBuild(_ build: String?) -> CacheKey {
        guard let build else { return self }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.insert("build: \(build)", at: min(2, lines.count))
        return CacheKey(text: lines.joined(separator: "\n"))
    }

    /// A key with the given text.
    init(text: String) {
        self.text = text
        digest = Self.hex(SHA256.hash(data: Data(text.utf8)))
    }

    /// Lowercase hex of a digest.
    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(2 * SHA256.byteCount)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Why a block's cache key could not be made (its result is then neither read nor stored).
struct CacheKeyError: Error, Sendable, Equatable {
    /// What went wrong.
    let message: String
}
