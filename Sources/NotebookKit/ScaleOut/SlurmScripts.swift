/// The two batch scripts of a run on a Slurm cluster: a job array whose task I runs
/// `notebook run --shard I/N`, and a merge job, submitted to start after every task succeeded
/// (`--dependency=afterok:<array>`), that runs `notebook merge`.
///
/// Everything is written with absolute paths: the output folder must be on a file system every
/// node sees, and the tasks start in the folder the command was given in.
struct SlurmScripts: Sendable, Equatable {
    /// What the scripts are made from.
    struct Settings: Sendable, Equatable {
        /// The `notebook` executable the nodes run (absolute).
        var executable: String
        /// The folder the notebooks' paths are relative to (absolute).
        var workingDirectory: String
        /// The output folder (absolute).
        var outputDirectory: String
        /// The name of the run: the first notebook's stem (`notebooks` for several).
        var name: String
        /// The number of shards (array tasks).
        var shards: Int
        /// `notebook run` arguments besides `-o` and `--shard`: notebooks, `-p`, `--sweep`, ...
        var runArguments: [String]
        var partition: String?
        var time: String?
        var cpusPerTask: Int?
        var account: String?
    }

    /// The array script's text.
    let array: String
    /// The merge script's text.
    let merge: String

    /// The folder of the scripts and logs, inside the output folder.
    static let folderName = "slurm"
    /// The file that marks the folder as notebook's.
    static let markerName = ".notebook-slurm"
    /// The merge script's name.
    static let mergeName = "merge.sbatch"
    /// The file the merge job writes its exit status to.
    static let mergeStatusName = "merge.status"

    /// Where the array task `task` of array job `job` logs (`%A_%a` in the script).
    static func taskLog(_ settings: Settings, job: String, task: Int) -> String {
        "\(settings.outputDirectory)/\(folderName)/logs/\(settings.name)-\(job)_\(task).out"
    }

    /// Where merge job `job` logs.
    static func mergeLog(_ settings: Settings, job: String) -> String {
        "\(settings.outputDirectory)/\(folderName)/logs/\(settings.name)-merge-\(job).out"
    }

    /// The scripts for `settings`.
    init(_ settings: Settings) {
        let folder = "\(settings.outputDirectory)/\(Self.folderName)"
        func directives(_ name: String, output: String, cpus: Int?) -> [String] {
            var lines = ["#SBATCH --job-name=\(name)", "#SBATCH --output=\(output)"]
            if let partition = settings.partition { lines.append("#SBATCH --partition=\(partition)") }
            if let time = settings.time { lines.append("#SBATCH --time=\(time)") }
            if let account = settings.account { lines.append("#SBATCH --account=\(account)") }
            if let cpus { lines.append("#SBATCH --cpus-per-task=\(cpus)") }
            return lines
        }
        let notebook = Self.quoted(settings.executable)
        var array = ["#!/bin/bash"]
        array += directives("notebook-\(settings.name)", output: "\(folder)/logs/\(settings.name)-%A_%a.out", cpus: settings.cpusPerTask)
        array.append("#SBATCH --array=1-\(settings.shards)")
        array += [
            "#",
            "# Written by `notebook slurm`: task I of this array runs shard I of \(settings.shards) of the run below and",
            "# stores its results in \(settings.outputDirectory)/.shards/ (a file system every node must share).",
            "# Submit with: sbatch --parsable \(folder)/\(settings.name).sbatch, then the merge with",
            "#   sbatch --dependency=afterok:<that job id> \(folder)/\(Self.mergeName)",
            "set -uo pipefail",
            "cd \(Self.quoted(settings.workingDirectory)) || exit 2",
            ([notebook, "run"] + settings.runArguments.map(Self.quoted) + [
                "-o", Self.quoted(settings.outputDirectory), "--shard", "\"$SLURM_ARRAY_TASK_ID/\(settings.shards)\"",
                "--jobs", "\"${SLURM_CPUS_PER_TASK:-1}\"",
            ]).joined(separator: " "),
            "status=$?",
            "# A block that failed is a result (the merged report shows it): only other failures fail the task.",
            "if [ \"$status\" -le 1 ]; then exit 0; fi",
            "exit \"$status\"",
        ]
        var merge = ["#!/bin/bash"]
        merge += directives("notebook-\(settings.name)-merge", output: "\(folder)/logs/\(settings.name)-merge-%j.out", cpus: 1)
        merge += [
            "#",
            "# Written by `notebook slurm`: assembles the reports from the shards of \(settings.name).sbatch.",
            "# Submit after the array with: sbatch --dependency=afterok:<array job id> \(folder)/\(Self.mergeName)",
            "set -uo pipefail",
            "cd \(Self.quoted(settings.workingDirectory)) || exit 2",
            [notebook, "merge", Self.quoted(settings.outputDirectory), "-o", Self.quoted(settings.outputDirectory)].joined(separator: " "),
            "status=$?",
            "echo \"$status\" > \(Self.quoted("\(folder)/\(Self.mergeStatusName)"))",
            "exit \"$status\"",
        ]
        self.array = array.joined(separator: "\n") + "\n"
        self.merge = merge.joined(separator: "\n") + "\n"
    }

    /// `text` as one word for bash: as it is when it holds only safe characters, else in single
    /// quotes (a single quote inside written `'\''`).
    static func quoted(_ text: String) -> String {
        let safe = !text.isEmpty && text.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "/._-+=:,@%".unicodeScalars.contains($0))
        }
        return safe ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
