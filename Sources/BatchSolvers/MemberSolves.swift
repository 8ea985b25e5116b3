import Dispatch
import ODE

/// Independent solves of many members (trajectories, an ensemble's draws) spread over worker
/// threads: each worker takes a contiguous share of the members, makes one scratch (a solver
/// workspace) and reuses it, and each member's values land in its own part of one result buffer.
/// The batch solver and the ensembles of `{ode}` and `{species}` both run through it.
public enum MemberSolves {
    /// Solves `members` members, each giving `valuesPerMember` values, on `workers` threads.
    ///
    /// - Parameters:
    ///   - filling: the value of members not written (a failed run throws instead).
    ///   - scratch: makes one worker's reusable scratch.
    ///   - shouldStop: asked before each member; `true` stops the run with `.interrupted`.
    ///   - progress: hears the estimated number of members done (from the first worker's share, every
    ///     256 members).
    ///   - solve: one member's values (exactly `valuesPerMember`, member-major) and its statistics.
    /// - Returns: the values, `members × valuesPerMember`, and the statistics summed over members.
    /// - Throws: the first failure, by worker.
    @inlinable
    public static func run<Scratch>(
        members: Int, valuesPerMember: Int, workers: Int, filling: Double = 0,
        scratch: @Sendable () -> Scratch,
        shouldStop: @Sendable () -> Bool = { false },
        progress: @Sendable (Int) -> Void = { _ in },
        solve: @Sendable (_ member: Int, _ scratch: Scratch) throws(SolveFailure) -> (values: [Double], statistics: SolveStatistics)
    ) throws(SolveFailure) -> (values: [Double], statistics: SolveStatistics) {
        let chunks = min(max(workers, 1), max(members, 1))
        let results = WorkerResults(count: members * valuesPerMember, workers: chunks, filling: filling)
        DispatchQueue.concurrentPerform(iterations: chunks) { worker in
            let reusable = scratch()
            var statistics = SolveStatistics()
            let first = members * worker / chunks
            for member in first..<(members * (worker + 1) / chunks) {
                if worker == 0, (member - first) % 256 == 255 { progress((member - first + 1) * chunks) }
                do throws(SolveFailure) {
                    if shouldStop() { throw .interrupted(t: 0, step: 0) }
                    let (values, counts) = try solve(member, reusable)
                    results.store(values, at: member * valuesPerMember)
                    statistics.add(counts)
                } catch {
                    results.fail(error, worker: worker)
                    return
                }
            }
            results.finish(worker: worker, statistics: statistics)
        }
        if let failure = results.failure { throw failure }
        return (results.values(), results.totalStatistics)
    }
}
