/// Text made safe to write to a terminal or a log: control characters a notebook, a file name or a
/// cache entry could carry (escape sequences that retitle the window, clear the screen or move the
/// cursor; carriage returns that overwrite a line; bidirectional overrides that reorder it) are
/// shown as escapes, so that what is printed is what it says. Line feeds and tabs stay.
public enum TerminalText {
    /// `text` with every control character but `\n` and `\t` written as an escape: `\e` for ESC,
    /// `\r`, `\a`, `\b`, `\x07`-style for the other C0 controls and DEL, `\u{9B}`-style for C1
    /// controls and the bidirectional formatting characters.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar.value {
            case 0x1B: result += "\\e"
            case 0x0D: result += "\\r"
            case 0x07: result += "\\a"
            case 0x08: result += "\\b"
            case 0..<0x20, 0x7F: result += "\\x" + hex(scalar.value, digits: 2)
            default: result += "\\u{" + hex(scalar.value, digits: 2) + "}"
            }
        }
        return result
    }

    /// Whether a character must not reach the terminal as it is.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0..<0x20, 0x7F, 0x80...0x9F: return true
        // Bidirectional embeddings, overrides and isolates, and the line and paragraph separators.
        case 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: return true
        default: return false
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// `rows` as lines of left-aligned columns two spaces apart, each line escaped.
    static func columns(_ rows: [[String]]) -> [String] {
        guard let first = rows.first else { return [] }
        let widths = first.indices.map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            escaped(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
    }
}
