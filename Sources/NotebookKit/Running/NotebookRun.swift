import Experiments
import FileAccess
import Foundation
import Report

/// One `notebook run` after its notebooks validated: every job of the plan (a block, once however
/// many sweep points share it) runs, up to `--jobs` at once, each answered from the result cache
/// when nothing it depends on changed; each notebook's report is written, its blocks in document
/// order, as soon as its last job ends; failures are summed up at the end.
///
/// With `--shard I/N` only the shard's jobs run, and their results go to `DIR/.shards/` for
/// `notebook merge` instead of reports.
///
/// `--fail-fast` stops the run at the first failure. SIGINT and SIGTERM stop it too: running
/// blocks are stopped through their monitors, the others are skipped, and a notebook left
/// incomplete gets its report of what finished in `DIR/<stem>.interrupted/`, so that the
/// previous full report in `DIR/<stem>/` stays.
struct NotebookRun {
    /// The scheduler's view of a job's end.
    typealias Ending = ReportAssembler.Ending

    let plan: RunPlan
    let options: Commands.RunOptions
    let display: ProgressDisplay
    let cache: ResultCache
    let output: URL
    /// The version written into cache keys.
    let programVersion: String
    /// What identifies this build in cache keys.
    let build: String?
    /// What the reports are compared with (`--baseline`), if anything.
    let baseline: BaselineSettings?

    /// A run of `plan` with `options` into `folder` (checked by ``OutputFolder/prepare``),
    /// showing progress on `display`.
    init(plan: RunPlan, options: Commands.RunOptions, folder: OutputFolder, display: ProgressDisplay,
         programVersion: String = ProgramVersion.current, build: String? = BuildIdentity.current, baseline: BaselineSettings? = nil) {
        self.baseline = baseline
        self.plan = plan
        self.options = options
        self.display = display
        self.programVersion = programVersion
        self.build = build
        output = URL(fileURLWithPath: folder.path)
        cache = ResultCache(outputDirectory: output)
    }

    /// Runs the jobs, writes the reports (or the shard's results) and the index, and returns the
    /// exit status.
    func execute() -> Int32 {
        let started = ContinuousClock.now
        let date = Date()
        let jobs = plan.jobs
        let selected: [Int]
        if let shard = options.shard {
            let assignment = ShardAssignment.assign(costs: jobs.map(\.cost), identities: jobs.map(\.identity.digest),
                                                    together: jobs.map(\.inputs), count: shard.count)
            selected = jobs.indices.filter { assignment[$0] == shard.index - 1 }
        } else {
            selected = Array(jobs.indices)
        }
        var slotOfJob = [Int: Int]()
        for (slot, index) in selected.enumerated() { slotOfJob[index] = slot }
        let scheduler = BlockScheduler<Int, RenderedBlock>(
            jobs: selected, timeLimits: selected.map { jobs[$0].block.options[CommonOptions.timeout] },
            dependencies: selected.map { jobs[$0].inputs.compactMap { slotOfJob[$0] } },
            concurrency: options.jobs ?? ProcessInfo.processInfo.activeProcessorCount) { index, monitor, inputs in
                work(index, monitor: monitor, inputs: inputs)
            }
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

        let sweepProgress = SweepProgress(plan: plan, selected: selected)
        if sweepProgress.isShown { display.setHeader { sweepProgress.line() } }
        var endings = [Ending?](repeating: nil, count: jobs.count)
        // How many of each notebook's jobs are still to end (reports are written by full runs only).
        var remaining = [Int](repeating: 0, count: plan.notebooks.count)
        var notebooksOfJob = [[Int]](repeating: [], count: jobs.count)
        for index in selected {
            notebooksOfJob[index] = Array(Set(jobs[index].locations.map(\.notebook))).sorted()
            for notebook in notebooksOfJob[index] { remaining[notebook] += 1 }
        }
        var assembler = ReportAssembler(plan: plan, output: output, shownOutput: options.outputDirectory, display: display)
        assembler.baseline = baseline
        let recorder = HistoryRecorder(output: output, shownOutput: options.outputDirectory, notebooks: plan.notebooks,
                                       display: display, enabled: !options.noHistory)
        if options.shard == nil {
            for index in plan.notebooks.indices where !plan.notebooks[index].isSwept { assembler.history[index] = recorder.past(notebook: index) }
        }
        var writeFailed = false
        var regressions = [String]()
        func finishNotebook(_ index: Int) {
            guard options.shard == nil else { return }
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            var information = RunInformation(overrides: options.overrides, date: date, selfContained: options.selfContained,
                                             quiet: options.quiet, interrupted: signals.signal != nil)
            information.allowHTML = options.allowHTML
            if let found = assembler.write(index, endings: endings, run: information, seconds: seconds) {
                regressions += found
            } else {
                writeFailed = true
            }
        }
        for index in plan.notebooks.indices where remaining[index] == 0 { finishNotebook(index) }
        scheduler.start()
        for _ in 0..<scheduler.count {
            let (slot, ending) = scheduler.next()
            let index = selected[slot]
            let job = jobs[index]
            endings[index] = ending
            sweepProgress.ended(index)
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
            for notebook in notebooksOfJob[index] {
                remaining[notebook] -= 1
                if remaining[notebook] == 0 { finishNotebook(notebook) }
            }
        }
        display.finish()
        recorder.record(plan: plan, endings: endings, command: options.commandLine, overrides: options.overrides,
                        sweep: options.sweepDescription, date: date)
        if let shard = options.shard {
            if !storeShard(shard, selected: selected, endings: endings, date: date) { return 2 }
        } else {
            do {
                try ReportFolder.writeIndex(of: output, run: (date, Set(plan.notebooks.map(\.base.stem))))
            } catch {
                display.error("error: could not write the index page: \(error.description)")
                return 2
            }
        }
        if writeFailed { return 2 }
        let status = summarise(selected: selected, endings: endings, signal: signals.signal, stoppedEarly: scheduler.isStopping)
        return Self.reportRegressions(regressions, baseline: baseline, status: status, display: display)
    }

