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
/// `timeout`) are left out.
struct CacheKey: Sendable, Equatable {
    /// The key as text, one fact a line; stored in the entry and compared in full on every read.
    let text: String
    /// SHA-256 of `text` in lowercase hex: the entry's file name.
    let digest: String

    /// Options that do not change a block's result.
    static let presentationOnlyOptions: Set<String> = [CommonOptions.caption.name, CommonOptions.cache.name, CommonOptions.timeout.name]

    /// The key of `block`.
    ///
    /// - Parameters:
    ///   - programVersion: the version written into the key (the tests pass another to see it matter).
    ///   - build: what identifies this build of the program (`nil`: nothing beyond the version).
    /// - Throws: a `CacheKeyError` when a data file of the block cannot be read.
    init(block: ExperimentBlock, programVersion: String = ProgramVersion.current,
         build: String? = BuildIdentity.current) throws(CacheKeyError) {
        var lines = ["notebook result cache key 1", "program: notebook \(programVersion)"]
        if let build { lines.append("build: \(build)") }
        lines.append("kind: \(block.kind)")
        for field in block.options.fields where !Self.presentationOnlyOptions.contains(field.name) {
            lines.append("option \(field.name): \(field.value.yaml)")
        }
        for (index, file) in block.experiment.inputFiles.enumerated() {
            let contents: Data
            do { contents = try RegularFile.read(file.path) } catch {
                throw CacheKeyError(message: "could not read \(file.path) to key the block's cached result: it \(error.explanation)")
            }
            lines.append("file \(index + 1) (\(file.lastPathComponent)): sha256 \(Self.hex(SHA256.hash(data: contents)))")
        }
        self.init(text: lines.joined(separator: "\n") + "\n")
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
