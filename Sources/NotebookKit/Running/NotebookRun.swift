import Experiments
import FileAccess
import Foundation

/// One `notebook run` after its notebooks validated: every block of every notebook is a job; up to
/// `--jobs` of them run at once, each answered from the result cache when nothing it depends on
/// changed; each notebook's report is written, its blocks in document order, as soon as its last
/// block ends; failures are summed up at the end.
///
/// `--fail-fast` stops the run at the first failure. SIGINT and SIGTERM stop it too: running
/// blocks are stopped through their monitors, the others are skipped, and a notebook left
/// incomplete gets its report of what finished in `DIR/<stem>.interrupted/`, so that the
/// previous full report in `DIR/<stem>/` stays.
struct NotebookRun {
    /// A block to run, with the notebook it belongs to.
    struct Job: Sendable {
        /// Index of the notebook in the run.
        let notebook: Int
        /// Index of the block among the notebook's blocks.
        let position: Int
        let block: ExperimentBlock
        /// `stem: id {kind}`, as progress lines name the block.
        let label: String
    }

    /// The scheduler's view of a block's end.
    typealias Ending = BlockScheduler<Job, RenderedBlock>.Ending

    let notebooks: [Notebook]
    let options: Commands.RunOptions
    let display: ProgressDisplay
    let cache: ResultCache
    let output: URL
    /// The version written into cache keys.
    let programVersion: String

    /// A run of `notebooks` with `options` into `folder` (checked by ``OutputFolder/prepare``),
    /// showing progress on `display`.
    init(notebooks: [Notebook], options: Commands.RunOptions, folder: OutputFolder, display: ProgressDisplay,
         programVersion: String = ProgramVersion.current) {
        self.notebooks = notebooks
        self.options = options
        self.display = display
        self.programVersion = programVersion
        output = URL(fileURLWithPath: folder.path)
        cache = ResultCache(outputDirectory: output)
    }

    /// Runs every block, writes the reports and the index, and returns the exit status.
    func execute() -> Int32 {
        let started = ContinuousClock.now
        let date = Date()
        var jobs = [Job]()
        for (index, notebook) in notebooks.enumerated() {
            for (position, block) in notebook.blocks.enumerated() {
                jobs.append(Job(notebook: index, position: position, block: block, label: "\(notebook.stem): \(block.id) {\(block.kind)}"))
            }
        }
        let scheduler = BlockScheduler<Job, RenderedBlock>(
            jobs: jobs, timeLimits: jobs.map { $0.block.options[CommonOptions.timeout] },
            concurrency: options.jobs ?? ProcessInfo.processInfo.activeProcessorCount) { job, monitor in work(job, monitor: monitor) }
        let signals = SignalRecord()
        let trap = InterruptTrap { [display] signal in
            guard signals.record(signal) else {
                // A second Ctrl-C: leave at once.
                FileHandle.standardError.write(Data((ProgressDisplay.terminalRestore + "\n").utf8))
                exit(InterruptTrap.exitStatus(for: signal))
            }
            display.error("\(signal == SIGINT ? "interrupted" : "terminated"): stopping the running blocks and writing what finished (press Ctrl-C again to quit at once)")
            scheduler.stopAll(signal == SIGINT ? "interrupted (Ctrl-C)" : "terminated (SIGTERM)")
        }
        defer { trap.remove() }

        var endings = notebooks.map { [Ending?](repeating: nil, count: $0.blocks.count) }
        var remaining = notebooks.map(\.blocks.count)
        var writeFailed = false
        func finishNotebook(_ index: Int) {
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            if !writeReport(index, endings: endings[index].map { $0! }, interrupted: signals.signal != nil, date: date, seconds: seconds) {
                writeFailed = true
            }
        }
        for index in notebooks.indices where remaining[index] == 0 { finishNotebook(index) }
        scheduler.start()
        for _ in 0..<scheduler.count {
            let (index, ending) = scheduler.next()
            let job = jobs[index]
            endings[job.notebook][job.position] = ending
            switch ending {
            case let .finished(rendered):
                display.ended(job.label, summary: ProgressText.ended(label: job.label, block: rendered))
                if !rendered.succeeded, options.failFast {
                    scheduler.stopAll("--fail-fast: \(job.block.id) failed")
                }
            case .stopped:
                display.ended(job.label, summary: "\(job.label) stopped before it finished")
            case .skipped:
                break
            }
            remaining[job.notebook] -= 1
            if remaining[job.notebook] == 0 { finishNotebook(job.notebook) }
        }
        display.finish()
        do {
            try ReportFolder.writeIndex(of: output)
        } catch {
            display.error("error: could not write the index page: \(error.description)")
            return 2
        }
        if writeFailed { return 2 }
        return summarise(endings, signal: signals.signal, stoppedEarly: scheduler.isStopping)
    }