    /// The work of one job, on a worker thread: the cached result when there is one to trust,
    /// else the block's run, rendered, and stored for next time when it succeeded. `nil` when the
    /// block was stopped before it finished.
    private func work(_ index: Int, monitor: RunMonitor, inputs: [Ending]) -> RenderedBlock? {
        var job = plan.jobs[index]
        // A block that reads other blocks' tables runs only when they succeeded.
        var producedFiles = [String: Data]()
        for (input, ending) in zip(job.inputs, inputs) {
            let producer = plan.jobs[input].block.id
            guard case let .finished(rendered) = ending, rendered.succeeded else {
                let why: String
                switch ending {
                case .finished: why = "failed"
                case .stopped: why = "was stopped"
                case .skipped: why = "did not run"
                }
                return failed(job.block, message: "not run: block '\(producer)', whose table it reads, \(why)",
                                     line: job.block.options.position(of: "\(job.block.inputs.first { $0.reference.block == producer }?.option ?? "data").block").line)
            }
            for file in rendered.files { producedFiles[file.path] = file.contents }
        }
        var key: CacheKey?
        if let problem = job.keyProblem, !options.noCache, job.block.options[CommonOptions.cache] {
            display.error("warning: \(job.label): \(problem); the block runs without the cache")
        }
        if !options.noCache, job.cacheable { key = job.identity.withBuild(build) }
        if let key {
            switch cache.lookup(key) {
            case var .hit(rendered) where !options.figuresPDF || rendered.figures.isEmpty || rendered.files.contains { $0.path.hasSuffix(".pdf") }:
                rendered.cached = true
                rendered.line = job.block.line
                // PDFs stored by a run with --figures-pdf are written only when this run asks too.
                if !options.figuresPDF { rendered.files.removeAll { $0.path.hasSuffix(".pdf") } }
                return rendered
            case .hit:
                break  // stored without the PDFs this run asks for: run again
            case let .corrupt(reason):
                display.error("warning: \(job.label): \(reason); the block runs again")
            case .miss:
                break
            }
        }
        if !job.inputs.isEmpty {
            do { job.block = try job.block.reading(producedFiles) } catch {
                return failed(job.block, message: error.message, line: error.position.line)
            }
        }
        display.began(job.label, monitor: monitor)
        let outcome = BlockRunner.run(job.block, monitor: monitor)
        if outcome.cancelled { return nil }
        let rendered = BlockRenderer.render(outcome, monitor: monitor, pdf: options.figuresPDF)
        if rendered.succeeded, let key {
            do { try cache.store(rendered, under: key) } catch {
                display.error("warning: \(job.label): could not store the result in the cache: \(error.description)")
            }
        }
        return rendered
    }

