import ODE

/// Results that worker threads write into disjoint parts of raw buffers (no Swift array is
/// mutated concurrently): values by position, and statistics and failures by worker. The batch
/// solvers and the ensembles of `{ode}` and `{species}` collect their members' solves in it.
public final class WorkerResults: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Double>
    private let count: Int
    private let workers: Int
    private let statistics: UnsafeMutablePointer<SolveStatistics>
    private let failures: UnsafeMutablePointer<SolveFailure?>

    /// Room for `count` values, each `filling` until written, for `workers` workers.
    public init(count: Int, workers: Int, filling: Double = 0) {
        self.count = count
        self.workers = max(workers, 1)
        storage = .allocate(capacity: max(count, 1))
        storage.initialize(repeating: filling, count: max(count, 1))
        statistics = .allocate(capacity: self.workers)
        statistics.initialize(repeating: SolveStatistics(), count: self.workers)
        failures = .allocate(capacity: self.workers)
        failures.initialize(repeating: nil, count: self.workers)
    }

    deinit {
        storage.deallocate()
        statistics.deinitialize(count: workers)
        statistics.deallocate()
        failures.deinitialize(count: workers)
        failures.deallocate()
    }

    /// Writes `values` from `offset` on (the caller's part of the buffer; what would run past the
    /// end is dropped).
    public func store<Values: Collection<Double>>(_ values: Values, at offset: Int) {
        var index = offset
        for value in values where index < count {
            storage[index] = value
            index += 1
        }
    }

    /// Records a worker's failure.
    public func fail(_ failure: SolveFailure, worker: Int) { failures[worker] = failure }
    /// Records a worker's summed statistics.
    public func finish(worker: Int, statistics: SolveStatistics) { self.statistics[worker] = statistics }
    /// The first failure, by worker (read after the workers are done).
    public var failure: SolveFailure? { (0..<workers).lazy.compactMap { self.failures[$0] }.first }
    /// The values (read after the workers are done).
    public func values() -> [Double] { Array(UnsafeBufferPointer(start: storage, count: count)) }
    /// Work summed over the workers.
    public var totalStatistics: SolveStatistics {
        (0..<workers).reduce(into: SolveStatistics()) { $0.add(statistics[$1]) }
    }
}
