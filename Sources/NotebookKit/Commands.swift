import Experiments
import Foundation

/// What the command-line tool does, one function per subcommand, each returning the exit status
/// FORMAT.md §1 defines: 0 success, 1 a block failed, 2 usage errors and invalid notebooks.
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

        /// Creates run options.
        public init(paths: [String], outputDirectory: String = "output", overrides: [String] = [],
                    allowHTML: Bool = false, failFast: Bool = false, quiet: Bool = false,
                    jobs: Int? = nil, noCache: Bool = false, selfContained: Bool = false) {
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

    /// `notebook run`: parse and validate every notebook, run every block (up to `--jobs` at once,
    /// unchanged ones from the cache), write the reports.
    public static func run(_ options: RunOptions) -> Int32 {
        if let jobs = options.jobs, jobs < 1 {
            printError("error: --jobs must be at least 1 (got \(jobs))")
            return 2
        }
        switch NotebookLoader.load(options.paths, overrides: options.overrides, allowHTML: options.allowHTML) {
        case let .failure(diagnostics):
            printError(diagnostics.description)
            return 2
        case let .success(notebooks):
            let display = ProgressDisplay.forStandardError(quiet: options.quiet)
            return NotebookRun(notebooks: notebooks, options: options, display: display).execute()
        }
    }

    /// `notebook check`: parse and validate, run nothing.
    public static func check(paths: [String], overrides: [String] = []) -> Int32 {
        switch NotebookLoader.load(paths, overrides: overrides) {
        case let .failure(diagnostics):
            printError(diagnostics.description)
            return 2
        case let .success(notebooks):
            for notebook in notebooks {
                let blocks = notebook.blocks
                print("\(notebook.path): ok (\(blocks.count) block\(blocks.count == 1 ? "" : "s"): \(blocks.map { "\($0.id) {\($0.kind)}" }.joined(separator: ", ")))")
            }
            return 0
        }
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

    /// `notebook clean`: removes the reports, the index and the cache under the output folder,
    /// and nothing else.
    public static func clean(outputDirectory: String) -> Int32 {
        let manager = FileManager.default
        let directory = URL(fileURLWithPath: outputDirectory)
        guard let children = try? manager.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil) else {
            print("nothing to clean in \(outputDirectory)")
            return 0
        }
        var removed = [String]()
        for child in children {
            let name = child.lastPathComponent
            let isReport = manager.fileExists(atPath: child.appendingPathComponent("results.json").path) && !name.hasPrefix(".")
            let isLeftover = name.hasPrefix(".") && (name.contains(".partial-") || name.contains(".old-"))
            if isReport || isLeftover || name == ".cache" || name == "index.html" {
                do {
                    try manager.removeItem(at: child)
                    removed.append(name)
                } catch {
                    printError("error: could not remove \(child.path): \(error.localizedDescription)")
                    return 2
                }
            }
        }
        print(removed.isEmpty ? "nothing to clean in \(outputDirectory)" : "removed from \(outputDirectory): \(removed.sorted().joined(separator: ", "))")
        return 0
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
