import Foundation

/// Watches one block while it runs: the computation reports how far it got (`done` of `total`
/// iterations, epochs, …) and learns whether it must stop, because the block reached its
/// `timeout:` or because the run as a whole is stopping (`--fail-fast`, Ctrl-C).
///
/// The runner creates one monitor per block and reads it from other threads (progress bars,
/// signal handlers), so every member is safe to use concurrently. Reporting costs a lock and a
/// clock reading, cheap enough to do once per iteration of a training loop.
public final class RunMonitor: @unchecked Sendable {
    /// Why a computation was asked to stop.
    public enum StopReason: Sendable, Equatable {
        /// The block ran for its `timeout:` seconds.
        case timeout(seconds: Double)
        /// The run is stopping for a reason outside the block, e.g. `--fail-fast` or an interrupt.
        case cancelled(String)
    }

    /// How far a computation got, as it last reported.
    public struct Progress: Sendable, Equatable {
        /// Units of work done (iterations, epochs, …).
        public var done: Int
        /// Units of work planned, when known in advance.
        public var total: Int?
        /// The unit, plural (`iterations`).
        public var unit: String
        /// Seconds spent on work of this unit so far, when read (from the block's start, or from
        /// the last report of the previous unit when the unit changed).
        public var seconds: Double

        /// Creates a progress reading.
        public init(done: Int, total: Int?, unit: String, seconds: Double = 0) {
            self.done = done
            self.total = total
            self.unit = unit
            self.seconds = seconds
        }
    }

    private let lock = NSLock()
    private let clock = ContinuousClock()
    private var latest: Progress?
    /// When work of the latest unit began, and when the latest report came.
    private var phaseStart: ContinuousClock.Instant
    private var lastReport: ContinuousClock.Instant
    private var reason: StopReason?
    /// When the monitor was made, which is when the block started.
    public let started: ContinuousClock.Instant
    /// The block's time limit in seconds, if it has one.
    public let timeout: Double?
    private let deadline: ContinuousClock.Instant?

    /// A monitor for a block that starts now and may run for `timeout` seconds (`nil`: no limit).
    public init(timeout: Double? = nil) {
        let now = ContinuousClock.now
        started = now
        phaseStart = now
        lastReport = now
        self.timeout = timeout
        // Beyond a few decades a limit means none (and would overflow the clock).
        deadline = timeout.flatMap { $0 < 1e9 ? now + .seconds($0) : nil }
    }

    /// Records that `done` of `total` units are finished and tells whether the computation may go
    /// on: `false` once a stop was asked for or the time limit has passed.
    @discardableResult
    public func report(done: Int, total: Int?, unit: String) -> Bool {
        let now = clock.now
        lock.lock()
        defer { lock.unlock() }
        if let latest, latest.unit != unit { phaseStart = lastReport }
        lastReport = now
        latest = Progress(done: done, total: total, unit: unit)
        return checkLocked(now)
    }

    /// Whether the computation must stop (checks the time limit too).
    public var shouldStop: Bool {
        let now = deadline == nil ? nil : clock.now
        lock.lock()
        defer { lock.unlock() }
        return !checkLocked(now)
    }

    /// Asks the computation to stop; the first reason given is kept.
    public func stop(_ reason: StopReason) {
        lock.lock()
        defer { lock.unlock() }
        if self.reason == nil { self.reason = reason }
    }

    /// Why the computation was asked to stop, if it was (the time limit counts once it has passed).
    public var stopReason: StopReason? {
        _ = shouldStop
        lock.lock()
        defer { lock.unlock() }
        return reason
    }

    /// The last progress reported, with the seconds spent on its unit until now.
    public var progress: Progress? {
        let now = clock.now
        lock.lock()
        defer { lock.unlock() }
        guard var reading = latest else { return nil }
        let spent = now - phaseStart
        reading.seconds = Double(spent.components.seconds) + Double(spent.components.attoseconds) * 1e-18
        return reading
    }

    /// Seconds since the block started.
    public var elapsedSeconds: Double {
        let elapsed = clock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// `true` while the computation may go on; records a timeout the first time the deadline is
    /// found passed. The caller holds the lock.
    private func checkLocked(_ now: ContinuousClock.Instant?) -> Bool {
        if reason != nil { return false }
        if let now, let deadline, now >= deadline, let timeout {
            reason = .timeout(seconds: timeout)
            return false
        }
        return true
    }
}