    /// The result of a block that could not start: a failure at `line` with `message`.
    private func failed(_ block: ExperimentBlock, message: String, line: Int) -> RenderedBlock {
        let outcome = BlockOutcome(block: block, seconds: 0, result: .failure(BlockFailure(message, line: line)), cancelled: false)
        return BlockRenderer.render(outcome, monitor: RunMonitor(), pdf: options.figuresPDF)
    }

    /// Stores the shard's results and its manifest; `false` when they could not be written.
    private func storeShard(_ shard: (index: Int, count: Int), selected: [Int], endings: [Ending?], date: Date) -> Bool {
        let store = ShardStore(output: output.path)
        var records = [ShardManifest.Job]()
        var complete = true
        do {
            try store.prepare()
            for index in selected {
                let job = plan.jobs[index]
                let status: String
                switch endings[index] {
                case let .finished(rendered)?:
                    try store.store(rendered, identity: job.identity)
                    status = rendered.status.rawValue
                case .stopped?:
                    status = "stopped"
                    complete = false
                case .skipped?, nil:
                    status = "skipped"
                    complete = false
                }
                records.append(.init(key: job.identity.digest, label: job.label, status: status))
            }
            try store.write(ShardManifest(
                plan: plan.digest, shard: shard.index, of: shard.count, program: programVersion,
                command: options.recordedCommand, jobs: records, finished: ReportBuilder.iso8601(Date(), fractionalSeconds: true),
                complete: complete))
        } catch {
            display.error("error: could not store the results of shard \(shard.index)/\(shard.count): \(error.description)")
            return false
        }
        let ran = records.count
        display.note("shard \(shard.index)/\(shard.count): \(ran) of \(plan.jobs.count) job\(plan.jobs.count == 1 ? "" : "s") stored in \(options.outputDirectory)/\(ShardStore.folderName)/; `notebook merge \(options.outputDirectory) -o DIR` assembles the reports")
        return true
    }

    /// Prints the failures, each notebook's in document order, and what stopped the run; returns
    /// the exit status (0, 1 when a block failed, 128 + the signal when interrupted).
    private func summarise(selected: [Int], endings: [Ending?], signal: Int32?, stoppedEarly: Bool) -> Int32 {
        var failures = [(notebook: Int, line: Int, text: String)]()
        var stopped = 0, skipped = 0
        for index in selected {
            let job = plan.jobs[index]
            switch endings[index] {
            case let .finished(rendered)?:
                guard let failure = rendered.failure else { continue }
                // One line per notebook the block is in; a sweep point is named when the block
                // belongs to one point only.
                for notebook in Array(Set(job.locations.map(\.notebook))).sorted() {
                    let locations = job.locations.filter { $0.notebook == notebook }
                    let swept = plan.notebooks[notebook]
                    let point = locations.count == 1 ? swept.points[locations[0].point].name.map { " [\($0)]" } ?? "" : ""
                    let line = failure.line == job.block.line ? swept.points[locations[0].point].notebook.blocks[locations[0].position].line : failure.line
                    failures.append((notebook, line, "\(swept.base.path):\(line): error: block '\(job.block.id)'\(point): \(failure.message)"))
                }
            case .stopped?: stopped += 1
            case .skipped?, nil: skipped += 1
            }
        }
        failures = failures.enumerated().sorted { a, b in
            (a.element.notebook, a.element.line, a.offset) < (b.element.notebook, b.element.line, b.offset)
        }.map(\.element)
        if !failures.isEmpty {
            display.error("\n\(failures.count) block\(failures.count == 1 ? "" : "s") failed:")
            for failure in failures { display.error(failure.text) }
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

    /// Prints the regression lines against the baseline (or that there are none) and returns the
    /// exit status: at least 1 when there is a regression.
    static func reportRegressions(_ regressions: [String], baseline: BaselineSettings?, status: Int32, display: ProgressDisplay) -> Int32 {
        guard let baseline else { return status }
        guard !regressions.isEmpty else {
            display.note("baseline \(baseline.source.shown): every metric within tolerance")
            return status
        }
        display.error("\n\(regressions.count) regression\(regressions.count == 1 ? "" : "s") against the baseline \(baseline.source.shown):")
        for line in regressions { display.error(line) }
        return max(status, 1)
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
