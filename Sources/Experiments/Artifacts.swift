import BlockResults

/// Everything a block produces, before it is rendered: figures as models, tables as text, the
/// numbers behind the figures, scalar metrics and a log. `BlockRenderer` (NotebookKit) turns it
/// into the rendered block: figures drawn, numbers written as CSV, the rest taken over as it is.
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
