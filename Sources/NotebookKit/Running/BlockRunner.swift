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
    /// Runs one block; a failure is an outcome, never a crash of the run.
    public static func run(_ block: ExperimentBlock) -> BlockOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        let result: Result<Artifacts, BlockFailure>
        do {
            result = .success(try block.experiment.run())
        } catch {
            result = .failure(error)
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return BlockOutcome(block: block, seconds: seconds, result: result)
    }
}
