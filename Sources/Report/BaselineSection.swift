import Foundation

/// How one block compares with its baseline, as the report shows it: a table of its metrics
/// against the baseline's, and its changed figures beside the baseline's.
public struct BaselineSection: Sendable, Equatable {
    /// A sentence about the block as a whole ("not in the baseline"), if there is one to say.
    public var note: String?
    /// Whether the block is within its tolerances (and in the baseline, or accepted as new).
    public var ok: Bool
    /// One row per metric of the block or of its baseline.
    public var rows: [BaselineRow]
    /// The figures that differ from the baseline's.
    public var figures: [FigureComparison]

    /// Creates a section.
    public init(note: String? = nil, ok: Bool, rows: [BaselineRow], figures: [FigureComparison] = []) {
        self.note = note
        self.ok = ok
        self.rows = rows
        self.figures = figures
    }
}

/// One metric against its baseline value; every field is text as shown.
public struct BaselineRow: Sendable, Equatable {
    public var metric: String
    public var value: String
    public var baseline: String
    /// `value − baseline`, and that over `|baseline|`; empty where there is no difference to take.
    public var delta: String
    public var relativeDelta: String
    /// What was decided and by which rule (`within rtol 1e-09`, `outside atol 0.001`, `exact`,
    /// `missing`, `not compared: a measured time`).
    public var verdict: String
    /// Whether the row passes.
    public var ok: Bool

    /// Creates a row.
    public init(metric: String, value: String, baseline: String, delta: String, relativeDelta: String, verdict: String, ok: Bool) {
        self.metric = metric
        self.value = value
        self.baseline = baseline
        self.delta = delta
        self.relativeDelta = relativeDelta
        self.verdict = verdict
        self.ok = ok
    }
}

/// A figure that differs from its baseline: this run's, the baseline's (unless the baseline keeps
/// only a checksum) and (for PNGs of which both could be read) an image of the difference, as
/// paths in the report folder.
public struct FigureComparison: Sendable, Equatable {
    /// The figure's caption.
    public var caption: String
    public var current: String
    public var baseline: String?
    public var difference: String?
    /// What changed, in words ("1.2% of the pixels", "the size: 1280×840 against 1280×800").
    public var summary: String
    /// The images' bytes by path, for a page that stands alone (`--self-contained`); empty
    /// when the page links to the files.
    public var embedded: [String: Data] = [:]

    /// Creates a comparison.
    public init(caption: String, current: String, baseline: String?, difference: String?, summary: String) {
        self.caption = caption
        self.current = current
        self.baseline = baseline
        self.difference = difference
        self.summary = summary
    }
}
