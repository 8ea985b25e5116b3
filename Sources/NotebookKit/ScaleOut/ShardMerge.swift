import Experiments
import FileAccess
import Foundation

extension Commands {
    /// Options of `notebook merge`.
    public struct MergeOptions: Sendable {
        /// The shard output folders (each holding a `.shards/` folder).
        public var directories: [String]
        /// Where the reports go.
        public var outputDirectory: String
        /// Print nothing but errors.
        public var quiet: Bool
        /// `--baseline`, `--rtol`, `--atol`, `--allow-new`, as for `notebook run`.
        public var baseline: String?
        public var rtol: Double?
        public var atol: Double?
        public var allowNew = false

        /// Creates merge options.
        public init(directories: [String], outputDirectory: String, quiet: Bool = false) {
            self.directories = directories
            self.outputDirectory = outputDirectory
            self.quiet = quiet
        }
    }

    /// `notebook merge DIR... -o OUT`: assembles the reports of a sharded run from its shards'
    /// results, as one run on one machine would have written them. The notebooks are loaded again
    /// with the command the shards recorded, and must give the same plan. A shard that is missing
    /// (or a result that is) is named; its blocks are left out of reports marked incomplete, and
    /// the exit status is 1, as it is when a block failed.
    public static func merge(_ options: MergeOptions) -> Int32 {
        var found = [(directory: String, manifest: ShardManifest)]()
        var problems = [String]()
        for directory in options.directories {
            let store = ShardStore(output: directory)
            guard ShardStore.ownership(of: store.directory) == .ours else {
                problems.append("error: \(directory) holds no shard results (no \(ShardStore.folderName)/ made by `notebook run --shard`)")
                continue
            }
            let (manifests, unreadable) = store.manifests()
            for name in unreadable { problems.append("warning: \(directory)/\(ShardStore.folderName)/\(name) is not a shard manifest this version reads; ignored") }
            found += manifests.map { (directory, $0) }
        }
        guard let newest = found.max(by: { $0.manifest.finished < $1.manifest.finished })?.manifest else {
            for problem in problems { printError(problem) }
            printError("error: no shard manifests found in \(options.directories.joined(separator: ", ")); run `notebook run ... --shard I/N -o DIR` first")
            return 2
        }
        let mine = found.filter { $0.manifest.plan == newest.plan }
        let others = Set(found.filter { $0.manifest.plan != newest.plan }.map(\.manifest.plan))
        for problem in problems { printError(problem) }
        if !others.isEmpty, !options.quiet {
            printError("note: merging the newest run's shards (plan \(newest.plan.prefix(12))); ignored the shards of \(others.count) other run\(others.count == 1 ? "" : "s")")
        }
        if newest.program != ProgramVersion.current {
            printError("error: the shards were run by notebook \(newest.program), this is \(ProgramVersion.current); merge with the version that ran them")
            return 2
        }

        // The same notebooks and command give the same plan, or the shards are not this run's.
        let command = newest.command
        let request = LoadRequest(paths: command.notebooks, overrides: command.overrides, sweeps: command.sweeps,
                                  sweepMode: command.sweepMode, maxPoints: command.maxPoints, allowHTML: command.allowHTML,
                                  allowRead: command.allowRead,
                                  budget: MemoryBudget(limit: command.maxMemory ?? MemoryBudget.defaultLimit,
                                                       dataSizeLimit: command.maxDataSize ?? MemoryBudget.defaultDataSizeLimit))
        let notebooks: [SweptNotebook]
        switch NotebookLoader.loadSwept(request) {
        case let .failure(diagnostics):
            printError(diagnostics.description)
            if command.workingDirectory != FileManager.default.currentDirectoryPath {
                printError("note: the shards ran in \(command.workingDirectory); run the merge from there (or from a checkout with the same layout)")
            }
            return 2
        case let .success(loaded):
            notebooks = loaded
        }
        let plan = RunPlan(notebooks: notebooks)
        guard plan.digest == newest.plan else {
            printError("error: the notebooks, their data or the command differ from what the shards ran (plan \(plan.digest.prefix(12)), shards \(newest.plan.prefix(12))); run the shards again")
            return 2
        }

        let folder: OutputFolder
        do {
            folder = try OutputFolder.prepare(options.outputDirectory, stems: notebooks.map(\.base.stem), usesCache: false)
        } catch {
            printError(error.description)
            return 2
        }
        let count = newest.of
        let present = Set(mine.filter(\.manifest.complete).map(\.manifest.shard))
        let missing = (1...max(count, 1)).filter { !present.contains($0) }
        let stores = Array(Set(mine.map(\.directory))).sorted().map { ShardStore(output: $0) }
        var endings = [ReportAssembler.Ending?](repeating: nil, count: plan.jobs.count)
        var absent = 0
        for (index, job) in plan.jobs.enumerated() {
            for store in stores {
                switch store.result(job.identity) {
                case let .success(rendered)?:
                    endings[index] = .finished(rendered)
                case let .failure(problem)?:
                    printError("warning: \(store.resultPath(job.identity)): \(problem.reason); ignored")
                case nil:
                    continue
                }
                if endings[index] != nil { break }
            }
            if endings[index] == nil { absent += 1 }
        }

        let baseline: BaselineSettings?
        switch baselineSettings(options.baseline, rtol: options.rtol, atol: options.atol, allowNew: options.allowNew, notebooks: notebooks) {
        case let .success(settings): baseline = settings
        case .failure: return 2
        }
        let display = ProgressDisplay.forStandardError(quiet: options.quiet)
        var assembler = ReportAssembler(plan: plan, output: URL(fileURLWithPath: folder.path), shownOutput: options.outputDirectory,
                                        display: display)
        assembler.baseline = baseline
        var regressions = [String]()
        var incomplete: String?
        if !missing.isEmpty || absent > 0 {
            let shards = missing.isEmpty ? "" : "shard\(missing.count == 1 ? "" : "s") \(missing.map(String.init).joined(separator: ", ")) of \(count) did not report; "
            incomplete = shards + "\(absent) job\(absent == 1 ? "" : "s") left out"
        }
        var information = RunInformation(overrides: command.overrides, date: Date(), selfContained: command.selfContained,
                                         quiet: options.quiet, interrupted: false, incomplete: incomplete)
        information.allowHTML = command.allowHTML
        var writeFailed = false
        for index in plan.notebooks.indices {
            if let found = assembler.write(index, endings: endings, run: information, seconds: 0) {
                regressions += found
            } else {
                writeFailed = true
            }
        }
        display.finish()
        do { try ReportFolder.writeIndex(of: URL(fileURLWithPath: folder.path), run: (information.date, Set(notebooks.map(\.base.stem)))) } catch {
            printError("error: could not write the index page: \(error.description)")
            return 2
        }
        if writeFailed { return 2 }

        var status: Int32 = 0
        for shard in missing {
            let partial = mine.contains { $0.manifest.shard == shard }
            let name = "\(newest.plan.prefix(16))-shard-\(shard)-of-\(count).json"
            printError(partial
                ? "error: shard \(shard) of \(count) did not finish (its manifest \(name) says some jobs were stopped or skipped); the reports are marked incomplete"
                : "error: shard \(shard) of \(count) is missing: no \(name) in \(options.directories.map { "\($0)/\(ShardStore.folderName)" }.joined(separator: ", ")); its blocks are left out and the reports are marked incomplete")
            status = 1
        }
        var failures = [String]()
        for (index, job) in plan.jobs.enumerated() {
            guard case let .finished(rendered)? = endings[index], let failure = rendered.failure else { continue }
            for notebook in Array(Set(job.locations.map(\.notebook))).sorted() {
                let locations = job.locations.filter { $0.notebook == notebook }
                let swept = plan.notebooks[notebook]
                let point = locations.count == 1 ? swept.points[locations[0].point].name.map { " [\($0)]" } ?? "" : ""
                failures.append("\(swept.base.path):\(failure.line): error: block '\(job.block.id)'\(point): \(failure.message)")
            }
        }
        if !failures.isEmpty {
            printError("\n\(failures.count) block\(failures.count == 1 ? "" : "s") failed:")
            for failure in failures { printError(failure) }
            status = 1
        }
        if !options.quiet {
            let merged = plan.jobs.count - absent
            printError("merged \(merged) of \(plan.jobs.count) job\(plan.jobs.count == 1 ? "" : "s") from \(present.count) of \(count) shard\(count == 1 ? "" : "s") into \(options.outputDirectory)/")
        }
        return NotebookRun.reportRegressions(regressions, baseline: baseline, status: status, display: display)
    }
}
