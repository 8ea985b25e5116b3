/// Reads CSV text record by record, as RFC 4180 ("Common Format and MIME Type for
/// Comma-Separated Values (CSV) Files", section 2) defines it: fields separated by commas; a field
/// in double quotes may hold commas, line breaks and quotes (each written twice, `""`); records end
/// in CRLF or LF (a lone CR is read as a line end too); a UTF-8 byte-order mark at the start is
/// skipped. Each record and field knows the line it starts on, counting the line breaks inside
/// quoted fields.
///
/// Two leniencies beyond the RFC: spaces and tabs before an opening quote or after a closing one
/// are ignored (`a, "b"`), and the text of unquoted fields is given as it is, for the caller to
/// trim. Malformed text (a quote that is never closed, text after a closing quote, a quote inside
/// an unquoted field) is a ``SyntaxError`` with the line and the field's number, never its text.
///
/// The reader is hand-written rather than taken from a package: yaslab/CSV.swift 2.5.2 reports no
/// syntax errors at all (an unclosed quote silently runs to the end of the file, text after a
/// closing quote is appended) and no positions; swiftcsv/SwiftCSV 0.10.0 throws errors without a
/// position that quote the offending character, accepts an unclosed quote, drops an empty last
/// field at the end of the text, and does not quote line breaks when writing. Neither says on
/// which line a record starts. This one makes a single pass over the UTF-8 bytes, so its time is
/// linear in the input, and it keeps only the current record.
struct CSVReader {
    /// A field of a record: its text (unescaped, for a quoted field), whether it was quoted, and
    /// the line it starts on.
    struct Field: Sendable, Equatable {
        var text: String
        var quoted: Bool
        var line: Int
    }

    /// A record: the line it starts on (1 for the first line), its fields in order (at most as
    /// many as asked for) and how many it has. An empty line is a record of one empty unquoted
    /// field.
    struct Record: Sendable, Equatable {
        var line: Int
        var fields: [Field]
        var count: Int

        /// A record of `fields` and no more.
        init(line: Int, fields: [Field]) {
            self.init(line: line, fields: fields, count: fields.count)
        }

        /// A record of `count` fields of which the first are `fields`.
        init(line: Int, fields: [Field], count: Int) {
            self.line = line
            self.fields = fields
            self.count = count
        }
    }

    /// Text that is not CSV, with where it is: the line and the number of the field in its record
    /// (0 for the first). The message never holds the text itself.
    struct SyntaxError: Error, Sendable, Equatable {
        /// What is wrong.
        enum Problem: Sendable, Equatable {
            /// A field opens with a quote that no quote closes before the end of the text; the
            /// line is the opening quote's.
            case unclosedQuote
            /// Something other than a comma or a line end follows a quoted field's closing
            /// quote; the line is the closing quote's.
            case textAfterClosingQuote
            /// An unquoted field holds a quote.
            case quoteInUnquotedField
        }

        var problem: Problem
        var line: Int
        var field: Int

        /// What is wrong, in words, without the position.
        var explanation: String {
            switch problem {
            case .unclosedQuote:
                "the quote that opens the field is never closed"
            case .textAfterClosingQuote:
                "text follows the closing quote of the field; a quote inside a quoted field is written twice (\"\")"
            case .quoteInUnquotedField:
                "a quote inside a field that does not start with one; put the field in quotes and write the quote twice (\"\")"
            }
        }
    }

    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")

    private let bytes: String.UTF8View
    private var index: String.UTF8View.Index
    /// The line of the byte at `index`.
    private var line = 1
    /// The number of fields of the last record, to reserve for the next.
    private var width = 0

