import Foundation

/// Everything one notebook's report page shows, already computed: the report knows nothing of
/// solvers or notebooks, it only lays this out as HTML.
public struct ReportPage: Sendable, Equatable {
    /// The notebook's title (front matter `title`, else its first level-1 heading, else its stem).
    public var title: String
    /// The notebook's path as the user gave it, shown under the title.
    public var sourcePath: String
    /// Overall status: `.failed` when any block failed.
    public var status: BlockStatus
    /// Facts about the run shown at the top: program version, seed, `-p` overrides, ...
    public var runInfo: [KeyValue]
    /// The one place where run-dependent text (date, total duration) appears, so that two runs of
    /// the same notebook differ only here and in block durations.
    public var generatedNote: String
    /// Table-of-contents entries, in document order (headings of the prose, and blocks).
    public var contents: [ContentsEntry]
    /// The notebook's cells, in document order.
    public var cells: [ReportCell]
    /// Per block, the options that differ from their defaults or were set by `-p`, shown at the top.
    public var parameters: [BlockParameters]
    /// How the page typesets the math in its prose.
    public var math: MathRenderer
    /// A link above the title to the page this one belongs to (a sweep point's comparison page).
    public var upLink: Link?

    /// Creates a report page.
    public init(
        title: String, sourcePath: String, status: BlockStatus, runInfo: [KeyValue],
        generatedNote: String, contents: [ContentsEntry], cells: [ReportCell],
        parameters: [BlockParameters] = [], math: MathRenderer = .none, upLink: Link? = nil
    ) {
        self.upLink = upLink
        self.title = title
        self.sourcePath = sourcePath
        self.status = status
        self.runInfo = runInfo
        self.generatedNote = generatedNote
        self.contents = contents
        self.cells = cells
        self.parameters = parameters
        self.math = math
    }
}

/// A link: where it goes (relative to the page) and its text.
public struct Link: Sendable, Equatable {
    public var href: String
    public var text: String
    /// Creates a link.
    public init(href: String, text: String) {
        self.href = href
        self.text = text
    }
}

/// A label and a value, both plain text.
public struct KeyValue: Sendable, Equatable {
    public var key: String
    public var value: String
    /// Creates a pair.
    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// One line of the table of contents.
public struct ContentsEntry: Sendable, Equatable {
    /// Heading level, 1...6 (blocks use the level of the heading they sit under, plus one).
    public var level: Int
    /// Plain text of the entry.
    public var text: String
    /// The `id` attribute of the target element (without `#`).
    public var anchor: String
    /// Creates an entry.
    public init(level: Int, text: String, anchor: String) {
        self.level = level
        self.text = text
        self.anchor = anchor
    }
}

/// A cell of the report: rendered prose, or an experiment block's results.
public enum ReportCell: Sendable, Equatable {
    /// Prose already rendered to HTML by the Markdown renderer (trusted markup).
    case prose(TrustedHTML)
    /// An experiment block's results.
    case block(BlockReport)
}

/// Markup produced by a trusted renderer (the Markdown renderer, or this module itself).
/// User text must never be wrapped in this type directly; it goes through `HTML.text`.
public struct TrustedHTML: Sendable, Equatable {
    /// The markup.
    public let markup: String
    /// Marks renderer output as trusted markup.
    public init(rendererOutput markup: String) {
        self.markup = markup
    }
}

/// Whether a block ran, failed, or was taken from the cache.
public enum BlockStatus: String, Sendable, Equatable {
    case ok, failed, cached
}

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
    public var tables: [DataTable]
    /// CSV files written for this block, paths relative to the report's folder.
    public var dataFiles: [String]
    /// Log lines, shown collapsed.
    public var log: [String]
    /// The error when the block failed.
    public var error: BlockError?

    /// Creates a block report.
    public init(
        id: String, kind: String, line: Int, caption: String?, status: BlockStatus, seconds: Double,
        options: [KeyValue], metrics: [KeyValue], figures: [FigureReference], tables: [DataTable],
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

/// A figure image in the report folder (or embedded in the page).
public struct FigureReference: Sendable, Equatable {
    /// Path relative to the report folder, e.g. `figures/competition-time.png`.
    public var path: String
    /// Alternative text and caption.
    public var caption: String
    /// Displayed width in CSS pixels (the PNG has twice as many device pixels).
    public var width: Int
    /// Displayed height in CSS pixels.
    public var height: Int
    /// The PNG itself, when the page embeds it (`--self-contained`) instead of linking to `path`.
    public var embeddedPNG: Data?
    /// Creates a reference.
    public init(path: String, caption: String, width: Int, height: Int, embeddedPNG: Data? = nil) {
        self.path = path
        self.caption = caption
        self.width = width
        self.height = height
        self.embeddedPNG = embeddedPNG
    }
}

/// A table of text cells with a header row.
public struct DataTable: Sendable, Equatable {
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

/// Why a block failed, and where.
public struct BlockError: Sendable, Equatable {
    /// The message, with its advice.
    public var message: String
    /// The notebook line the error refers to.
    public var line: Int
    /// Creates an error.
    public init(message: String, line: Int) {
        self.message = message
        self.line = line
    }
}

/// One report in the folder's index page.
public struct IndexEntry: Sendable, Equatable {
    /// The report's title.
    public var title: String
    /// Link to the report, relative to the index page (`experiments/index.html`).
    public var href: String
    /// The report's status.
    public var status: BlockStatus
    /// When the report was written, ISO 8601 (UTC).
    public var date: String
    /// Number of blocks, and how many failed.
    public var blocks: Int
    public var failedBlocks: Int
    /// Creates an entry.
    public init(title: String, href: String, status: BlockStatus, date: String, blocks: Int, failedBlocks: Int) {
        self.title = title
        self.href = href
        self.status = status
        self.date = date
        self.blocks = blocks
        self.failedBlocks = failedBlocks
    }
}
