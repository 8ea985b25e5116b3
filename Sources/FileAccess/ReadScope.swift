import Foundation

/// Where a notebook may read files from: its project (the enclosing git work tree, else the
/// notebook's own folder) and the places named with `--allow-read`. Data files and prose images
/// resolve inside it or are refused, whether they leave it by `..`, an absolute path, a
/// percent-encoded escape or a symbolic link, so that a notebook from someone else cannot copy a
/// readable file of the machine into a published report.
public struct ReadScope: Sendable, Equatable {
    /// A folder (or a single file) reads may come from, by its real path (symbolic links resolved).
    public struct Place: Sendable, Equatable {
        /// Why the place is readable.
        public enum Origin: Sendable, Equatable {
            /// The git work tree that holds the notebook.
            case gitWorkTree
            /// The notebook's folder (it is in no git work tree).
            case notebookFolder
            /// Named with `--allow-read`.
            case allowed
        }

        /// The real path.
        public let path: String
        /// Why it is readable.
        public let origin: Origin

        /// Creates a place.
        public init(path: String, origin: Origin) {
            self.path = path
            self.origin = origin
        }

        /// Whether `realPath` is the place or inside it.
        public func contains(_ realPath: String) -> Bool {
            realPath == path || realPath.hasPrefix(path == "/" ? "/" : path + "/")
        }
    }

    /// The project root.
    public let project: Place
    /// The places given with `--allow-read`.
    public let allowed: [Place]

    /// The scope of a notebook in `notebookDirectory`, with the extra places `allowed` (real paths,
    /// as ``allowedPlace(_:)`` returns them).
    public init(notebookDirectory: URL, allowed: [Place] = []) {
        project = Self.projectRoot(of: notebookDirectory)
        self.allowed = allowed
    }

    /// Creates a scope from its places.
    public init(project: Place, allowed: [Place] = []) {
        self.project = project
        self.allowed = allowed
    }

    /// The enclosing git work tree of `directory` (the nearest folder above it, itself included,
    /// that holds a `.git` folder or file), else `directory` itself; by real path.
    public static func projectRoot(of directory: URL) -> Place {
        let start = realPath(directory.path) ?? directory.standardizedFileURL.path
        var candidate = start
        while true {
            let marker = candidate == "/" ? "/.git" : candidate + "/.git"
            switch FileKind.of(marker, followingLinks: false) {
            case .directory, .regular: return Place(path: candidate, origin: .gitWorkTree)
            default: break
            }
            guard candidate != "/" else { break }
            candidate = PathText.parent(candidate)
            if candidate.isEmpty { candidate = "/" }
        }
        return Place(path: start, origin: .notebookFolder)
    }

    /// The place an `--allow-read` argument names, or why it cannot be one.
    public static func allowedPlace(_ argument: String) throws(AllowReadError) -> Place {
        guard !argument.isEmpty else { throw AllowReadError(argument: argument, problem: "is empty") }
        guard let real = realPath(argument) else {
            throw AllowReadError(argument: argument, problem: "does not exist (give an existing folder or file)")
        }
        switch FileKind.of(real) {
        case .directory, .regular: return Place(path: real, origin: .allowed)
        case let kind: throw AllowReadError(argument: argument, problem: "is \(kind.described); give a folder or a regular file")
        }
    }

    /// Whether a real path is inside the project or an allowed place.
    public func permits(_ realPath: String) -> Bool {
        project.contains(realPath) || allowed.contains { $0.contains(realPath) }
    }

    /// The regular file that `written` (a path as the notebook wrote it, relative to `directory`,
    /// already percent-decoded where it came from a URL) names, by its real path.
    ///
    /// The path is first resolved as written (`..` taken literally) and must lie inside the scope;
    /// then symbolic links are resolved and the file they lead to must lie inside it too; then it
    /// must be a regular file, which is never opened here.
    public func resolve(_ written: String, from directory: URL) throws(ReadRefusal) -> URL {
        guard !written.isEmpty, !written.contains("\0") else { throw ReadRefusal(written: written, reason: .invalid, scope: self) }
        let base = Self.realPath(directory.path) ?? directory.standardizedFileURL.path
        let literal = Self.normalized(written.hasPrefix("/") ? written : base + "/" + written)
        guard permits(literal) else { throw ReadRefusal(written: written, reason: .outside(literal), scope: self) }
        guard let real = Self.realPath(literal) else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                // A dangling link inside the scope is as missing as no file at all.
                throw ReadRefusal(written: written, reason: .missing, scope: self)
            }
            throw ReadRefusal(written: written, reason: .unreadable(code), scope: self)
        }
        guard permits(real) else { throw ReadRefusal(written: written, reason: .linksOutside(real), scope: self) }
        switch FileKind.of(real) {
        case .regular: return URL(fileURLWithPath: real)
        case .missing: throw ReadRefusal(written: written, reason: .missing, scope: self)
        case let .unexaminable(code): throw ReadRefusal(written: written, reason: .unreadable(code), scope: self)
        case let kind: throw ReadRefusal(written: written, reason: .notRegular(kind), scope: self)
        }
    }

    /// `path` with `.` and empty components dropped and each `..` taking away the component before
    /// it (never above `/`); `path` must be absolute.
    public static func normalized(_ path: String) -> String {
        var components = [Substring]()
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    /// The real path of `path` (absolute, symbolic links resolved), or `nil` with `errno` set.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// An `--allow-read` argument that names no usable place.
public struct AllowReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The argument as given.
    public var argument: String
    /// What is wrong with it.
    public var problem: String

    /// "--allow-read /nope: does not exist (give an existing folder or file)".
    public var description: String { "--allow-read \(argument): \(problem)" }
}
