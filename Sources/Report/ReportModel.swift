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
    /// The comparison with a baseline, summed up, when the run had one.
    public var baseline: BaselineSummary?

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
    /// For a figure: the image shown small beside the entry (a path in the report folder), if any.
    public var thumbnail: String?
    /// Creates an entry.
    public init(level: Int, text: String, anchor: String, thumbnail: String? = nil) {
        self.level = level
        self.text = text
        self.anchor = anchor
        self.thumbnail = thumbnail
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
