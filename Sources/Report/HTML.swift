/// A fragment of HTML markup that is safe by construction.
///
/// Content can only get in through four doors:
/// - ``text(_:)`` escapes `&`, `<`, `>`, `"` and `'`;
/// - ``element(_:_:_:)`` builds an element from a validated ``Tag``, validated attribute names and
///   escaped attribute values;
/// - concatenation of fragments (``+``, ``init(_:)``);
/// - ``trusted(_:)`` inserts ``TrustedHTML`` produced by a trusted renderer.
///
/// No public API takes a `String` and emits it unescaped. Rendering is deterministic: attributes keep
/// the order they were given in (or are sorted by name when given as a dictionary).
public struct HTML: Sendable, Equatable, CustomStringConvertible {
    /// The markup this fragment renders to.
    public let rendered: String

    private init(unchecked markup: String) {
        self.rendered = markup
    }

    /// Concatenates fragments in order.
    public init(_ parts: [HTML]) {
        self.rendered = parts.map(\.rendered).joined()
    }

    /// Concatenates fragments in order.
    public init(_ parts: HTML...) {
        self.init(parts)
    }

    /// The markup (same as ``rendered``).
    public var description: String { rendered }

    /// This fragment as trusted markup, e.g. to hand it to another renderer.
    public var trusted: TrustedHTML { TrustedHTML(rendererOutput: rendered) }

    /// Whether the fragment renders to nothing.
    public var isEmpty: Bool { rendered.isEmpty }

    /// The empty fragment.
    public static let empty = HTML(unchecked: "")

    /// The HTML5 document type declaration, `<!doctype html>`.
    public static let doctype = HTML(unchecked: "<!doctype html>\n")

    /// A line break in the source (not a `<br>`), to keep the output readable.
    public static let newline = HTML(unchecked: "\n")

    /// Plain text, with `&`, `<`, `>`, `"` and `'` escaped.
    public static func text(_ string: String) -> HTML {
        HTML(unchecked: escape(string))
    }

    /// Markup from a trusted renderer, inserted as it is.
    public static func trusted(_ markup: TrustedHTML) -> HTML {
        HTML(unchecked: markup.markup)
    }

    /// An element with attributes in the given order and the given children.
    ///
    /// Void elements (``Tag/isVoid``) get no end tag; giving them children is a programming error.
    /// Attributes with a `nil` value are left out; a repeated attribute name keeps its first value.
    public static func element(_ tag: Tag, _ attributes: [Attribute] = [], _ children: [HTML]) -> HTML {
        precondition(!tag.isVoid || children.allSatisfy(\.isEmpty), "<\(tag.name)> is a void element")
        precondition(!tag.isRawText, "<\(tag.name)> holds raw text; it cannot be built from fragments")
        var out = "<" + tag.name
        var seen: Set<String> = []
        for attribute in attributes {
            guard let value = attribute.value, seen.insert(attribute.name.name).inserted else { continue }
            out += " " + attribute.name.name + "=\"" + escape(attribute.name.sanitize(value)) + "\""
        }
        out += ">"
        if tag.isVoid { return HTML(unchecked: out) }
        for child in children { out += child.rendered }
        out += "</" + tag.name + ">"
        return HTML(unchecked: out)
    }

    /// An element with attributes in the given order and the given children.
    public static func element(_ tag: Tag, _ attributes: [Attribute] = [], _ children: HTML...) -> HTML {
        element(tag, attributes, children)
    }

    /// An element whose attributes come from a dictionary; they are written sorted by name.
    public static func element(_ tag: Tag, _ attributes: [AttributeName: String], _ children: [HTML]) -> HTML {
        let sorted = attributes.sorted { $0.key.name < $1.key.name }.map { Attribute($0.key, $0.value) }
        return element(tag, sorted, children)
    }

    /// An element whose attributes come from a dictionary; they are written sorted by name.
    public static func element(_ tag: Tag, _ attributes: [AttributeName: String], _ children: HTML...) -> HTML {
        element(tag, attributes, children)
    }

    /// A `<style>` element holding a stylesheet that is part of this module's source code.
    ///
    /// Only compile-time constants are accepted, so no user text can reach the raw-text element.
    static func style(_ css: StaticString) -> HTML {
        let text = css.description
        precondition(!text.lowercased().contains("</style"), "stylesheet must not close its element")
        return HTML(unchecked: "<style>" + text + "</style>")
    }

    /// A `<script>` element holding a script that is part of this module's source code.
    ///
    /// Only compile-time constants are accepted, so no user text can reach the raw-text element.
    static func script(_ source: StaticString) -> HTML {
        let text = source.description
        precondition(EmbeddedCode(javaScript: text) != nil, "script must not close its element")
        return HTML(unchecked: "<script>" + text + "</script>")
    }

