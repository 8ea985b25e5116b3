import ODE

/// The trajectories of an ensemble's members written by worker threads into disjoint parts of
/// one raw buffer (no Swift array is mutated concurrently), with statistics and failures per worker.
final class EnsembleBuffer: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Double>
    private let count: Int
    private let workers: Int
    private let statistics: UnsafeMutablePointer<SolveStatistics>
    private let failures: UnsafeMutablePointer<SolveFailure?>

    /// A buffer of `count` values for `workers` workers.
    init(count: Int, workers: Int) {
        self.count = count
        self.workers = workers
        storage = .allocate(capacity: max(count, 1))
        storage.initialize(repeating: .nan, count: max(count, 1))
        statistics = .allocate(capacity: workers)
        statistics.initialize(repeating: SolveStatistics(), count: workers)
        failures = .allocate(capacity: workers)
        failures.initialize(repeating: nil, count: workers)
    }

    deinit {
        storage.deallocate()
        statistics.deinitialize(count: workers)
        statistics.deallocate()
        failures.deinitialize(count: workers)
        failures.deallocate()
    }

    /// Writes `values` from `offset` on (the caller's part of the buffer).
    func store(_ values: [Double], at offset: Int) {
        let n = min(values.count, count - offset)
        guard n > 0 else { return }
        values.withUnsafeBufferPointer { (storage + offset).update(from: $0.baseAddress!, count: n) }
    }

    /// Records a worker's failure.
    func fail(_ failure: SolveFailure, worker: Int) { failures[worker] = failure }
    /// Records a worker's summed statistics.
    func finish(worker: Int, statistics: SolveStatistics) { self.statistics[worker] = statistics }
    /// The first failure, by worker (read after the workers are done).
    var failure: SolveFailure? { (0..<workers).lazy.compactMap { self.failures[$0] }.first }
    /// The values (read after the workers are done).
    func values() -> [Double] { Array(UnsafeBufferPointer(start: storage, count: count)) }
    /// Work summed over the workers.
    var totalStatistics: SolveStatistics {
        (0..<workers).reduce(into: SolveStatistics()) { $0.accumulate(statistics[$1]) }
    }
}

extension SolveStatistics {
    /// Adds another solve's counters to these.
    mutating func accumulate(_ other: SolveStatistics) {
        steps += other.steps
        accepted += other.accepted
        rejected += other.rejected
        functionEvaluations += other.functionEvaluations
        jacobianEvaluations += other.jacobianEvaluations
        factorizations += other.factorizations
    }
}
