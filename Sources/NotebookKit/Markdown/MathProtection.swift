/// Keeps TeX math verbatim through Markdown parsing, and marks where it is.
///
/// Inside `$...$` and `$$...$$` (outside code), every ASCII punctuation character gets a
/// backslash, which CommonMark turns back into the character itself: `$a_1 * b_2$` is shown as
/// written instead of becoming emphasis. The delimiters themselves are replaced by private-use
/// marker characters, which the Markdown renderer passes through as text, so that
/// ``MarkdownDocument/markMath(in:)`` can find each span after parsing without guessing again.
/// Delimiters follow Pandoc's rule: an opening `$` is followed by a non-space, a closing `$` (the
/// next one not escaped) follows a non-space and is not followed by a digit. `$$` opens display math
/// only when a closing `$$` follows before the paragraph ends (a blank line or a code fence).
enum MathProtection {
    /// Marks the start of inline math (`$`).
    static let inlineOpen: Character = "\u{E000}"
    /// Marks the end of inline math.
    static let inlineClose: Character = "\u{E001}"
    /// Marks the start of display math (`$$`).
    static let displayOpen: Character = "\u{E002}"
    /// Marks the end of display math.
    static let displayClose: Character = "\u{E003}"
    /// The four markers; the same characters in a notebook are replaced by U+FFFD before protection.
    static let markers: Set<Character> = [inlineOpen, inlineClose, displayOpen, displayClose]

