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
public struct NeuralField<Scalar: NetworkScalar>: DifferentiableField {
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

    /// Runs `body(chunk, start, count)` over the scratch's fixed split of the batch, concurrently
    /// when it has two halves: each half converts its own states, runs the network on its own
    /// workspace and converts back, so the conversions run on both threads too.
    @inlinable
    func overChunks(_ body: (Int, Int, Int) -> Void) {
        scratch.chunks.runIndexed(body)
    }

    /// Writes `g(y)` in `Scalar` into the scratch input, for samples `start..<start + count`.
    @inlinable
    func loadInput(_ state: UnsafeBufferPointer<Double>, start: Int, count: Int) {
        let x = scratch.input, w = network.inputWidth
        switch input {
        case .raw: for i in (start * w)..<((start + count) * w) { x[i] = Scalar(state[i]) }
        case .cube: for i in (start * w)..<((start + count) * w) { let y = state[i]; x[i] = Scalar(y * y * y) }
        }
    }

    /// Copies the scratch output of samples `start..<start + count` to `derivative` in Double.
    @inlinable
    func storeOutput(_ derivative: UnsafeMutableBufferPointer<Double>, start: Int, count: Int) {
        let output = scratch.output, w = network.outputWidth
        for i in (start * w)..<((start + count) * w) { derivative[i] = Double(output[i]) }
    }

    /// `net(g(y))`; the network does not depend on t.
    @inlinable
    public func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        let workspaces = scratch.workspaces
        evaluate(state: state, derivative: derivative) { workspaces[$0] }
    }

    /// A network keeps its activations per slot for backpropagation through a solve.
    @inlinable
    public var keepsEvaluations: Bool { true }

    /// `net(g(y))`, keeping the network's activations under `slot` (workspaces of its own, kept
    /// with the scratch and reused by later gradients).
    @inlinable
    public func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>, keepingAs slot: Int) {
        let kept = scratch.kept(slot)
        evaluate(state: state, derivative: derivative) { kept[$0] }
    }

    /// `net(g(y))` with each half's activations in `workspace(chunk)`.
    @inlinable
    func evaluate(state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>,
                  workspace: (Int) -> MultilayerPerceptron<Scalar>.Workspace) {
        let network = self.network, x = scratch.input, y = scratch.output
        let inputWidth = network.inputWidth, outputWidth = network.outputWidth
        overChunks { chunk, start, count in
            loadInput(state, start: start, count: count)
            network.forward(batch: count, input: UnsafeBufferPointer(start: x.baseAddress! + start * inputWidth, count: count * inputWidth),
                            output: UnsafeMutableBufferPointer(start: y.baseAddress! + start * outputWidth, count: count * outputWidth),
                            workspace: workspace(chunk))
            storeOutput(derivative, start: start, count: count)
        }
    }

    /// The products at the point last evaluated under `slot`, from its kept activations.
    @inlinable
    public func vectorJacobianProducts(
        kept slot: Int, t: Double, state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>,
        stateCotangent: UnsafeMutableBufferPointer<Double>, addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>
    ) {
        let kept = scratch.kept(slot)
        products(state: state, cotangent: v, derivative: nil, recomputing: false, stateCotangent: stateCotangent,
                 addingTo: parameterCotangent) { kept[$0] }
    }

    /// `vᵀ ∂f/∂y` (through the network and `g`) and `vᵀ ∂f/∂θ` summed over the batch.
    @inlinable
    public func vectorJacobianProducts(
        t: Double, state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>,
        stateCotangent: UnsafeMutableBufferPointer<Double>, addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>
    ) {
        let workspaces = scratch.workspaces
        products(state: state, cotangent: v, derivative: nil, recomputing: true, stateCotangent: stateCotangent,
                 addingTo: parameterCotangent) { workspaces[$0] }
    }

    /// `f(t, y)` and the products from one forward pass of the network.
    @inlinable
    public func evaluateWithVectorJacobianProducts(
        t: Double, state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>,
        derivative: UnsafeMutableBufferPointer<Double>,
        stateCotangent: UnsafeMutableBufferPointer<Double>, addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>
    ) {
        let workspaces = scratch.workspaces
        products(state: state, cotangent: v, derivative: derivative, recomputing: true, stateCotangent: stateCotangent,
                 addingTo: parameterCotangent) { workspaces[$0] }
    }

    /// The products per half of the batch, each half's parameter cotangent in its own buffer and
    /// the halves added in order: after a forward pass at `state` when `recomputing` (its result
    /// written to `derivative` when given), or from the activations already in the workspaces.
    @inlinable
    func products(
        state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>?,
        recomputing: Bool, stateCotangent: UnsafeMutableBufferPointer<Double>,
        addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>, workspace: (Int) -> MultilayerPerceptron<Scalar>.Workspace
    ) {
        let network = self.network, input = self.input, p = parameterCount
        let x = scratch.input.baseAddress!, y = scratch.output.baseAddress!
        let cotangent = scratch.cotangent.baseAddress!, inputCotangent = scratch.inputCotangent.baseAddress!
        let partials = scratch.parameterCotangents.baseAddress!
        let inputWidth = network.inputWidth, outputWidth = network.outputWidth
        overChunks { chunk, start, count in
            let theta = UnsafeMutableBufferPointer(start: partials + chunk * p, count: p)
            theta.update(repeating: 0)
            for i in (start * outputWidth)..<((start + count) * outputWidth) { cotangent[i] = Scalar(v[i]) }
            let c = UnsafeBufferPointer(start: cotangent + start * outputWidth, count: count * outputWidth)
            let gx = UnsafeMutableBufferPointer(start: inputCotangent + start * inputWidth, count: count * inputWidth)
            if recomputing {
                loadInput(state, start: start, count: count)
                network.vectorJacobianProducts(batch: count, at: UnsafeBufferPointer(start: x + start * inputWidth, count: count * inputWidth),
                                               cotangent: c, inputCotangent: gx, addingTo: theta,
                                               output: derivative == nil ? nil : UnsafeMutableBufferPointer(start: y + start * outputWidth, count: count * outputWidth),
                                               workspace: workspace(chunk))
                if let derivative { storeOutput(derivative, start: start, count: count) }
            } else {
                network.vectorJacobianProducts(batch: count, cotangent: c, inputCotangent: gx, addingTo: theta, workspace: workspace(chunk))
            }
            switch input {
            case .raw:
                for i in (start * inputWidth)..<((start + count) * inputWidth) { stateCotangent[i] = Double(inputCotangent[i]) }
            case .cube:
                for i in (start * inputWidth)..<((start + count) * inputWidth) {
                    let value = state[i]
                    stateCotangent[i] = Double(inputCotangent[i]) * 3 * value * value
                }
            }
        }
        for chunk in 0..<scratch.chunks.count {
            let theta = partials + chunk * p
            for k in 0..<p { parameterCotangent[k] += Double(theta[k]) }
        }
    }
}

