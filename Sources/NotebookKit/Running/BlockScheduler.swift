import Experiments
import Foundation

/// Runs jobs on up to `concurrency` worker threads, starting them in the order given except that a
/// job waits for the jobs it depends on to end, and hands their endings back one at a time, in
/// whatever order they finish. A job's work gets the endings of the jobs it depends on.
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

    /// The work of one job, given the endings of the jobs it depends on (in the order of its
    /// dependencies): its output, or `nil` when it was cut short by a stop.
    typealias Work = @Sendable (Job, RunMonitor, [Ending]) -> Output?

    private let jobs: [Job]
    /// For each job, the indices of the jobs it waits for.
    private let dependencies: [[Int]]
    private let timeLimits: [Double?]
    private let concurrency: Int
    private let work: Work
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var started: [Bool]
    private var ended: [Ending?]
    private var monitors = [Int: RunMonitor]()
    private var endings = [(index: Int, ending: Ending)]()
    private var stopReason: String?

    /// A scheduler of `jobs`, each with its time limit in seconds (`nil`: none) and the indices of
    /// the jobs it waits for (none by default; they must not form a cycle).
    init(jobs: [Job], timeLimits: [Double?], dependencies: [[Int]]? = nil, concurrency: Int, work: @escaping Work) {
        precondition(jobs.count == timeLimits.count, "one time limit per job")
        self.jobs = jobs
        self.dependencies = dependencies ?? Array(repeating: [], count: jobs.count)
        precondition(self.dependencies.count == jobs.count, "one list of dependencies per job")
        started = Array(repeating: false, count: jobs.count)
        ended = Array(repeating: nil, count: jobs.count)
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
        condition.broadcast()
    }

    /// Whether `stopAll` was called.
    var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopReason != nil
    }

    private func workLoop() {
        while let (index, monitor, inputs) = take() {
            let output = work(jobs[index], monitor, inputs)
            condition.lock()
            monitors[index] = nil
            let ending: Ending = output.map { .finished($0) } ?? .stopped
            ended[index] = ending
            endings.append((index, ending))
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The next job to run, with its monitor and the endings of the jobs it depends on: the first
    /// not started whose dependencies have all ended, waiting for one when none is ready; `nil`
    /// when there is none left. Once the run is stopping, the jobs left are ended as skipped.
    private func take() -> (Int, RunMonitor, [Ending])? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if stopReason != nil {
                for index in jobs.indices where !started[index] {
                    started[index] = true
                    ended[index] = .skipped
                    endings.append((index, .skipped))
                }
                condition.broadcast()
                return nil
            }
            if let index = jobs.indices.first(where: { !started[$0] && dependencies[$0].allSatisfy { ended[$0] != nil } }) {
                started[index] = true
                let monitor = RunMonitor(timeout: timeLimits[index])
                monitors[index] = monitor
                return (index, monitor, dependencies[index].map { ended[$0]! })
            }
            if !started.contains(false) { return nil }
            condition.wait()
        }
    }
}
