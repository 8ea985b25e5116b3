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
    ///
    /// Works on the UTF-8 bytes (every byte it looks for is ASCII, which never occurs inside a
    /// multi-byte character) in time linear in the text: the questions "does this `$` close before
    /// the paragraph ends?" are answered from tables made in one pass per line and one over the
    /// lines, never by scanning ahead again for each `$`.
    static func protect(_ text: String) -> String {
        var bytes = Array(text.utf8)
        replaceMarkers(&bytes)
        let lines = lineRanges(bytes)
        let lookahead = ParagraphLookahead(bytes: bytes, lines: lines)
        var output = [UInt8]()
        output.reserveCapacity(bytes.count + bytes.count / 8)
        var fence: (character: UInt8, length: Int)?
        var inDisplayMath = false
        var inInlineMath = false
        for (lineIndex, range) in lines.enumerated() {
            if lineIndex > 0 { output.append(newline) }
            let line = bytes[range]
            let trimmed = line.drop { $0 == space }
            if let open = fence {
                if trimmed.first == open.character, trimmed.prefix(while: { $0 == open.character }).count >= open.length,
                   trimmed.drop(while: { $0 == open.character }).allSatisfy(isWhitespace) {
                    fence = nil
                }
                output += line
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
                output += line
                continue
            }
            let nextDollar = ParagraphLookahead.nextUnescapedDollar(in: line)
            protectLine(
                line, into: &output, displayMath: &inDisplayMath, inlineMath: &inInlineMath,
                displayCloses: { lookahead.closesDisplayMath(line: lineIndex, after: $0) },
                inlineCloses: { lookahead.closesInlineMath(line: lineIndex, opener: $0, nextDollar: nextDollar) })
        }
        return String(decoding: output, as: UTF8.self)
    }

    static let newline = UInt8(ascii: "\n"), space = UInt8(ascii: " "), dollar = UInt8(ascii: "$")
    static let backslash = UInt8(ascii: "\\"), backtick = UInt8(ascii: "`")

    /// Whether a byte is ASCII white space (a space, a tab, a line end).
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == UInt8(ascii: "\t") || byte == newline || byte == UInt8(ascii: "\r") || byte == 0x0B || byte == 0x0C
    }

    /// Whether a byte is an ASCII digit.
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Whether a byte is ASCII punctuation or a symbol (what CommonMark lets a backslash escape).
    static func isPunctuation(_ byte: UInt8) -> Bool {
        (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte) || (0x7B...0x7E).contains(byte)
    }

    /// The markers' UTF-8 form: EE 80 80 ... EE 80 83.
    static func markerBytes(_ marker: Character) -> [UInt8] { Array(String(marker).utf8) }

    /// Replaces the marker characters (U+E000 to U+E003) written in the notebook itself by U+FFFD.
    private static func replaceMarkers(_ bytes: inout [UInt8]) {
        guard bytes.contains(0xEE) else { return }
        var index = 0
        while index + 2 < bytes.count {
            if bytes[index] == 0xEE, bytes[index + 1] == 0x80, (0x80...0x83).contains(bytes[index + 2]) {
                bytes[index] = 0xEF
                bytes[index + 1] = 0xBF
                bytes[index + 2] = 0xBD
                index += 3
            } else {
                index += 1
            }
        }
    }

    /// The byte ranges of the lines (without their line feeds).
    private static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges = [Range<Int>]()
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == newline {
            ranges.append(start..<index)
            start = index + 1
        }
        ranges.append(start..<bytes.count)
        return ranges
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
    static func fenceOpening(_ line: ArraySlice<UInt8>) -> (character: UInt8, length: Int)? {
        guard line.prefix(while: { $0 == space }).count < 4 else { return nil }
        let trimmed = line.drop { $0 == space }
        guard let first = trimmed.first, first == backtick || first == UInt8(ascii: "~") else { return nil }
        let run = trimmed.prefix { $0 == first }.count
        return run >= 3 ? (first, run) : nil
    }

    /// Protects one line: `line` is a slice of the text's bytes (its indices are the text's).
    private static func protectLine(
        _ line: ArraySlice<UInt8>, into result: inout [UInt8], displayMath: inout Bool, inlineMath: inout Bool,
        displayCloses: (Int) -> Bool, inlineCloses: (Int) -> Bool
    ) {
        let start = line.startIndex, end = line.endIndex
        var index = start
        while index < end {
            let byte = line[index]
            if displayMath || inlineMath {
                if byte == dollar {
                    if displayMath, index + 1 < end, line[index + 1] == dollar {
                        displayMath = false
                        result += markerBytes(displayClose)
                        index += 2
                        continue
                    }
                    if inlineMath, index > start, !isWhitespace(line[index - 1]), line[index - 1] != backslash,
                       !(index + 1 < end && isDigit(line[index + 1])) {
                        inlineMath = false
                        result += markerBytes(inlineClose)
                        index += 1
                        continue
                    }
                }
                if isPunctuation(byte) { result.append(backslash) }
                result.append(byte)
                index += 1
                continue
            }
            switch byte {
            case backslash:
                result.append(byte)
                if index + 1 < end { result.append(line[index + 1]) }
                index += 2
            case backtick:
                let run = line[index...].prefix { $0 == backtick }.count
                var close = index + run
                var found: Int?
                while close < end {
                    if line[close] == backtick {
                        let closing = line[close...].prefix { $0 == backtick }.count
                        if closing == run { found = close; break }
                        close += closing
                    } else {
                        close += 1
                    }
                }
                let stop = found.map { $0 + run } ?? index + run
                result += line[index..<stop]
                index = stop
            case dollar:
                if index + 1 < end, line[index + 1] == dollar {
                    if displayCloses(index + 2) {
                        displayMath = true
                        result += markerBytes(displayOpen)
                    } else {
                        result += [dollar, dollar]
                    }
                    index += 2
                } else if index + 1 < end, !isWhitespace(line[index + 1]), inlineCloses(index) {
                    inlineMath = true
                    result += markerBytes(inlineOpen)
                    index += 1
                } else {
                    result.append(byte)
                    index += 1
                }
            default:
                result.append(byte)
                index += 1
            }
        }
    }
}

