/// A stylesheet or script from a trusted file (a system package such as Debian's `libjs-katex`)
/// to embed in a `<style>` or `<script>` element.
///
/// The content of these raw-text elements cannot be escaped, so it is checked instead: text that
/// could end its element early (`</style`, `</script`) or put the parser into a script-data escape
/// state (`<!--`) is refused. Notebook text never reaches this type.
public struct EmbeddedCode: Sendable, Equatable {
    /// What the code is.
    public enum Language: Sendable, Equatable {
        /// A stylesheet, embedded in `<style>`.
        case css
        /// A classic script, embedded in `<script>`.
        case javaScript
    }

    /// The language, which decides the element.
    public let language: Language
    /// The code, exactly as it will appear between the tags.
    public let text: String

    /// A stylesheet; `nil` when the text contains `</style` (in any case) or a NUL character.
    public init?(css text: String) {
        guard Self.isEmbeddable(text, forbidden: ["</style"]) else { return nil }
        self.language = .css
        self.text = text
    }

    /// A script; `nil` when the text contains `</script` or `<!--` (in any case) or a NUL character.
    public init?(javaScript text: String) {
        guard Self.isEmbeddable(text, forbidden: ["</script", "<!--"]) else { return nil }
        self.language = .javaScript
        self.text = text
    }

    /// The element's name.
    var tagName: String { language == .css ? "style" : "script" }

    /// Whether `text` holds no NUL and none of the ASCII `forbidden` strings (each starting with
    /// `<`) in any letter case, as an HTML parser compares them (ASCII case-insensitively). Scans the UTF-8 bytes once, so
    /// that checking KaTeX's script costs microseconds, not milliseconds.
    private static func isEmbeddable(_ text: String, forbidden: [String]) -> Bool {
        let patterns = forbidden.map { Array($0.lowercased().utf8) }
        precondition(patterns.allSatisfy { $0.first == UInt8(ascii: "<") }, "forbidden strings start with <")
        var text = text
        return text.withUTF8 { bytes in
            for index in bytes.indices {
                let byte = bytes[index]
                if byte == 0 { return false }
                guard byte == UInt8(ascii: "<") else { continue }
                for pattern in patterns where bytes.count - index >= pattern.count {
                    var matches = true
                    for offset in 1..<pattern.count {
                        var candidate = bytes[index + offset]
                        if candidate >= UInt8(ascii: "A"), candidate <= UInt8(ascii: "Z") { candidate += 32 }
                        if candidate != pattern[offset] {
                            matches = false
                            break
                        }
                    }
                    if matches { return false }
                }
            }
            return true
        }
    }
}
