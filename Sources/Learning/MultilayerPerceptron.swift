/// A dense feed-forward network `x ↦ σₒ(W_L σ(⋯ σ(W₁x + b₁) ⋯) + b_L)` with hand-written
/// vector–Jacobian products (reverse-mode differentiation, Rumelhart, Hinton & Williams,
/// "Learning representations by back-propagating errors", *Nature* 323, 1986).
///
/// `widths` lists the layer widths from input to output, e.g. `[2, 50, 2]` for torchdiffeq's
/// `ode_demo.py` field; `activation` follows every hidden layer and `outputActivation` the last.
///
/// **Parameter layout.** All parameters live in one flat array, layer by layer from the input
/// side; layer l (0-based, `inputs = widths[l]`, `outputs = widths[l + 1]`) holds its weights
/// row-major `outputs × inputs` (the entry for output o and input i at `o·inputs + i`, as PyTorch's
/// `Linear.weight`) followed by its `outputs` biases. `weightRange(layer:)` and
/// `biasRange(layer:)` give the index ranges.
///
/// **Batches** are stored sample-major: `batch × width`, one sample's values contiguous.
///
/// The hot entry points (`forward`, `vectorJacobianProducts`) take unsafe buffers and a
/// `Workspace` made once for a largest batch, allocate nothing, and are `@inlinable` so that they
/// specialise for `Float` or `Double` in the calling module.
public struct MultilayerPerceptron<Scalar: NetworkScalar>: Sendable, FlatParameterNetwork {
    /// The layer widths, input first.
    public let widths: [Int]
    /// The activation after every hidden layer.
    public let activation: Activation
    /// The activation after the last layer.
    public let outputActivation: Activation
    /// The number of parameters, Σ (inputs + 1)·outputs over the layers.
    public let parameterCount: Int
    /// Offset of each layer's weights in `parameters`; its biases follow at `+ outputs·inputs`.
    @usableFromInline let weightOffsets: [Int]

    /// How messages name the network.
    @inlinable static var noun: String { "a network" }

    /// All parameters in the documented layout; setting requires the same count.
    public var parameters: [Scalar] {
        didSet { checkParameterCount(parameters.count) }
    }

    /// A network with the given parameters (in the documented layout).
    public init(widths: [Int], activation: Activation, outputActivation: Activation = .identity, parameters: [Scalar]) {
        precondition(widths.count >= 2 && widths.allSatisfy { $0 > 0 }, "a network needs at least two positive widths, got \(widths)")
        self.widths = widths
        self.activation = activation
        self.outputActivation = outputActivation
        var offsets = [Int](), count = 0
        for layer in 0..<(widths.count - 1) {
            offsets.append(count)
            count += (widths[layer] + 1) * widths[layer + 1]
        }
        weightOffsets = offsets
        parameterCount = count
        precondition(parameters.count == count, "a network of widths \(widths) has \(count) parameters, not \(parameters.count)")
        self.parameters = parameters
    }

    /// A network whose parameters are drawn by `initialisation` from `generator` (see
    /// `Initialisation` for the order of the draws).
    public init(
        widths: [Int], activation: Activation, outputActivation: Activation = .identity,
        initialisation: Initialisation, generator: inout SeededGenerator
    ) {
        let layers = (0..<max(widths.count - 1, 0)).map { (inputs: widths[$0], outputs: widths[$0 + 1]) }
        let values = initialisation.denseLayerParameters(layers, generator: &generator)
        self.init(widths: widths, activation: activation, outputActivation: outputActivation, parameters: values.map { Scalar($0) })
    }

    /// A network whose parameters are drawn by `initialisation` from a generator seeded with `seed`.
    public init(
        widths: [Int], activation: Activation, outputActivation: Activation = .identity,
        initialisation: Initialisation, seed: UInt64
    ) {
        var generator = SeededGenerator(seed: seed)
        self.init(widths: widths, activation: activation, outputActivation: outputActivation,
                  initialisation: initialisation, generator: &generator)
    }

    /// The width of the input.
    @inlinable public var inputWidth: Int { widths[0] }
    /// The width of the output.
    @inlinable public var outputWidth: Int { widths[widths.count - 1] }
    /// The number of affine layers.
    @inlinable public var layerCount: Int { widths.count - 1 }

    /// Where layer `layer`'s weights (`outputs × inputs`, row-major) sit in `parameters`.
    public func weightRange(layer: Int) -> Range<Int> {
        weightOffsets[layer]..<(weightOffsets[layer] + widths[layer] * widths[layer + 1])
    }