/// What lies ahead in a paragraph, made once for the whole text so that every question about a
/// closing delimiter costs constant time: for each line, its first unescaped `$` and the last `$$`
/// in it, and the next line of the same paragraph that has either.
struct ParagraphLookahead {
    let bytes: [UInt8]
    let lines: [Range<Int>]
    /// The text index of each line's first `$` not after a backslash, or -1.
    private var firstDollar: [Int]
    /// The text index of the start of each line's last `$$`, or -1.
    private var lastDoubleDollar: [Int]
    /// The next line after each line, in the same paragraph, with an unescaped `$` (-1: none).
    private var nextLineWithDollar: [Int]
    /// The next line after each line, in the same paragraph, with a `$$` (-1: none).
    private var nextLineWithDoubleDollar: [Int]

    init(bytes: [UInt8], lines: [Range<Int>]) {
        self.bytes = bytes
        self.lines = lines
        let dollar = MathProtection.dollar
        firstDollar = lines.map { range in
            range.first { bytes[$0] == dollar && ($0 == range.lowerBound || bytes[$0 - 1] != MathProtection.backslash) } ?? -1
        }
        lastDoubleDollar = lines.map { range in
            guard range.count >= 2 else { return -1 }
            return stride(from: range.upperBound - 2, through: range.lowerBound, by: -1).first { bytes[$0] == dollar && bytes[$0 + 1] == dollar } ?? -1
        }
        nextLineWithDollar = [Int](repeating: -1, count: lines.count)
        nextLineWithDoubleDollar = [Int](repeating: -1, count: lines.count)
        var dollarLine = -1, doubleLine = -1
        for index in lines.indices.reversed() {
            nextLineWithDollar[index] = dollarLine
            nextLineWithDoubleDollar[index] = doubleLine
            let line = bytes[lines[index]]
            // A blank line or a fence ends the paragraph: nothing after it counts for the lines above.
            if line.allSatisfy({ $0 == MathProtection.space || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") })
                || MathProtection.fenceOpening(line) != nil {
                dollarLine = -1
                doubleLine = -1
            } else {
                if firstDollar[index] >= 0 { dollarLine = index }
                if lastDoubleDollar[index] >= 0 { doubleLine = index }
            }
        }
    }

    /// For each byte of `line`, the index of the next `$` at or after it that does not follow a
    /// backslash (`-1`: none), by text index.
    static func nextUnescapedDollar(in line: ArraySlice<UInt8>) -> [Int] {
        var next = [Int](repeating: -1, count: line.count + 1)
        var found = -1
        for index in stride(from: line.endIndex - 1, through: line.startIndex, by: -1) {
            if line[index] == MathProtection.dollar, index == line.startIndex || line[index - 1] != MathProtection.backslash { found = index }
            next[index - line.startIndex] = found
        }
        return next
    }

    /// Whether a `$$` opened just before text index `after` of line `index` is closed by a later
    /// `$$` before the paragraph ends.
    func closesDisplayMath(line index: Int, after: Int) -> Bool {
        lastDoubleDollar[index] >= after || nextLineWithDoubleDollar[index] >= 0
    }

    /// Whether the inline math opened by the `$` at text index `opener` of line `index` closes
    /// before the paragraph ends (it may run over a line break): the next `$` that is not escaped
    /// must follow a non-space and not be followed by a digit (inline math holds no unescaped `$`,
    /// so `$5 and $6` is text). `nextDollar` is ``nextUnescapedDollar(in:)`` of the line.
    func closesInlineMath(line index: Int, opener: Int, nextDollar: [Int]) -> Bool {
        let range = lines[index]
        let from = opener + 2
        var position = from < range.upperBound ? nextDollar[from - range.lowerBound] : -1
        var lineOfPosition = index
        if position < 0 {
            // Continue in the paragraph's next line with a `$`: a line break precedes its first byte.
            let next = nextLineWithDollar[index]
            guard next >= 0 else { return false }
            position = firstDollar[next]
            lineOfPosition = next
        }
        let lineRange = lines[lineOfPosition]
        guard position > lineRange.lowerBound else { return false }
        let following = position + 1 < lineRange.upperBound ? bytes[position + 1] : nil
        return !MathProtection.isWhitespace(bytes[position - 1]) && !(following.map(MathProtection.isDigit) ?? false)
    }
}
