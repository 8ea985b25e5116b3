/// Why a file a notebook names was not read, said with the path as written and, for a path that
/// leaves the scope, the project root and how to allow the place.
///
/// No refusal quotes the contents of a file: it names the path and the reason only.
public struct ReadRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reason.
    public enum Reason: Sendable, Equatable {
        /// Empty, or holding a NUL character.
        case invalid
        /// The path, as written, leads outside the scope (to this absolute path).
        case outside(String)
        /// The path is inside the scope but a symbolic link leads outside it (to this real path).
        case linksOutside(String)
        /// Nothing is there.
        case missing
        /// Something other than a regular file is there.
        case notRegular(FileKind)
        /// The system would not resolve or examine it.
        case unreadable(Int32)
    }

    /// The path as the notebook wrote it.
    public var written: String
    /// Why it was refused.
    public var reason: Reason
    /// The scope it was resolved in.
    public var scope: ReadScope

    /// Creates a refusal.
    public init(written: String, reason: Reason, scope: ReadScope) {
        self.written = written
        self.reason = reason
        self.scope = scope
    }

    /// The reason in a sentence that starts with the path: "'../x.csv' is outside the project ...".
    public var description: String {
        switch reason {
        case .invalid:
            return "'\(written)' is not a usable path"
        case .outside:
            return "'\(written)' is outside the project root \(rootText); \(advice)"
        case .linksOutside:
            return "'\(written)' is a symbolic link (or passes through one) that leads outside the project root \(rootText); \(advice)"
        case .missing:
            return "no such file '\(written)' (paths are relative to the notebook's folder)"
        case let .notRegular(kind):
            return "'\(written)' is \(kind.described), not a regular file"
        case let .unreadable(code):
            return "'\(written)' cannot be read: \(FileSystemError.text(of: code))"
        }
    }

    /// "/work/project (the git work tree of the notebook)".
    var rootText: String {
        switch scope.project.origin {
        case .gitWorkTree: return "\(scope.project.path) (the git work tree that holds the notebook)"
        case .notebookFolder, .allowed: return "\(scope.project.path) (the notebook's folder; it is in no git work tree)"
        }
    }

    /// What the user can do about a path outside the scope.
    var advice: String {
        "notebooks read only files inside it; move the file there, or allow its folder with --allow-read DIR"
    }
}
