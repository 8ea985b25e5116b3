import Experiments
import Foundation

/// Runs independent jobs on up to `concurrency` worker threads, starting them in the order given,
/// and hands their endings back one at a time, in whatever order they finish.
///
/// Each job gets a `RunMonitor` made when it starts, with its time limit; `stopAll` asks every
/// running job to stop through its monitor and skips the jobs not started. Every job yields
/// exactly one ending, so a caller that asks for `count` endings always gets them all.
final class BlockScheduler<Job: Sendable, Output: Sendable>: @unchecked Sendable {
    /// How a job ended.
    enum Ending: Sendable {
        /// The job ran (or was answered some other way) and produced this.
        case finished(Output)
        /// The job was running when the run was stopped, and did not finish.
        case stopped
        /// The job was never started because the run was stopped.
        case skipped
    }

    /// The work of one job: its output, or `nil` when it was cut short by a stop.
    typealias Work = @Sendable (Job, RunMonitor) -> Output?

    private let jobs: [Job]
    private let timeLimits: [Double?]
    private let concurrency: Int
    private let work: Work
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var nextJob = 0
    private var monitors = [Int: RunMonitor]()
    private var endings = [(index: Int, ending: Ending)]()
    private var stopReason: String?

    /// A scheduler of `jobs`, each with its time limit in seconds (`nil`: none).
    init(jobs: [Job], timeLimits: [Double?], concurrency: Int, work: @escaping Work) {
        precondition(jobs.count == timeLimits.count, "one time limit per job")
        self.jobs = jobs
        self.timeLimits = timeLimits
        self.concurrency = max(1, min(concurrency, jobs.count))
        self.work = work
    }

    /// The number of jobs (and so of endings to collect).
    var count: Int { jobs.count }

    /// Starts the workers.
    func start() {
        guard !jobs.isEmpty else { return }
        for number in 0..<concurrency {
            let thread = Thread { [self] in workLoop() }
            thread.name = "notebook-worker-\(number + 1)"
            // Deeply nested expressions and YAML recurse; give workers the main thread's room.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Waits for the next job to end and returns its index and ending.
    func next() -> (index: Int, ending: Ending) {
        condition.lock()
        defer { condition.unlock() }
        while endings.isEmpty { condition.wait() }
        return endings.removeFirst()
    }

    /// Stops the run: every running job is asked to stop (`reason` says why) and no other starts.
    /// Only the first call has an effect.
    func stopAll(_ reason: String) {
        condition.lock()
        defer { condition.unlock() }
        guard stopReason == nil else { return }
        stopReason = reason
        for monitor in monitors.values { monitor.stop(.cancelled(reason)) }
    }

    /// Whether `stopAll` was called.
    var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopReason != nil
    }

    private func workLoop() {
        while let (index, monitor) = take() {
            let output = work(jobs[index], monitor)
            condition.lock()
            monitors[index] = nil
            endings.append((index, output.map { .finished($0) } ?? .stopped))
            condition.signal()
            condition.unlock()
        }
    }

    /// The next job to run with its monitor, or `nil` when there is none left; once the run is
    /// stopping, the jobs left are ended as skipped instead.
    private func take() -> (Int, RunMonitor)? {
        condition.lock()
        defer { condition.unlock() }
        guard nextJob < jobs.count else { return nil }
        if stopReason != nil {
            while nextJob < jobs.count {
                endings.append((nextJob, .skipped))
                nextJob += 1
            }
            condition.broadcast()
            return nil
        }
        let index = nextJob
        nextJob += 1
        let monitor = RunMonitor(timeout: timeLimits[index])
        monitors[index] = monitor
        return (index, monitor)
    }
}
