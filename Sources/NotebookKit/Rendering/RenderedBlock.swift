import Experiments
import Foundation

/// One block's results as the report needs them: figures already drawn to PNG, CSVs already
/// formatted, metrics, tables, log and error. Everything here is plain data, so the result cache
/// can store it and a cache hit needs no drawing at all.
struct RenderedBlock: Codable, Sendable, Equatable {
    /// A file of the report folder, by path relative to it.
    struct File: Codable, Sendable, Equatable {
        var path: String
        var contents: Data
    }

    /// A drawn figure: its file and how the page shows it.
    struct Figure: Codable, Sendable, Equatable {
        var path: String
        var caption: String
        var width: Int
        var height: Int
    }

    /// A table of formatted cells shown in the report.
    struct Table: Codable, Sendable, Equatable {
        var title: String
        var columns: [String]
        var rows: [[String]]
    }

    /// A scalar result: a count or a real number.
    struct Metric: Codable, Sendable, Equatable {
        var name: String
        var count: Int?
        var real: Double?
    }

    /// Why the block failed, and the notebook line to point at.
    struct Failure: Codable, Sendable, Equatable {
        var message: String
        var line: Int
    }

    /// The block id.
    var id: String
    /// The kind, without braces.
    var kind: String
    /// The notebook line of the opening fence.
    var line: Int
    /// Wall-clock seconds of the computation (for a cached block: the original run's).
    var seconds: Double
    /// Whether this result came from the cache.
    var cached: Bool = false
    /// Files to write: PNGs and CSVs.
    var files: [File] = []
    /// Figures in the order the block produced them.
    var figures: [Figure] = []
    /// CSV paths, relative to the report folder.
    var dataFiles: [String] = []
    /// Tables shown in the report.
    var tables: [Table] = []
    /// Scalar results in the order the report lists them.
    var metrics: [Metric] = []
    /// Log lines.
    var log: [String] = []
    /// The failure, when the block failed (in the computation or while drawing).
    var failure: Failure?
    /// The training loss per step, for blocks that train or fit.
    var lossCurve: LossCurve?

    /// Whether the block succeeded.
    var succeeded: Bool { failure == nil }
}
