import Experiments
import Foundation

/// A parsed, validated notebook: prose cells rendered to HTML and experiment blocks ready to run.
public struct Notebook: Sendable {
    /// The path as the user gave it.
    public let path: String
    /// The file's URL.
    public let url: URL
    /// The report folder's name (the file name without extension).
    public let stem: String
    /// Front matter title, else the first level-1 heading, else the stem.
    public let title: String
    /// The notebook's default seed.
    public let seed: Int
    /// The cells in document order.
    public let cells: [NotebookCell]
    /// Local images the prose shows, copied into the report folder.
    public let assets: [Asset]
    /// The values the prose quotes (`{{id.metric}}`), in order, checked against the blocks.
    public let proseValues: [ProseValue]

    /// The experiment blocks in document order.
    public var blocks: [ExperimentBlock] {
        cells.compactMap { if case let .block(block) = $0 { return block } else { return nil } }
    }
}

/// A cell: prose, or an experiment block.
public enum NotebookCell: Sendable {
    case prose(ProseCell)
    case block(ExperimentBlock)
}

/// Consecutive Markdown blocks between experiment blocks, rendered to HTML.
public struct ProseCell: Sendable, Equatable {
    /// First and last source lines.
    public let lines: ClosedRange<Int>
    /// The rendered HTML.
    public let html: String
    /// The headings in the cell, for the table of contents.
    public let headings: [Heading]
    /// How many math elements (`$...$`, `$$...$$`) the HTML holds.
    public let mathCount: Int
}

/// A heading of the prose, with the anchor its HTML carries.
public struct Heading: Sendable, Equatable {
    public let level: Int
    public let text: String
    public let anchor: String
    public let line: Int
}

/// An experiment block: its kind, where it is, its resolved options and the configured kind.
public struct ExperimentBlock: Sendable {
    /// The kind's name.
    public let kind: String
    /// The line of the opening fence.
    public let line: Int
    /// Options after defaults and overrides.
    public let options: ResolvedOptions
    /// The configured experiment, ready to run (for a block that reads other blocks' tables: once
    /// ``reading(_:)`` made it again with their files).
    public let experiment: any ExperimentKind
    /// The tables of other blocks it reads (`data: {block: ID}`), each with its option's name.
    public let inputs: [(option: String, reference: BlockDataReference)]
    /// The kind, to make the experiment again with its inputs' files.
    let kindType: any ExperimentKind.Type
    /// Where the block sits, as its kind saw it.
    let context: BlockContext

    /// A block of `kindType` made from `options` in `context`.
    init(kindType: any ExperimentKind.Type, line: Int, options: ResolvedOptions, experiment: any ExperimentKind, context: BlockContext) {
        kind = kindType.name
        self.kindType = kindType
        self.line = line
        self.options = options
        self.experiment = experiment
        self.context = context
        inputs = BlockDataReference.references(in: options, schema: kindType.schema)
    }

    /// The ids of the blocks it reads, each once, in the order its options name them.
    public var inputBlocks: [String] {
        var seen = Set<String>()
        return inputs.map(\.reference.block).filter { seen.insert($0).inserted }
    }

    /// The block made again with the files its input blocks wrote (paths relative to the report
    /// folder), so that its kind reads and checks their tables.
    ///
    /// - Throws: the kind's `OptionError` when a table is missing or does not fit the block.
    public func reading(_ files: [String: Data]) throws(OptionError) -> ExperimentBlock {
        var context = context
        context.producedFiles = files
        let experiment = try kindType.init(options: options, context: context)
        return ExperimentBlock(kindType: kindType, line: line, options: options, experiment: experiment, context: context)
    }

    /// The block id.
    public var id: String { options.id }
    /// The caption, if any.
    public var caption: String? { options[CommonOptions.caption] }
}

/// A local file the prose refers to, and where the report keeps its copy.
public struct Asset: Sendable, Equatable {
    /// The file on disk.
    public let source: URL
    /// The path inside the report folder (`assets/figure.png`).
    public let reportPath: String
}
