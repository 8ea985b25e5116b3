import Expressions
import Foundation

/// A table that another block of the same notebook writes, read as this block's data:
/// `data: {block: ID}` reads `data/ID.csv`, `data: {block: ID, table: NAME}` reads
/// `data/ID-NAME.csv` (a figure's data, for instance), and `columns` keeps some columns,
/// optionally under new names (`columns: [t, z]`, or `columns: {t: t, x: z, y: "z'"}` with the
/// new name first).
///
/// The runner orders blocks so that a block runs after the blocks it reads, and a block's cache
/// key includes the keys of the blocks it reads (knitr's and Quarto's chunk dependencies).
public struct BlockDataReference: Sendable, Equatable {
    /// One column to keep: its name in this block, and its name in the producer's table.
    public struct Column: Sendable, Equatable {
        /// The name the reading block sees.
        public var name: String
        /// The column's header in the producer's table.
        public var source: String

        /// A column kept as `name`, read from the producer's `source`.
        public init(name: String, source: String) {
            self.name = name
            self.source = source
        }
    }

    /// The id of the block that writes the table.
    public var block: String
    /// The table's name, `nil` for the block's main table.
    public var table: String?
    /// The columns to keep, in order; `nil` keeps every column under its own name.
    public var columns: [Column]?

    /// A reference to `table` of `block`, keeping `columns`.
    public init(block: String, table: String? = nil, columns: [Column]? = nil) {
        self.block = block
        self.table = table
        self.columns = columns
    }

    /// The table's path in the producer's report folder (`data/ecg.csv`, `data/ecg-phase-z-z-rate.csv`).
    public var path: String { "data/\(block)\(table.map { "-\($0)" } ?? "").csv" }

    /// How messages name the table: `block 'ecg'` or `table 'phase-z-z-rate' of block 'ecg'`.
    public var shown: String { table.map { "table '\($0)' of block '\(block)'" } ?? "block '\(block)'" }

    /// The reference an option value holds (`{block: ID, table: NAME, columns: ...}`), as the
    /// schema decodes it; `nil` for any other value.
    init?(option: OptionValue) {
        guard case let .record(fields) = option, case let .text(block)? = fields.first(where: { $0.name == "block" })?.value else { return nil }
        self.block = block
        if case let .text(table)? = fields.first(where: { $0.name == "table" })?.value { self.table = table }
        switch fields.first(where: { $0.name == "columns" })?.value {
        case let .list(items)?:
            columns = items.compactMap { if case let .text(name) = $0 { Column(name: name, source: name) } else { nil } }
        case let .record(renamed)?:
            columns = renamed.compactMap { if case let .text(source) = $0.value { Column(name: $0.name, source: source) } else { nil } }
        default:
            columns = nil
        }
    }

    /// The references to other blocks' tables among `options`: every option of `schema` that
    /// takes columns and holds `{block: ID}`, with the option's name.
    public static func references(in options: ResolvedOptions, schema: OptionSchema) -> [(option: String, reference: BlockDataReference)] {
        schema.options.compactMap { spec in
            guard case .columns = spec.type, let value = options.value(named: spec.name),
                  let reference = BlockDataReference(option: value) else { return nil }
            return (spec.name, reference)
        }
    }

    /// Reads the referenced table from the producer's files (paths relative to its report folder)
    /// and keeps the chosen columns; the columns named in `textColumns` (after renaming) are read
    /// as text.
    ///
    /// - Throws: an `OptionError` at `position` when the block wrote no such table (listing the
    ///   tables it did write), when the table cannot be read, or when a chosen column is not in it.
    public func read(from files: [String: Data], textColumns: Set<String> = [], option: String, at position: SourcePosition) throws(OptionError) -> CSVTable {
        guard let contents = files[path] else {
            let written = files.keys.filter { $0.hasPrefix("data/") && $0.hasSuffix(".csv") }.sorted()
            let tables = written.map { name -> String in
                let stem = String(name.dropFirst("data/".count).dropLast(".csv".count))
                return stem == block ? "the main table" : "table: \(stem.dropFirst(block.count + 1))"
            }
            throw OptionError("'\(option)': block '\(block)' wrote no \(table.map { "table '\($0)'" } ?? "main table") (data/\(path.dropFirst(5)))"
                + (tables.isEmpty ? "; it writes no tables" : "; it writes \(tables.joined(separator: ", "))"), at: position)
        }
        let sourceTextColumns = Set((columns ?? []).filter { textColumns.contains($0.name) }.map(\.source)).union(columns == nil ? textColumns : [])
        var table: CSVTable
        do {
            table = try CSVTable.parse(String(decoding: contents, as: UTF8.self), name: path, textColumns: sourceTextColumns)
        } catch {
            throw OptionError("'\(option)': \(error.description)", at: position)
        }
        guard let columns else { return table }
        let available = table.columns.map(\.name) + table.texts.keys.sorted()
        var kept = CSVTable(columns: [])
        for column in columns {
            if let values = table.columns.first(where: { $0.name == column.source })?.values {
                kept.columns.append((column.name, values))
            } else if let texts = table.texts[column.source] {
                kept.texts[column.name] = texts
            } else {
                throw OptionError("'\(option).columns': \(shown) has no column '\(column.source)' (columns: \(available.joined(separator: ", ")))"
                    + Suggestion.didYouMean(column.source, in: available), at: position)
            }
        }
        return kept
    }
}
