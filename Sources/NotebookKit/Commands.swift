import Experiments
import Expressions
import FileAccess
import Foundation

/// What the command-line tool does, one function per subcommand, each returning the exit status
/// docs/format.md §1 defines: 0 success, 1 a block failed, 2 usage errors and invalid notebooks.
public enum Commands {
    /// Options of `notebook run`.
    public struct RunOptions: Sendable {
        public var paths: [String]
        public var outputDirectory: String
        public var overrides: [String]
        public var allowHTML: Bool
        public var failFast: Bool
        public var quiet: Bool
        /// How many blocks may run at once (`nil`: the number of cores).
        public var jobs: Int?
        /// Ignore the result cache (`--no-cache`): run every block and store nothing.
        public var noCache: Bool
        /// Embed figures, stylesheet and math renderer in one HTML file (`--self-contained`).
        public var selfContained: Bool
        /// Also write each figure as a PDF beside it (`--figures-pdf`).
        public var figuresPDF: Bool
        /// Places outside the notebooks' projects that data files and images may be read from
        /// (`--allow-read`).
        public var allowRead: [String]
        /// `--sweep KEY=LIST` texts.
        public var sweeps: [String]
        /// `--sweep-mode` (grid or zip), when given.
        public var sweepMode: String?
        /// `--max-points`.
        public var maxPoints: Int
        /// `--shard I/N` (1-based), when given: run only that shard's jobs and store their results.
        public var shard: (index: Int, count: Int)?
        /// `--max-memory` and `--max-data-size`.
        public var budget: MemoryBudget
        /// `--baseline PATH`: a report folder, a folder of them, or a results.json to compare with.
        public var baseline: String?
        /// `--rtol` and `--atol`: the tolerances where a block's `tolerance:` says nothing.
        public var rtol: Double?
        public var atol: Double?
        /// `--allow-new`: blocks and metrics the baseline lacks are not regressions.
        public var allowNew = false
        /// `--no-history`: append nothing to DIR/history.sqlite.
        public var noHistory = false
        /// The command line, as the history records it.
        public var commandLine: String = CommandLine.arguments.joined(separator: " ")

        /// Creates run options.
        public init(paths: [String], outputDirectory: String = "output", overrides: [String] = [],
                    allowHTML: Bool = false, failFast: Bool = false, quiet: Bool = false,
                    jobs: Int? = nil, noCache: Bool = false, selfContained: Bool = false, allowRead: [String] = [],
                    sweeps: [String] = [], sweepMode: String? = nil, maxPoints: Int = LoadRequest.defaultMaxPoints,
                    shard: (index: Int, count: Int)? = nil, budget: MemoryBudget = MemoryBudget(), figuresPDF: Bool = false) {
            self.figuresPDF = figuresPDF
            self.budget = budget
            self.allowRead = allowRead
            self.sweeps = sweeps
            self.sweepMode = sweepMode
            self.maxPoints = maxPoints
            self.shard = shard
            self.jobs = jobs
            self.noCache = noCache
            self.selfContained = selfContained
            self.paths = paths
            self.outputDirectory = outputDirectory
            self.overrides = overrides
            self.allowHTML = allowHTML
            self.failFast = failFast
            self.quiet = quiet
        }
    }

    /// `notebook run`: parse and validate every notebook (every sweep point), check the output
    /// folder, run every job (up to `--jobs` at once, unchanged ones from the cache, only the
    /// shard's with `--shard`), write the reports.
    public static func run(_ options: RunOptions) -> Int32 {
        if isBelowOne(options.jobs, option: "--jobs") { return 2 }
        guard let notebooks = loadedOrReported(options.loadRequest) else { return 2 }
        let folder: OutputFolder
        do {
            folder = try OutputFolder.prepare(options.outputDirectory, stems: options.shard == nil ? notebooks.map(\.base.stem) : [],
                                              usesCache: !options.noCache, usesShards: options.shard != nil, writesIndex: options.shard == nil)
        } catch {
            printError(error.description)
            return 2
        }
        let display = ProgressDisplay.forStandardError(quiet: options.quiet)
        let baseline: BaselineSettings?
        switch baselineSettings(options.baseline, rtol: options.rtol, atol: options.atol, allowNew: options.allowNew, notebooks: notebooks) {
        case let .success(settings): baseline = settings
        case .failure: return 2
        }
        if baseline != nil, options.shard != nil {
            printError("error: --baseline compares reports, which a shard does not write: give it to `notebook merge` instead")
            return 2
        }
        return NotebookRun(plan: RunPlan(notebooks: notebooks), options: options, folder: folder, display: display,
                           baseline: baseline).execute()
    }

