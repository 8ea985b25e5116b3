import Experiments
import Foundation
import Testing
@testable import NotebookKit

/// Counts jobs running at once.
private final class Occupancy: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private(set) var peak = 0
    private(set) var started = [Int]()

    func enter(_ job: Int) {
        lock.lock()
        current += 1
        peak = max(peak, current)
        started.append(job)
        lock.unlock()
    }

    func leave() {
        lock.lock()
        current -= 1
        lock.unlock()
    }
}

@Suite("Block scheduler")
struct BlockSchedulerTests {
    @Test("jobs start in order, at most N at once, and each ends exactly once", arguments: [1, 2, 3])
    func concurrency(workers: Int) {
        let occupancy = Occupancy()
        let jobs = Array(0..<9)
        let scheduler = BlockScheduler<Int, Int>(jobs: jobs, timeLimits: jobs.map { _ in nil }, concurrency: workers) { job, _, _ in
            occupancy.enter(job)
            Thread.sleep(forTimeInterval: 0.002 * Double(9 - job))
            occupancy.leave()
            return job * job
        }
        scheduler.start()
        var outputs = [Int: Int]()
        for _ in 0..<scheduler.count {
            let (index, ending) = scheduler.next()
            guard case let .finished(value) = ending else {
                Issue.record("job \(index) did not finish")
                continue
            }
            #expect(outputs.updateValue(value, forKey: index) == nil, "job \(index) ended twice")
        }
        #expect(outputs == Dictionary(uniqueKeysWithValues: jobs.map { ($0, $0 * $0) }))
        #expect(occupancy.peak <= workers)
        #expect(occupancy.started == jobs || workers > 1, "one worker takes the jobs in order")
        if workers > 1 { #expect(occupancy.peak > 1, "jobs ran side by side") }
    }

    @Test("stopAll stops the running jobs through their monitors and skips the rest")
    func stopAll() {
        let jobs = Array(0..<6)
        let scheduler = BlockScheduler<Int, Int>(jobs: jobs, timeLimits: jobs.map { _ in nil }, concurrency: 2) { job, monitor, _ in
            // Runs until stopped, then says it did not finish.
            var count = 0
            while monitor.report(done: count, total: nil, unit: "loops") { count += 1; Thread.sleep(forTimeInterval: 0.001) }
            return monitor.stopReason == .cancelled("test") ? nil : job
        }
        scheduler.start()
        Thread.sleep(forTimeInterval: 0.05)
        scheduler.stopAll("test")
        var stopped = 0, skipped = 0
        for _ in 0..<scheduler.count {
            switch scheduler.next().ending {
            case .stopped: stopped += 1
            case .skipped: skipped += 1
            case .finished: Issue.record("a job finished after the stop")
            }
        }
        #expect(stopped == 2 && skipped == 4)
        #expect(scheduler.isStopping)
    }

    @Test("each job's monitor carries its time limit")
    func timeLimits() {
        let scheduler = BlockScheduler<Int, Double>(jobs: [0, 1], timeLimits: [nil, 0.5], concurrency: 1) { _, monitor, _ in
            monitor.timeout ?? -1
        }
        scheduler.start()
        var limits = [Int: Double]()
        for _ in 0..<2 {
            let (index, ending) = scheduler.next()
            if case let .finished(limit) = ending { limits[index] = limit }
        }
        #expect(limits == [0: -1, 1: 0.5])
    }
}
