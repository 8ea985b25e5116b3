#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What sits at a path, told by `stat` or `lstat` without opening it: opening a named pipe
/// blocks until a writer comes, and opening a device may have effects of its own.
public enum FileKind: Sendable, Equatable {
    case missing
    case regular
    case directory
    case symbolicLink
    case namedPipe
    case characterDevice
    case blockDevice
    case socket
    /// A path that cannot be examined (permission denied on a parent, a name too long, ...).
    case unexaminable(errno: Int32)

    /// The kind of the entry at `path`; `followingLinks: false` reports a symbolic link itself.
    public static func of(_ path: String, followingLinks: Bool = true) -> FileKind {
        var status = stat()
        let result = followingLinks ? stat(path, &status) : lstat(path, &status)
        guard result == 0 else {
            let code = errno
            return code == ENOENT || code == ENOTDIR ? .missing : .unexaminable(errno: code)
        }
        return kind(ofMode: status.st_mode)
    }

    /// The kind a `stat` mode describes.
    static func kind(ofMode mode: mode_t) -> FileKind {
        switch mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symbolicLink
        case S_IFIFO: return .namedPipe
        case S_IFCHR: return .characterDevice
        case S_IFBLK: return .blockDevice
        case S_IFSOCK: return .socket
        default: return .unexaminable(errno: EINVAL)
        }
    }

    /// The kind with its article, for messages: "a folder", "a named pipe (FIFO)".
    public var described: String {
        switch self {
        case .missing: return "missing"
        case .regular: return "a file"
        case .directory: return "a folder"
        case .symbolicLink: return "a symbolic link"
        case .namedPipe: return "a named pipe (FIFO)"
        case .characterDevice: return "a character device"
        case .blockDevice: return "a block device"
        case .socket: return "a socket"
        case let .unexaminable(code): return "unexaminable (\(FileSystemError.text(of: code)))"
        }
    }
}
