import Foundation

/// What tells one build of the program from another with the same version: the running
/// executable's size and modification time. It is part of every cache key, so that results
/// computed by an older build (same version number, different code) are never reused.
enum BuildIdentity {
    /// The running executable's size and modification time, or `nil` when it cannot be found.
    static let current: String? = {
        guard let path = Bundle.main.executablePath,
              let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? NSNumber,
              let modified = attributes[.modificationDate] as? Date else { return nil }
        return "\(size.int64Value) bytes, modified \(String(format: "%.6f", modified.timeIntervalSince1970))"
    }()
}