    /// The work of one job, on a worker thread: the cached result when there is one to trust,
    /// else the block's run, rendered, and stored for next time when it succeeded. `nil` when the
    /// block was stopped before it finished.
    private func work(_ job: Job, monitor: RunMonitor) -> RenderedBlock? {
        var key: CacheKey?
        if !options.noCache, job.block.options[CommonOptions.cache] {
            do {
                key = try CacheKey(block: job.block, programVersion: programVersion)
            } catch {
                display.error("warning: \(job.label): \(error.message); the block runs without the cache")
            }
        }
        if let key {
            switch cache.lookup(key) {
            case var .hit(rendered):
                rendered.cached = true
                rendered.line = job.block.line
                return rendered
            case let .corrupt(reason):
                display.error("warning: \(job.label): \(reason); the block runs again")
            case .miss:
                break
            }
        }
        display.began(job.label, monitor: monitor)
        let outcome = BlockRunner.run(job.block, monitor: monitor)
        if outcome.cancelled { return nil }
        let rendered = BlockRenderer.render(outcome, monitor: monitor)
        if rendered.succeeded, let key {
            do { try cache.store(rendered, under: key) } catch {
                display.error("warning: \(job.label): could not store the result in the cache: \(error.description)")
            }
        }
        return rendered
    }

    /// Writes notebook `index`'s report from its blocks' endings; `false` when it could not be written.
    ///
    /// A notebook whose blocks all finished goes to `DIR/<stem>/` (replacing the previous report
    /// and any interrupted one). One left incomplete by an interrupt goes to
    /// `DIR/<stem>.interrupted/`; one left incomplete by `--fail-fast` to `DIR/<stem>/`, the blocks
    /// that did not run left out. One of whose blocks none started is not written.
    private func writeReport(_ index: Int, endings: [Ending], interrupted: Bool, date: Date, seconds: Double) -> Bool {
        let notebook = notebooks[index]
        var blocks = [RenderedBlock]()
        var complete = true, started = endings.isEmpty
        for ending in endings {
            switch ending {
            case let .finished(rendered):
                blocks.append(rendered)
                started = true
            case .stopped:
                complete = false
                started = true
            case .skipped:
                complete = false
            }
        }
        guard started else { return true }
        let markedInterrupted = !complete && interrupted
        let folder = markedInterrupted ? notebook.stem + OutputFolder.interruptedSuffix : notebook.stem
        let destination = output.appendingPathComponent(folder).path
        let information = RunInformation(overrides: options.overrides, date: date, selfContained: options.selfContained,
                                         quiet: options.quiet, interrupted: markedInterrupted)
        let report = ReportBuilder.build(notebook, blocks: blocks, run: information, totalSeconds: seconds)
        do {
            try ReportFolder.write(report, to: destination)
        } catch {
            display.error("error: could not write the report of \(notebook.path): \(error.description)")
            return false
        }
        let shown = "\(options.outputDirectory)/\(folder)/index.html"
        if markedInterrupted {
            display.error("wrote the report of what finished to \(shown); \(options.outputDirectory)/\(notebook.stem)/ keeps the previous report")
        } else {
            let interruptedReport = output.appendingPathComponent(notebook.stem + OutputFolder.interruptedSuffix).path
            if complete, OutputFolder.ownership(ofReportFolder: interruptedReport) == .ours {
                do { try FileOperations.remove(interruptedReport) } catch {
                    display.error("warning: could not remove the report of an interrupted run: \(error.description)")
                }
            }
            display.note("wrote \(shown)")
        }
        return true
    }

    /// Prints the failures of every notebook in document order, and what stopped the run; returns
    /// the exit status (0, 1 when a block failed, 128 + the signal when interrupted).
    private func summarise(_ endings: [[Ending?]], signal: Int32?, stoppedEarly: Bool) -> Int32 {
        var failures = [String]()
        var stopped = 0, skipped = 0
        for (index, notebook) in notebooks.enumerated() {
            for (position, ending) in endings[index].enumerated() {
                switch ending {
                case let .finished(rendered)?:
                    if let failure = rendered.failure {
                        failures.append("\(notebook.path):\(failure.line): error: block '\(notebook.blocks[position].id)': \(failure.message)")
                    }
                case .stopped?: stopped += 1
                case .skipped?, nil: skipped += 1
                }
            }
        }
        if !failures.isEmpty {
            display.error("\n\(failures.count) block\(failures.count == 1 ? "" : "s") failed:")
            for failure in failures { display.error(failure) }
        }
        if let signal {
            display.error("\(signal == SIGINT ? "interrupted" : "terminated"): \(stopped) block\(stopped == 1 ? "" : "s") stopped, \(skipped) not started")
            return InterruptTrap.exitStatus(for: signal)
        }
        if stoppedEarly, options.failFast {
            display.error("stopped at the first failure (--fail-fast): \(stopped) block\(stopped == 1 ? "" : "s") stopped, \(skipped) not started")
        }
        return failures.isEmpty ? 0 : 1
    }

    /// The first signal that stopped the run, shared between the signal handler and the run.
    fileprivate final class SignalRecord: @unchecked Sendable {
        private let lock = NSLock()
        private var first: Int32?

        /// Records `signal`; `true` when it is the first.
        func record(_ signal: Int32) -> Bool {
            lock.lock()
            defer { lock.unlock() }
            guard first == nil else { return false }
            first = signal
            return true
        }

        /// The first signal received, if any.
        var signal: Int32? {
            lock.lock()
            defer { lock.unlock() }
            return first
        }
    }
}