    /// Where layer `layer`'s biases sit in `parameters`.
    public func biasRange(layer: Int) -> Range<Int> {
        let start = weightOffsets[layer] + widths[layer] * widths[layer + 1]
        return start..<(start + widths[layer + 1])
    }

    /// A workspace for batches of up to `maximumBatch` samples.
    public func makeWorkspace(maximumBatch: Int) -> Workspace {
        Workspace(widths: widths, maximumBatch: maximumBatch)
    }

    // MARK: Forward

    /// Evaluates the network on `batch` samples: `input` holds `batch × inputWidth` values,
    /// `output` receives `batch × outputWidth`. The workspace keeps what the backward pass needs.
    /// `parameters`, when given, replace the network's own (same layout and count).
    @inlinable
    public func forward(
        batch: Int, input: UnsafeBufferPointer<Scalar>, output: UnsafeMutableBufferPointer<Scalar>,
        workspace: Workspace, parameters: UnsafeBufferPointer<Scalar>? = nil
    ) {
        precondition(output.count >= batch * outputWidth, "output holds \(output.count) values, a batch needs \(batch * outputWidth)")
        withParameters(parameters) { forwardPass(batch: batch, input: input, output: output.baseAddress, parameters: $0, workspace: workspace) }
    }

    // MARK: Vector–Jacobian products

    /// The vector–Jacobian products at the point of the last `forward` with `workspace`:
    /// for the cotangent v (`batch × outputWidth`), writes vᵀ∂f/∂x into `inputCotangent`
    /// (`batch × inputWidth`, overwritten; `nil` skips it) and adds Σ over the batch of vᵀ∂f/∂θ
    /// to `parameterCotangent` (`parameterCount`; `nil` skips it).
    ///
    /// The parameters must be the ones that forward pass used.
    @inlinable
    public func vectorJacobianProducts(
        batch: Int, cotangent: UnsafeBufferPointer<Scalar>,
        inputCotangent: UnsafeMutableBufferPointer<Scalar>?, addingTo parameterCotangent: UnsafeMutableBufferPointer<Scalar>?,
        workspace: Workspace, parameters: UnsafeBufferPointer<Scalar>? = nil
    ) {
        withParameters(parameters) {
            backwardPass(batch: batch, cotangent: cotangent, inputCotangent: inputCotangent,
                     parameterCotangent: parameterCotangent, parameters: $0, workspace: workspace)
        }
    }

    /// The vector–Jacobian products at `input` (`batch × inputWidth`): a forward pass (its result
    /// written to `output` when given) followed by the backward pass of
    /// `vectorJacobianProducts(batch:cotangent:inputCotangent:addingTo:workspace:parameters:)`.
    @inlinable
    public func vectorJacobianProducts(
        batch: Int, at input: UnsafeBufferPointer<Scalar>, cotangent: UnsafeBufferPointer<Scalar>,
        inputCotangent: UnsafeMutableBufferPointer<Scalar>?, addingTo parameterCotangent: UnsafeMutableBufferPointer<Scalar>?,
        output: UnsafeMutableBufferPointer<Scalar>? = nil, workspace: Workspace, parameters: UnsafeBufferPointer<Scalar>? = nil
    ) {
        if let output { precondition(output.count >= batch * outputWidth, "output holds \(output.count) values, a batch needs \(batch * outputWidth)") }
        withParameters(parameters) {
            forwardPass(batch: batch, input: input, output: output?.baseAddress, parameters: $0, workspace: workspace)
            backwardPass(batch: batch, cotangent: cotangent, inputCotangent: inputCotangent,
                     parameterCotangent: parameterCotangent, parameters: $0, workspace: workspace)
        }
    }

    // MARK: Conveniences (these allocate)

