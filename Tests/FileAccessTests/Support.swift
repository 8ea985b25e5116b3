import FileAccess
import Foundation

/// A fresh temporary folder (by its real path), removed with `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("file-access-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = ReadScope.realPath(base.path) ?? base.path
    }

    var url: URL { URL(fileURLWithPath: path) }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The absolute path of `relative` inside the folder.
    func at(_ relative: String) -> String {
        path + "/" + relative
    }

    /// Writes `text` at `relative`, creating folders on the way; returns the path.
    @discardableResult
    func write(_ text: String, _ relative: String) throws -> String {
        let file = at(relative)
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }

    /// Makes the folder `relative`.
    func folder(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: at(relative), withIntermediateDirectories: true)
    }

    /// A symbolic link at `relative` pointing to `target` (as written).
    func link(_ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: at(relative), withDestinationPath: target)
    }

    /// A named pipe at `relative`.
    func fifo(_ relative: String) throws {
        guard mkfifo(at(relative), 0o644) == 0 else { throw FileSystemError.current("make a fifo at", at(relative)) }
    }
}
