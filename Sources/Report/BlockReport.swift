import BlockResults

/// The results of one experiment block as the report shows them.
public struct BlockReport: Sendable, Equatable {
    /// The block id; also the anchor of its section.
    public var id: String
    /// The kind, without braces (`species`).
    public var kind: String
    /// The notebook line of the opening fence.
    public var line: Int
    /// The caption, if the block has one.
    public var caption: String?
    /// How the block ended.
    public var status: BlockStatus
    /// Wall-clock seconds the computation took (for a cached block: the original run's).
    public var seconds: Double
    /// The resolved options (after defaults and overrides), as YAML-ish text lines `key: value`.
    public var options: [KeyValue]
    /// Scalar results, e.g. `final.x1`.
    public var metrics: [KeyValue]
    /// Figures, as paths relative to the report's folder.
    public var figures: [FigureReference]
    /// Tables of numbers.
    public var tables: [ResultTable]
    /// CSV files written for this block, paths relative to the report's folder.
    public var dataFiles: [String]
    /// Log lines, shown collapsed.
    public var log: [String]
    /// The error when the block failed.
    public var error: BlockError?
    /// How the block compares with a baseline (`notebook run --baseline`), when there is one.
    public var baseline: BaselineSection?
    /// Each metric over the last runs, from the run history, when there are enough runs to draw.
    public var history: FigureReference?

    /// Creates a block report.
    public init(
        id: String, kind: String, line: Int, caption: String?, status: BlockStatus, seconds: Double,
        options: [KeyValue], metrics: [KeyValue], figures: [FigureReference], tables: [ResultTable],
        dataFiles: [String], log: [String], error: BlockError?
    ) {
        self.id = id
        self.kind = kind
        self.line = line
        self.caption = caption
        self.status = status
        self.seconds = seconds
        self.options = options
        self.metrics = metrics
        self.figures = figures
        self.tables = tables
        self.dataFiles = dataFiles
        self.log = log
        self.error = error
    }
}
