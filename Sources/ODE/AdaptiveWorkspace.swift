/// The buffers of one adaptive solve, allocated once and reused across solves of the same size
/// (a batch of trajectories solved one after another allocates nothing per trajectory).
public final class AdaptiveWorkspace: @unchecked Sendable {
    /// State dimension.
    public let dimension: Int
    /// Rows of slopes (stages, the new point's slope, extra dense-output stages).
    public let stages: Int
    @usableFromInline let state: UnsafeMutablePointer<Double>
    @usableFromInline let newState: UnsafeMutablePointer<Double>
    @usableFromInline let stageState: UnsafeMutablePointer<Double>
    @usableFromInline let error: UnsafeMutablePointer<Double>
    @usableFromInline let slopes: UnsafeMutablePointer<Double>
    @usableFromInline let scratch: UnsafeMutablePointer<Double>
    @usableFromInline let relative: UnsafeMutablePointer<Double>
    @usableFromInline let absolute: UnsafeMutablePointer<Double>
    /// The method's coefficients, copied in at the start of each solve: a (s×s), b, c, e, e3.
    @usableFromInline let coefficients: UnsafeMutablePointer<Double>

    /// Allocates buffers for a system of `dimension` components and `stages` rows of slopes
    /// (`ButcherTableau.workspaceStages`).
    public init(dimension: Int, stages: Int) {
        self.dimension = dimension
        self.stages = stages
        func buffer(_ count: Int) -> UnsafeMutablePointer<Double> {
            let pointer = UnsafeMutablePointer<Double>.allocate(capacity: max(count, 1))
            pointer.initialize(repeating: 0, count: max(count, 1))
            return pointer
        }
        state = buffer(dimension)
        newState = buffer(dimension)
        stageState = buffer(dimension)
        error = buffer(dimension)
        slopes = buffer(dimension * stages)
        scratch = buffer(dimension * 2)
        relative = buffer(dimension)
        absolute = buffer(dimension)
        coefficients = buffer(stages * stages + 4 * stages)
    }

    deinit {
        for pointer in [state, newState, stageState, error, slopes, scratch, relative, absolute, coefficients] {
            pointer.deallocate()
        }
    }
}
