/// The encoder of a latent-ODE variational autoencoder (Chen, Rubanova, Bettencourt & Duvenaud,
/// "Neural Ordinary Differential Equations", NeurIPS 2018, §5; torchdiffeq's `latent_ode.py`): an
/// Elman recurrent network read backwards in time that gives the mean and log-variance of the
/// approximate posterior q(z₀ | x) over the latent initial state.
///
/// Per step, for the observation x_t (`observationWidth` values) and the hidden state h
/// (`hiddenWidth` values, zero before the first step):
///
///     h ← tanh(W_ih [x_t; h] + b_ih)          (i2h: Linear(obs + hidden → hidden))
///
/// The series is read from its **last** time to its first; after the step at the first time the
/// output is `h2o(h) = W_ho h + b_ho` (Linear(hidden → 2·latent)), whose first `latentWidth`
/// values are the posterior mean and last `latentWidth` its log-variance. A step whose mask is
/// 0 (a missing observation) leaves h unchanged; a mask of anything else is an observation.
///
/// **Parameter layout** (the layout of a `MultilayerPerceptron` of widths `[obs + hidden, hidden,
/// 2·latent]`): the i2h weights row-major `hidden × (obs + hidden)` — in each row the
/// `observationWidth` weights of x first, then the `hiddenWidth` weights of h, as in PyTorch's
/// `torch.cat((x, h))` — then the `hidden` i2h biases, then the h2o weights row-major
/// `2·latent × hidden`, then the `2·latent` h2o biases. `inputWeightRange`, `inputBiasRange`,
/// `outputWeightRange` and `outputBiasRange` give the index ranges.
///
/// **Batches** are series-major: observations `batch × steps × observationWidth`, the value k of
/// series b at time index t at `(b·steps + t)·observationWidth + k` (the example's
/// `samp_trajs[b, t, k]`); the mask `batch × steps`, series b's entry at time t at `b·steps + t`;
/// the output `batch × 2·latent`, one series' (mean, log-variance) contiguous.
///
/// The hot entry points take unsafe buffers and a `Workspace` made once for the largest batch and
/// series length; they allocate nothing and are `@inlinable` to specialise for `Float` or `Double`.
public struct RecognitionRNN<Scalar: NetworkScalar>: Sendable, FlatParameterNetwork {
    /// Values per observation (the example's `obs_dim`, 2).
    public let observationWidth: Int
    /// Hidden units (the example's `rnn_nhidden`, 25).
    public let hiddenWidth: Int
    /// The latent dimension; the output has twice as many values (the example's `latent_dim`, 4).
    public let latentWidth: Int
    /// The number of parameters.
    public let parameterCount: Int

    /// How messages name the network.
    @inlinable static var noun: String { "a recognition network" }

    /// All parameters in the documented layout; setting requires the same count.
    public var parameters: [Scalar] {
        didSet { checkParameterCount(parameters.count) }
    }

    /// The parameter count of a network of these sizes.
    public static func parameterCount(observationWidth: Int, hiddenWidth: Int, latentWidth: Int) -> Int {
        (observationWidth + hiddenWidth + 1) * hiddenWidth + (hiddenWidth + 1) * 2 * latentWidth
    }

    /// A network with the given parameters (in the documented layout).
    public init(observationWidth: Int, hiddenWidth: Int, latentWidth: Int, parameters: [Scalar]) {
        precondition(observationWidth > 0 && hiddenWidth > 0 && latentWidth > 0,
                     "a recognition network needs positive widths, got \(observationWidth), \(hiddenWidth), \(latentWidth)")
        self.observationWidth = observationWidth
        self.hiddenWidth = hiddenWidth
        self.latentWidth = latentWidth
        parameterCount = Self.parameterCount(observationWidth: observationWidth, hiddenWidth: hiddenWidth, latentWidth: latentWidth)
        precondition(parameters.count == parameterCount, "a recognition network of these widths has \(parameterCount) parameters, not \(parameters.count)")
        self.parameters = parameters
    }

