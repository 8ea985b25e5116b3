import FileAccess
import Foundation

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
            return .file(path: resolved, type: mediaType(resolved))
        case .missing:
            return .notFound
        default:
            return .refused
        }
    }

    /// The media type of a report file, by its extension.
    static func mediaType(_ path: String) -> String {
        switch path.split(separator: ".").last?.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "csv": "text/csv; charset=utf-8"
        case "png": "image/png"
        case "svg": "image/svg+xml"
        case "pdf": "application/pdf"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "webp": "image/webp"
        case "woff2": "font/woff2"
        case "woff": "font/woff"
        case "ttf": "font/ttf"
        default: "application/octet-stream"
        }
    }
}
