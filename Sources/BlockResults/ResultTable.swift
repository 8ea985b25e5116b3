/// A table of already formatted cells, shown in the report: what a block computes, what the result
/// cache stores and what the page lays out are this one type.
public struct ResultTable: Codable, Sendable, Equatable {
    /// Shown above the table.
    public var title: String
    /// Column headers.
    public var columns: [String]
    /// Rows, each with one cell per column.
    public var rows: [[String]]

    /// Creates a table.
    public init(title: String, columns: [String], rows: [[String]]) {
        self.title = title
        self.columns = columns
        self.rows = rows
    }
}