    /// A `<style>` or `<script>` element holding checked code from a trusted file.
    public static func embedded(_ code: EmbeddedCode) -> HTML {
        HTML(unchecked: "<" + code.tagName + ">" + code.text + "</" + code.tagName + ">")
    }

    /// A `<script src="...">` element loading a classic script from a URL (a relative path in
    /// practice); the URL is escaped and sanitised like any `src`.
    public static func externalScript(source url: String) -> HTML {
        let name: AttributeName = "src"
        return HTML(unchecked: "<script src=\"" + escape(name.sanitize(url)) + "\"></script>")
    }

    /// Concatenates two fragments.
    public static func + (lhs: HTML, rhs: HTML) -> HTML {
        HTML(unchecked: lhs.rendered + rhs.rendered)
    }

    /// Appends a fragment.
    public static func += (lhs: inout HTML, rhs: HTML) {
        lhs = lhs + rhs
    }

    /// Escapes text for use in element content and in double- or single-quoted attribute values.
    public static func escape(_ string: String) -> String {
        var out = ""
        out.reserveCapacity(string.utf8.count)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\0": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension HTML {
    /// An element name, checked against `[a-z][a-z0-9-]*`.
    ///
    /// Names are written as string literals (`"section"`) or taken from the constants below; a name
    /// built at run time goes through the failable ``init(_:)``.
    public struct Tag: Sendable, Hashable, ExpressibleByStringLiteral {
        /// The element name.
        public let name: String

        /// A tag from a name; `nil` unless it matches `[a-z][a-z0-9-]*`.
        public init?(_ name: String) {
            guard HTML.isValidName(name) else { return nil }
            self.name = name
        }

        /// A tag from a string literal; an invalid name is a programming error.
        public init(stringLiteral value: StaticString) {
            let name = value.description
            precondition(HTML.isValidName(name), "invalid tag name \(name)")
            self.name = name
        }

        /// Whether the element has no content and no end tag (`img`, `meta`, ...).
        public var isVoid: Bool { Self.voidNames.contains(name) }

        /// Whether the element's content is raw text (`script`, `style`), which escaping cannot protect.
        public var isRawText: Bool { Self.rawTextNames.contains(name) }

        static let voidNames: Set<String> = [
            "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
        ]
        static let rawTextNames: Set<String> = [
            "iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "xmp",
        ]
    }

    /// An attribute name, checked against `[a-z][a-z0-9-]*`.
    public struct AttributeName: Sendable, Hashable, ExpressibleByStringLiteral {
        /// The attribute name.
        public let name: String

        /// An attribute name; `nil` unless it matches `[a-z][a-z0-9-]*` and is not an event handler (`on...`).
        public init?(_ name: String) {
            guard HTML.isValidName(name), !name.hasPrefix("on") else { return nil }
            self.name = name
        }

        /// An attribute name from a string literal; an invalid name is a programming error.
        public init(stringLiteral value: StaticString) {
            let name = value.description
            precondition(HTML.isValidName(name) && !name.hasPrefix("on"), "invalid attribute name \(name)")
            self.name = name
        }

        /// Whether the attribute holds a URL (`href`, `src`).
        var isURL: Bool { name == "href" || name == "src" }

        /// The value to write: URLs with a script scheme are replaced by `#`. An SVG data URL is
        /// kept in `src` only (an image's source, where a browser runs no script and loads nothing
        /// of the SVG's), never in `href`, where following it would open the SVG as a document.
        func sanitize(_ value: String) -> String {
            if name == "src", value.lowercased().hasPrefix("data:image/svg+xml;base64,") { return value }
            return isURL && !HTML.isSafeURL(value) ? "#" : value
        }
    }

    /// One attribute: a validated name and a plain-text value (escaped when written).
    public struct Attribute: Sendable, Equatable {
        /// The name.
        public let name: AttributeName
        /// The value; `nil` leaves the attribute out.
        public let value: String?

        /// An attribute; a `nil` value leaves it out.
        public init(_ name: AttributeName, _ value: String?) {
            self.name = name
            self.value = value
        }
    }

    /// Whether `name` matches `[a-z][a-z0-9-]*`.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
        }
    }

    /// Whether a URL is safe to put in `href`/`src`: relative, `http(s)`, `mailto`, or a `data:image/` URL.
    static func isSafeURL(_ url: String) -> Bool {
        // Browsers ignore ASCII whitespace and control characters when reading the scheme.
        let cleaned = String(url.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }).lowercased()
        guard let colon = cleaned.firstIndex(of: ":") else { return true }
        let scheme = cleaned[..<colon]
        // A colon after a `/`, `?` or `#` belongs to a relative path, not to a scheme.
        if scheme.contains(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { return true }
        switch scheme {
        case "http", "https", "mailto": return true
        case "data": return cleaned.hasPrefix("data:image/") && !cleaned.hasPrefix("data:image/svg")
        default: return false
        }
    }
}
