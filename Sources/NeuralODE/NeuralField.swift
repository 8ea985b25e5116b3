import Learning
import ODE

/// A neural vector field `dy/dt = net(g(y))` for a batch of trajectories integrated as one system
/// (as torchdiffeq and diffrax integrate a batch): the state holds `batch × width` values,
/// sample-major, and every evaluation runs the network once on the whole batch.
///
/// `g` is the identity or the componentwise cube (torchdiffeq's `ode_demo.py` feeds `y**3` to its
/// network). The network computes in `Scalar` (Float or Double); the solver's state, the
/// gradients and the optimiser stay in Double (mixed precision, as the network's rounding is far
/// below the solver's tolerances).
///
/// Neural ODEs: Chen, Rubanova, Bettencourt & Duvenaud, "Neural Ordinary Differential
/// Equations", NeurIPS 2018.
public struct NeuralField<Scalar: NetworkScalar>: KeepingField {
    /// What the network sees.
    public enum Input: String, Sendable, CaseIterable {
        /// The state itself.
        case raw
        /// The state cubed componentwise (`ode_demo.py`).
        case cube
    }

    /// The network, `width → … → width`.
    public let network: MultilayerPerceptron<Scalar>
    /// Trajectories integrated together.
    public let batch: Int
    /// The transform applied to the state before the network.
    public let input: Input
    @usableFromInline let scratch: NeuralFieldScratch<Scalar>

    /// A field over `batch` trajectories; its scratch memory is made once here and shared by the
    /// copies `withParameters` makes (so a field and its copies must be used from one thread).
    @inlinable
    public init(network: MultilayerPerceptron<Scalar>, batch: Int, input: Input) {
        precondition(network.inputWidth == network.outputWidth, "a vector field's network maps the state to its derivative")
        self.network = network
        self.batch = batch
        self.input = input
        scratch = NeuralFieldScratch(network: network, batch: batch)
    }

    @inlinable
    init(network: MultilayerPerceptron<Scalar>, batch: Int, input: Input, scratch: NeuralFieldScratch<Scalar>) {
        self.network = network
        self.batch = batch
        self.input = input
        self.scratch = scratch
    }

    /// `batch × width`.
    @inlinable public var dimension: Int { batch * network.inputWidth }

    /// The network's parameter count.
    @inlinable public var parameterCount: Int { network.parameterCount }

    /// The network's parameters in Double.
    @inlinable public var parameters: [Double] { network.parameters.map { Double($0) } }

    /// The same field with other network parameters (rounded to `Scalar`).
    @inlinable
    public func withParameters(_ parameters: [Double]) -> NeuralField {
        var network = self.network
        network.parameters = parameters.map { Scalar($0) }
        return NeuralField(network: network, batch: batch, input: input, scratch: scratch)
    }

    /// The same network on another number of trajectories.
    @inlinable
    public func withBatch(_ batch: Int) -> NeuralField {
        NeuralField(network: network, batch: batch, input: input)
    }

    /// Writes `g(y)` in `Scalar` into the scratch input.
    @inlinable
    func loadInput(_ state: UnsafeBufferPointer<Double>) {
        let x = scratch.input
        switch input {
        case .raw: for i in 0..<dimension { x[i] = Scalar(state[i]) }
        case .cube: for i in 0..<dimension { let y = state[i]; x[i] = Scalar(y * y * y) }
        }
    }