    /// The baseline settings of `--baseline PATH --rtol R --atol A --allow-new`, its reports read;
    /// `nil` without `--baseline`; a failure after printing why the baseline cannot be used.
    static func baselineSettings(_ path: String?, rtol: Double?, atol: Double?, allowNew: Bool,
                                 notebooks: [SweptNotebook]) -> Result<BaselineSettings?, BaselineError> {
        for (flag, value) in [("--rtol", rtol), ("--atol", atol)] {
            if let value, !(value >= 0 && value.isFinite) {
                let error = BaselineError("error: \(flag) must be a number ≥ 0 (got \(value))")
                printError(error.description)
                return .failure(error)
            }
        }
        guard let path else {
            if rtol != nil || atol != nil || allowNew { printError("warning: --rtol, --atol and --allow-new apply only with --baseline") }
            return .success(nil)
        }
        do {
            let source = try BaselineSource.load(path, notebooks: notebooks)
            return .success(BaselineSettings(source: source, rtol: rtol ?? BaselineTolerance.defaultRelative, atol: atol ?? 0, allowNew: allowNew))
        } catch {
            printError("error: " + error.description)
            return .failure(error)
        }
    }

    /// Every problem that keeps `request`'s notebooks from running, as `notebook check` prints
    /// them; `nil` when they all validate.
    public static func problems(of request: LoadRequest) -> String? {
        switch NotebookLoader.loadSwept(request) {
        case let .failure(diagnostics): return TerminalText.escaped(diagnostics.description)
        case .success: return nil
        }
    }

    /// The files `request`'s notebooks read besides themselves: every block's data files and the
    /// prose's local images, as absolute paths; `nil` when the notebooks do not validate.
    public static func inputFiles(of request: LoadRequest) -> [String]? {
        guard case let .success(notebooks) = NotebookLoader.loadSwept(request) else { return nil }
        var files = Set<String>()
        for swept in notebooks {
            for point in swept.points {
                files.formUnion(point.notebook.assets.map(\.source.path))
                for block in point.notebook.blocks { files.formUnion(block.experiment.inputFiles.map(\.path)) }
            }
        }
        return files.sorted()
    }

    /// `notebook check`: parse and validate every notebook and every point of its sweep, run nothing.
    public static func check(_ request: LoadRequest) -> Int32 {
        switch NotebookLoader.loadSwept(request) {
        case let .failure(diagnostics):
            printError(diagnostics.description)
            return 2
        case let .success(notebooks):
            for swept in notebooks {
                let blocks = swept.base.blocks
                let sweep = swept.isSwept ? "; a sweep of \(swept.points.count) point\(swept.points.count == 1 ? "" : "s")" : ""
                print(TerminalText.escaped("\(swept.base.path): ok (\(blocks.count) block\(blocks.count == 1 ? "" : "s"): \(blocks.map { "\($0.id) {\($0.kind)}" }.joined(separator: ", "))\(sweep))"))
            }
            return 0
        }
    }

    /// Whether a count option was given below 1 (`--jobs 0`), after printing the usage error.
    static func isBelowOne(_ count: Int?, option: String) -> Bool {
        guard let count, count < 1 else { return false }
        printError("error: \(option) must be at least 1 (got \(count))")
        return true
    }

    /// The notebooks `request` loads, or `nil` after printing every problem found.
    static func loadedOrReported(_ request: LoadRequest) -> [SweptNotebook]? {
        switch NotebookLoader.loadSwept(request) {
        case let .failure(diagnostics):
            printError(diagnostics.description)
            return nil
        case let .success(notebooks):
            return notebooks
        }
    }

    /// `I/N` of `--shard`, or `nil` after printing why it is not one.
    public static func parseShard(_ text: String) -> (index: Int, count: Int)? {
        do { return try ShardAssignment.parse(text) } catch {
            printError(error.description)
            return nil
        }
    }

    /// `notebook check` with `-p` overrides and `--allow-read` places, and no sweep options.
    public static func check(paths: [String], overrides: [String] = [], allowRead: [String] = []) -> Int32 {
        check(LoadRequest(paths: paths, overrides: overrides, allowRead: allowRead))
    }

