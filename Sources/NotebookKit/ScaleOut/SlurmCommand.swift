import Experiments
import FileAccess
import Foundation

extension Commands {
    /// Options of `notebook slurm`.
    public struct SlurmOptions: Sendable {
        /// What to run (notebooks, `-p`, sweep).
        public var run: RunOptions
        /// How many shards (array tasks).
        public var shards: Int
        public var partition: String?
        public var time: String?
        public var cpusPerTask: Int?
        public var account: String?
        /// Submit the scripts with `sbatch`.
        public var submit: Bool
        /// Follow the jobs until the merge ends, and exit with its status.
        public var wait: Bool
        /// The `notebook` executable the nodes run (default: this program's own path).
        public var executable: String?

        /// Creates Slurm options.
        public init(run: RunOptions, shards: Int, partition: String? = nil, time: String? = nil, cpusPerTask: Int? = nil,
                    account: String? = nil, submit: Bool = false, wait: Bool = false, executable: String? = nil) {
            self.run = run
            self.shards = shards
            self.partition = partition
            self.time = time
            self.cpusPerTask = cpusPerTask
            self.account = account
            self.submit = submit
            self.wait = wait
            self.executable = executable
        }
    }

    /// `notebook slurm`: writes `DIR/slurm/<name>.sbatch` (a job array of `--shards` tasks, task I
    /// running `notebook run --shard I/N`) and `DIR/slurm/merge.sbatch` (running `notebook merge`);
    /// with `--submit` submits both, the merge after every task succeeded, and prints their ids;
    /// with `--wait` follows them and exits with the merge's status.
    public static func slurm(_ options: SlurmOptions) -> Int32 {
        if isBelowOne(options.shards, option: "--shards") || isBelowOne(options.cpusPerTask, option: "--cpus-per-task") {
            return 2
        }
        if options.wait, !options.submit {
            printError("error: --wait follows the jobs that --submit submits; give both")
            return 2
        }
        let run = options.run
        guard let notebooks = loadedOrReported(run.loadRequest) else { return 2 }
        let plan = RunPlan(notebooks: notebooks)
        let folder: OutputFolder
        do {
            folder = try OutputFolder.prepare(run.outputDirectory, stems: notebooks.map(\.base.stem), usesCache: !run.noCache,
                                              usesShards: true)
        } catch {
            printError(error.description)
            return 2
        }
        let slurmFolder = folder.path(SlurmScripts.folderName)
        if FileKind.of(slurmFolder, followingLinks: false) != .missing,
           FileKind.of(slurmFolder + "/" + SlurmScripts.markerName, followingLinks: false) != .regular {
            printError("error: \(folder.shown(SlurmScripts.folderName)) is not a folder written by notebook slurm (it has no \(SlurmScripts.markerName)); move it away, or write elsewhere with -o DIR")
            return 2
        }

        let executable = options.executable ?? ReadScope.realPath(CommandLine.arguments[0]) ?? CommandLine.arguments[0]
        let name = notebooks.count == 1 ? notebooks[0].base.stem : "notebooks"
        let settings = SlurmScripts.Settings(
            executable: executable, workingDirectory: FileManager.default.currentDirectoryPath, outputDirectory: folder.path,
            name: name, shards: options.shards, runArguments: run.commandLineArguments, partition: options.partition,
            time: options.time, cpusPerTask: options.cpusPerTask, account: options.account)
        let scripts = SlurmScripts(settings)
        let arrayPath = "\(slurmFolder)/\(name).sbatch", mergePath = "\(slurmFolder)/\(SlurmScripts.mergeName)"
        do {
            try FileOperations.createFolder(slurmFolder + "/logs")
            try FileOperations.writeAtomically(Data("Scripts and logs written by `notebook slurm`.\n".utf8), to: slurmFolder + "/" + SlurmScripts.markerName)
            try FileOperations.writeAtomically(Data(scripts.array.utf8), to: arrayPath)
            try FileOperations.writeAtomically(Data(scripts.merge.utf8), to: mergePath)
        } catch {
            printError("error: \(error.description)")
            return 2
        }
        let shownFolder = folder.shown(SlurmScripts.folderName)
        if options.shards > plan.jobs.count {
            printError("note: \(options.shards) shards for \(plan.jobs.count) job\(plan.jobs.count == 1 ? "" : "s"): \(options.shards - plan.jobs.count) shard\(options.shards - plan.jobs.count == 1 ? "" : "s") will have nothing to do")
        }
        guard options.submit else {
            print(TerminalText.escaped("""
                wrote \(shownFolder)/\(name).sbatch (\(options.shards) shard\(options.shards == 1 ? "" : "s"), \(plan.jobs.count) job\(plan.jobs.count == 1 ? "" : "s")) and \(shownFolder)/\(SlurmScripts.mergeName)
                submit them with:
                  job=$(sbatch --parsable \(shownFolder)/\(name).sbatch)
                  sbatch --dependency=afterok:${job%%;*} \(shownFolder)/\(SlurmScripts.mergeName)
                \(run.outputDirectory) must be on a file system that every node shares.
                """))
            return 0
        }

        let submission = SlurmSubmission(settings: settings, plan: plan, shownOutput: run.outputDirectory, quiet: run.quiet)
        // Results of an earlier run of the same plan would look like this run's progress.
        let ids: (array: String, merge: String)
        do {
            try submission.clearEarlierRun()
            ids = try submission.submit(arrayScript: arrayPath, mergeScript: mergePath)
        } catch {
            printError("error: \(error.description)")
            return 2
        }
        print(TerminalText.escaped("submitted the shards as job \(ids.array) (array 1-\(options.shards)) and the merge as job \(ids.merge) (after every shard succeeds); logs in \(shownFolder)/logs/"))
        guard options.wait else { return 0 }
        return submission.wait(array: ids.array, merge: ids.merge)
    }
}

extension Commands.RunOptions {
    /// The `notebook run` arguments that make this run, besides `-o` and `--shard`.
    var commandLineArguments: [String] {
        var arguments = paths
        for override in overrides { arguments += ["-p", override] }
        for sweep in sweeps { arguments += ["--sweep", sweep] }
        if let sweepMode { arguments += ["--sweep-mode", sweepMode] }
        if maxPoints != LoadRequest.defaultMaxPoints { arguments += ["--max-points", String(maxPoints)] }
        for place in allowRead { arguments += ["--allow-read", place] }
        if allowHTML { arguments.append("--allow-html") }
        if selfContained { arguments.append("--self-contained") }
        if noCache { arguments.append("--no-cache") }
        if budget.limit != MemoryBudget.defaultLimit { arguments += ["--max-memory", String(budget.limit)] }
        if budget.dataSizeLimit != MemoryBudget.defaultDataSizeLimit { arguments += ["--max-data-size", String(budget.dataSizeLimit)] }
        return arguments
    }
}