    /// A network whose parameters are drawn by `initialisation` from `generator`: the i2h layer
    /// (weights, then biases where the scheme draws them), then the h2o layer, as for a
    /// `MultilayerPerceptron` of widths `[obs + hidden, hidden, 2·latent]`. PyTorch's default for
    /// the example's `nn.Linear` layers is `.fanInUniform`.
    public init(observationWidth: Int, hiddenWidth: Int, latentWidth: Int, initialisation: Initialisation, generator: inout SeededGenerator) {
        // The input-to-hidden layer (over [x; h]), then the hidden-to-output layer.
        let layers = [(inputs: observationWidth + hiddenWidth, outputs: hiddenWidth), (inputs: hiddenWidth, outputs: 2 * latentWidth)]
        let values = initialisation.denseLayerParameters(layers, generator: &generator)
        self.init(observationWidth: observationWidth, hiddenWidth: hiddenWidth, latentWidth: latentWidth, parameters: values.map { Scalar($0) })
    }

    /// A network whose parameters are drawn by `initialisation` from a generator seeded with `seed`.
    public init(observationWidth: Int, hiddenWidth: Int, latentWidth: Int, initialisation: Initialisation, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        self.init(observationWidth: observationWidth, hiddenWidth: hiddenWidth, latentWidth: latentWidth,
                  initialisation: initialisation, generator: &generator)
    }

    /// `2·latentWidth`: the posterior mean then its log-variance.
    @inlinable public var outputWidth: Int { 2 * latentWidth }
    /// `observationWidth + hiddenWidth`: the i2h layer's input.
    @inlinable public var combinedWidth: Int { observationWidth + hiddenWidth }
    /// Where the h2o weights start.
    @inlinable var outputOffset: Int { (combinedWidth + 1) * hiddenWidth }

    /// The i2h weights, `hidden × (obs + hidden)` row-major.
    public var inputWeightRange: Range<Int> { 0..<(combinedWidth * hiddenWidth) }
    /// The i2h biases.
    public var inputBiasRange: Range<Int> { (combinedWidth * hiddenWidth)..<outputOffset }
    /// The h2o weights, `2·latent × hidden` row-major.
    public var outputWeightRange: Range<Int> { outputOffset..<(outputOffset + hiddenWidth * outputWidth) }
    /// The h2o biases.
    public var outputBiasRange: Range<Int> { (outputOffset + hiddenWidth * outputWidth)..<parameterCount }

    /// A workspace for up to `maximumBatch` series of up to `maximumSteps` time points.
    public func makeWorkspace(maximumBatch: Int, maximumSteps: Int) -> Workspace {
        Workspace(observationWidth: observationWidth, hiddenWidth: hiddenWidth, latentWidth: latentWidth,
                  maximumBatch: maximumBatch, maximumSteps: maximumSteps)
    }

    // MARK: Forward

    /// Encodes `batch` series of `steps` time points: reads `observations` (`batch × steps ×
    /// observationWidth`, series-major) from the last time to the first, skipping the steps whose
    /// `mask` entry (`batch × steps`; `nil`: all observed) is 0, and writes h2o of the final hidden
    /// state to `output` (`batch × 2·latentWidth`: means, then log-variances). The workspace keeps
    /// every step's input and hidden state for `vectorJacobianProducts`. `parameters`, when given,
    /// replace the network's own. A series with no observation gets h = 0, so h2o's biases.
    @inlinable
    public func forward(
        batch: Int, steps: Int, observations: UnsafeBufferPointer<Scalar>, mask: UnsafeBufferPointer<Scalar>?,
        output: UnsafeMutableBufferPointer<Scalar>, workspace: Workspace, parameters: UnsafeBufferPointer<Scalar>? = nil
    ) {
        precondition(workspace.matches(self), "a workspace for other widths")
        precondition(batch >= 0 && batch <= workspace.maximumBatch, "batch \(batch) outside 0…\(workspace.maximumBatch) of the workspace")
        precondition(steps >= 0 && steps <= workspace.maximumSteps, "\(steps) steps outside 0…\(workspace.maximumSteps) of the workspace")
        precondition(observations.count >= batch * steps * observationWidth,
                     "observations hold \(observations.count) values, \(batch) series of \(steps) steps need \(batch * steps * observationWidth)")
        if let mask { precondition(mask.count >= batch * steps, "the mask holds \(mask.count) values, not \(batch * steps)") }
        precondition(output.count >= batch * outputWidth, "output holds \(output.count) values, a batch needs \(batch * outputWidth)")
        workspace.lastBatch = batch
        workspace.lastSteps = steps
        guard batch > 0 else { return }
        withParameters(parameters) { theta in
            forwardPass(batch: batch, steps: steps, observations: observations.baseAddress!, mask: mask?.baseAddress,
                        output: output.baseAddress!, theta: theta.baseAddress!, workspace: workspace)
        }
    }

