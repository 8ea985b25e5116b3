/// A way for a caller to stop a long solve from outside (a time limit, Ctrl-C, `--fail-fast`):
/// the solvers ask `shouldStop` every `interval` steps and end with
/// ``SolveFailure/interrupted(t:step:)`` when it says so. Asking costs a call every `interval`
/// steps, nothing in between.
///
/// Two interruptions are equal when they ask at the same interval (a closure cannot be compared),
/// so that controllers compare by their step control.
public struct SolveInterruption: Sendable, Equatable {
    /// Whether the solve should stop now.
    public let shouldStop: @Sendable () -> Bool
    /// How many steps pass between two questions.
    public var interval: Int

    /// An interruption asking `shouldStop` every `interval` steps (at least 1).
    public init(every interval: Int = 256, _ shouldStop: @escaping @Sendable () -> Bool) {
        self.shouldStop = shouldStop
        self.interval = Swift.max(1, interval)
    }

    public static func == (lhs: SolveInterruption, rhs: SolveInterruption) -> Bool { lhs.interval == rhs.interval }

    /// Whether to stop at step `step` (asks only on multiples of the interval).
    @inlinable
    public func stops(at step: Int) -> Bool {
        step % interval == 0 && shouldStop()
    }
}
