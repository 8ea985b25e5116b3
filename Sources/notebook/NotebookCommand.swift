import ArgumentParser
import Foundation
import LivePreview
import NotebookKit

/// `notebook`: runs Markdown notebooks of ODE experiments and writes HTML reports.
struct NotebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook",
        abstract: "Run Markdown notebooks of ODE and neural-ODE experiments and write HTML reports.",
        discussion: """
            Examples:
              notebook run notebooks/experiments.md
              notebook run notebooks/*.md -o site
              notebook run notebooks/experiments.md -p steps=500 -p competition.h=0.05
              notebook check notebooks/experiments.md
              notebook kinds species
              notebook clean

            Reports go to output/<stem>/index.html (or -o DIR), with figures/, data/ and
            results.json beside each, and output/index.html listing them all.

            Exit status: 0 when every block succeeded; 1 when a block failed (the report
            is still written); 2 for usage errors, unreadable files and invalid notebooks;
            130 when interrupted (the report of what finished goes to DIR/<stem>.interrupted/).
            """,
        version: ProgramVersion.current,
        subcommands: [Run.self, Check.self, Watch.self, Plan.self, Merge.self, Slurm.self, Baseline.self, History.self, Kinds.self, Clean.self]
    )
}

extension NotebookCommand {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run notebooks and write one report per notebook.",
            discussion: """
                Writes DIR/<stem>/index.html, figures/, data/ and results.json for each notebook, \
                and DIR/index.html listing every report under DIR. Blocks whose kind, options, \
                seed and data files are unchanged come from the cache in DIR/.cache.

                Examples:
                  notebook run notebooks/experiments.md
                  notebook run notebooks/experiments.md -o /tmp/reports -p steps=500
                  notebook run a.md b.md -p competition.h=0.05 --fail-fast
                  notebook run notebooks/*.md --jobs 4 --no-cache
                """)

        @Argument(help: "Notebook files (Markdown).")
        var notebooks: [String]

        @Option(name: .shortAndLong, help: "Folder for the reports.")
        var output = "output"

        @Option(name: [.customShort("p"), .customLong("param")],
                help: ArgumentHelp("Override a block option: KEY=VALUE for every block with that key, or BLOCK-ID.KEY=VALUE.", valueName: "KEY=VALUE"))
        var overrides: [String] = []

        @Flag(help: "Stop at the first failing block.")
        var failFast = false

        @Flag(help: "Pass raw HTML in the prose through instead of escaping it.")
        var allowHTML = false

        @Flag(name: .shortAndLong, help: "Print nothing but errors.")
        var quiet = false

        @Option(name: .shortAndLong, help: "Run up to N blocks at once (default: the number of cores).")
        var jobs: Int?

        @Flag(help: "Run every block, ignoring and not updating the result cache.")
        var noCache = false

        @Flag(help: "Write one HTML file with figures, stylesheet and math embedded.")
        var selfContained = false

        @Flag(name: .customLong("figures-pdf"), help: "Also write each figure as a PDF beside it (figures/ID-NAME.pdf), for papers.")
        var figuresPDF = false

        @Option(help: ArgumentHelp("Also read data files and images from this folder or file, outside the notebook's project (its git work tree, else its folder). Repeatable.", valueName: "DIR"))
        var allowRead: [String] = []

        @OptionGroup var sweep: SweepOptions

        @Option(help: ArgumentHelp("Run only shard I of N (1-based) of the jobs, and store their results in DIR/.shards for `notebook merge`.", valueName: "I/N"))
        var shard: String?

        @OptionGroup var limits: LimitOptions

        @OptionGroup var baseline: BaselineOptions

        @Flag(help: "Do not append this run to DIR/history.sqlite.")
        var noHistory = false

        func run() throws {
            var shardNumbers: (index: Int, count: Int)?
            if let shard {
                guard let parsed = Commands.parseShard(shard) else { throw ExitCode(2) }
                shardNumbers = parsed
            }
            var options = Commands.RunOptions(
                paths: notebooks, outputDirectory: output, overrides: overrides,
                allowHTML: allowHTML, failFast: failFast, quiet: quiet,
                jobs: jobs, noCache: noCache, selfContained: selfContained, allowRead: allowRead,
                sweeps: sweep.sweeps, sweepMode: sweep.sweepMode, maxPoints: sweep.maxPoints, shard: shardNumbers,
                budget: try limits.budget(), figuresPDF: figuresPDF)
            options.baseline = baseline.baseline
            options.rtol = baseline.rtol
            options.atol = baseline.atol
            options.allowNew = baseline.allowNew
            options.noHistory = noHistory
            let status = Commands.run(options)
            if status != 0 { throw ExitCode(status) }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse and validate notebooks without running anything.",
            discussion: "Example:\n  notebook check notebooks/*.md -p steps=500")

        @Argument(help: "Notebook files (Markdown).")
        var notebooks: [String]

        @Option(name: [.customShort("p"), .customLong("param")],
                help: ArgumentHelp("Check with this override applied.", valueName: "KEY=VALUE"))
        var overrides: [String] = []

        @Option(help: ArgumentHelp("Also allow data files and images from this folder or file. Repeatable.", valueName: "DIR"))
        var allowRead: [String] = []

        @OptionGroup var sweep: SweepOptions

        @OptionGroup var limits: LimitOptions

        func run() throws {
            let status = Commands.check(LoadRequest(
                paths: notebooks, overrides: overrides, sweeps: sweep.sweeps, sweepMode: sweep.sweepMode,
                maxPoints: sweep.maxPoints, allowRead: allowRead, budget: try limits.budget()))
            if status != 0 { throw ExitCode(status) }
        }
    }

    struct Watch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run notebooks, serve their reports on 127.0.0.1, and run them again on every save.",
            discussion: """
                Serves DIR at http://127.0.0.1:PORT/ (the report of x.md at /x/, the index at /). When a \
                notebook or a file in its folder changes, the notebooks run again (unchanged blocks come \
                from the cache) and open pages reload; while a notebook does not validate, its pages show \
                the problems over the last good report, as the terminal does. Ctrl-C stops.

                Examples:
                  notebook watch notebooks/experiments.md
                  notebook watch notebooks/*.md -o site --port 8080 --open
                """)

        @Argument(help: "Notebook files (Markdown).")
        var notebooks: [String]

        @Option(name: .shortAndLong, help: "Folder for the reports.")
        var output = "output"

        @Option(help: "The port on 127.0.0.1 (0: any free port).")
        var port = 8000

        @Flag(help: "Open the index in the browser.")
        var open = false

        @OptionGroup var inputs: InputOptions

        @Option(name: .shortAndLong, help: "Run up to N blocks at once (default: the number of cores).")
        var jobs: Int?

        @Flag(help: "Pass raw HTML in the prose through instead of escaping it.")
        var allowHTML = false


        @Flag(name: .shortAndLong, help: "Print nothing but errors and the address.")
        var quiet = false

        @OptionGroup var limits: LimitOptions

        func run() throws {
            let status = LivePreview.watch(LivePreview.Options(
                run: Commands.RunOptions(paths: notebooks, outputDirectory: output, overrides: inputs.overrides, allowHTML: allowHTML,
                                         quiet: quiet, jobs: jobs, allowRead: inputs.allowRead, budget: try limits.budget()),
                port: port, open: open))
            if status != 0 { throw ExitCode(status) }
        }
    }

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the jobs a run would have: each block of each sweep point, its cache key, whether it is cached, its cost and shard.",
            discussion: """
                Runs nothing and writes nothing. A block that is the same at several sweep points is one job.

                Examples:
                  notebook plan notebooks/dynamics.md --sweep lr=[1e-3,1e-2] --json
                  notebook plan notebooks/*.md --shards 4
                """)

        @Argument(help: "Notebook files (Markdown).")
        var notebooks: [String]

        @OptionGroup var inputs: InputOptions

        @OptionGroup var sweep: SweepOptions

        @Option(name: .shortAndLong, help: "The output folder whose cache says which jobs are cached.")
        var output = "output"

        @Option(help: "Show which of N shards runs each job.")
        var shards: Int?

        @Flag(help: "One JSON object per job and line (JSON Lines) instead of a table.")
        var json = false


        @OptionGroup var limits: LimitOptions

        func run() throws {
            let status = Commands.plan(Commands.PlanOptions(
                request: LoadRequest(paths: notebooks, overrides: inputs.overrides, sweeps: sweep.sweeps, sweepMode: sweep.sweepMode,
                                     maxPoints: sweep.maxPoints, allowRead: inputs.allowRead, budget: try limits.budget()),
                outputDirectory: output, shards: shards, json: json))
            if status != 0 { throw ExitCode(status) }
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assemble the reports of a sharded run from its shards' folders.",
            discussion: """
                Each DIR is the -o folder of one or more `notebook run --shard I/N` runs. The reports, \
                comparison pages and index written to OUT are those one run on one machine writes. A \
                missing shard is named, its blocks are left out, the reports are marked incomplete, \
                and the exit status is 1.

                Examples:
                  notebook merge site -o site
                  notebook merge shard-1 shard-2 shard-3 -o site
                """)

        @Argument(help: "Folders holding the shards' results (their .shards/ folders).")
        var directories: [String]

        @Option(name: .shortAndLong, help: "Folder for the reports.")
        var output = "output"

        @Flag(name: .shortAndLong, help: "Print nothing but errors.")
        var quiet = false

        @OptionGroup var baseline: BaselineOptions

        func run() throws {
            var options = Commands.MergeOptions(directories: directories, outputDirectory: output, quiet: quiet)
            options.baseline = baseline.baseline
            options.rtol = baseline.rtol
            options.atol = baseline.atol
            options.allowNew = baseline.allowNew
            let status = Commands.merge(options)
            if status != 0 { throw ExitCode(status) }
        }
    }

    struct Slurm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write (and submit) Slurm batch scripts that run notebooks as a job array of shards, then merge.",
            discussion: """
                Writes DIR/slurm/<name>.sbatch, a job array whose task I runs `notebook run --shard I/N`, \
                and DIR/slurm/merge.sbatch, which runs `notebook merge`. DIR must be on a file system \
                that every node shares. --submit submits both (the merge after every task succeeded); \
                --wait follows them and exits with the merge's status.

                Examples:
                  notebook slurm notebooks/dynamics.md --sweep lr=[1e-3,1e-2,1e-1] --shards 3 -o /shared/site
                  notebook slurm notebooks/*.md --shards 8 --partition gpu --time 01:00:00 --submit --wait
                """)

        @Argument(help: "Notebook files (Markdown).")
        var notebooks: [String]

        @Option(name: .shortAndLong, help: "Folder for the shards' results and the reports (on a shared file system).")
        var output = "output"

        @OptionGroup var inputs: InputOptions

        @OptionGroup var sweep: SweepOptions

        @Option(help: "How many shards (array tasks).")
        var shards: Int

        @Option(help: "The Slurm partition.")
        var partition: String?

        @Option(help: "The time limit of each task (Slurm's format, e.g. 01:30:00).")
        var time: String?

        @Option(help: "CPUs per task; each shard runs that many blocks at once.")
        var cpusPerTask: Int?

        @Option(help: "The Slurm account to charge.")
        var account: String?

        @Flag(help: "Submit the scripts with sbatch.")
        var submit = false

        @Flag(help: "With --submit: follow the jobs and exit with the merge's status.")
        var wait = false

        @Flag(help: "Run every block, ignoring and not updating the result cache.")
        var noCache = false

        @Flag(help: "Write one HTML file with figures, stylesheet and math embedded.")
        var selfContained = false


        @Flag(name: .shortAndLong, help: "Print nothing but errors.")
        var quiet = false

        @Option(help: ArgumentHelp("The notebook executable the nodes run (default: this one, by its absolute path).", valueName: "PATH"))
        var executable: String?

        @OptionGroup var limits: LimitOptions

        func run() throws {
            let status = Commands.slurm(Commands.SlurmOptions(
                run: Commands.RunOptions(
                    paths: notebooks, outputDirectory: output, overrides: inputs.overrides, quiet: quiet, noCache: noCache,
                    selfContained: selfContained, allowRead: inputs.allowRead, sweeps: sweep.sweeps, sweepMode: sweep.sweepMode,
                    maxPoints: sweep.maxPoints, budget: try limits.budget()),
                shards: shards, partition: partition, time: time, cpusPerTask: cpusPerTask, account: account,
                submit: submit, wait: wait, executable: executable))
            if status != 0 { throw ExitCode(status) }
        }
    }

    struct Baseline: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run notebooks and keep their results and figures as a baseline to compare later runs with.",
            discussion: """
                Runs the notebooks as `notebook run` does (reports in --reports DIR), then writes \
                PATH/<stem>/ with each report's results.json and figures only: small enough to commit. \
                `notebook run FILE.md --baseline PATH` compares with it.

                Examples:
                  notebook baseline notebooks/experiments.md -o notebooks/baselines
                  notebook baseline notebooks/*.md -o notebooks/baselines --update
                """)

        @Argument(help: "Notebook files (Markdown).")
        var notebooks: [String]

        @Option(name: .shortAndLong, help: "The baseline folder (one <stem>/ per notebook).")
        var output: String

        @Flag(help: "Replace the baselines of these notebooks when they exist.")
        var update = false

        @Flag(help: "Keep each figure's SHA-256 (figures.sha256) instead of its image: a much smaller baseline; changed figures are then named, not shown.")
        var noFigures = false

        @Option(help: ArgumentHelp("Folder for the run's full reports.", valueName: "DIR"))
        var reports = "output"

        @OptionGroup var inputs: InputOptions

        @Option(name: .shortAndLong, help: "Run up to N blocks at once (default: the number of cores).")
        var jobs: Int?

        @Flag(help: "Run every block, ignoring and not updating the result cache.")
        var noCache = false


        @Flag(name: .shortAndLong, help: "Print nothing but errors.")
        var quiet = false

        @OptionGroup var sweep: SweepOptions

        @OptionGroup var limits: LimitOptions

        func run() throws {
            let status = Commands.baseline(Commands.BaselineWriteOptions(
                run: Commands.RunOptions(paths: notebooks, outputDirectory: reports, overrides: inputs.overrides, quiet: quiet,
                                         jobs: jobs, noCache: noCache, allowRead: inputs.allowRead, sweeps: sweep.sweeps,
                                         sweepMode: sweep.sweepMode, maxPoints: sweep.maxPoints, budget: try limits.budget()),
                baseline: output, update: update, figures: !noFigures))
            if status != 0 { throw ExitCode(status) }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the metrics of the last runs, from DIR/history.sqlite.",
            discussion: """
                Every `notebook run` appends its blocks and metrics to DIR/history.sqlite. This prints them: \
                a column per block and metric and a row per run when there are at most six, else a row per \
                run, block and metric; `+` after a commit marks a work tree with uncommitted changes.

                Examples:
                  notebook history notebooks/experiments.md --block competition --metric final.x1
                  notebook history --last 5 --json
                """)

        @Argument(help: "Only this notebook's blocks.")
        var notebook: String?

        @Option(name: .shortAndLong, help: "The output folder whose history is read.")
        var output = "output"

        @Option(help: "Only this block.")
        var block: String?

        @Option(help: "Only this metric.")
        var metric: String?

        @Option(help: "The last N runs.")
        var last = 20

        @Flag(help: "One JSON object per metric and run, one per line (JSON Lines).")
        var json = false

        func run() throws {
            let status = Commands.history(Commands.HistoryOptions(
                notebook: notebook, outputDirectory: output, block: block, metric: metric, last: last, json: json))
            if status != 0 { throw ExitCode(status) }
        }
    }

    struct Kinds: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the block kinds, each option with its type, default and meaning.",
            discussion: "Examples:\n  notebook kinds\n  notebook kinds species")

        @Argument(help: "Show only this kind.")
        var kind: String?

        func run() throws {
            let status = Commands.kinds(kind)
            if status != 0 { throw ExitCode(status) }
        }
    }

    struct Clean: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the reports, the index and the result cache under the output folder.",
            discussion: "Only what notebook wrote is removed: report folders carrying its marker, its index.html and its tagged .cache; anything else stays.")

        @Option(name: .shortAndLong, help: "The output folder.")
        var output = "output"

        func run() throws {
            let status = Commands.clean(outputDirectory: output)
            if status != 0 { throw ExitCode(status) }
        }
    }
}

