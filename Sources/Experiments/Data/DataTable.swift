import FileAccess
import Foundation

/// The table a data option (`data: ...`) names, read: columns written in the block, a CSV file in
/// the read scope, or another block's table. Every kind reads its data option through
/// ``BlockContext/dataTable(_:option:at:textColumns:)``, so the three sources are read, bounded and
/// named the same way everywhere.
public struct DataTable: Sendable {
    /// The columns (and the text columns asked for).
    public var table: CSVTable
    /// The CSV file, when the option names one (it is in the block's cache key).
    public var file: URL?
    /// How messages name the source: `'data'`, `'obs.csv'`, `block 'ecg'`.
    public var origin: String
    /// Whether the column names were written in the notebook (they may be quoted in messages);
    /// names from a file are shown only when plain (no message quotes a file's text).
    public var namesFromNotebook: Bool

    /// A column's name as messages may show it, or `nil` when it must not be quoted.
    public func shown(_ name: String) -> String? {
        namesFromNotebook || CSVTable.isPlainName(name) ? name : nil
    }
}

extension BlockContext {
    /// The table `value` names: inline columns, the CSV file (resolved in the read scope, at most
    /// the budget's data size), or another block's table; `nil` while that block has not run (the
    /// runner makes the block again with its files). The columns in `textColumns` are read as text.
    ///
    /// - Throws: an `OptionError` at `position` naming `option` and why the file or table cannot be
    ///   read.
    public func dataTable(_ value: ColumnsValue, option: String, at position: SourcePosition,
                          textColumns: Set<String> = []) throws(OptionError) -> DataTable? {
        switch value {
        case let .inline(columns):
            return DataTable(table: CSVTable(columns: columns), file: nil, origin: "'\(option)'", namesFromNotebook: true)
        case let .csv(path):
            let file = try dataFile(path, option: "\(option).csv", at: position)
            do {
                let table = try CSVTable.read(file, textColumns: textColumns, sizeLimit: budget.dataSizeLimit)
                return DataTable(table: table, file: file, origin: "'\(path)'", namesFromNotebook: false)
            } catch {
                throw OptionError("'\(option).csv': \(error.description)", at: position)
            }
        case let .block(reference):
            guard let table = try table(reference, textColumns: textColumns, option: option, at: position) else { return nil }
            return DataTable(table: table, file: nil, origin: reference.shown, namesFromNotebook: false)
        }
    }
}
