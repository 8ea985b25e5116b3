/// Finds the quoted values (`{{...}}`) of a notebook's prose before Markdown parsing and puts a
/// marker in place of each, which the Markdown renderer passes through as text; the report puts
/// the value where its marker is (`ProseValueRendering`).
///
/// Inside fenced code (experiment blocks included) and inline code spans `{{` is literal, as is
/// `\{{`. A marker is `U+E004`, the value's index in decimal digits, `U+E005`: private-use
/// characters, replaced by U+FFFD when a notebook itself contains them (as are U+E006 and U+E007,
/// the markers of math elements).
enum ProseValueProtection {
    /// Opens a marker.
    static let open: Character = "\u{E004}"
    /// Closes a marker.
    static let close: Character = "\u{E005}"

    /// The text with each quoted value replaced by its marker (lines keep their number), the
    /// values in order, and the problems of malformed ones (their text is left as written).
    static func protect(_ text: String) -> (text: String, values: [ProseValue], problems: [ProseValueProblem]) {
        var values = [ProseValue]()
        var problems = [ProseValueProblem]()
        var output = [String]()
        var fence: (character: Character, length: Int)?
        var text = text
        // The markers of values and of math elements (U+E004 to U+E007), written in the notebook
        // itself, become U+FFFD so that they cannot pose as ours.
        for marker in ["\u{E004}", "\u{E005}", "\u{E006}", "\u{E007}"] where text.contains(marker) {
            text = text.replacingOccurrences(of: marker, with: "\u{FFFD}")
        }
        guard text.contains("{{") || text.contains("[@") else { return (text, [], []) }
        for (index, rawLine) in text.linesSplitAtLineFeeds().enumerated() {
            let line = String(rawLine)
            let trimmed = line.drop { $0 == " " }
            if let current = fence {
                let run = trimmed.prefix { $0 == current.character }
                if run.count >= current.length, trimmed.dropFirst(run.count).allSatisfy(\.isWhitespace) { fence = nil }
                output.append(line)
                continue
            }
            if line.prefix(while: { $0 == " " }).count <= 3, let character = trimmed.first, character == "`" || character == "~" {
                let run = trimmed.prefix { $0 == character }
                if run.count >= 3, character == "~" || !trimmed.dropFirst(run.count).contains("`") {
                    fence = (character, run.count)
                    output.append(line)
                    continue
                }
            }
            output.append(protectLine(line, lineNumber: index + 1, values: &values, problems: &problems))
        }
        return (output.joined(separator: "\n"), values, problems)
    }

    /// One line of prose: code spans kept, each `{{...}}` outside them replaced.
    private static func protectLine(_ line: String, lineNumber: Int, values: inout [ProseValue],
                                    problems: inout [ProseValueProblem]) -> String {
        guard line.contains("{{") || line.contains("[@") else { return line }
        let characters = Array(line)
        var result = ""
        var i = 0
        while i < characters.count {
            let character = characters[i]
            if character == "\\", i + 1 < characters.count {
                result.append(character)
                result.append(characters[i + 1])
                i += 2
                continue
            }
            if character == "`" {
                // A code span: the same run of backticks closes it on this line, else the run is literal.
                var run = 0
                while i + run < characters.count, characters[i + run] == "`" { run += 1 }
                var search = i + run, end: Int?
                while search < characters.count {
                    if characters[search] == "`" {
                        var closing = 0
                        while search + closing < characters.count, characters[search + closing] == "`" { closing += 1 }
                        if closing == run { end = search + closing; break }
                        search += closing
                    } else {
                        search += 1
                    }
                }
                let stop = end ?? i + run
                result += String(characters[i..<stop])
                i = stop
                continue
            }
            if character == "[", i + 2 < characters.count, characters[i + 1] == "@",
               let end = characters[(i + 2)...].firstIndex(of: "]"), end > i + 2,
               characters[(i + 2)..<end].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
                let stem = String(characters[(i + 2)..<end])
                result.append(open)
                result += String(values.count)
                result.append(close)
                values.append(ProseValue(blockID: "", target: .figure(stem), format: .standard, line: lineNumber, column: i + 1,
                                         text: "[@\(stem)]"))
                i = end + 1
                continue
            }
            if character == "{", i + 1 < characters.count, characters[i + 1] == "{",
               let closing = closingBraces(characters, from: i + 2) {
                let inner = String(characters[(i + 2)..<closing])
                switch ProseValue.read(inner, line: lineNumber, column: i + 1) {
                case let .success(value)?:
                    result.append(open)
                    result += String(values.count)
                    result.append(close)
                    values.append(value)
                    i = closing + 2
                    continue
                case let .failure(problem)?:
                    problems.append(problem)
                case nil:
                    break
                }
            }
            result.append(character)
            i += 1
        }
        return result
    }

    /// The index of the `}}` that closes a reference starting at `start`, on the same line and
    /// before any other brace.
    private static func closingBraces(_ characters: [Character], from start: Int) -> Int? {
        var index = start
        while index + 1 < characters.count {
            if characters[index] == "}" { return characters[index + 1] == "}" ? index : nil }
            if characters[index] == "{" { return nil }
            index += 1
        }
        return nil
    }
}
