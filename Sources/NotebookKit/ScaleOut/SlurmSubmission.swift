import FileAccess
import Foundation

/// Submits a run's scripts with `sbatch` and follows the jobs with `squeue` and `scontrol`,
/// reading the shards' progress from their manifests in the shared output folder.
struct SlurmSubmission {
    let settings: SlurmScripts.Settings
    let plan: RunPlan
    /// The output folder as the user gave it.
    let shownOutput: String
    let quiet: Bool

    /// A Slurm command that failed, said with what it printed.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Seconds between two looks at the queue (`NOTEBOOK_SLURM_POLL` changes it).
    var pollInterval: Double {
        ProcessInfo.processInfo.environment["NOTEBOOK_SLURM_POLL"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil } ?? 2
    }

    private var store: ShardStore { ShardStore(output: settings.outputDirectory) }
    private var statusFile: String { "\(settings.outputDirectory)/\(SlurmScripts.folderName)/\(SlurmScripts.mergeStatusName)" }

    /// Removes the merge status and this plan's shard manifests left by an earlier submission
    /// (left behind, they would pass for this run's progress), or says why it could not.
    func clearEarlierRun() throws(Failure) {
        let paths = [statusFile] + (1...max(settings.shards, 1)).map { store.manifestPath(plan: plan.digest, index: $0, count: settings.shards) }
        for path in paths {
            do { try FileOperations.remove(path) } catch {
                throw Failure(description: "could not remove \(path), left by an earlier submission, which would pass for this one's progress: \(error.description)")
            }
        }
    }

    /// Submits the array, then the merge to start after every task succeeded; their job ids.
    func submit(arrayScript: String, mergeScript: String) throws(Failure) -> (array: String, merge: String) {
        let array = try jobID(of: run("sbatch", ["--parsable", arrayScript]), script: arrayScript)
        let merge = try jobID(of: run("sbatch", ["--parsable", "--dependency=afterok:\(array)", mergeScript]), script: mergeScript)
        return (array, merge)
    }

    /// Follows the jobs until the merge ends (progress: shards done of N), and returns the merge's
    /// exit status; 1 with the failed task and its log named when a shard task fails.
    func wait(array: String, merge: String) -> Int32 {
        var shown = -1
        var unreachable = 0
        while true {
            let done = finishedShards()
            if done.count != shown, !quiet {
                shown = done.count
                Commands.printError("slurm: \(done.count)/\(settings.shards) shard\(settings.shards == 1 ? "" : "s") done")
            }
            let arrayQueued: Bool, mergeQueued: Bool
            do {
                arrayQueued = try isQueued(array)
                mergeQueued = try isQueued(merge)
                unreachable = 0
            } catch {
                unreachable += 1
                if unreachable >= 5 {
                    Commands.printError("error: cannot follow the jobs: \(error.description)")
                    return 2
                }
                Thread.sleep(forTimeInterval: pollInterval)
                continue
            }
            if !arrayQueued {
                let finished = finishedShards()
                let failed = (1...settings.shards).filter { !finished.contains($0) }
                if !failed.isEmpty {
                    for task in failed {
                        let state = (try? taskState("\(array)_\(task)")).map { " (\($0))" } ?? ""
                        Commands.printError("error: shard task \(array)_\(task) failed\(state): its log is \(SlurmScripts.taskLog(settings, job: array, task: task))")
                    }
                    _ = try? run("scancel", [merge])
                    Commands.printError("the merge job \(merge) was cancelled; after fixing the cause, `notebook merge \(shownOutput) -o \(shownOutput)` writes the reports of the shards that finished")
                    return 1
                }
            }
            if !mergeQueued {
                guard let text = try? RegularFile.read(statusFile), let status = Int32(String(decoding: text, as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)) else {
                    Commands.printError("error: the merge job \(merge) ended without writing its status: its log is \(SlurmScripts.mergeLog(settings, job: merge))")
                    return 1
                }
                if !quiet {
                    Commands.printError(status == 0
                        ? "slurm: merged; the reports are in \(shownOutput)/ (index: \(shownOutput)/index.html)"
                        : "slurm: the merge exited with status \(status): its log is \(SlurmScripts.mergeLog(settings, job: merge))")
                }
                return status
            }
            Thread.sleep(forTimeInterval: pollInterval)
        }
    }

    /// The shards of this plan whose manifests say they finished.
    private func finishedShards() -> Set<Int> {
        Set(store.manifests().manifests.filter { $0.plan == plan.digest && $0.of == settings.shards }.map(\.shard))
    }

    /// Whether `job` (an array: any of its tasks) is still pending or running.
    private func isQueued(_ job: String) throws(Failure) -> Bool {
        let output = try run("squeue", ["--noheader", "--jobs", job, "--format", "%i %T"])
        return output.split(separator: "\n").contains { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// `FAILED, exit code 3` for an ended job, from `scontrol show job`.
    private func taskState(_ job: String) throws(Failure) -> String {
        let output = try run("scontrol", ["show", "job", job])
        func field(_ name: String) -> String? {
            output.split(whereSeparator: { $0 == " " || $0 == "\n" }).first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
        }
        var parts = [String]()
        if let state = field("JobState") { parts.append(state) }
        if let code = field("ExitCode") { parts.append("exit code \(code.split(separator: ":").first ?? "?")") }
        if parts.isEmpty { throw Failure(description: "no state for job \(job)") }
        return parts.joined(separator: ", ")
    }

    /// The id `sbatch --parsable` printed (`1234` or `1234;cluster`).
    private func jobID(of output: String, script: String) throws(Failure) -> String {
        let id = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw Failure(description: "sbatch gave no job id for \(script) (it printed: \(output.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
        return id
    }

    /// Runs a Slurm client command found on the PATH and returns what it printed; fails with its
    /// standard error when it exits with an error, and with advice when it is not installed.
    func run(_ command: String, _ arguments: [String]) throws(Failure) -> String {
        guard let path = Self.find(command) else {
            throw Failure(description: "\(command) was not found on the PATH: submitting needs Slurm's client commands (run this on a login node of the cluster, or submit the scripts in \(settings.outputDirectory)/\(SlurmScripts.folderName)/ by hand)")
        }
        let outcome: ChildProcess.Outcome
        do { outcome = try ChildProcess.run(path, arguments) } catch {
            throw Failure(description: "could not start \(path): \(error)")
        }
        guard outcome.status == 0 else {
            let said = outcome.errors.trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(description: "\(command) \(arguments.joined(separator: " ")) was refused (exit \(outcome.status)): \(said.isEmpty ? "no message" : said)")
        }
        return outcome.output
    }

    /// The first executable `name` on the PATH.
    static func find(_ name: String) -> String? { ChildProcess.find(name) }
}