    /// `notebook kinds [KIND]`: every kind's options with type, default and meaning.
    public static func kinds(_ name: String?) -> Int32 {
        if let name {
            let bare = name.trimmingCharacters(in: CharacterSet(charactersIn: "{}"))
            guard let kind = Kinds.named(bare) else {
                let names = Kinds.all.map { $0.name }
                printError("error: unknown kind '\(name)'\(Suggestion.didYouMean(bare, in: names)) (kinds: \(names.joined(separator: ", ")))")
                return 2
            }
            print(KindCatalog.describe(kind), terminator: "")
        } else {
            print(Kinds.all.map { KindCatalog.describe($0) }.joined(separator: "\n"), terminator: "")
        }
        return 0
    }

    /// `notebook clean`: removes what notebook wrote under the output folder (its report folders,
    /// including interrupted ones and the staging folders and write probes a killed run left, the
    /// index page and the result cache) and nothing else: a folder or file that is not notebook's stays, and is named.
    public static func clean(outputDirectory: String) -> Int32 {
        guard FileKind.of(outputDirectory) == .directory else {
            print(TerminalText.escaped("nothing to clean in \(outputDirectory)"))
            return 0
        }
        let folder = OutputFolder(path: outputDirectory, shown: outputDirectory)
        var removed = [String](), kept = [String]()
        for name in FileOperations.names(in: outputDirectory) {
            let path = folder.path(name)
            let ownership: OutputFolder.Ownership
            if name == OutputFolder.indexName {
                ownership = OutputFolder.ownership(ofIndexPage: path)
            } else if name == OutputFolder.cacheName {
                ownership = OutputFolder.ownership(ofCacheFolder: path)
            } else if name == ShardStore.folderName {
                ownership = ShardStore.ownership(of: path)
            } else if FileKind.of(path, followingLinks: false) == .directory {
                ownership = OutputFolder.ownership(ofReportFolder: path)
                // A staging folder of a run killed before it wrote its marker is empty.
                if ownership != .ours, name.hasPrefix("."), name.contains(".partial-"), FileOperations.names(in: path).isEmpty {
                    try? FileOperations.remove(path)
                    continue
                }
            } else {
                // The write probe of a run killed before it removed it: an empty file.
                if name.hasPrefix(OutputFolder.writeProbePrefix), FileKind.of(path, followingLinks: false) == .regular,
                    (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == 0 {
                    try? FileOperations.remove(path)
                }
                continue
            }
            switch ownership {
            case .ours:
                do { try FileOperations.remove(path) } catch {
                    printError("error: \(error.description)")
                    return 2
                }
                removed.append(name)
            case .foreign where name == OutputFolder.indexName || name == OutputFolder.cacheName || !name.hasPrefix("."):
                kept.append(name)
            case .foreign, .absent:
                break
            }
        }
        print(TerminalText.escaped(removed.isEmpty ? "nothing to clean in \(outputDirectory)" : "removed from \(outputDirectory): \(removed.joined(separator: ", "))"))
        if !kept.isEmpty {
            print(TerminalText.escaped("kept (not written by notebook): \(kept.joined(separator: ", "))"))
        }
        return 0
    }

    /// Writes `text` and a line feed to standard error, its control characters escaped.
    public static func printError(_ text: String) {
        FileHandle.standardError.write(Data((TerminalText.escaped(text) + "\n").utf8))
    }
}

extension Commands.RunOptions {
    /// What to load for this run.
    public var loadRequest: LoadRequest {
        LoadRequest(paths: paths, overrides: overrides, sweeps: sweeps, sweepMode: sweepMode, maxPoints: maxPoints,
                    allowHTML: allowHTML, allowRead: allowRead, budget: budget)
    }

    /// The sweep as the history records it: `--sweep` texts and the mode; empty without a sweep.
    var sweepDescription: String {
        guard !sweeps.isEmpty else { return "" }
        return (sweeps.map { "--sweep \($0)" } + (sweepMode.map { ["--sweep-mode \($0)"] } ?? [])).joined(separator: " ")
    }

    /// The command as a shard manifest records it, to load the same notebooks again at merge time.
    var recordedCommand: ShardManifest.Command {
        ShardManifest.Command(
            notebooks: paths, overrides: overrides, sweeps: sweeps, sweepMode: sweepMode, maxPoints: maxPoints,
            allowHTML: allowHTML, allowRead: allowRead, selfContained: selfContained,
            workingDirectory: FileManager.default.currentDirectoryPath, maxMemory: budget.limit, maxDataSize: budget.dataSizeLimit)
    }
}

/// What a block may allocate and read (`--max-memory`, `--max-data-size`), for the command line.
public typealias MemoryBudget = Experiments.MemoryBudget
