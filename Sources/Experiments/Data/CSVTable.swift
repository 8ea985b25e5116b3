import FileAccess
import Foundation

/// A CSV file of numbers with a header row: the format every `data/*.csv` output uses, read back.
///
/// Fields are separated by commas; an empty field is a missing value; lines may end in `\r\n`.
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
    /// kept as text (an empty text field is an error).
    ///
    /// Errors say where the problem is (line, column) and never quote a field: a column is named
    /// by its header only when that header is a plain short name (``label(_:)``), else by number.
    public static func parse(_ text: String, name: String, textColumns: Set<String> = []) throws(CSVError) -> CSVTable {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .enumerated().map { ($0.offset + 1, $0.element.trimmingCharacters(in: .whitespaces)) }
            .filter { !$0.1.isEmpty }
        guard let header = lines.first else { throw CSVError("\(name) is empty") }
        let names = header.1.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        if let empty = names.firstIndex(where: \.isEmpty) {
            throw CSVError("\(name) line \(header.0): column \(empty + 1) of the header has no name")
        }
        var firstColumn = [String: Int]()
        for (index, column) in names.enumerated() {
            if let first = firstColumn[column] {
                throw CSVError("\(name) line \(header.0): columns \(first + 1) and \(index + 1) of the header have the same name")
            }
            firstColumn[column] = index
        }
        func column(_ index: Int) -> String { label(names[index]).map { "column \($0)" } ?? "column \(index + 1)" }
        var values = [[Double?]](repeating: [], count: names.count)
        var texts = [String: [String]]()
        for (number, line) in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == names.count else {
                throw CSVError("\(name) line \(number): \(fields.count) fields, but the header has \(names.count)")
            }
            for (index, field) in fields.enumerated() {
                let text = field.trimmingCharacters(in: .whitespaces)
                if textColumns.contains(names[index]) {
                    guard !text.isEmpty else { throw CSVError("\(name) line \(number), \(column(index)): empty") }
                    texts[names[index], default: []].append(text)
                    values[index].append(nil)
                } else if text.isEmpty {
                    values[index].append(nil)
                } else if let value = OptionSchema.parseNumber(text) {
                    values[index].append(value)
                } else {
                    throw CSVError("\(name) line \(number), \(column(index)): not a number")
                }
            }
        }
        var table = CSVTable(columns: zip(names, values).filter { !textColumns.contains($0.0) }.map { ($0, $1) })
        table.texts = texts
        return table
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

    /// Formats rows as CSV text with a header, numbers in shortest round-trip form.
    public static func format(columns: [String], rows: [[Double]]) -> String {
        var text = columns.joined(separator: ",") + "\n"
        for row in rows {
            text += row.map { $0.isFinite ? OptionValue.format($0) : "" }.joined(separator: ",") + "\n"
        }
        return text
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
