import FileAccess
import Foundation

/// A block kind: a schema of options, a check of those options against each other and the
/// files they name, and a computation that turns them into artifacts.
///
/// An instance is a block that passed every check and is ready to run; creating it does no
/// heavy work, so `notebook check` can validate a notebook without running it.
public protocol ExperimentKind: Sendable {
    /// The name written between braces (`species`).
    static var name: String { get }
    /// One line on what the kind does.
    static var summary: String { get }
    /// The kind's own options (the common keys are added by `schema`).
    static var options: [OptionSpec] { get }

    /// Checks the options together and loads what they refer to (data files).
    init(options: ResolvedOptions, context: BlockContext) throws(OptionError)

    /// The files the block reads (data files its options name), so that a change to their
    /// contents invalidates the cached result. Empty for blocks that read nothing.
    var inputFiles: [URL] { get }

    /// The block's expected cost, in arbitrary units proportional to the work (steps × states,
    /// iterations × batch × network size): how `--shard` balances the jobs of a run across
    /// machines. Only ratios between blocks matter.
    var estimatedCost: Double { get }

    /// The names of the metrics a run of this block reports (`final.x`, `loss.final`), known from
    /// its options before it runs, so that prose quoting `{{id.metric}}` is checked by `notebook
    /// check`. A run reports exactly these (tests hold every kind to it).
    var metricNames: [String] { get }

    /// Runs the computation, reporting progress to `monitor` from long loops and stopping with a
    /// failure when `monitor` says so (time limit, `--fail-fast`, interrupt).
    func run(monitor: RunMonitor) throws(BlockFailure) -> Artifacts
}

extension ExperimentKind {
    /// The full schema: common keys and the kind's own.
    public static var schema: OptionSchema {
        OptionSchema(kind: name, summary: summary, options: options)
    }
}

/// What a kind may know about where its block sits, and the one way it reads files.
public struct BlockContext: Sendable {
    /// The folder of the notebook, against which relative data paths resolve.
    public var notebookDirectory: URL
    /// The block's id.
    public var blockID: String
    /// Where the notebook may read files from.
    public var readScope: ReadScope
    /// How much the block may allocate and read.
    public var budget: MemoryBudget
    /// The files the blocks this one reads (`data: {block: ID}`) wrote, by path relative to the
    /// report folder (`data/ecg.csv`); `nil` while the notebook is checked, before they ran.
    public var producedFiles: [String: Data]?

    /// Creates a context; `readScope` defaults to the notebook's project (its git work tree, else
    /// its folder).
    public init(notebookDirectory: URL, blockID: String, readScope: ReadScope? = nil, budget: MemoryBudget = MemoryBudget()) {
        self.notebookDirectory = notebookDirectory
        self.blockID = blockID
        self.readScope = readScope ?? ReadScope(notebookDirectory: notebookDirectory)
        self.budget = budget
    }

    /// The table a `data: {block: ID, ...}` option names, with its chosen columns; `nil` while the
    /// notebook is checked (the producer has not run yet: the runner makes the block again, with
    /// the producer's files, before it runs it).
    ///
    /// - Throws: an `OptionError` at `position` when the producer wrote no such table, or the
    ///   table lacks a chosen column.
    public func table(_ reference: BlockDataReference, textColumns: Set<String> = [], option: String,
                      at position: SourcePosition) throws(OptionError) -> CSVTable? {
        guard let producedFiles else { return nil }
        return try reference.read(from: producedFiles, textColumns: textColumns, option: option, at: position)
    }

    /// The data file a block option names (`data: {csv: path}`), resolved inside the read scope:
    /// a regular file, by its real path.
    ///
    /// - Throws: an `OptionError` at `position` that names the option and says why the file
    ///   cannot be read (missing, outside the project, a folder, a pipe, ...).
    public func dataFile(_ path: String, option: String, at position: SourcePosition) throws(OptionError) -> URL {
        do { return try readScope.resolve(path, from: notebookDirectory) } catch {
            throw OptionError("'\(option)': \(error.description)", at: position)
        }
    }
}

/// Why a block's computation failed, with the advice the user needs.
public struct BlockFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong and what to try.
    public var message: String
    /// The notebook line to point at, when a specific option is to blame.
    public var line: Int?

    /// Creates a failure.
    public init(_ message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }

    /// The message.
    public var description: String { message }
}