    // MARK: Backpropagation through time

    /// The vector–Jacobian products at the point of the last `forward` with `workspace`: for the
    /// cotangent v of the output (`batch × 2·latentWidth`), adds Σ over the batch of vᵀ∂out/∂θ to
    /// `parameterCotangent` (`parameterCount`; `nil` skips it) and writes vᵀ∂out/∂x into
    /// `observationCotangent` (the observations' layout, overwritten, 0 at missing steps; `nil`
    /// skips it). The parameters must be the ones that forward pass used.
    @inlinable
    public func vectorJacobianProducts(
        batch: Int, cotangent: UnsafeBufferPointer<Scalar>,
        addingTo parameterCotangent: UnsafeMutableBufferPointer<Scalar>?,
        observationCotangent: UnsafeMutableBufferPointer<Scalar>? = nil,
        workspace: Workspace, parameters: UnsafeBufferPointer<Scalar>? = nil
    ) {
        precondition(workspace.matches(self), "a workspace for other widths")
        precondition(batch == workspace.lastBatch, "the backward pass is for batch \(batch), the last forward pass had \(workspace.lastBatch)")
        precondition(cotangent.count >= batch * outputWidth, "cotangent holds \(cotangent.count) values, a batch needs \(batch * outputWidth)")
        let steps = workspace.lastSteps
        if let parameterCotangent {
            precondition(parameterCotangent.count == parameterCount, "parameter cotangent holds \(parameterCotangent.count) values, not \(parameterCount)")
        }
        if let observationCotangent {
            precondition(observationCotangent.count >= batch * steps * observationWidth,
                         "observation cotangent holds \(observationCotangent.count) values, not \(batch * steps * observationWidth)")
        }
        guard batch > 0 else { return }
        withParameters(parameters) { theta in
            backwardPass(batch: batch, steps: steps, cotangent: cotangent.baseAddress!, parameterCotangent: parameterCotangent?.baseAddress,
                         observationCotangent: observationCotangent?.baseAddress, theta: theta.baseAddress!, workspace: workspace)
        }
    }

    // MARK: Conveniences (these allocate)

    /// The encoding of `observations` (`batch × steps × observationWidth`, series-major) with
    /// `mask` (`batch × steps`, or `nil`), `batch = observations.count / (steps·observationWidth)`.
    public func callAsFunction(_ observations: [Scalar], steps: Int, mask: [Scalar]? = nil) -> [Scalar] {
        let batch = batchSize(observations.count, steps: steps)
        let workspace = makeWorkspace(maximumBatch: batch, maximumSteps: steps)
        var output = [Scalar](repeating: 0, count: batch * outputWidth)
        observations.withUnsafeBufferPointer { x in
            withOptionalBuffer(mask) { m in
                output.withUnsafeMutableBufferPointer { forward(batch: batch, steps: steps, observations: x, mask: m, output: $0, workspace: workspace) }
            }
        }
        return output
    }

    /// vᵀ∂out/∂x and Σ vᵀ∂out/∂θ over the batch at `observations` with `mask`, for the output
    /// cotangent `cotangent` (`batch × 2·latentWidth`).
    public func vectorJacobianProducts(
        at observations: [Scalar], steps: Int, mask: [Scalar]? = nil, cotangent: [Scalar]
    ) -> (observations: [Scalar], parameters: [Scalar]) {
        let batch = batchSize(observations.count, steps: steps)
        precondition(cotangent.count == batch * outputWidth, "a batch of \(batch) needs \(batch * outputWidth) cotangent values")
        let workspace = makeWorkspace(maximumBatch: batch, maximumSteps: steps)
        var output = [Scalar](repeating: 0, count: batch * outputWidth)
        var observationCotangent = [Scalar](repeating: 0, count: observations.count)
        var parameterCotangent = [Scalar](repeating: 0, count: parameterCount)
        observations.withUnsafeBufferPointer { x in
            withOptionalBuffer(mask) { m in
                output.withUnsafeMutableBufferPointer { forward(batch: batch, steps: steps, observations: x, mask: m, output: $0, workspace: workspace) }
            }
        }
        cotangent.withUnsafeBufferPointer { v in
            parameterCotangent.withUnsafeMutableBufferPointer { gp in
                observationCotangent.withUnsafeMutableBufferPointer { gx in
                    vectorJacobianProducts(batch: batch, cotangent: v, addingTo: gp, observationCotangent: gx, workspace: workspace)
                }
            }
        }
        return (observationCotangent, parameterCotangent)
    }

