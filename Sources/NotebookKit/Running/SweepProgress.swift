import Foundation
import Report

/// A sweep's overall progress: how many of its points have finished, out of how many, and the
/// time left at the pace so far. Shown above the blocks' bars (and as a plain line each time a
/// point ends when standard error is not a terminal).
final class SweepProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let started = ContinuousClock.now
    /// For each job, the points (notebook, point) it is part of.
    private let pointsOfJob: [[Int]]
    /// For each point, the number of its jobs still to end.
    private var remaining: [Int]
    private var done = 0
    private let total: Int

    /// The progress of the swept notebooks' points over the jobs `selected` of `plan`.
    init(plan: RunPlan, selected: [Int]) {
        var pointNumber = [RunPlan.Location: Int]()
        var remaining = [Int]()
        var pointsOfJob = [[Int]](repeating: [], count: plan.jobs.count)
        let chosen = Set(selected)
        for (notebookIndex, swept) in plan.notebooks.enumerated() where swept.isSwept {
            for pointIndex in swept.points.indices {
                let jobs = Set(plan.jobIndex[notebookIndex][pointIndex]).intersection(chosen)
                guard !jobs.isEmpty else { continue }
                let number = remaining.count
                pointNumber[RunPlan.Location(notebook: notebookIndex, point: pointIndex, position: 0)] = number
                remaining.append(jobs.count)
                for job in jobs { pointsOfJob[job].append(number) }
            }
        }
        self.pointsOfJob = pointsOfJob
        self.remaining = remaining
        total = remaining.count
    }

    /// Whether there is a sweep to show.
    var isShown: Bool { total > 0 }

    /// Job `index` ended.
    func ended(_ index: Int) {
        lock.lock()
        defer { lock.unlock() }
        for point in pointsOfJob[index] {
            remaining[point] -= 1
            if remaining[point] == 0 { done += 1 }
        }
    }

    /// `sweep: 3/8 points done (37%), ETA 1 min 20 s`.
    func line() -> String {
        lock.lock()
        let (done, total) = (self.done, self.total)
        lock.unlock()
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let percent = total > 0 ? 100 * done / total : 100
        var text = "sweep: \(done)/\(total) points done (\(percent)%)"
        if done > 0, done < total {
            text += ", ETA " + ReportFormat.duration(seconds: seconds / Double(done) * Double(total - done))
        } else if done == total {
            text += " in " + ReportFormat.duration(seconds: seconds)
        }
        return text
    }
}
