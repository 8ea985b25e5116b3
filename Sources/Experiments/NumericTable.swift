/// Columns of numbers, written as CSV.
public struct NumericTable: Sendable, Equatable {
    /// Suffix of the file name: empty for `<id>.csv`, else `<id>-<name>.csv`.
    public var name: String
    /// Header row.
    public var columns: [String]
    /// Rows, each with one value per column.
    public var rows: [[Double]]

    /// Creates a table.
    public init(name: String, columns: [String], rows: [[Double]]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }
}
