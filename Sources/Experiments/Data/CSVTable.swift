import Foundation

/// A CSV file of numbers with a header row: the format every `data/*.csv` output uses, read back.
///
/// Fields are separated by commas; an empty field is a missing value; lines may end in `\r\n`.
public struct CSVTable: Sendable {
    /// The columns in file order, each with its values (`nil` for an empty field).
    public var columns: [(name: String, values: [Double?])]
    /// The columns read as text (those named in `textColumns` when parsing), by name, one entry per row.
    public var texts: [String: [String]] = [:]

    /// The file a `data: {csv: path}` option names: `path` itself when absolute, else relative to
    /// the notebook's folder.
    public static func location(of path: String, relativeTo directory: URL) -> URL {
        (path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)).standardizedFileURL
    }

    /// Reads and checks a file; the columns named in `textColumns` are kept as text, not numbers.
    public static func read(_ url: URL, textColumns: Set<String> = []) throws(CSVError) -> CSVTable {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CSVError("no such file \(url.path)")
        }
        guard !isDirectory.boolValue else { throw CSVError("\(url.lastPathComponent) is a directory, not a CSV file") }
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw CSVError("\(url.lastPathComponent) is not readable UTF-8 text")
        }
        return try parse(text, name: url.lastPathComponent, textColumns: textColumns)
    }

    /// Parses CSV text; `name` appears in error messages; the columns named in `textColumns` are
    /// kept as text (an empty text field is an error).
    public static func parse(_ text: String, name: String, textColumns: Set<String> = []) throws(CSVError) -> CSVTable {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .enumerated().map { ($0.offset + 1, $0.element.trimmingCharacters(in: .whitespaces)) }
            .filter { !$0.1.isEmpty }
        guard let header = lines.first else { throw CSVError("\(name) is empty") }
        let names = header.1.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        guard !names.contains(where: \.isEmpty) else { throw CSVError("\(name) line \(header.0): empty column name in the header") }
        if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw CSVError("\(name) line \(header.0): column '\(duplicate)' appears twice in the header")
        }
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
                    guard !text.isEmpty else { throw CSVError("\(name) line \(number): column '\(names[index])' is empty") }
                    texts[names[index], default: []].append(text)
                    values[index].append(nil)
                } else if text.isEmpty {
                    values[index].append(nil)
                } else if let value = OptionSchema.parseNumber(text) {
                    values[index].append(value)
                } else {
                    throw CSVError("\(name) line \(number): '\(text)' in column '\(names[index])' is not a number")
                }
            }
        }
        var table = CSVTable(columns: zip(names, values).filter { !textColumns.contains($0.0) }.map { ($0, $1) })
        table.texts = texts
        return table
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
