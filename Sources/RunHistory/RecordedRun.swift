import Foundation

/// One run as the history keeps it: when, by which program and commit, with which command, and
/// what each of its blocks did.
public struct RecordedRun: Sendable, Equatable {
    /// When the run started.
    public var date: Date
    /// The program's version (`notebook --version`).
    public var version: String
    /// The commit checked out in the notebooks' repository, if they are in one.
    public var gitCommit: String?
    /// Whether that work tree had uncommitted changes; `nil` outside a repository.
    public var gitDirty: Bool?
    /// The command line, as typed.
    public var command: String
    /// The `-p` overrides, as given.
    public var overrides: [String]
    /// The sweep options (`--sweep` texts and mode), empty without a sweep.
    public var sweep: String
    /// What each block did, in the order the run wrote them.
    public var blocks: [RecordedBlock]

    /// Creates a run record.
    public init(date: Date, version: String, gitCommit: String? = nil, gitDirty: Bool? = nil, command: String,
                overrides: [String] = [], sweep: String = "", blocks: [RecordedBlock] = []) {
        self.date = date
        self.version = version
        self.gitCommit = gitCommit
        self.gitDirty = gitDirty
        self.command = command
        self.overrides = overrides
        self.sweep = sweep
        self.blocks = blocks
    }
}

/// One block of a recorded run.
public struct RecordedBlock: Sendable, Equatable {
    /// The notebook, by its path relative to its repository's top folder (absolute outside one).
    public var notebook: String
    /// The block id.
    public var id: String
    /// The block kind, without braces.
    public var kind: String
    /// The result cache key, when the block has one.
    public var cacheKey: String?
    /// `ok`, `cached` or `failed`.
    public var status: String
    /// Wall-clock seconds of the computation (for a cached block, the original run's).
    public var seconds: Double
    /// Whether the result came from the cache.
    public var cached: Bool
    /// The sweep point's name (`lr=0.001`), for a block of a swept notebook.
    public var sweepPoint: String?
    /// The block's metrics.
    public var metrics: [RecordedMetric]

    /// Creates a block record.
    public init(notebook: String, id: String, kind: String, cacheKey: String? = nil, status: String, seconds: Double,
                cached: Bool, sweepPoint: String? = nil, metrics: [RecordedMetric] = []) {
        self.notebook = notebook
        self.id = id
        self.kind = kind
        self.cacheKey = cacheKey
        self.status = status
        self.seconds = seconds
        self.cached = cached
        self.sweepPoint = sweepPoint
        self.metrics = metrics
    }
}

/// One metric of a recorded block: a number, or a text for a metric that is not one.
public struct RecordedMetric: Sendable, Equatable {
    /// The metric's name (`final.x1`).
    public var name: String
    /// Its value when it is a number (NaN is stored as no value and no text).
    public var value: Double?
    /// Its value when it is a text.
    public var text: String?

    /// Creates a metric record.
    public init(name: String, value: Double? = nil, text: String? = nil) {
        self.name = name
        self.value = value
        self.text = text
    }
}
