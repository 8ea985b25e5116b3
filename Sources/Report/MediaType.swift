/// The media type of a file of a report folder, by its extension: what a page embeds as a data
/// URL and what the preview server sends.
public enum MediaType {
    /// `image/png` for `figures/a.png`, `text/html; charset=utf-8` for `index.html`;
    /// `application/octet-stream` for an extension it does not know.
    public static func of(_ path: String) -> String {
        switch path.split(separator: "/").last?.split(separator: ".").last?.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "csv": "text/csv; charset=utf-8"
        case "png": "image/png"
        case "svg": "image/svg+xml"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "webp": "image/webp"
        case "avif": "image/avif"
        case "pdf": "application/pdf"
        case "woff2": "font/woff2"
        case "woff": "font/woff"
        case "ttf": "font/ttf"
        default: "application/octet-stream"
        }
    }
}