    /// Returns `text` with its math spans protected and marked; the number of lines is unchanged.
    static func protect(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.contains(where: markers.contains) ? String(line.map { markers.contains($0) ? "\u{FFFD}" : $0 }) : String(line)
        }
        var output = [String]()
        var fence: (character: Character, length: Int)?
        var inDisplayMath = false
        var inInlineMath = false
        for (lineIndex, line) in lines.enumerated() {
            let trimmed = line.drop { $0 == " " }
            if let open = fence {
                if trimmed.first == open.character, trimmed.prefix(while: { $0 == open.character }).count >= open.length,
                   trimmed.drop(while: { $0 == open.character }).allSatisfy(\.isWhitespace) {
                    fence = nil
                }
                output.append(line)
                continue
            }
            // A blank line ends a paragraph, and a fence always opens a fence; display math is only
            // opened when it closes before either.
            if trimmed.isEmpty {
                inDisplayMath = false
                inInlineMath = false
            }
            if let opened = fenceOpening(line) {
                inDisplayMath = false
                inInlineMath = false
                fence = opened
                output.append(line)
                continue
            }
            var result = ""
            protectLine(
                Array(line), into: &result, displayMath: &inDisplayMath, inlineMath: &inInlineMath,
                displayCloses: { closesDisplayMath(lines, line: lineIndex, after: $0) },
                inlineCloses: { closesInlineMath(lines, line: lineIndex, opener: $0) })
            output.append(result)
        }
        return output.joined(separator: "\n")
    }

    /// The text with markers turned back into the delimiters they stand for (for places that show
    /// plain text: headings in the table of contents, image descriptions, code, raw HTML).
    static func restoringDelimiters(_ text: String) -> String {
        guard text.contains(where: markers.contains) else { return text }
        var result = ""
        for character in text {
            switch character {
            case inlineOpen, inlineClose: result += "$"
            case displayOpen, displayClose: result += "$$"
            default: result.append(character)
            }
        }
        return result
    }

    /// A fence opening on this line (at most three spaces of indentation, three or more backticks
    /// or tildes).
    private static func fenceOpening(_ line: String) -> (character: Character, length: Int)? {
        guard line.prefix(while: { $0 == " " }).count < 4 else { return nil }
        let trimmed = line.drop { $0 == " " }
        guard let first = trimmed.first, first == "`" || first == "~" else { return nil }
        let run = trimmed.prefix { $0 == first }.count
        return run >= 3 ? (first, run) : nil
    }

    /// Whether a `$$` opened at `column` (the index just after it) of line `index` is closed by a
    /// later `$$` before the paragraph ends.
    private static func closesDisplayMath(_ lines: [String], line index: Int, after column: Int) -> Bool {
        if Array(lines[index]).dropFirst(column).containsDoubleDollar { return true }
        var next = index + 1
        while next < lines.count {
            let line = lines[next]
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) || fenceOpening(line) != nil { return false }
            if Array(line).containsDoubleDollar { return true }
            next += 1
        }
        return false
    }

    private static func protectLine(
        _ characters: [Character], into result: inout String, displayMath: inout Bool, inlineMath: inout Bool,
        displayCloses: (Int) -> Bool, inlineCloses: (Int) -> Bool
    ) {
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if displayMath || inlineMath {
                if character == "$" {
                    if displayMath, index + 1 < characters.count, characters[index + 1] == "$" {
                        displayMath = false
                        result.append(displayClose)
                        index += 2
                        continue
                    }
                    if inlineMath, index > 0, !characters[index - 1].isWhitespace, characters[index - 1] != "\\",
                       !(index + 1 < characters.count && characters[index + 1].isNumber) {
                        inlineMath = false
                        result.append(inlineClose)
                        index += 1
                        continue
                    }
                }
                if character.isASCII, character.isPunctuation || character.isSymbol {
                    result.append("\\")
                }
                result.append(character)
                index += 1
                continue
            }
            switch character {
            case "\\":
                result.append(character)
                if index + 1 < characters.count { result.append(characters[index + 1]) }
                index += 2
            case "`":
                let run = characters[index...].prefix { $0 == "`" }.count
                var close = index + run
                var found: Int?
                while close < characters.count {
                    if characters[close] == "`" {
                        let closing = characters[close...].prefix { $0 == "`" }.count
                        if closing == run { found = close; break }
                        close += closing
                    } else {
                        close += 1
                    }
                }
                let end = found.map { $0 + run } ?? index + run
                result += String(characters[index..<end])
                index = end
            case "$":
                if index + 1 < characters.count, characters[index + 1] == "$" {
                    if displayCloses(index + 2) {
                        displayMath = true
                        result.append(displayOpen)
                    } else {
                        result += "$$"
                    }
                    index += 2
                } else if index + 1 < characters.count, !characters[index + 1].isWhitespace, inlineCloses(index) {
                    inlineMath = true
                    result.append(inlineOpen)
                    index += 1
                } else {
                    result.append(character)
                    index += 1
                }
            default:
                result.append(character)
                index += 1
            }
        }
    }

    /// Whether the inline math opened by the `$` at column `opener` of line `index` closes before
    /// the paragraph ends (it may run over a line break): the next `$` that is not escaped must
    /// follow a non-space and not be followed by a digit (inline math holds no unescaped `$`, so
    /// `$5 and $6` is text).
    private static func closesInlineMath(_ lines: [String], line index: Int, opener: Int) -> Bool {
        var text = Array(lines[index]).dropFirst(opener)
        var next = index + 1
        var position = text.startIndex + 2
        while true {
            while position < text.endIndex {
                if text[position] == "$", text[position - 1] != "\\" {
                    let following = position + 1 < text.endIndex ? text[position + 1] : nil
                    return !text[position - 1].isWhitespace && !(following?.isNumber ?? false)
                }
                position += 1
            }
            guard next < lines.count else { return false }
            let line = lines[next]
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) || fenceOpening(line) != nil { return false }
            // Continue with the next line, after a line break (a space for the rules above).
            let start = text.count
            text = ArraySlice(Array(text) + ["\n"] + Array(line))
            position = start
            next += 1
        }
    }
}

extension Array where Element == Character {
    /// Whether two `$` follow each other somewhere in the characters.
    fileprivate var containsDoubleDollar: Bool {
        zip(self, dropFirst()).contains { $0 == "$" && $1 == "$" }
    }
}

extension ArraySlice where Element == Character {
    /// Whether two `$` follow each other somewhere in the characters.
    fileprivate var containsDoubleDollar: Bool {
        zip(self, dropFirst()).contains { $0 == "$" && $1 == "$" }
    }
}
