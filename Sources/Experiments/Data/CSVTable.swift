import FileAccess
import Foundation

/// A CSV file of numbers with a header row: the format every `data/*.csv` output uses, read back.
///
/// The text is read as RFC 4180 defines it (`CSVReader`): fields in double quotes may hold
/// commas, quotes (written twice) and line breaks; lines end in LF or CRLF; a UTF-8 byte-order
/// mark at the start is skipped. Beyond the RFC, empty and blank lines are skipped anywhere, and
/// spaces around an unquoted field (or around a number) are not part of it. An empty field is a
/// missing value.
public struct CSVTable: Sendable {
    /// The columns in file order, each with its values (`nil` for an empty field).
    public var columns: [(name: String, values: [Double?])]
    /// The columns read as text (those named in `textColumns` when parsing), by name, one entry per row.
    public var texts: [String: [String]] = [:]

    /// Reads and checks the regular file at `url` (resolved by the block's ``ReadScope``); the
    /// columns named in `textColumns` are kept as text, not numbers. Files larger than
    /// `sizeLimit` bytes are refused before they are read.
    public static func read(_ url: URL, textColumns: Set<String> = [], sizeLimit: Int = Int.max) throws(CSVError) -> CSVTable {
        let data: Data
        do { data = try RegularFile.read(url.path, limit: sizeLimit) } catch {
            if case .tooLarge = error {
                throw CSVError("\(url.lastPathComponent) \(error.explanation) (--max-data-size); raise the limit to read it")
            }
            throw CSVError("\(url.lastPathComponent) \(error.explanation)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CSVError("\(url.lastPathComponent) is not readable UTF-8 text")
        }
        return try parse(text, name: url.lastPathComponent, textColumns: textColumns)
    }

    /// Parses CSV text; `name` appears in error messages; the columns named in `textColumns` are
    /// kept as text (an empty text field is an error). A quoted text field is kept as it is; an
    /// unquoted one, a header name and a number are read without the spaces around them.
    ///
    /// Errors say where the problem is (line, column) and never quote a field: a column is named
    /// by its header only when that header is a plain short name (``label(_:)``), else by number.
    /// The line is the one the field (or, for a wrong number of fields, the record) starts on,
    /// counting the line breaks inside quoted fields.
    public static func parse(_ text: String, name: String, textColumns: Set<String> = []) throws(CSVError) -> CSVTable {
        var reader = CSVReader(text)
        var names = [String]()
        func column(_ index: Int) -> String {
            guard index < names.count, let label = label(names[index]) else { return "column \(index + 1)" }
            return "column \(label)"
        }
        /// The next record that is not a blank line, with at most `limit` of its fields kept.
        func nextRecord(keepingAtMost limit: Int = .max) throws(CSVError) -> CSVReader.Record? {
            do throws(CSVReader.SyntaxError) {
                while let record = try reader.next(keepingAtMost: max(limit, 1)) {
                    if record.count != 1 || record.fields[0].quoted || !trimmed(record.fields[0].text).isEmpty { return record }
                }
                return nil
            } catch {
                throw CSVError("\(name) line \(error.line), \(column(error.field)): \(error.explanation)")
            }
        }
        guard let header = try nextRecord() else { throw CSVError("\(name) is empty") }
        names = header.fields.map { $0.quoted ? $0.text : trimmed($0.text) }
        if let empty = names.firstIndex(where: { trimmed($0).isEmpty }) {
            throw CSVError("\(name) line \(header.line): column \(empty + 1) of the header has no name")
        }
        var firstColumn = [String: Int]()
        for (index, column) in names.enumerated() {
            if let first = firstColumn[column] {
                throw CSVError("\(name) line \(header.line): columns \(first + 1) and \(index + 1) of the header have the same name")
            }
            firstColumn[column] = index
        }
        let isText = names.map(textColumns.contains)
        var values = [[Double?]](repeating: [], count: names.count)
        var texts = [String: [String]]()
        while let record = try nextRecord(keepingAtMost: names.count) {
            guard record.count == names.count else {
                throw CSVError("\(name) line \(record.line): \(record.count) fields, but the header has \(names.count)")
            }
            for (index, field) in record.fields.enumerated() {
                if isText[index] {
                    let text = field.quoted ? field.text : trimmed(field.text)
                    guard !trimmed(text).isEmpty else { throw CSVError("\(name) line \(field.line), \(column(index)): empty") }
                    texts[names[index], default: []].append(text)
                    values[index].append(nil)
                    continue
                }
                let text = trimmed(field.text)
                if text.isEmpty {
                    values[index].append(nil)
                } else if let value = OptionSchema.parseNumber(text) {
                    values[index].append(value)
                } else {
                    throw CSVError("\(name) line \(field.line), \(column(index)): not a number")
                }
            }
        }
        var table = CSVTable(columns: zip(names, values).filter { !textColumns.contains($0.0) }.map { ($0, $1) })
        table.texts = texts
        return table
    }

    /// `text` without the spaces around it (those of ``isSpace(_:)``); cheap when there are none.
    private static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last, isSpace(first) || isSpace(last) else { return text }
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, isSpace(scalars[start]) { scalars.formIndex(after: &start) }
        while start < end, isSpace(scalars[scalars.index(before: end)]) { scalars.formIndex(before: &end) }
        return String(scalars[start..<end])
    }