    /// The network applied to `input`, a batch of `input.count / inputWidth` samples.
    public func callAsFunction(_ input: [Scalar]) -> [Scalar] {
        precondition(input.count % inputWidth == 0, "\(input.count) inputs are not a whole batch of width \(inputWidth)")
        let batch = input.count / inputWidth
        let workspace = makeWorkspace(maximumBatch: batch)
        var output = [Scalar](repeating: 0, count: batch * outputWidth)
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { forward(batch: batch, input: x, output: $0, workspace: workspace) }
        }
        return output
    }

    /// vᵀ∂f/∂x per sample and Σ vᵀ∂f/∂θ over the batch, at `input` (a batch of
    /// `input.count / inputWidth` samples) for the cotangent `cotangent` (`batch × outputWidth`).
    public func vectorJacobianProducts(at input: [Scalar], cotangent: [Scalar]) -> (input: [Scalar], parameters: [Scalar]) {
        precondition(input.count % inputWidth == 0, "\(input.count) inputs are not a whole batch of width \(inputWidth)")
        let batch = input.count / inputWidth
        precondition(cotangent.count == batch * outputWidth, "a batch of \(batch) needs \(batch * outputWidth) cotangent values")
        let workspace = makeWorkspace(maximumBatch: batch)
        var inputCotangent = [Scalar](repeating: 0, count: input.count)
        var parameterCotangent = [Scalar](repeating: 0, count: parameterCount)
        input.withUnsafeBufferPointer { x in
            cotangent.withUnsafeBufferPointer { v in
                inputCotangent.withUnsafeMutableBufferPointer { gx in
                    parameterCotangent.withUnsafeMutableBufferPointer { gp in
                        vectorJacobianProducts(batch: batch, at: x, cotangent: v, inputCotangent: gx, addingTo: gp, workspace: workspace)
                    }
                }
            }
        }
        return (inputCotangent, parameterCotangent)
    }

    // MARK: Kernels

    /// The forward pass: copies the input into the workspace, then per layer z = x Wᵀ + b and
    /// a = σ(z), both kept; the last activations go to `output` when given.
    @inlinable
    func forwardPass(
        batch: Int, input: UnsafeBufferPointer<Scalar>, output: UnsafeMutablePointer<Scalar>?,
        parameters: UnsafeBufferPointer<Scalar>, workspace: Workspace
    ) {
        precondition(workspace.widths == widths, "a workspace for widths \(workspace.widths) used with a network of widths \(widths)")
        precondition(batch >= 0 && batch <= workspace.maximumBatch, "batch \(batch) outside 0…\(workspace.maximumBatch) of the workspace")
        precondition(input.count >= batch * inputWidth, "input holds \(input.count) values, a batch needs \(batch * inputWidth)")
        workspace.lastBatch = batch
        workspace.lastFeatureMajor = batch >= Self.featureMajorThreshold
        guard batch > 0, let x = input.baseAddress, let theta = parameters.baseAddress else { return }
        if workspace.lastFeatureMajor {
            forwardPassFeatureMajor(batch: batch, input: x, output: output, theta: theta, workspace: workspace)
            return
        }
        let storage = workspace.storage
        (storage + workspace.activationOffsets[0]).update(from: x, count: batch * inputWidth)
        let last = layerCount - 1
        for layer in 0...last {
            let inputs = widths[layer], outputs = widths[layer + 1]
            let w = theta + weightOffsets[layer]
            let z = storage + workspace.preActivationOffsets[layer + 1]
            let a = storage + workspace.activationOffsets[layer + 1]
            let layerInput = storage + workspace.activationOffsets[layer], b = w + inputs * outputs
            if Self.runsOverOutputs(inputs: inputs, outputs: outputs) {
                let wt = storage + workspace.transposedOffsets[layer]
                BatchKernels.transpose(rows: outputs, columns: inputs, from: w, fromStride: inputs, to: wt, toStride: outputs)
                DenseKernels.affine(rows: batch, inner: inputs, columns: outputs, x: layerInput, matrix: wt, storedAs: .itself, bias: b, into: z)
            } else {
                DenseKernels.affine(rows: batch, inner: inputs, columns: outputs, x: layerInput, matrix: w, storedAs: .transpose, bias: b, into: z)
            }
            (layer == last ? outputActivation : activation).apply(z, to: a, count: batch * outputs)
        }
        output?.update(from: storage + workspace.activationOffsets[last + 1], count: batch * outputWidth)
    }

    /// Whether a layer's loops run over its outputs with transposed weights (few inputs, many
    /// outputs) rather than as dots over its inputs.
    @inlinable @inline(__always)
    static func runsOverOutputs(inputs: Int, outputs: Int) -> Bool { inputs < 8 && outputs > inputs }

    /// The backward pass from the last layer down: δ = c ⊙ σ′(z), g_W += δᵀx, g_b += δᵀ1, and
    /// c ← δ W for the layer below (into `inputCotangent` at the bottom, skipped when `nil`).
    @inlinable
    func backwardPass(
        batch: Int, cotangent: UnsafeBufferPointer<Scalar>,
        inputCotangent: UnsafeMutableBufferPointer<Scalar>?, parameterCotangent: UnsafeMutableBufferPointer<Scalar>?,
        parameters: UnsafeBufferPointer<Scalar>, workspace: Workspace
    ) {
        precondition(workspace.widths == widths, "a workspace for widths \(workspace.widths) used with a network of widths \(widths)")
        precondition(batch == workspace.lastBatch, "the backward pass is for batch \(batch), the last forward pass had \(workspace.lastBatch)")
        precondition(cotangent.count >= batch * outputWidth, "cotangent holds \(cotangent.count) values, a batch needs \(batch * outputWidth)")
        if let inputCotangent {
            precondition(inputCotangent.count >= batch * inputWidth, "input cotangent holds \(inputCotangent.count) values, a batch needs \(batch * inputWidth)")
        }
        if let parameterCotangent {
            precondition(parameterCotangent.count == parameterCount, "parameter cotangent holds \(parameterCotangent.count) values, not \(parameterCount)")
        }
        guard batch > 0, let v = cotangent.baseAddress, let theta = parameters.baseAddress else { return }
        if workspace.lastFeatureMajor {
            backwardPassFeatureMajor(batch: batch, cotangent: v, inputCotangent: inputCotangent?.baseAddress,
                                     parameterCotangent: parameterCotangent?.baseAddress, theta: theta, workspace: workspace)
            return
        }
        let storage = workspace.storage
        // δ (this layer's pre-activation cotangent) always lives in the first scratch buffer, the
        // cotangent of the layer's input in the second, which the next layer down reads.
        let delta = workspace.backwardScratch.delta
        let incoming = workspace.backwardScratch.incoming
        var upstream = v
        let last = layerCount - 1
        for layer in stride(from: last, through: 0, by: -1) {
            let inputs = widths[layer], outputs = widths[layer + 1]
            let w = theta + weightOffsets[layer]
            let x = UnsafePointer(storage + workspace.activationOffsets[layer])
            (layer == last ? outputActivation : activation).pullback(
                upstream, preActivations: storage + workspace.preActivationOffsets[layer + 1],
                values: storage + workspace.activationOffsets[layer + 1], into: delta, count: batch * outputs)
            let overOutputs = Self.runsOverOutputs(inputs: inputs, outputs: outputs)
            if let g = parameterCotangent?.baseAddress {
                let gw = g + weightOffsets[layer]
                DenseKernels.accumulateWeightCotangent(
                    batch: batch, inputs: inputs, outputs: outputs, delta: delta, x: x, gw: gw, gb: gw + inputs * outputs,
                    transposedScratch: overOutputs ? storage + workspace.weightScratchOffset : nil)
            }
            let target: UnsafeMutablePointer<Scalar>
            if layer > 0 {
                target = incoming
            } else if let c = inputCotangent?.baseAddress {
                target = c
            } else {
                break
            }
            if overOutputs {
                // Wᵀ was written by the forward pass, with these parameters.
                DenseKernels.affine(rows: batch, inner: outputs, columns: inputs, x: delta,
                                    matrix: storage + workspace.transposedOffsets[layer], storedAs: .transpose, bias: nil, into: target)
            } else {
                DenseKernels.affine(rows: batch, inner: outputs, columns: inputs, x: delta, matrix: w, storedAs: .itself, bias: nil, into: target)
            }
            upstream = UnsafePointer(target)
        }
    }
}

