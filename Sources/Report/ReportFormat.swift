/// Text formatting shared by the report and index pages; locale-independent and deterministic.
public enum ReportFormat {
    /// A wall-clock duration for people: `"< 1 ms"`, `"4 ms"`, `"1.3 s"`, `"42 s"`, `"2 min 5 s"`,
    /// `"1 h 2 min"`; `"–"` for a negative or non-finite value.
    public static func duration(seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "–" }
        let milliseconds = (seconds * 1000).rounded()
        if milliseconds < 1 { return "< 1 ms" }
        if milliseconds < 1000 { return "\(Int(milliseconds)) ms" }
        let tenths = Int((seconds * 10).rounded())
        if tenths < 100 { return "\(tenths / 10).\(tenths % 10) s" }
        let whole = seconds.rounded()
        guard whole < Double(Int.max / 2) else { return "–" }
        let total = Int(whole)
        if total < 60 { return "\(total) s" }
        let minutes = total / 60, rest = total % 60
        if minutes < 60 { return rest == 0 ? "\(minutes) min" : "\(minutes) min \(rest) s" }
        let hours = minutes / 60, restMinutes = minutes % 60
        return restMinutes == 0 ? "\(hours) h" : "\(hours) h \(restMinutes) min"
    }

    /// Whether a metric or column name stands for a measured time (`seconds_per_iteration`, a
    /// `seconds` column), whose values change from run to run.
    public static func isTimingName(_ name: String) -> Bool {
        name.lowercased().contains("seconds")
    }

    /// `text` cut into pieces, each flagged when it is a measured time: a number followed by a unit
    /// of time (`0.012 s`, `4 ms`, `2.5 seconds`, `3 min`), as kinds write them in their logs.
    public static func timingSegments(_ text: String) -> [(text: String, isTiming: Bool)] {
        let characters = Array(text)
        var segments: [(text: String, isTiming: Bool)] = []
        var plainStart = 0
        var index = 0
        func isWordCharacter(_ position: Int) -> Bool {
            position >= 0 && position < characters.count
                && (characters[position].isLetter || characters[position].isNumber || characters[position] == "_")
        }
        while index < characters.count {
            guard characters[index].isASCIIDigit, !isWordCharacter(index - 1),
                  index == 0 || characters[index - 1] != "." else {
                index += 1
                continue
            }
            var end = index
            while end < characters.count, characters[end].isASCIIDigit { end += 1 }
            if end + 1 < characters.count, characters[end] == ".", characters[end + 1].isASCIIDigit {
                end += 1
                while end < characters.count, characters[end].isASCIIDigit { end += 1 }
            }
            if end + 1 < characters.count, characters[end] == "e" || characters[end] == "E" {
                var exponent = end + 1
                if exponent < characters.count, characters[exponent] == "-" || characters[exponent] == "+" { exponent += 1 }
                if exponent < characters.count, characters[exponent].isASCIIDigit {
                    end = exponent
                    while end < characters.count, characters[end].isASCIIDigit { end += 1 }
                }
            }
            var unitStart = end
            if unitStart < characters.count, characters[unitStart] == " " || characters[unitStart] == "\u{00A0}" {
                unitStart += 1
            }
            let unit = timeUnits.first { unit in
                let scalars = Array(unit)
                return unitStart + scalars.count <= characters.count
                    && Array(characters[unitStart..<(unitStart + scalars.count)]) == scalars
                    && !isWordCharacter(unitStart + scalars.count)
            }
            guard let unit else {
                index = end
                continue
            }
            let timingEnd = unitStart + unit.count
            if plainStart < index { segments.append((String(characters[plainStart..<index]), false)) }
            segments.append((String(characters[index..<timingEnd]), true))
            plainStart = timingEnd
            index = timingEnd
        }
        if plainStart < characters.count { segments.append((String(characters[plainStart...]), false)) }
        return segments
    }

    /// Units of time a duration may be written in, longest first.
    private static let timeUnits = ["seconds", "second", "min", "ms", "µs", "us", "ns", "s"]

    /// Whether a table cell reads as a number (and is therefore right-aligned).
    ///
    /// Accepts an optional sign (`+`, `-`, `−`), digits with an optional decimal point or thousands
    /// separators (`1,234,567`), an optional exponent, an optional trailing `%`, and the special values
    /// `nan`, `inf`, `infinity` and `∞` (any case, signed).
    public static func looksNumeric(_ cell: String) -> Bool {
        var text = cell.trimmingSpaces
        if let first = text.first, first == "+" || first == "-" || first == "\u{2212}" {
            text = text.dropFirst()
        }
        let rest = text.lowercased()
        if ["nan", "inf", "infinity", "∞"].contains(rest) { return true }
        var body = Substring(rest)
        if body.hasSuffix("%") { body = body.dropLast() }
        // Mantissa, then exponent.
        var mantissa = body, exponent: Substring? = nil
        if let e = body.firstIndex(where: { $0 == "e" }) {
            mantissa = body[..<e]
            exponent = body[body.index(after: e)...]
        }
        if let exponent {
            var digits = exponent
            if let sign = digits.first, sign == "+" || sign == "-" { digits = digits.dropFirst() }
            guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else { return false }
        }
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = parts[0], fraction = parts.count > 1 ? parts[1] : ""
        guard !(integer.isEmpty && fraction.isEmpty), fraction.allSatisfy(\.isASCIIDigit) else { return false }
        if integer.allSatisfy(\.isASCIIDigit) { return true }
        // Thousands separators: 1,234 or 12,345,678.
        let groups = integer.split(separator: ",", omittingEmptySubsequences: false)
        guard groups.count > 1, let lead = groups.first, (1...3).contains(lead.count) else { return false }
        return groups.allSatisfy { $0.allSatisfy(\.isASCIIDigit) }
            && groups.dropFirst().allSatisfy { $0.count == 3 }
    }
}

extension Character {
    /// Whether this is one of `0`...`9`.
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[start...end]
    }
}