    /// A reader of `text`, positioned after a leading byte-order mark if there is one.
    init(_ text: String) {
        bytes = text.utf8
        index = bytes.startIndex
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            index = bytes.index(index, offsetBy: 3)
        }
    }

    /// The next record, or `nil` at the end of the text. An empty line is a record of one empty
    /// field; a line end at the very end of the text starts no record. Fields after the first
    /// `limit` are read (and checked) but only counted, so that a line of a million commas costs
    /// no more memory than the fields a caller wants.
    mutating func next(keepingAtMost limit: Int = .max) throws(SyntaxError) -> Record? {
        guard index < bytes.endIndex else { return nil }
        var record = Record(line: line, fields: [])
        record.fields.reserveCapacity(min(width, limit))
        while true {
            let (field, endsRecord) = try readField(number: record.count)
            if record.count < limit { record.fields.append(field) }
            record.count += 1
            if endsRecord {
                width = record.count
                return record
            }
        }
    }

    /// Reads one field and the comma or line end after it; says whether the record ended.
    private mutating func readField(number: Int) throws(SyntaxError) -> (Field, endsRecord: Bool) {
        let start = index
        var probe = index
        while probe < bytes.endIndex, bytes[probe] == Self.space || bytes[probe] == Self.tab {
            bytes.formIndex(after: &probe)
        }
        if probe < bytes.endIndex, bytes[probe] == Self.quote {
            index = bytes.index(after: probe)
            return try readQuoted(number: number)
        }
        while index < bytes.endIndex {
            switch bytes[index] {
            case Self.comma:
                let field = Field(text: text(start..<index), quoted: false, line: line)
                bytes.formIndex(after: &index)
                return (field, false)
            case Self.lineFeed, Self.carriageReturn:
                let field = Field(text: text(start..<index), quoted: false, line: line)
                skipLineEnd()
                return (field, true)
            case Self.quote:
                throw SyntaxError(problem: .quoteInUnquotedField, line: line, field: number)
            default:
                bytes.formIndex(after: &index)
            }
        }
        return (Field(text: text(start..<index), quoted: false, line: line), true)
    }

    /// Reads a quoted field from just after its opening quote.
    private mutating func readQuoted(number: Int) throws(SyntaxError) -> (Field, endsRecord: Bool) {
        let fieldLine = line
        var value = ""
        var segment = index
        while index < bytes.endIndex {
            switch bytes[index] {
            case Self.quote:
                let quoteIndex = index
                bytes.formIndex(after: &index)
                if index < bytes.endIndex, bytes[index] == Self.quote {
                    // An escaped quote: keep the first of the pair.
                    value += text(segment..<index)
                    bytes.formIndex(after: &index)
                    segment = index
                    continue
                }
                value += text(segment..<quoteIndex)
                let closingLine = line
                while index < bytes.endIndex, bytes[index] == Self.space || bytes[index] == Self.tab {
                    bytes.formIndex(after: &index)
                }
                let field = Field(text: value, quoted: true, line: fieldLine)
                guard index < bytes.endIndex else { return (field, true) }
                switch bytes[index] {
                case Self.comma:
                    bytes.formIndex(after: &index)
                    return (field, false)
                case Self.lineFeed, Self.carriageReturn:
                    skipLineEnd()
                    return (field, true)
                default:
                    throw SyntaxError(problem: .textAfterClosingQuote, line: closingLine, field: number)
                }
            case Self.lineFeed, Self.carriageReturn:
                // Part of the field; counted as one line however it is written.
                skipLineEnd()
            default:
                bytes.formIndex(after: &index)
            }
        }
        throw SyntaxError(problem: .unclosedQuote, line: fieldLine, field: number)
    }

    /// Steps over the line end at `index` (CRLF, LF or CR) and counts the line.
    private mutating func skipLineEnd() {
        let first = bytes[index]
        bytes.formIndex(after: &index)
        if first == Self.carriageReturn, index < bytes.endIndex, bytes[index] == Self.lineFeed {
            bytes.formIndex(after: &index)
        }
        line += 1
    }

    /// The text of a range whose ends are at ASCII bytes (or the ends of the text).
    private func text(_ range: Range<String.UTF8View.Index>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }
}