// MARK: Feature-major passes for large batches

extension MultilayerPerceptron {
    /// Batches from this size run feature-major (`BatchKernels`): the input is transposed into
    /// `inputWidth × batch`, every layer's loops run over the batch, and the output is transposed
    /// back. Smaller batches run sample-major.
    @inlinable @inline(__always)
    static var featureMajorThreshold: Int { 16 }

    /// The multiply–adds of one sample's forward pass, Σ inputs·outputs.
    @inlinable
    var multiplyAddsPerSample: Int {
        var total = 0
        for layer in 0..<layerCount { total += widths[layer] * widths[layer + 1] }
        return total
    }

    /// The forward pass feature-major, the batch split into `ParallelChunks` run concurrently
    /// (each sample's values do not depend on the split).
    ///
    /// Only the activations are kept, each layer's product written in their place and the
    /// activation applied there: every activation's derivative is a function of its value
    /// (tanh′ = 1 − y², and x > 0 exactly when y > 0 for ReLU and ELU), so the backward pass needs no
    /// pre-activations, and a kept evaluation stores and reloads half the memory.
    @inlinable
    func forwardPassFeatureMajor(
        batch: Int, input x: UnsafePointer<Scalar>, output: UnsafeMutablePointer<Scalar>?,
        theta: UnsafePointer<Scalar>, workspace: Workspace
    ) {
        let storage = workspace.storage
        let ld = batch, last = layerCount - 1
        let widths = self.widths, offsets = self.weightOffsets
        let activationOffsets = workspace.activationOffsets
        let activation = self.activation, outputActivation = self.outputActivation
        let chunks = ParallelChunks(count: batch, work: batch * multiplyAddsPerSample)
        chunks.run { start, count in
            BatchKernels.transpose(rows: count, columns: widths[0], from: x + start * widths[0], fromStride: widths[0],
                                   to: storage + activationOffsets[0] + start, toStride: ld)
            for layer in 0...last {
                let inputs = widths[layer], outputs = widths[layer + 1]
                let w = theta + offsets[layer]
                let a = storage + activationOffsets[layer + 1] + start
                BatchKernels.multiply(n: count, ld: ld, m: outputs, k: inputs, a: w, rowStride: inputs, columnStride: 1,
                                      x: storage + activationOffsets[layer] + start, bias: w + inputs * outputs, z: a,
                                      activation: layer == last ? outputActivation : activation)
            }
            if let output {
                let width = widths[last + 1]
                BatchKernels.transpose(rows: width, columns: count, from: storage + activationOffsets[last + 1] + start, fromStride: ld,
                                       to: output + start * width, toStride: width)
            }
        }
    }

