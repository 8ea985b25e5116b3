/// The buffers of one adaptive solve, allocated once and reused across solves of the same size
/// (a batch of trajectories solved one after another allocates nothing per trajectory).
public final class AdaptiveWorkspace<Scalar: BinaryFloatingPoint>: @unchecked Sendable {
    /// State dimension.
    public let dimension: Int
    /// Rows of slopes (stages, the new point's slope, extra dense-output stages).
    public let stages: Int
    @usableFromInline let state: UnsafeMutablePointer<Scalar>
    @usableFromInline let newState: UnsafeMutablePointer<Scalar>
    @usableFromInline let stageState: UnsafeMutablePointer<Scalar>
    @usableFromInline let error: UnsafeMutablePointer<Scalar>
    @usableFromInline let slopes: UnsafeMutablePointer<Scalar>
    @usableFromInline let scratch: UnsafeMutablePointer<Scalar>
    @usableFromInline let relative: UnsafeMutablePointer<Double>
    @usableFromInline let absolute: UnsafeMutablePointer<Double>
    /// The second error estimate of a method with two (DOP853).
    @usableFromInline let secondaryError: UnsafeMutablePointer<Scalar>
    /// The step's coefficients (`RungeKuttaStep`), laid out at the start of each solve.
    @usableFromInline let stepStorage: UnsafeMutableRawPointer

    /// Allocates buffers for a system of `dimension` components and `stages` rows of slopes
    /// (`ButcherTableau.workspaceStages`).
    public init(dimension: Int, stages: Int) {
        self.dimension = dimension
        self.stages = stages
        func buffer(_ count: Int) -> UnsafeMutablePointer<Scalar> {
            let pointer = UnsafeMutablePointer<Scalar>.allocate(capacity: max(count, 1))
            pointer.initialize(repeating: 0, count: max(count, 1))
            return pointer
        }
        func doubles(_ count: Int) -> UnsafeMutablePointer<Double> {
            let pointer = UnsafeMutablePointer<Double>.allocate(capacity: max(count, 1))
            pointer.initialize(repeating: 0, count: max(count, 1))
            return pointer
        }
        state = buffer(dimension)
        newState = buffer(dimension)
        stageState = buffer(dimension)
        error = buffer(dimension)
        secondaryError = buffer(dimension)
        slopes = buffer(dimension * stages)
        scratch = buffer(dimension * 2)
        relative = doubles(dimension)
        absolute = doubles(dimension)
        stepStorage = .allocate(byteCount: RungeKuttaStep<Scalar>.byteCount(stages: stages), alignment: 16)
    }

    deinit {
        for pointer in [state, newState, stageState, error, secondaryError, slopes, scratch] {
            pointer.deallocate()
        }
        stepStorage.deallocate()
        relative.deallocate()
        absolute.deallocate()
    }
}
