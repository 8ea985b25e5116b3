import FileAccess
import Foundation
import Report

/// Which file of the output folder a request path names, and how it is served: only regular
/// files inside the folder, never a hidden one (the cache, the shards, the history) and never
/// one a path or a link leads outside to.
enum ServedFile {
    /// What a request path leads to.
    enum Lookup: Equatable {
        case file(path: String, type: String)
        /// `/x` for a folder: the browser must come back as `/x/`, so that relative links work.
        case redirect(String)
        case notFound
        case refused
    }

    /// The file for the URL path `requestPath` under `root` (absolute, links resolved).
    static func lookup(_ requestPath: String, in root: String) -> Lookup {
        let path = requestPath.split(separator: "?", maxSplits: 1).first.map(String.init) ?? requestPath
        guard let decoded = path.removingPercentEncoding else { return .refused }
        let components = decoded.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        for component in components where component == ".." || component.hasPrefix(".") || component.contains("\0") {
            return .refused
        }
        let joined = components.isEmpty ? root : root + "/" + components.joined(separator: "/")
        let resolved = URL(fileURLWithPath: joined).resolvingSymlinksInPath().path
        guard resolved == root || resolved.hasPrefix(root + "/") else { return .refused }
        switch FileKind.of(resolved) {
        case .directory:
            if !decoded.hasSuffix("/") && !components.isEmpty { return .redirect(path + "/") }
            let index = resolved + "/index.html"
            return FileKind.of(index) == .regular ? .file(path: index, type: "text/html; charset=utf-8") : .notFound
        case .regular:
            if components.last == "history.sqlite" { return .refused }
            return .file(path: resolved, type: MediaType.of(resolved))
        case .missing:
            return .notFound
        default:
            return .refused
        }
    }
}
