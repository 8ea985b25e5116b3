/// Keeps TeX math verbatim through Markdown parsing.
///
/// Inside `$...$` and `$$...$$` (outside code), every ASCII punctuation character gets a
/// backslash, which CommonMark turns back into the character itself: `$a_1 * b_2$` is shown as
/// written instead of becoming emphasis. Delimiters follow Pandoc's rule: an opening `$` is
/// followed by a non-space, a closing `$` follows a non-space and is not followed by a digit.
enum MathProtection {
    /// Returns `text` with its math spans protected; the number of lines is unchanged.
    static func protect(_ text: String) -> String {
        var output = [String]()
        var fence: (character: Character, length: Int)?
        var inDisplayMath = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if let open = fence {
                if trimmed.first == open.character, trimmed.prefix(while: { $0 == open.character }).count >= open.length,
                   trimmed.drop(while: { $0 == open.character }).allSatisfy(\.isWhitespace) {
                    fence = nil
                }
                output.append(String(line))
                continue
            }
            // A blank line ends a paragraph and with it any display math left open (a stray `$$`
            // must not swallow the rest of the notebook), and a fence always opens a fence.
            if trimmed.isEmpty { inDisplayMath = false }
            if line.prefix(while: { $0 == " " }).count < 4, let first = trimmed.first, first == "`" || first == "~" {
                let run = trimmed.prefix { $0 == first }.count
                if run >= 3 {
                    inDisplayMath = false
                    fence = (first, run)
                    output.append(String(line))
                    continue
                }
            }
            var result = ""
            protectLine(Array(line), into: &result, displayMath: &inDisplayMath)
            output.append(result)
        }
        return output.joined(separator: "\n")
    }

    private static func protectLine(_ characters: [Character], into result: inout String, displayMath: inout Bool) {
        var index = 0
        var inlineMath = false
        while index < characters.count {
            let character = characters[index]
            if displayMath || inlineMath {
                if character == "$" {
                    if displayMath, index + 1 < characters.count, characters[index + 1] == "$" {
                        displayMath = false
                        result += "$$"
                        index += 2
                        continue
                    }
                    if inlineMath, index > 0, !characters[index - 1].isWhitespace,
                       !(index + 1 < characters.count && characters[index + 1].isNumber) {
                        inlineMath = false
                        result.append("$")
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
                    displayMath = true
                    result += "$$"
                    index += 2
                } else if index + 1 < characters.count, !characters[index + 1].isWhitespace,
                          hasClosingDollar(characters, after: index) {
                    inlineMath = true
                    result.append("$")
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

    private static func hasClosingDollar(_ characters: [Character], after start: Int) -> Bool {
        var index = start + 2
        while index < characters.count {
            if characters[index] == "$", !characters[index - 1].isWhitespace, characters[index - 1] != "\\",
               !(index + 1 < characters.count && characters[index + 1].isNumber) {
                return true
            }
            index += 1
        }
        return false
    }
}
