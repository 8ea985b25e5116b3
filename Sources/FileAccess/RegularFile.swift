import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads files that a notebook names, and only regular files: a folder, a named pipe, a device or
/// a socket is refused by its type before anything opens it, and the type is checked again on the
/// open descriptor (opened without blocking), so a pipe swapped in between cannot hang the run.
public enum RegularFile {
    /// Why a file was not read.
    public enum Problem: Error, Sendable, Equatable {
        /// Nothing is at the path.
        case missing
        /// Something other than a regular file is at the path.
        case notRegular(FileKind)
        /// The file is larger than the limit.
        case tooLarge(size: Int, limit: Int)
        /// The system refused (permissions, I/O error).
        case system(code: Int32)

        /// What is wrong, for a message that names the file before it: "is a folder, not a file".
        public var explanation: String {
            switch self {
            case .missing: return "does not exist"
            case let .notRegular(kind): return "is \(kind.described), not a regular file"
            case let .tooLarge(size, limit): return "is \(ByteCount.text(size)), more than the limit of \(ByteCount.text(limit))"
            case let .system(code): return "cannot be read: \(FileSystemError.text(of: code))"
            }
        }
    }

    /// The whole contents of the regular file at `path`, at most `limit` bytes.
    public static func read(_ path: String, limit: Int = Int.max) throws(Problem) -> Data {
        let descriptor = try openChecked(path)
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .system(code: errno) }
        let size = Int(status.st_size)
        guard size <= limit else { throw .tooLarge(size: size, limit: limit) }
        var data = Data(count: size)
        var total = 0
        let failure: Int32? = data.withUnsafeMutableBytes { (buffer: UnsafeMutableRawBufferPointer) -> Int32? in
            while total < size {
                let count = Foundation.read(descriptor, buffer.baseAddress! + total, size - total)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if count == 0 { break }
                total += count
            }
            return nil
        }
        if let failure { throw .system(code: failure) }
        // The file shrank while it was read: keep what was there.
        if total < size { data.count = total }
        return data
    }

    /// At most `count` bytes from the start of the regular file at `path`.
    public static func readPrefix(_ path: String, count: Int) throws(Problem) -> Data {
        let descriptor = try openChecked(path)
        defer { close(descriptor) }
        var data = Data(count: count)
        let read = data.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress!, count) }
        guard read >= 0 else { throw .system(code: errno) }
        data.count = read
        return data
    }

    /// Whether `path` holds a regular file (following symbolic links).
    public static func exists(_ path: String) -> Bool {
        FileKind.of(path) == .regular
    }

    /// A descriptor of the regular file at `path`, opened without blocking and without becoming
    /// the controlling terminal, after its type was checked by `stat` and again by `fstat`.
    private static func openChecked(_ path: String) throws(Problem) -> Int32 {
        switch FileKind.of(path) {
        case .regular: break
        case .missing: throw .missing
        case let .unexaminable(code): throw .system(code: code)
        case let kind: throw .notRegular(kind)
        }
        let descriptor = Foundation.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else { throw errno == ENOENT ? .missing : .system(code: errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw .system(code: code)
        }
        let kind = FileKind.kind(ofMode: status.st_mode)
        guard kind == .regular else {
            close(descriptor)
            throw .notRegular(kind)
        }
        return descriptor
    }
}

/// Sizes said the way people read them: "512 bytes", "3.2 MB", "1.5 GB" (powers of 1000).
public enum ByteCount {
    /// The size in the largest unit that keeps it at least 1.
    public static func text(_ bytes: Int) -> String {
        if bytes < 1000 { return "\(bytes) byte\(bytes == 1 ? "" : "s")" }
        let units = ["kB", "MB", "GB", "TB", "PB"]
        var value = Double(bytes) / 1000
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return value >= 100 ? "\(Int(value.rounded())) \(units[unit])" : String(format: "%.1f %@", value, units[unit])
    }
}