    /// `net(g(y))`; the network does not depend on t.
    @inlinable
    public func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        loadInput(state)
        network.forward(batch: batch, input: UnsafeBufferPointer(scratch.input), output: scratch.output, workspace: scratch.workspace)
        let output = scratch.output
        for i in 0..<dimension { derivative[i] = Double(output[i]) }
    }

    /// `net(g(y))`, keeping the network's activations under `slot` (a workspace of its own, kept
    /// with the scratch and reused by later gradients).
    @inlinable
    public func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>, keepingAs slot: Int) {
        loadInput(state)
        network.forward(batch: batch, input: UnsafeBufferPointer(scratch.input), output: scratch.output, workspace: scratch.kept(slot))
        let output = scratch.output
        for i in 0..<dimension { derivative[i] = Double(output[i]) }
    }

    /// The products at the point last evaluated under `slot`, from its kept activations.
    @inlinable
    public func vectorJacobianProducts(
        kept slot: Int, t: Double, state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>,
        stateCotangent: UnsafeMutableBufferPointer<Double>, addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>
    ) {
        let n = dimension, p = parameterCount
        let cotangent = scratch.cotangent, inputCotangent = scratch.inputCotangent, theta = scratch.parameterCotangent
        for i in 0..<n { cotangent[i] = Scalar(v[i]) }
        for k in 0..<p { theta[k] = 0 }
        network.vectorJacobianProducts(batch: batch, cotangent: UnsafeBufferPointer(cotangent), inputCotangent: inputCotangent,
                                       addingTo: theta, workspace: scratch.kept(slot))
        finishProducts(state: state, stateCotangent: stateCotangent, addingTo: parameterCotangent)
    }

    /// `vᵀ ∂f/∂y` (through the network and `g`) and `vᵀ ∂f/∂θ` summed over the batch.
    @inlinable
    public func vectorJacobianProducts(
        t: Double, state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>,
        stateCotangent: UnsafeMutableBufferPointer<Double>, addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>
    ) {
        products(state: state, cotangent: v, derivative: nil, stateCotangent: stateCotangent, addingTo: parameterCotangent)
    }

    /// `f(t, y)` and the products from one forward pass of the network.
    @inlinable
    public func evaluateWithVectorJacobianProducts(
        t: Double, state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>,
        derivative: UnsafeMutableBufferPointer<Double>,
        stateCotangent: UnsafeMutableBufferPointer<Double>, addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>
    ) {
        products(state: state, cotangent: v, derivative: derivative, stateCotangent: stateCotangent, addingTo: parameterCotangent)
    }

    /// The products, and `f(t, y)` into `derivative` when given.
    @inlinable
    func products(
        state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>?,
        stateCotangent: UnsafeMutableBufferPointer<Double>, addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>
    ) {
        loadInput(state)
        let n = dimension, p = parameterCount
        let cotangent = scratch.cotangent, inputCotangent = scratch.inputCotangent, theta = scratch.parameterCotangent
        for i in 0..<n { cotangent[i] = Scalar(v[i]) }
        for k in 0..<p { theta[k] = 0 }
        network.vectorJacobianProducts(batch: batch, at: UnsafeBufferPointer(scratch.input), cotangent: UnsafeBufferPointer(cotangent),
                                       inputCotangent: inputCotangent, addingTo: theta,
                                       output: derivative == nil ? nil : scratch.output, workspace: scratch.workspace)
        if let derivative {
            let output = scratch.output
            for i in 0..<n { derivative[i] = Double(output[i]) }
        }
        finishProducts(state: state, stateCotangent: stateCotangent, addingTo: parameterCotangent)
    }

    /// The state cotangent through `g` and the parameter cotangent in Double, from the scratch.
    @inlinable
    func finishProducts(
        state: UnsafeBufferPointer<Double>, stateCotangent: UnsafeMutableBufferPointer<Double>,
        addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>
    ) {
        let n = dimension, p = parameterCount
        let inputCotangent = scratch.inputCotangent, theta = scratch.parameterCotangent
        switch input {
        case .raw: for i in 0..<n { stateCotangent[i] = Double(inputCotangent[i]) }
        case .cube: for i in 0..<n { let y = state[i]; stateCotangent[i] = Double(inputCotangent[i]) * 3 * y * y }
        }
        for k in 0..<p { parameterCotangent[k] += Double(theta[k]) }
    }
}

/// The buffers a `NeuralField` evaluates in: allocated once, reused by every evaluation.
@usableFromInline
final class NeuralFieldScratch<Scalar: NetworkScalar>: @unchecked Sendable {
    @usableFromInline let workspace: MultilayerPerceptron<Scalar>.Workspace
    @usableFromInline let input: UnsafeMutableBufferPointer<Scalar>
    @usableFromInline let output: UnsafeMutableBufferPointer<Scalar>
    @usableFromInline let cotangent: UnsafeMutableBufferPointer<Scalar>
    @usableFromInline let inputCotangent: UnsafeMutableBufferPointer<Scalar>
    @usableFromInline let parameterCotangent: UnsafeMutableBufferPointer<Scalar>
    /// The workspaces of kept evaluations, by slot, made on first use; their backward passes run
    /// one at a time, in `workspace`'s scratch.
    @usableFromInline var keptWorkspaces: [MultilayerPerceptron<Scalar>.Workspace] = []
    @usableFromInline let widths: [Int]
    @usableFromInline let batch: Int

    @usableFromInline
    init(network: MultilayerPerceptron<Scalar>, batch: Int) {
        let n = batch * network.inputWidth
        widths = network.widths
        self.batch = batch
        workspace = network.makeWorkspace(maximumBatch: batch)
        func buffer(_ count: Int) -> UnsafeMutableBufferPointer<Scalar> {
            let pointer = UnsafeMutableBufferPointer<Scalar>.allocate(capacity: max(count, 1))
            pointer.baseAddress!.initializeToZero(count: pointer.count)
            return pointer
        }
        input = buffer(n)
        output = buffer(n)
        cotangent = buffer(n)
        inputCotangent = buffer(n)
        parameterCotangent = buffer(network.parameterCount)
    }

    /// The workspace of slot `slot`.
    @inlinable
    func kept(_ slot: Int) -> MultilayerPerceptron<Scalar>.Workspace {
        while keptWorkspaces.count <= slot {
            keptWorkspaces.append(MultilayerPerceptron<Scalar>.Workspace(widths: widths, maximumBatch: batch, sharingScratchWith: workspace))
        }
        return keptWorkspaces[slot]
    }

    deinit {
        for pointer in [input, output, cotangent, inputCotangent, parameterCotangent] { pointer.deallocate() }
    }
}
