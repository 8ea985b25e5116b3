import Foundation

/// One metric of one block in one recorded run: a row of `notebook history`.
public struct MetricPoint: Sendable, Equatable {
    /// The run's number in the history (increasing with every run recorded).
    public var run: Int64
    /// When that run started.
    public var date: Date
    /// The program version of that run.
    public var version: String
    /// Its commit, if it was in a repository, and whether the work tree was dirty.
    public var gitCommit: String?
    public var gitDirty: Bool?
    /// The notebook, the block id and its sweep point.
    public var notebook: String
    public var block: String
    public var sweepPoint: String?
    /// The block's status and whether it came from the cache.
    public var status: String
    public var cached: Bool
    /// The metric's name and its value (a number, or a text).
    public var metric: String
    public var value: Double?
    public var text: String?
}

/// Which metric points `RunHistory.points` returns.
public struct HistoryQuery: Sendable {
    /// Only this notebook's blocks (its path as the history stores it).
    public var notebook: String?
    /// Only this block.
    public var block: String?
    /// Only this metric.
    public var metric: String?
    /// Only the last this many runs that recorded a matching point.
    public var lastRuns: Int?

    /// Creates a query; every filter left `nil` matches everything.
    public init(notebook: String? = nil, block: String? = nil, metric: String? = nil, lastRuns: Int? = nil) {
        self.notebook = notebook
        self.block = block
        self.metric = metric
        self.lastRuns = lastRuns
    }
}
