import CFileAccess
import Foundation

/// The file operations of writing reports, done with system calls so that a failure says what
/// the system said ("No space left on device") and folders are replaced atomically.
public enum FileOperations {
    /// Creates the folder at `path` and any missing parents (like `mkdir -p`); succeeds when a
    /// folder is already there, fails when a file is.
    public static func createFolder(_ path: String) throws(FileSystemError) {
        switch FileKind.of(path) {
        case .directory: return
        case .missing: break
        case let .unexaminable(code): throw FileSystemError("create the folder", path, code: code)
        default: throw FileSystemError("create the folder", path, code: EEXIST)
        }
        let parent = PathText.parent(path)
        if !parent.isEmpty, parent != path { try createFolder(parent) }
        if mkdir(path, 0o755) != 0, errno != EEXIST {
            throw .current("create the folder", path)
        }
        guard FileKind.of(path) == .directory else { throw FileSystemError("create the folder", path, code: EEXIST) }
    }

    /// Creates a new folder at `path`; fails when anything is there already.
    public static func createNewFolder(_ path: String) throws(FileSystemError) {
        guard mkdir(path, 0o755) == 0 else { throw .current("create the folder", path) }
    }

    /// Writes `data` to a new file at `path` (replacing a file there) without forcing it to disk.
    public static func write(_ data: Data, to path: String) throws(FileSystemError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw .current("write", path) }
        var failure: Int32?
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        // Some file systems report a full disk only when the file is closed.
        if close(descriptor) != 0, failure == nil { failure = errno }
        if let failure { throw FileSystemError("write", path, code: failure) }
    }

    /// Writes `data` to `path` through a temporary file beside it and a rename, so that a reader
    /// sees the old file or the new one, never a part.
    public static func writeAtomically(_ data: Data, to path: String) throws(FileSystemError) {
        let directory = PathText.parent(path)
        let name = PathText.lastComponent(path)
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try write(data, to: temporary)
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = FileSystemError.current("replace", path)
            unlink(temporary)
            throw error
        }
    }

    /// Renames `source` to `destination`.
    public static func move(_ source: String, to destination: String) throws(FileSystemError) {
        guard rename(source, destination) == 0 else { throw .current("move \(source) to", destination) }
    }

    /// Swaps two existing entries atomically; `false` when the file system cannot (then nothing
    /// changed and the caller falls back to two renames).
    public static func exchange(_ first: String, _ second: String) throws(FileSystemError) -> Bool {
        if nb_exchange_paths(first, second) == 0 { return true }
        let code = errno
        if code == EINVAL || code == ENOSYS || code == ENOTSUP || code == EOPNOTSUPP { return false }
        throw FileSystemError("swap \(first) with", second, code: code)
    }

    /// Removes the entry at `path`: a file or a symbolic link itself, or a folder with everything
    /// in it (links inside are removed, never followed). Nothing there is not an error.
    public static func remove(_ path: String) throws(FileSystemError) {
        switch FileKind.of(path, followingLinks: false) {
        case .missing: return
        case .directory:
            let names = try entries(path)
            for name in names { try remove(path + "/" + name) }
            guard rmdir(path) == 0 else { throw .current("remove the folder", path) }
        default:
            guard unlink(path) == 0 || errno == ENOENT else { throw .current("remove", path) }
        }
    }

    /// The names in the folder at `path` (without `.` and `..`), sorted; empty when it cannot be read.
    public static func names(in path: String) -> [String] {
        (try? entries(path)) ?? []
    }

    /// The names in the folder at `path`, sorted.
    private static func entries(_ path: String) throws(FileSystemError) -> [String] {
        guard let directory = opendir(path) else { throw .current("open the folder", path) }
        defer { closedir(directory) }
        var names = [String]()
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
