import CFileAccess
import Foundation

/// What tells one build of the program from another with the same version. It is part of every
/// cache key, so that results computed by another build (same version number, different code) are
/// never reused, while copies of one build (a CI artifact downloaded by each job, a binary on a
/// cluster's shared file system) share their cache.
///
/// On Linux it is the GNU build ID the linker writes into the executable (a hash of its
/// contents), read from the program's notes in memory; without one, the executable's size and
/// modification time.
enum BuildIdentity {
    /// The build's identity, or `nil` when it cannot be told.
    static let current: String? = {
        var bytes = [UInt8](repeating: 0, count: 64)
        let length = nb_program_build_id(&bytes, bytes.count)
        if length > 0 { return "build id " + bytes.prefix(length).map { String(format: "%02x", $0) }.joined() }
        guard let path = Bundle.main.executablePath,
              let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? NSNumber,
              let modified = attributes[.modificationDate] as? Date else { return nil }
        return "\(size.int64Value) bytes, modified \(String(format: "%.6f", modified.timeIntervalSince1970))"
    }()
}
