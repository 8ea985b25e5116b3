#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file operation that failed, said plainly: what was attempted, on which path, and the
/// system's reason ("could not create the folder out/x: Permission denied"), never a framework's
/// error domain and code.
public struct FileSystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was attempted, as a verb phrase: "create the folder", "write".
    public var operation: String
    /// The path it was attempted on.
    public var path: String
    /// The `errno` value.
    public var code: Int32

    /// Creates an error.
    public init(_ operation: String, _ path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// An error for the current `errno`.
    public static func current(_ operation: String, _ path: String) -> FileSystemError {
        FileSystemError(operation, path, code: errno)
    }

    /// "could not write out/x/index.html: No space left on device".
    public var description: String { "could not \(operation) \(path): \(reason)" }

    /// The system's text for the code: "No space left on device".
    public var reason: String { Self.text(of: code) }

    /// The system's text for an `errno` value.
    public static func text(of code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