    private func batchSize(_ count: Int, steps: Int) -> Int {
        precondition(steps > 0, "a series needs at least one step")
        precondition(count % (steps * observationWidth) == 0, "\(count) values are not whole series of \(steps) steps of width \(observationWidth)")
        return count / (steps * observationWidth)
    }

    private func withOptionalBuffer(_ values: [Scalar]?, _ body: (UnsafeBufferPointer<Scalar>?) -> Void) {
        if let values { values.withUnsafeBufferPointer { body($0) } } else { body(nil) }
    }

    // MARK: Kernels

    /// Step s (0-based) reads time index `steps − 1 − s`. The workspace keeps, per step and
    /// feature-major (`rows × batch`, one row per feature, the batch contiguous), the combined
    /// input [x; h_prev] (`combined` rows), the hidden state after the step (`hidden` rows; the
    /// previous one again for a series whose step is missing) and whether it was observed. The
    /// batch runs in `ParallelChunks`, each chunk through all the steps on its own columns.
    @inlinable
    func forwardPass(
        batch: Int, steps: Int, observations x: UnsafePointer<Scalar>, mask: UnsafePointer<Scalar>?,
        output: UnsafeMutablePointer<Scalar>, theta: UnsafePointer<Scalar>, workspace: Workspace
    ) {
        let obs = observationWidth, hidden = hiddenWidth, combined = combinedWidth, width = outputWidth
        let storage = workspace.storage
        let inputs = storage + workspace.inputOffset, states = storage + workspace.hiddenOffset
        let observed = storage + workspace.observedOffset, zero = storage + workspace.zeroOffset
        let outputScratch = storage + workspace.outputCotangentOffset
        let wih = theta, bih = theta + combined * hidden, who = theta + outputOffset
        let ld = batch
        ParallelChunks(count: batch).run { start, count in
            for r in 0..<hidden { (zero + r * ld + start).update(repeating: 0, count: count) }
            var previous = UnsafePointer(zero + start)  // h = 0 before the first step
            for s in 0..<steps {
                let t = steps - 1 - s
                let input = inputs + s * batch * combined + start, state = states + s * batch * hidden + start
                let stepObserved = observed + s * batch + start
                var missing = 0
                for b in 0..<count {
                    let series = start + b
                    for k in 0..<obs { input[k * ld + b] = x[(series * steps + t) * obs + k] }
                    let isObserved = mask.map { $0[series * steps + t] != 0 } ?? true
                    stepObserved[b] = isObserved ? 1 : 0
                    if !isObserved { missing += 1 }
                }
                for r in 0..<hidden { (input + (obs + r) * ld).update(from: previous + r * ld, count: count) }
                BatchKernels.multiply(n: count, ld: ld, m: hidden, k: combined, a: wih, rowStride: combined, columnStride: 1,
                                      x: input, bias: bih, z: state, activation: .tanh)
                if missing > 0 {
                    for b in 0..<count where stepObserved[b] == 0 {
                        for r in 0..<hidden { state[r * ld + b] = previous[r * ld + b] }
                    }
                }
                previous = UnsafePointer(state)
            }
            BatchKernels.multiply(n: count, ld: ld, m: width, k: hidden, a: who, rowStride: hidden, columnStride: 1,
                                  x: previous, bias: who + hidden * width, z: outputScratch + start)
            BatchKernels.transpose(rows: width, columns: count, from: outputScratch + start, fromStride: ld,
                                   to: output + start * width, toStride: width)
        }
    }

