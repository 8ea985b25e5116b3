import Crypto
import FileAccess
import Foundation

/// SHA-256 digests of data files, each file read once per plan.
struct FileDigests: Sendable {
    private var known = [String: String]()

    /// The digest of the file at `path`, or the reason it cannot be read.
    mutating func digest(of path: String) throws(CacheKeyError) -> String {
        if let digest = known[path] { return digest }
        let contents: Data
        do { contents = try RegularFile.read(path) } catch {
            throw CacheKeyError(message: "could not read \(path) to key the block's cached result: it \(error.explanation)")
        }
        let digest = CacheKey.hex(SHA256.hash(data: contents))
        known[path] = digest
        return digest
    }
}
