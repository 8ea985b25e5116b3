import Learning
import ODE

/// The ODE-Net's vector field `dh/dt = f(t, h) = net([h; t])` for a batch of hidden states
/// integrated as one system: the network sees the state with the time appended as one more input
/// (`width + 1 → … → width`), as torchdiffeq's examples do (`ConcatConv2d` in `odenet_mnist.py`).
///
/// The state holds `batch × width` values, sample-major; every evaluation runs the network once on
/// the whole batch. The network computes in `Scalar`; the solver's state, the gradients and the
/// optimiser stay in Double.
///
/// Chen, Rubanova, Bettencourt & Duvenaud, "Neural Ordinary Differential Equations", NeurIPS 2018, §3.
public struct TimeConditionedField<Scalar: NetworkScalar>: DifferentiableField {
    /// The network, `width + 1 → … → width` (the last input is t).
    public let network: MultilayerPerceptron<Scalar>
    /// Hidden states integrated together (at most the scratch's batch).
    public let batch: Int
    @usableFromInline let scratch: TimeConditionedScratch<Scalar>

    /// A field over up to `maximumBatch` states; its scratch is made once here and shared by the
    /// copies `withParameters` and `withBatch` make (so a field and its copies serve one thread).
    public init(network: MultilayerPerceptron<Scalar>, maximumBatch: Int) {
        precondition(network.inputWidth == network.outputWidth + 1, "the network maps [h; t] (width + 1) to dh/dt (width)")
        self.network = network
        batch = maximumBatch
        scratch = TimeConditionedScratch(network: network, batch: maximumBatch)
    }

    @usableFromInline
    init(network: MultilayerPerceptron<Scalar>, batch: Int, scratch: TimeConditionedScratch<Scalar>) {
        self.network = network
        self.batch = batch
        self.scratch = scratch
    }

    /// The hidden width.
    @inlinable public var width: Int { network.outputWidth }

    /// `batch × width`.
    @inlinable public var dimension: Int { batch * network.outputWidth }

    /// The network's parameter count.
    @inlinable public var parameterCount: Int { network.parameterCount }

    /// The network's parameters in Double.
    @inlinable public var parameters: [Double] { network.parameters.map { Double($0) } }

    /// The same field with other network parameters (rounded to `Scalar`).
    public func withParameters(_ parameters: [Double]) -> TimeConditionedField {
        var network = self.network
        network.parameters = parameters.map { Scalar($0) }
        return TimeConditionedField(network: network, batch: batch, scratch: scratch)
    }

    /// The same field on `batch` states (at most the scratch's).
    public func withBatch(_ batch: Int) -> TimeConditionedField {
        precondition(batch <= scratch.batch, "batch \(batch) above the field's \(scratch.batch)")
        return TimeConditionedField(network: network, batch: batch, scratch: scratch)
    }

    /// Writes `[h; t]` in `Scalar` into the scratch input.
    @inlinable
    func loadInput(t: Double, state: UnsafeBufferPointer<Double>) {
        let x = scratch.input, w = width, time = Scalar(t)
        for b in 0..<batch {
            let row = b * (w + 1)
            for i in 0..<w { x[row + i] = Scalar(state[b * w + i]) }
            x[row + w] = time
        }
    }

    /// `net([h; t])`.
    @inlinable
    public func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        loadInput(t: t, state: state)
        let n = dimension
        network.forward(batch: batch, input: UnsafeBufferPointer(scratch.input), output: scratch.output, workspace: scratch.workspace)
        for i in 0..<n { derivative[i] = Double(scratch.output[i]) }
    }

    /// `vᵀ ∂f/∂h` (the time input's column dropped) and `vᵀ ∂f/∂θ` summed over the batch.
    @inlinable
    public func vectorJacobianProducts(
        t: Double, state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>,
        stateCotangent: UnsafeMutableBufferPointer<Double>, addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>
    ) {
        loadInput(t: t, state: state)
        let n = dimension, w = width, p = parameterCount
        for i in 0..<n { scratch.cotangent[i] = Scalar(v[i]) }
        let theta = UnsafeMutableBufferPointer(rebasing: scratch.parameterCotangent[0..<p])
        theta.update(repeating: 0)
        network.vectorJacobianProducts(batch: batch, at: UnsafeBufferPointer(scratch.input), cotangent: UnsafeBufferPointer(scratch.cotangent),
                                       inputCotangent: scratch.inputCotangent, addingTo: theta, workspace: scratch.workspace)
        for b in 0..<batch {
            for i in 0..<w { stateCotangent[b * w + i] = Double(scratch.inputCotangent[b * (w + 1) + i]) }
        }
        for k in 0..<p { parameterCotangent[k] += Double(theta[k]) }
    }
}

/// The buffers a `TimeConditionedField` evaluates in: allocated once, reused by every evaluation.
@usableFromInline
final class TimeConditionedScratch<Scalar: NetworkScalar>: @unchecked Sendable {
    @usableFromInline let batch: Int
    @usableFromInline let workspace: MultilayerPerceptron<Scalar>.Workspace
    /// `batch × (width + 1)`: `[h; t]` per sample.
    @usableFromInline let input: UnsafeMutableBufferPointer<Scalar>
    @usableFromInline let output: UnsafeMutableBufferPointer<Scalar>
    @usableFromInline let cotangent: UnsafeMutableBufferPointer<Scalar>
    @usableFromInline let inputCotangent: UnsafeMutableBufferPointer<Scalar>
    @usableFromInline let parameterCotangent: UnsafeMutableBufferPointer<Scalar>

    init(network: MultilayerPerceptron<Scalar>, batch: Int) {
        self.batch = batch
        workspace = network.makeWorkspace(maximumBatch: batch)
        input = .allocateZeroed(count: batch * network.inputWidth)
        output = .allocateZeroed(count: batch * network.outputWidth)
        cotangent = .allocateZeroed(count: batch * network.outputWidth)
        inputCotangent = .allocateZeroed(count: batch * network.inputWidth)
        parameterCotangent = .allocateZeroed(count: network.parameterCount)
    }

    deinit {
        for pointer in [input, output, cotangent, inputCotangent, parameterCotangent] { pointer.deallocate() }
    }
}