    /// Whether `scalar` is a tab or a space (Unicode category Zs), as in Foundation's
    /// `CharacterSet.whitespaces`, which is slow to ask field by field.
    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || (!scalar.isASCII && scalar.properties.generalCategory == .spaceSeparator)
    }

    /// `'name'` for a header or text field that is a plain short name (letters, digits, `_`, `-`,
    /// `.` and spaces, at most 32 characters), which a message may show; `nil` for anything else,
    /// which a message refers to by position instead, so that no message quotes the arbitrary
    /// contents of a file.
    public static func label(_ text: String) -> String? {
        isPlainName(text) ? "'\(text)'" : nil
    }

    /// Whether `text` is a plain short name that a message may show (see ``label(_:)``).
    public static func isPlainName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 32
            && text.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
                || $0 == "_" || $0 == "-" || $0 == "." || $0 == " " }
    }

    /// Formats rows as CSV text with a header, numbers in shortest round-trip form and a
    /// non-finite number as an empty field; a header name is quoted when it needs it
    /// (``formatField(_:)``). Lines end in LF rather than RFC 4180's CRLF; readers take either,
    /// ``parse(_:name:textColumns:)`` too.
    public static func format(columns: [String], rows: [[Double]]) -> String {
        var text = formatRecord(columns) + "\n"
        for row in rows {
            text += formatRecord(row.map { $0.isFinite ? OptionValue.format($0) : "" }) + "\n"
        }
        return text
    }

    /// One record as CSV text without its line end: the fields, each as ``formatField(_:)``
    /// writes it, joined by commas. A record of one empty field is written `""`, since reading
    /// skips an empty line.
    public static func formatRecord(_ fields: [String]) -> String {
        if fields == [""] { return "\"\"" }
        return fields.map(formatField).joined(separator: ",")
    }

    /// A field as CSV text that reads back as `field`: as it is, or in double quotes with each
    /// quote written twice (RFC 4180, section 2) when it holds a comma, a quote, a CR or an LF,
    /// starts or ends with a space (which reading would trim), or starts with a byte-order mark.
    public static func formatField(_ field: String) -> String {
        let scalars = field.unicodeScalars
        let needsQuotes = scalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
            || scalars.first.map { isSpace($0) || $0 == "\u{FEFF}" } ?? false
            || scalars.last.map(isSpace) ?? false
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A CSV file that cannot be used, with the line to look at.
public struct CSVError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var description: String
    init(_ description: String) {
        self.description = description
    }
}