/// The options that declare a sweep, shared by `run`, `check`, `plan` and `slurm`.
struct SweepOptions: ParsableArguments {
    @Option(name: .customLong("sweep"),
            help: ArgumentHelp("Sweep an option over a list of values: KEY=[V1,V2,...] (KEY as for -p). Repeatable; the lists combine by --sweep-mode.", valueName: "KEY=LIST"))
    var sweeps: [String] = []

    @Option(help: ArgumentHelp("How several sweep lists combine: grid (every combination, the default) or zip (in step).", valueName: "grid|zip"))
    var sweepMode: String?

    @Option(help: "The most points one notebook's sweep may have.")
    var maxPoints = LoadRequest.defaultMaxPoints
}

/// The `-p` overrides and `--allow-read` places of the commands that load notebooks as `run` does
/// (`plan`, `slurm`, `watch`, `baseline`).
struct InputOptions: ParsableArguments {
    @Option(name: [.customShort("p"), .customLong("param")],
            help: ArgumentHelp("Override a block option, as for run.", valueName: "KEY=VALUE"))
    var overrides: [String] = []

    @Option(help: ArgumentHelp("Also read data files and images from this folder or file. Repeatable.", valueName: "DIR"))
    var allowRead: [String] = []
}

/// Comparing the reports with a baseline, shared by `run` and `merge`.
struct BaselineOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Compare every metric and figure with this baseline: a report folder, a folder of them (as `notebook baseline` writes), or a results.json. Exit status 1 on a regression.", valueName: "PATH"))
    var baseline: String?

    @Option(help: ArgumentHelp("Relative tolerance where a block's `tolerance:` says none (default 1e-9).", valueName: "R"))
    var rtol: Double?

    @Option(help: ArgumentHelp("Absolute tolerance where a block's `tolerance:` says none (default 0).", valueName: "A"))
    var atol: Double?

    @Flag(help: "Accept blocks and metrics that the baseline does not have.")
    var allowNew = false
}

/// The limits on what a block may allocate and read, shared by `run`, `check`, `plan` and `slurm`.
struct LimitOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The most memory one block may need, by its own estimate (e.g. 8G; default: half the machine's memory).", valueName: "SIZE"))
    var maxMemory: String?

    @Option(help: ArgumentHelp("The largest data file a block may read (default: 100M).", valueName: "SIZE"))
    var maxDataSize: String?

    /// The budget these options give.
    func budget() throws -> MemoryBudget {
        var budget = MemoryBudget()
        if let maxMemory {
            guard let bytes = MemoryBudget.parseSize(maxMemory) else { throw ValidationError("--max-memory \(maxMemory): give a size such as 8G, 512M or 2000000000") }
            budget.limit = bytes
        }
        if let maxDataSize {
            guard let bytes = MemoryBudget.parseSize(maxDataSize) else { throw ValidationError("--max-data-size \(maxDataSize): give a size such as 100M or 2G") }
            budget.dataSizeLimit = bytes
        }
        return budget
    }
}
