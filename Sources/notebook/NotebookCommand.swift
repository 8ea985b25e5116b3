import ArgumentParser
import Foundation
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
        subcommands: [Run.self, Check.self, Kinds.self, Clean.self]
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

        @Option(help: ArgumentHelp("Also read data files and images from this folder or file, outside the notebook's project (its git work tree, else its folder). Repeatable.", valueName: "DIR"))
        var allowRead: [String] = []

        @OptionGroup var sweep: SweepOptions

        @Option(help: ArgumentHelp("Run only shard I of N (1-based) of the jobs, and store their results in DIR/.shards for `notebook merge`.", valueName: "I/N"))
        var shard: String?

        func run() throws {
            var shardNumbers: (index: Int, count: Int)?
            if let shard {
                guard let parsed = Commands.parseShard(shard) else { throw ExitCode(2) }
                shardNumbers = parsed
            }
            let status = Commands.run(Commands.RunOptions(
                paths: notebooks, outputDirectory: output, overrides: overrides,
                allowHTML: allowHTML, failFast: failFast, quiet: quiet,
                jobs: jobs, noCache: noCache, selfContained: selfContained, allowRead: allowRead,
                sweeps: sweep.sweeps, sweepMode: sweep.sweepMode, maxPoints: sweep.maxPoints, shard: shardNumbers))
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

        func run() throws {
            let status = Commands.check(LoadRequest(
                paths: notebooks, overrides: overrides, sweeps: sweep.sweeps, sweepMode: sweep.sweepMode,
                maxPoints: sweep.maxPoints, allowRead: allowRead))
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
