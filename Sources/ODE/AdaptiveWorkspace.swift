/// The buffers of one adaptive solve, allocated once and reused across solves of the same size
/// (a batch of trajectories solved one after another allocates nothing per trajectory).
public final class AdaptiveWorkspace<Scalar: BinaryFloatingPoint>: @unchecked Sendable {
    /// State dimension.
    public let dimension: Int
    /// Rows of slopes (stages, the new point's slope, extra dense-output stages).
    public let stages: Int
    /// The state, the proposed state, a stage input, the error estimate, the slopes
    /// (`stages × dimension`) and two vectors of scratch.
    @usableFromInline let state, newState, stageState, error, slopes, scratch: UnsafeMutablePointer<Scalar>
    /// `rtol` and `atol` per component.
    @usableFromInline let relative, absolute: UnsafeMutablePointer<Double>
    /// The second error estimate of a method with two (DOP853).
    @usableFromInline let secondaryError: UnsafeMutablePointer<Scalar>
    /// The step's coefficients (`RungeKuttaStep`), laid out at the start of each solve.
    @usableFromInline let stepStorage: UnsafeMutableRawPointer
    /// The one allocation every buffer lives in.
    @usableFromInline let block: UnsafeMutableRawPointer

    /// Allocates buffers for a system of `dimension` components and `stages` rows of slopes
    /// (`ButcherTableau.workspaceStages`).
    public init(dimension: Int, stages: Int) {
        self.dimension = dimension
        self.stages = stages
        // One block: the scalar vectors, then rtol and atol, then the step's coefficients, so
        // that a solve's buffers sit together whatever the state of the heap.
        let n = max(dimension, 1)
        let scalarBytes = ((7 + stages) * n * MemoryLayout<Scalar>.stride + 63) / 64 * 64
        let doubleBytes = (2 * n * 8 + 63) / 64 * 64
        block = .allocate(byteCount: scalarBytes + doubleBytes + RungeKuttaStep<Scalar>.byteCount(stages: stages), alignment: 64)
        let vectors = block.initializeMemory(as: Scalar.self, repeating: 0, count: (7 + stages) * n)
        state = vectors
        newState = vectors + n
        stageState = vectors + 2 * n
        error = vectors + 3 * n
        secondaryError = vectors + 4 * n
        scratch = vectors + 5 * n
        slopes = vectors + 7 * n
        relative = (block + scalarBytes).initializeMemory(as: Double.self, repeating: 0, count: 2 * n)
        absolute = relative + n
        stepStorage = block + scalarBytes + doubleBytes
    }

    deinit { block.deallocate() }
}