    /// h̄ = vᵀ W_ho (and g_Who += vᵀ h_final); then per step from the last read (the first time)
    /// back to the first read: δ = h̄ ⊙ (1 − h²), g_Wih += δ [x; h_prev]ᵀ, g_bih += δ,
    /// [x̄; h̄] = δᵀ W_ih; a missing step passes h̄ through. Each chunk of the batch sums its
    /// parameter cotangent apart; the chunks' sums are added in chunk order.
    @inlinable
    func backwardPass(
        batch: Int, steps: Int, cotangent v: UnsafePointer<Scalar>, parameterCotangent g: UnsafeMutablePointer<Scalar>?,
        observationCotangent gx: UnsafeMutablePointer<Scalar>?, theta: UnsafePointer<Scalar>, workspace: Workspace
    ) {
        let obs = observationWidth, hidden = hiddenWidth, combined = combinedWidth, width = outputWidth
        let storage = workspace.storage
        let inputs = storage + workspace.inputOffset, states = storage + workspace.hiddenOffset
        let observed = storage + workspace.observedOffset
        let hbarStorage = storage + workspace.hiddenCotangentOffset, spareStorage = storage + workspace.spareCotangentOffset
        let deltaStorage = storage + workspace.deltaOffset, outputCotangent = storage + workspace.outputCotangentOffset
        let observationBar = storage + workspace.observationCotangentOffset
        let wih = theta, who = theta + outputOffset
        let final = UnsafePointer(steps > 0 ? states + (steps - 1) * batch * hidden : storage + workspace.zeroOffset)
        let ld = batch, p = parameterCount
        let chunks = ParallelChunks(count: batch)
        let partials = g == nil ? nil : workspace.partialGradients(chunks: chunks.count, parameters: p)
        let outputOffset = self.outputOffset
        chunks.runIndexed { chunk, start, count in
            let gc = partials.map { $0 + chunk * p }
            gc?.update(repeating: 0, count: p)
            let vc = outputCotangent + start
            BatchKernels.transpose(rows: count, columns: width, from: v + start * width, fromStride: width, to: vc, toStride: ld)
            if let gc {
                let gw = gc + outputOffset
                BatchKernels.accumulateOuter(n: count, ld: ld, m: width, k: hidden, d: UnsafePointer(vc), x: final + start,
                                             g: gw, gStride: hidden, gb: gw + hidden * width)
            }
            var hbar = hbarStorage + start, spare = spareStorage + start
            let delta = deltaStorage + start
            BatchKernels.multiply(n: count, ld: ld, m: hidden, k: width, a: who, rowStride: 1, columnStride: hidden,
                                  x: vc, bias: nil, z: hbar)
            for s in stride(from: steps - 1, through: 0, by: -1) {
                let t = steps - 1 - s
                let input = UnsafePointer(inputs + s * batch * combined + start), state = UnsafePointer(states + s * batch * hidden + start)
                let stepObserved = UnsafePointer(observed + s * batch + start)
                var missing = 0
                for b in 0..<count where stepObserved[b] == 0 { missing += 1 }
                for r in 0..<hidden {
                    let hr = hbar + r * ld, sr = state + r * ld, dr = delta + r * ld
                    if missing == 0 {
                        for b in 0..<count { dr[b] = hr[b] * (1 - sr[b] * sr[b]) }
                    } else {
                        for b in 0..<count { dr[b] = stepObserved[b] != 0 ? hr[b] * (1 - sr[b] * sr[b]) : 0 }
                    }
                }
                if let gc {
                    BatchKernels.accumulateOuter(n: count, ld: ld, m: hidden, k: combined, d: UnsafePointer(delta), x: input,
                                                 g: gc, gStride: combined, gb: gc + combined * hidden)
                }
                if let gx {
                    let xbar = observationBar + start
                    BatchKernels.multiply(n: count, ld: ld, m: obs, k: hidden, a: wih, rowStride: 1, columnStride: combined,
                                          x: delta, bias: nil, z: xbar)
                    for b in 0..<count {
                        let target = gx + ((start + b) * steps + t) * obs
                        for k in 0..<obs { target[k] = stepObserved[b] != 0 ? xbar[k * ld + b] : 0 }
                    }
                }
                BatchKernels.multiply(n: count, ld: ld, m: hidden, k: hidden, a: wih + obs, rowStride: 1, columnStride: combined,
                                      x: delta, bias: nil, z: spare)
                if missing > 0 {
                    for b in 0..<count where stepObserved[b] == 0 {
                        for r in 0..<hidden { spare[r * ld + b] = hbar[r * ld + b] }
                    }
                }
                swap(&hbar, &spare)
            }
        }
        if let g, let partials {
            for chunk in 0..<chunks.count {
                let source = partials + chunk * p
                for i in 0..<p { g[i] += source[i] }
            }
        }
    }
}

