import BlockResults
import Foundation
import Report

/// One block's results once drawn: figures as PNG files, numbers as CSV files, and the tables,
/// metrics, log and error as the block produced them. Everything here is plain data, so the result
/// cache can store it and a cache hit needs no drawing at all.
///
/// `BlockRenderer` makes it from the block's `Artifacts`; `report(caption:options:embeddingFigures:)`
/// turns it into the page's `BlockReport`. Those are the only two conversions of a block's results.
struct RenderedBlock: Codable, Sendable, Equatable {
    /// A file of the report folder, by path relative to it.
    struct File: Codable, Sendable, Equatable {
        var path: String
        var contents: Data
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
    /// Figures in the order the block produced them; their PNGs are among `files`.
    var figures: [FigureReference] = []
    /// CSV paths, relative to the report folder.
    var dataFiles: [String] = []
    /// Tables shown in the report.
    var tables: [ResultTable] = []
    /// Scalar results in the order the report lists them.
    var metrics: [Metric] = []
    /// Log lines.
    var log: [String] = []
    /// The failure, when the block failed (in the computation or while drawing).
    var failure: BlockError?
    /// The training loss per step, for blocks that train or fit.
    var lossCurve: LossCurve?

    /// Whether the block succeeded.
    var succeeded: Bool { failure == nil }

    /// How the block ended, as the report says it.
    var status: BlockStatus { !succeeded ? .failed : (cached ? .cached : .ok) }

    /// The block as its report page shows it: metrics formatted, the caption and resolved options
    /// of its source added, and with `embeddingFigures` each figure carrying its PNG.
    func report(caption: String?, options: [KeyValue], embeddingFigures: Bool) -> BlockReport {
        let drawn = embeddingFigures
            ? Dictionary(files.map { ($0.path, $0.contents) }, uniquingKeysWith: { first, _ in first }) : [:]
        return BlockReport(
            id: id, kind: kind, line: line, caption: caption, status: status, seconds: seconds, options: options,
            metrics: metrics.map { KeyValue($0.name, $0.value.text(significantDigits: 10)) },
            figures: figures.map { figure in
                var shown = figure
                shown.embeddedPNG = drawn[figure.path]
                if let narrow = figure.narrow { shown.narrow?.embeddedPNG = drawn[narrow.path] }
                return shown
            },
            tables: tables, dataFiles: dataFiles, log: log, error: failure)
    }
}