    /// The backward pass feature-major. Each chunk of the batch accumulates its parameter
    /// cotangent into its own buffer; the chunks' sums are then added in chunk order, so the
    /// result is the same however many threads ran them.
    @inlinable
    func backwardPassFeatureMajor(
        batch: Int, cotangent v: UnsafePointer<Scalar>, inputCotangent: UnsafeMutablePointer<Scalar>?,
        parameterCotangent: UnsafeMutablePointer<Scalar>?, theta: UnsafePointer<Scalar>, workspace: Workspace
    ) {
        let storage = workspace.storage
        let ld = batch, last = layerCount - 1
        let widths = self.widths, offsets = self.weightOffsets
        let activationOffsets = workspace.activationOffsets
        let activation = self.activation, outputActivation = self.outputActivation
        let delta = workspace.backwardScratch.delta, incoming = workspace.backwardScratch.incoming
        let chunks = ParallelChunks(count: batch, work: batch * multiplyAddsPerSample)
        let p = parameterCount
        let partials = parameterCotangent == nil ? nil : workspace.partialGradients(chunks: chunks.count, parameters: p)
        chunks.runIndexed { chunk, start, count in
            let g = partials.map { $0 + chunk * p }
            g?.update(repeating: 0, count: p)
            // The output cotangent, feature-major, into `incoming`.
            let outputs = widths[last + 1]
            BatchKernels.transpose(rows: count, columns: outputs, from: v + start * outputs, fromStride: outputs,
                                   to: incoming + start, toStride: ld)
            for layer in stride(from: last, through: 0, by: -1) {
                let inputs = widths[layer], outputs = widths[layer + 1]
                let w = theta + offsets[layer]
                let sigma = layer == last ? outputActivation : activation
                // σ′ from the kept values alone (see `forwardPassFeatureMajor`).
                let a = storage + activationOffsets[layer + 1] + start
                for o in 0..<outputs {
                    sigma.pullback(incoming + start + o * ld, preActivations: a + o * ld, values: a + o * ld,
                                   into: delta + start + o * ld, count: count)
                }
                if let g {
                    let gw = g + offsets[layer]
                    BatchKernels.accumulateOuter(n: count, ld: ld, m: outputs, k: inputs, d: delta + start,
                                                 x: storage + activationOffsets[layer] + start, g: gw, gStride: inputs, gb: gw + inputs * outputs)
                }
                if layer == 0 && inputCotangent == nil { break }
                // c = Wᵀ δ into `incoming` (δ has been read out of it).
                BatchKernels.multiply(n: count, ld: ld, m: inputs, k: outputs, a: w, rowStride: 1, columnStride: inputs,
                                      x: delta + start, bias: nil, z: incoming + start)
            }
            if let inputCotangent {
                let inputs = widths[0]
                BatchKernels.transpose(rows: inputs, columns: count, from: incoming + start, fromStride: ld,
                                       to: inputCotangent + start * inputs, toStride: inputs)
            }
        }
        if let parameterCotangent, let partials {
            for chunk in 0..<chunks.count {
                let source = partials + chunk * p
                for i in 0..<p { parameterCotangent[i] += source[i] }
            }
        }
    }
}
