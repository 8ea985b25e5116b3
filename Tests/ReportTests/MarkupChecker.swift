/// A tiny, strict reader for the markup this module emits: it checks that every non-void element is
/// closed in order, that attributes are `name="value"` with escaped values, that `&` starts an entity,
/// that no `>` appears in text, that block elements never open inside a `<p>`, and that ids are unique.
struct MarkupChecker {
    /// An element start tag as read.
    struct Element {
        var name: String
        var attributes: [String: String]
        /// Names of the open elements around this one, outermost first.
        var ancestors: [String]
    }

    static let voidElements: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    ]
    static let rawTextElements: Set<String> = ["style", "script"]
    static let phrasingElements: Set<String> = [
        "a", "abbr", "b", "br", "code", "em", "i", "img", "kbd", "small", "span", "strong", "sub", "sup", "time",
    ]

    private(set) var elements: [Element] = []
    private(set) var problems: [String] = []

    /// Reads `markup` and records its elements and problems.
    init(_ markup: String) {
        let s = Array(markup.utf8)
        var i = 0
        var stack: [String] = []

        func at(_ text: String) -> Bool {
            let t = Array(text.utf8)
            return i + t.count <= s.count && Array(s[i..<(i + t.count)]) == t
        }
        func isNameByte(_ b: UInt8) -> Bool {
            (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == 45
        }
        func readName() -> String {
            let start = i
            while i < s.count, isNameByte(s[i]) { i += 1 }
            return String(decoding: s[start..<i], as: UTF8.self)
        }
        func skipSpaces() {
            while i < s.count, s[i] == 32 || s[i] == 10 || s[i] == 9 { i += 1 }
        }
        func checkEntity() {
            // s[i] == "&"
            var j = i + 1
            if j < s.count, s[j] == 35 {  // #
                j += 1
                let hex = j < s.count && (s[j] == 120 || s[j] == 88)
                if hex { j += 1 }
                let start = j
                while j < s.count, (s[j] >= 48 && s[j] <= 57) || (hex && ((s[j] | 32) >= 97 && (s[j] | 32) <= 102)) { j += 1 }
                if j == start || j >= s.count || s[j] != 59 { problems.append("bad character reference at \(i)") }
            } else {
                let start = j
                while j < s.count, (s[j] | 32) >= 97 && (s[j] | 32) <= 122 { j += 1 }
                if j == start || j >= s.count || s[j] != 59 { problems.append("bare & at \(i)") }
            }
        }

        while i < s.count {
            let b = s[i]
            if b == 38 {  // &
                checkEntity()
                i += 1
            } else if b == 62 {  // >
                problems.append("stray > in text at \(i)")
                i += 1
            } else if b != 60 {  // not <
                i += 1
            } else if at("<!--") {
                while i < s.count, !at("-->") { i += 1 }
                i += 3
            } else if at("<!") {
                while i < s.count, s[i] != 62 { i += 1 }
                i += 1
            } else if at("</") {
                i += 2
                let name = readName()
                if i >= s.count || s[i] != 62 { problems.append("malformed end tag </\(name) at \(i)") }
                i += 1
                if stack.last == name {
                    stack.removeLast()
                } else {
                    problems.append("</\(name)> closes <\(stack.last ?? "nothing")>")
                    if let k = stack.lastIndex(of: name) { stack.removeSubrange(k...) }
                }
            } else {
                i += 1
                let name = readName()
                if name.isEmpty { problems.append("< not starting a tag at \(i)"); continue }
                var attributes: [String: String] = [:]
                while true {
                    skipSpaces()
                    if i >= s.count { problems.append("unterminated <\(name)>"); break }
                    if s[i] == 62 { i += 1; break }
                    let attr = readName()
                    guard !attr.isEmpty, i < s.count, s[i] == 61, i + 1 < s.count, s[i + 1] == 34 else {
                        problems.append("malformed attribute in <\(name)> at \(i)")
                        while i < s.count, s[i] != 62 { i += 1 }
                        i += 1
                        break
                    }
                    i += 2
                    let start = i
                    while i < s.count, s[i] != 34 {
                        if s[i] == 60 || s[i] == 62 || s[i] == 39 { problems.append("unescaped character in \(attr)=") }
                        if s[i] == 38 { checkEntity() }
                        i += 1
                    }
                    let value = String(decoding: s[start..<min(i, s.count)], as: UTF8.self)
                    i += 1
                    if attributes[attr] != nil { problems.append("duplicate attribute \(attr) in <\(name)>") }
                    attributes[attr] = value
                }
                if stack.contains("p") && !Self.phrasingElements.contains(name) {
                    problems.append("<\(name)> inside <p>")
                }
                elements.append(Element(name: name, attributes: attributes, ancestors: stack))
                if Self.rawTextElements.contains(name) {
                    while i < s.count, !at("</\(name)>") { i += 1 }
                    if i >= s.count { problems.append("unterminated <\(name)>") }
                    i += name.utf8.count + 3
                } else if !Self.voidElements.contains(name) {
                    stack.append(name)
                }
            }
        }
        if !stack.isEmpty { problems.append("unclosed: \(stack.joined(separator: ", "))") }

        var seen: Set<String> = []
        for id in ids where !seen.insert(id).inserted { problems.append("duplicate id \(id)") }
    }

    /// Every `id` attribute, in document order (as written, i.e. escaped).
    var ids: [String] { elements.compactMap { $0.attributes["id"] } }

    /// Every element with the given name.
    func all(_ name: String) -> [Element] { elements.filter { $0.name == name } }
}
