import Plot

/// Everything a block produces, before it is rendered: figures as models, tables as text, the
/// numbers behind the figures, scalar metrics and a log.
public struct Artifacts: Sendable {
    /// Figures, each written as `figures/<id>-<name>.png`.
    public var figures: [NamedFigure] = []
    /// Tables shown in the report.
    public var tables: [ResultTable] = []
    /// Numeric tables written as `data/<id>[-<name>].csv`.
    public var series: [NumericTable] = []
    /// Scalar results, in the order the report lists them.
    public var metrics: [Metric] = []
    /// Lines of the block's log.
    public var log: [String] = []
    /// The training loss per iteration or epoch, for blocks that train or fit: what a sweep's
    /// comparison page overlays across points.
    public var lossCurve: LossCurve?

    /// Creates empty artifacts.
    public init() {}
}

/// A training loss, one value per step (iteration or epoch).
public struct LossCurve: Sendable, Equatable, Codable {
    /// What a step is: `iteration`, `epoch`.
    public var step: String
    /// What the values are: `batch loss`, `negative ELBO`.
    public var quantity: String
    /// One value per step, from the first.
    public var values: [Double]

    /// Creates a curve.
    public init(step: String, quantity: String, values: [Double]) {
        self.step = step
        self.quantity = quantity
        self.values = values
    }
}

/// A figure with the name that makes its file name and a caption.
public struct NamedFigure: Sendable {
    /// Short name used in the file name (`time`, `phase`).
    public var name: String
    /// Caption and alternative text.
    public var caption: String
    /// The figure.
    public var figure: Figure

    /// Creates a named figure.
    public init(name: String, caption: String, figure: Figure) {
        self.name = name
        self.caption = caption
        self.figure = figure
    }
}

/// A table of already formatted cells.
public struct ResultTable: Sendable, Equatable {
    /// Shown above the table.
    public var title: String
    /// Column headers.
    public var columns: [String]
    /// Rows of cells.
    public var rows: [[String]]

    /// Creates a table.
    public init(title: String, columns: [String], rows: [[String]]) {
        self.title = title
        self.columns = columns
        self.rows = rows
    }
}

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

/// A named scalar result.
public struct Metric: Sendable, Equatable {
    /// Dotted name (`final.x1`, `nfe`).
    public var name: String
    /// The value.
    public var value: MetricValue

    /// Creates a metric.
    public init(_ name: String, _ value: MetricValue) {
        self.name = name
        self.value = value
    }
}

/// A metric's value: a count or a real number.
public enum MetricValue: Sendable, Equatable {
    case count(Int)
    case real(Double)
}