/// The buffers a `NeuralField` evaluates in: allocated once, reused by every evaluation.
///
/// The batch is split into the fixed halves of `ParallelChunks` (one half for small batches), and
/// every workspace comes per half: the halves of one evaluation run on two threads at once.
@usableFromInline
final class NeuralFieldScratch<Scalar: NetworkScalar>: @unchecked Sendable {
    @usableFromInline let chunks: ParallelChunks
    /// One workspace per half, for evaluations that keep nothing.
    @usableFromInline let workspaces: [MultilayerPerceptron<Scalar>.Workspace]
    @usableFromInline let input: UnsafeMutableBufferPointer<Scalar>
    @usableFromInline let output: UnsafeMutableBufferPointer<Scalar>
    @usableFromInline let cotangent: UnsafeMutableBufferPointer<Scalar>
    @usableFromInline let inputCotangent: UnsafeMutableBufferPointer<Scalar>
    /// `chunks × parameterCount`: each half's parameter cotangent.
    @usableFromInline let parameterCotangents: UnsafeMutableBufferPointer<Scalar>
    /// The workspaces of kept evaluations, by slot and half, made on first use; their backward
    /// passes run one at a time per half, in that half's scratch.
    @usableFromInline var keptWorkspaces: [[MultilayerPerceptron<Scalar>.Workspace]] = []
    @usableFromInline let widths: [Int]
    @usableFromInline let batch: Int

    @usableFromInline
    init(network: MultilayerPerceptron<Scalar>, batch: Int) {
        let n = batch * network.inputWidth
        widths = network.widths
        self.batch = batch
        var multiplyAdds = 0
        for layer in 0..<network.layerCount { multiplyAdds += network.widths[layer] * network.widths[layer + 1] }
        let chunks = ParallelChunks(count: batch, work: batch * multiplyAdds)
        self.chunks = chunks
        workspaces = (0..<chunks.count).map { network.makeWorkspace(maximumBatch: chunks.range($0).count) }
        input = .allocateZeroed(count: n)
        output = .allocateZeroed(count: n)
        cotangent = .allocateZeroed(count: n)
        inputCotangent = .allocateZeroed(count: n)
        parameterCotangents = .allocateZeroed(count: chunks.count * network.parameterCount)
    }

    /// The workspaces (one per half) of slot `slot`.
    @inlinable
    func kept(_ slot: Int) -> [MultilayerPerceptron<Scalar>.Workspace] {
        while keptWorkspaces.count <= slot {
            keptWorkspaces.append((0..<chunks.count).map {
                MultilayerPerceptron<Scalar>.Workspace(widths: widths, maximumBatch: chunks.range($0).count, sharingScratchWith: workspaces[$0])
            })
        }
        return keptWorkspaces[slot]
    }

    deinit {
        for pointer in [input, output, cotangent, inputCotangent, parameterCotangents] { pointer.deallocate() }
    }
}
