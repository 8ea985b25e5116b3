import Experiments
import Foundation

/// How one block ended: its artifacts or its failure, and how long it took.
public struct BlockOutcome: Sendable {
    /// The block.
    public let block: ExperimentBlock
    /// Wall-clock seconds of the computation.
    public let seconds: Double
    /// What the block produced, or why it failed.
    public let result: Result<Artifacts, BlockFailure>
    /// True when the block was cut short because the run is stopping (`--fail-fast`, an
    /// interrupt): it did not finish, and did not fail on its own.
    public let cancelled: Bool

    /// Whether the block succeeded.
    public var succeeded: Bool {
        if case .success = result { return true }
        return false
    }

    /// The failure's message, when the block failed.
    public var failureMessage: String? {
        if case let .failure(failure) = result { return failure.message }
        return nil
    }
}

/// Runs experiment blocks and times them.
public enum BlockRunner {
    /// Runs one block under `monitor`; a failure is an outcome, never a crash of the run.
    ///
    /// A block that the monitor stopped at its time limit, or that finished past it, fails with a
    /// message naming the limit. One stopped because the run is stopping is marked cancelled.
    public static func run(_ block: ExperimentBlock, monitor: RunMonitor) -> BlockOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        var result: Result<Artifacts, BlockFailure>
        do {
            result = .success(try block.experiment.run(monitor: monitor))
        } catch {
            result = .failure(error)
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        var cancelled = false
        switch monitor.stopReason {
        case let .timeout(limit)?:
            result = .failure(timeoutFailure(block, limit: limit, progress: monitor.progress))
        case let .cancelled(reason)?:
            if case .failure = result {
                result = .failure(BlockFailure("stopped before it finished: \(reason)", line: block.line))
                cancelled = true
            }
        case nil:
            break
        }
        return BlockOutcome(block: block, seconds: seconds, result: result, cancelled: cancelled)
    }

    /// The failure of a block stopped at its `timeout:`, with how far it got and what to change.
    static func timeoutFailure(_ block: ExperimentBlock, limit: Double, progress: RunMonitor.Progress?) -> BlockFailure {
        var message = "stopped at its time limit (timeout: \(OptionValue.format(limit)) s)"
        if let progress {
            message += " after \(progress.done)" + (progress.total.map { " of \($0)" } ?? "") + " \(progress.unit)"
            message += "; raise timeout or lower the number of \(progress.unit)"
        } else {
            message += "; raise timeout or give the block less to do"
        }
        return BlockFailure(message, line: block.options.line(of: CommonOptions.timeout.name))
    }
}