extension RecognitionRNN {
    /// Preallocated storage for a recognition network's forward pass and backpropagation through
    /// time on up to `maximumBatch` series of up to `maximumSteps` time points, feature-major:
    /// every step's combined input [x; h_prev] and hidden state, which steps were observed, and the
    /// backward pass's scratch (h̄ twice, δ, the output's and the observations' cotangents).
    ///
    /// One workspace serves one thread at a time; the last `forward` decides the point at which
    /// `vectorJacobianProducts` differentiates.
    public final class Workspace {
        /// The most series this workspace holds.
        public let maximumBatch: Int
        /// The longest series this workspace holds.
        public let maximumSteps: Int
        @usableFromInline let observationWidth: Int
        @usableFromInline let hiddenWidth: Int
        @usableFromInline let latentWidth: Int
        /// One allocation of `scalarCount` values, zero-initialised.
        @usableFromInline let storage: UnsafeMutablePointer<Scalar>
        @usableFromInline let inputOffset: Int
        @usableFromInline let hiddenOffset: Int
        @usableFromInline let observedOffset: Int
        @usableFromInline let zeroOffset: Int
        @usableFromInline let hiddenCotangentOffset: Int
        @usableFromInline let spareCotangentOffset: Int
        @usableFromInline let deltaOffset: Int
        @usableFromInline let outputCotangentOffset: Int
        @usableFromInline let observationCotangentOffset: Int
        @usableFromInline var lastBatch = 0
        @usableFromInline var lastSteps = 0
        /// Per-chunk parameter cotangents of the backward pass, made on first use.
        @usableFromInline let partials = ChunkPartials<Scalar>()
        /// The number of scalars held.
        public let scalarCount: Int

        /// A workspace for a network of the given widths.
        public init(observationWidth: Int, hiddenWidth: Int, latentWidth: Int, maximumBatch: Int, maximumSteps: Int) {
            precondition(maximumBatch >= 0 && maximumSteps >= 0, "a negative batch size or series length")
            self.observationWidth = observationWidth
            self.hiddenWidth = hiddenWidth
            self.latentWidth = latentWidth
            self.maximumBatch = maximumBatch
            self.maximumSteps = maximumSteps
            let combined = observationWidth + hiddenWidth, cells = maximumBatch * maximumSteps
            var offset = 0
            func region(_ count: Int) -> Int {
                defer { offset += count }
                return offset
            }
            inputOffset = region(cells * combined)
            hiddenOffset = region(cells * hiddenWidth)
            observedOffset = region(cells)
            zeroOffset = region(maximumBatch * hiddenWidth)
            hiddenCotangentOffset = region(maximumBatch * hiddenWidth)
            spareCotangentOffset = region(maximumBatch * hiddenWidth)
            deltaOffset = region(maximumBatch * hiddenWidth)
            outputCotangentOffset = region(maximumBatch * 2 * latentWidth)
            observationCotangentOffset = region(maximumBatch * observationWidth)
            scalarCount = offset
            storage = .allocate(capacity: max(offset, 1))
            storage.initializeToZero(count: max(offset, 1))
        }

        /// Room for `chunks × parameters` values.
        @inlinable
        func partialGradients(chunks: Int, parameters: Int) -> UnsafeMutablePointer<Scalar> {
            partials.room(chunks: chunks, parameters: parameters)
        }

        /// Whether this workspace was made for `network`'s widths.
        @inlinable
        func matches(_ network: RecognitionRNN) -> Bool {
            observationWidth == network.observationWidth && hiddenWidth == network.hiddenWidth && latentWidth == network.latentWidth
        }

        /// The batch of the last forward pass.
        public var batch: Int { lastBatch }
        /// The series length of the last forward pass.
        public var steps: Int { lastSteps }

        deinit {
            storage.deinitialize(count: max(scalarCount, 1))
            storage.deallocate()
        }
    }
}
