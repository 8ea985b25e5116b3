import Foundation
import Learning
import ODE

/// A classifier whose middle part is a residual network, an ODE-Net or nothing (a plain MLP):
///
///     h₀ = W_in x + b_in                                  (inputs → width, no activation)
///     resnet: h_{k+1} = h_k + W2_k σ(W1_k h_k + b1_k) + b2_k,   k = 0 … K−1, own weights
///     odenet: dh/dt = W2 σ(W1 [h; t] + b1) + b2,  h(1) from h(0) = h₀ by a solver of the ODE module
///     logits = W_out h + b_out                            (width → classes)
///
/// and `mlp`: logits = W2 σ(W1 x + b1) + b2 (inputs → hidden → classes). The loss is the mean
/// softmax cross-entropy over a minibatch.
///
/// A ResNet is the explicit Euler method with step 1 applied to a field with weights per step
/// (Haber & Ruthotto, "Stable architectures for deep neural networks", Inverse Problems 2017;
/// E, "A proposal on machine learning via dynamical systems", 2017); the ODE-Net keeps one field
/// and lets a solver choose its depth (Chen et al., "Neural Ordinary Differential Equations",
/// NeurIPS 2018, §3 and Table 1). Residual networks: He, Zhang, Ren & Sun, "Deep residual learning
/// for image recognition", CVPR 2016.
///
/// **Parameters** live in one flat Double vector: for `odenet` the input layer, the field's network
/// (`width + 1 → width → width`) and the read-out, each in `MultilayerPerceptron`'s layout; for
/// `resnet` the input layer, block 1 … block K (`width → width → width` each) and the read-out; for
/// `mlp` the one network `inputs → hidden → classes`.
///
/// One instance serves one thread; its buffers are made once for `maximumBatch` samples.
public final class DepthClassifier<Scalar: NetworkScalar>: @unchecked Sendable {
    /// The middle of the network.
    public enum Body: Sendable {
        /// One time-dependent field integrated over t ∈ [0, 1] by `solve`; the gradient by `gradient`.
        case odenet(solve: ODESolve, gradient: GradientMethod)
        /// `blocks` residual blocks with their own weights.
        case resnet(blocks: Int)
        /// No residual part: a one-hidden-layer perceptron of `hidden` units.
        case mlp(hidden: Int)
    }

    /// The middle of the network.
    public let body: Body
    public let inputs: Int
    public let width: Int
    public let classes: Int
    public let activation: Activation
    public let maximumBatch: Int
    /// All parameters (see the type's layout).
    public var parameters: [Double]

    // The pieces, their offsets in `parameters`, and their workspaces.
    @usableFromInline var inputLayer: MultilayerPerceptron<Scalar>
    @usableFromInline var readout: MultilayerPerceptron<Scalar>
    @usableFromInline var blocks: [MultilayerPerceptron<Scalar>]
    @usableFromInline var field: TimeConditionedField<Scalar>?
    let inputWorkspace: MultilayerPerceptron<Scalar>.Workspace
    let readoutWorkspace: MultilayerPerceptron<Scalar>.Workspace
    let blockWorkspaces: [MultilayerPerceptron<Scalar>.Workspace]
    /// Offsets of the input layer, the middle (field or blocks, one after another) and the read-out.
    let offsets: (input: Int, middle: Int, readout: Int)
    /// Scratch: inputs, hidden states per block, logits, cotangents, parameter cotangent.
    var x: [Scalar], hidden: [Scalar], logits: [Scalar], cotangent: [Scalar], upstream: [Scalar], gradientScratch: [Scalar]
    var readoutGradient: [Double]
    var gradientWorkspace = GradientWorkspace()

    /// A classifier with parameters drawn by `initialisation` from `seed`: the input layer first,
    /// then the field or the blocks in order, then the read-out (or the one MLP).
    public init(body: Body, inputs: Int, width: Int, classes: Int, activation: Activation, initialisation: Initialisation = .fanInUniform,
                seed: UInt64, maximumBatch: Int) {
        self.body = body
        self.inputs = inputs
        self.width = width
        self.classes = classes
        self.activation = activation
        self.maximumBatch = maximumBatch
        var generator = SeededGenerator(seed: seed)
        var values = [Double]()
        switch body {
        case let .mlp(hidden):
            let network = MultilayerPerceptron<Scalar>(widths: [inputs, hidden, classes], activation: activation, initialisation: initialisation,
                                                       generator: &generator)
            inputLayer = network
            readout = network
            blocks = []
            values = network.parameters.map { Double($0) }
            offsets = (0, network.parameterCount, network.parameterCount)
        case .odenet, .resnet:
            inputLayer = MultilayerPerceptron(widths: [inputs, width], activation: .identity, initialisation: initialisation, generator: &generator)
            values = inputLayer.parameters.map { Double($0) }
            let middle = values.count
            if case .odenet = body {
                let network = MultilayerPerceptron<Scalar>(widths: [width + 1, width, width], activation: activation,
                                                           initialisation: initialisation, generator: &generator)
                field = TimeConditionedField(network: network, maximumBatch: maximumBatch)
                blocks = []
                values += network.parameters.map { Double($0) }
            } else if case let .resnet(count) = body {
                blocks = (0..<count).map { _ in
                    MultilayerPerceptron(widths: [width, width, width], activation: activation, initialisation: initialisation, generator: &generator)
                }
                for block in blocks { values += block.parameters.map { Double($0) } }
            } else {
                blocks = []
            }
            let end = values.count
            readout = MultilayerPerceptron(widths: [width, classes], activation: .identity, initialisation: initialisation, generator: &generator)
            values += readout.parameters.map { Double($0) }
            offsets = (0, middle, end)
        }
        parameters = values
        inputWorkspace = inputLayer.makeWorkspace(maximumBatch: maximumBatch)
        readoutWorkspace = readout.makeWorkspace(maximumBatch: maximumBatch)
        blockWorkspaces = blocks.map { $0.makeWorkspace(maximumBatch: maximumBatch) }
        let states = max(blocks.count + 1, 1)
        x = [Scalar](repeating: 0, count: maximumBatch * inputs)
        hidden = [Scalar](repeating: 0, count: states * maximumBatch * max(width, 1))
        logits = [Scalar](repeating: 0, count: maximumBatch * classes)
        cotangent = [Scalar](repeating: 0, count: maximumBatch * max(width, classes))
        upstream = [Scalar](repeating: 0, count: maximumBatch * max(width, classes))
        gradientScratch = [Scalar](repeating: 0, count: values.count)
        readoutGradient = [Double](repeating: 0, count: readout.parameterCount)
    }

    /// The number of parameters.
    public var parameterCount: Int { parameters.count }

    /// The parameters of the ODE-Net's field (or of ResNet block `block`), in `MultilayerPerceptron` layout.
    public func middleParameters(block: Int = 0) -> ArraySlice<Double> {
        if case .odenet = body { return parameters[offsets.middle..<offsets.readout] }
        let size = blocks.first?.parameterCount ?? 0
        return parameters[(offsets.middle + block * size)..<(offsets.middle + (block + 1) * size)]
    }

    /// Copies `parameters` into the pieces' networks.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func distribute() {
        func slice(_ range: Range<Int>) -> [Scalar] { parameters[range].map { Scalar($0) } }
        if case .mlp = body {
            inputLayer.parameters = slice(0..<parameters.count)
            readout = inputLayer
            return
        }
        inputLayer.parameters = slice(offsets.input..<offsets.middle)
        readout.parameters = slice(offsets.readout..<parameters.count)
        if let field { self.field = field.withParameters(Array(parameters[offsets.middle..<offsets.readout])) }
        var offset = offsets.middle
        for k in blocks.indices {
            blocks[k].parameters = slice(offset..<(offset + blocks[k].parameterCount))
            offset += blocks[k].parameterCount
        }
    }

    /// What one minibatch's forward (and backward) pass gave.
    public struct BatchResult: Sendable {
        /// The mean cross-entropy.
        public var loss: Double
        /// Samples classified right.
        public var correct: Int
        /// Evaluations of the field in the forward pass (0 without one) and in the backward pass.
        public var forwardEvaluations: Int
        public var backwardEvaluations: Int
    }

    /// The mean cross-entropy of `batch` samples (`features`: `batch × inputs`, row-major) with
    /// their `labels`, and its gradient with respect to `parameters` written to `gradient`.
    public func lossAndGradient(features: ArraySlice<Double>, labels: ArraySlice<Int>, batch: Int,
                                gradient: inout [Double]) throws(SolveFailure) -> BatchResult {
        try pass(features: features, labels: labels, batch: batch, gradient: &gradient, solve: nil, predictions: nil)
    }

    /// The predicted classes of `batch` samples, with the mean loss and the field's evaluations;
    /// `solve` replaces the ODE-Net's solver (the ResNet and the MLP ignore it).
    public func predict(features: ArraySlice<Double>, labels: ArraySlice<Int>, batch: Int, solve: ODESolve? = nil) throws(SolveFailure)
        -> (result: BatchResult, predictions: [Int]) {
        var none = [Double]()
        var predictions = [Int](repeating: 0, count: batch)
        let result = try predictions.withUnsafeMutableBufferPointer { (p) throws(SolveFailure) -> BatchResult in
            try pass(features: features, labels: labels, batch: batch, gradient: &none, solve: solve, predictions: p)
        }
        return (result, predictions)
    }

    /// The forward pass, the loss and, when `gradient` is not empty, the backward pass.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func pass(features: ArraySlice<Double>, labels: ArraySlice<Int>, batch: Int, gradient: inout [Double], solve: ODESolve?,
              predictions: UnsafeMutableBufferPointer<Int>?) throws(SolveFailure) -> BatchResult {
        precondition(batch >= 1 && batch <= maximumBatch && labels.count == batch && features.count >= batch * inputs)
        let differentiate = !gradient.isEmpty
        if differentiate { for k in gradient.indices { gradient[k] = 0 } }
        distribute()
        let first = features.startIndex
        for i in 0..<(batch * inputs) { x[i] = Scalar(features[first + i]) }
        let labels = Array(labels)
        var result = BatchResult(loss: 0, correct: 0, forwardEvaluations: 0, backwardEvaluations: 0)
        if case .mlp = body {
            x.withUnsafeBufferPointer { input in
                logits.withUnsafeMutableBufferPointer { inputLayer.forward(batch: batch, input: input, output: $0, workspace: inputWorkspace) }
            }
            result.loss = crossEntropy(batch: batch, labels: labels, cotangent: differentiate, correct: &result.correct, predictions: predictions)
            if differentiate {
                backward(network: inputLayer, workspace: inputWorkspace, batch: batch, cotangent: cotangent, inputCotangent: false,
                         offset: 0, into: &gradient)
            }
            return result
        }
        let w = width
        // h₀ into the first hidden slot.
        x.withUnsafeBufferPointer { input in
            hidden.withUnsafeMutableBufferPointer { inputLayer.forward(batch: batch, input: input, output: $0, workspace: inputWorkspace) }
        }
        let last: Int
        if let field = field?.withBatch(batch) {
            last = 0
            let initial = (0..<(batch * w)).map { Double(hidden[$0]) }
            if differentiate, case let .odenet(trainingSolve, method) = body {
                // The loss at t = 1 runs the read-out; its parameter gradient is kept aside.
                var loss = 0.0, correct = 0
                let pointLoss: PointLoss = { _, state, stateGradient in
                    for i in 0..<(batch * w) { self.hidden[i] = Scalar(state[i]) }
                    loss = self.readoutLoss(batch: batch, labels: labels, correct: &correct, predictions: predictions, stateGradient: stateGradient)
                    return loss
                }
                let step = try trainingSolve.gradient(field, initialState: initial, from: 0, observationTimes: [1], loss: pointLoss, by: method,
                                                      workspace: &gradientWorkspace)
                result.loss = loss
                result.correct = correct
                result.forwardEvaluations = step.forwardEvaluations > 0 ? step.forwardEvaluations : step.functionEvaluations
                result.backwardEvaluations = step.functionEvaluations - step.forwardEvaluations + step.vectorJacobianProducts
                for k in 0..<readoutGradient.count { gradient[offsets.readout + k] = readoutGradient[k] }
                for k in step.parameters.indices { gradient[offsets.middle + k] = step.parameters[k] }
                for i in 0..<(batch * w) { cotangent[i] = Scalar(step.initialState[i]) }
                backward(network: inputLayer, workspace: inputWorkspace, batch: batch, cotangent: cotangent, inputCotangent: false,
                         offset: offsets.input, into: &gradient)
                return result
            }
            guard case let .odenet(trainingSolve, _) = body else { preconditionFailure() }
            let solution = try (solve ?? trainingSolve).solve(field, initialState: initial, from: 0, to: 1, saveAt: .final)
            result.forwardEvaluations = solution.statistics.functionEvaluations
            let final = solution.finalState
            for i in 0..<(batch * w) { hidden[i] = Scalar(final[final.startIndex + i]) }
        } else {
            // h_{k+1} = h_k + f_k(h_k), every state kept.
            let stride = maximumBatch * w
            for k in blocks.indices {
                hidden.withUnsafeMutableBufferPointer { h in
                    let input = UnsafeBufferPointer(rebasing: h[(k * stride)..<(k * stride + batch * w)])
                    let output = UnsafeMutableBufferPointer(rebasing: h[((k + 1) * stride)..<((k + 1) * stride + batch * w)])
                    blocks[k].forward(batch: batch, input: input, output: output, workspace: blockWorkspaces[k])
                    for i in 0..<(batch * w) { output[i] += input[i] }
                }
            }
            last = blocks.count
        }
        // The read-out from the last state.
        let start = last * maximumBatch * w
        if start > 0 { for i in 0..<(batch * w) { hidden[i] = hidden[start + i] } }
        var none = [Double]()
        var correct = 0
        if differentiate {
            var stateGradient = [Double](repeating: 0, count: batch * w)
            result.loss = stateGradient.withUnsafeMutableBufferPointer {
                readoutLoss(batch: batch, labels: labels, correct: &correct, predictions: predictions, stateGradient: $0)
            }
            for k in 0..<readoutGradient.count { gradient[offsets.readout + k] = readoutGradient[k] }
            // Back through the blocks: ḡ_k = ḡ_{k+1} + J_kᵀ ḡ_{k+1}.
            for i in 0..<(batch * w) { cotangent[i] = Scalar(stateGradient[i]) }
            var offset = offsets.readout
            for k in blocks.indices.reversed() {
                offset -= blocks[k].parameterCount
                let carried = Array(cotangent[0..<(batch * w)])
                backward(network: blocks[k], workspace: blockWorkspaces[k], batch: batch, cotangent: carried, inputCotangent: true,
                         offset: offset, into: &gradient)
                for i in 0..<(batch * w) { cotangent[i] = upstream[i] + carried[i] }
            }
            backward(network: inputLayer, workspace: inputWorkspace, batch: batch, cotangent: cotangent, inputCotangent: false,
                     offset: offsets.input, into: &gradient)
        } else {
            result.loss = none.withUnsafeMutableBufferPointer {
                readoutLoss(batch: batch, labels: labels, correct: &correct, predictions: predictions, stateGradient: $0)
            }
        }
        result.correct = correct
        return result
    }

    /// The read-out and the loss from the hidden state in `hidden[0..<batch·width]`; when
    /// `stateGradient` is not empty, writes ∂loss/∂h there and the read-out's gradient to `readoutGradient`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func readoutLoss(batch: Int, labels: [Int], correct: inout Int, predictions: UnsafeMutableBufferPointer<Int>?,
                     stateGradient: UnsafeMutableBufferPointer<Double>) -> Double {
        hidden.withUnsafeBufferPointer { h in
            logits.withUnsafeMutableBufferPointer { readout.forward(batch: batch, input: h, output: $0, workspace: readoutWorkspace) }
        }
        let differentiate = stateGradient.count > 0
        let loss = crossEntropy(batch: batch, labels: labels, cotangent: differentiate, correct: &correct, predictions: predictions)
        if differentiate {
            for k in gradientScratch.indices { gradientScratch[k] = 0 }
            gradientScratch.withUnsafeMutableBufferPointer { g in
                let theta = UnsafeMutableBufferPointer(rebasing: g[0..<readout.parameterCount])
                cotangent.withUnsafeBufferPointer { c in
                    upstream.withUnsafeMutableBufferPointer { u in
                        readout.vectorJacobianProducts(batch: batch, cotangent: c, inputCotangent: u, addingTo: theta, workspace: readoutWorkspace)
                    }
                }
            }
            for k in 0..<readout.parameterCount { readoutGradient[k] = Double(gradientScratch[k]) }
            for i in 0..<(batch * width) { stateGradient[i] = Double(upstream[i]) }
        }
        return loss
    }

    /// The mean softmax cross-entropy of `logits`; with `cotangent`, writes (softmax − onehot)/batch
    /// into `cotangent`. Counts the right answers and writes the predicted classes when asked.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func crossEntropy(batch: Int, labels: [Int], cotangent write: Bool, correct: inout Int,
                      predictions: UnsafeMutableBufferPointer<Int>?) -> Double {
        var total = 0.0
        let c = classes
        for b in 0..<batch {
            var largest = -Double.infinity, best = 0
            for j in 0..<c where Double(logits[b * c + j]) > largest {
                largest = Double(logits[b * c + j])
                best = j
            }
            var sum = 0.0
            for j in 0..<c { sum += exp(Double(logits[b * c + j]) - largest) }
            let label = labels[b]
            total += largest + log(sum) - Double(logits[b * c + label])
            if best == label { correct += 1 }
            predictions?[b] = best
            if write {
                for j in 0..<c {
                    let p = exp(Double(logits[b * c + j]) - largest) / sum
                    cotangent[b * c + j] = Scalar((p - (j == label ? 1 : 0)) / Double(batch))
                }
            }
        }
        return total / Double(batch)
    }

    /// Adds a network's parameter cotangent for `cotangent` (from the last forward with
    /// `workspace`) to `gradient` at `offset`; with `inputCotangent`, its input cotangent goes to `upstream`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func backward(network: MultilayerPerceptron<Scalar>, workspace: MultilayerPerceptron<Scalar>.Workspace, batch: Int, cotangent: [Scalar],
                  inputCotangent: Bool, offset: Int, into gradient: inout [Double]) {
        let p = network.parameterCount
        for k in 0..<p { gradientScratch[k] = 0 }
        gradientScratch.withUnsafeMutableBufferPointer { g in
            let theta = UnsafeMutableBufferPointer(rebasing: g[0..<p])
            cotangent.withUnsafeBufferPointer { c in
                if inputCotangent {
                    upstream.withUnsafeMutableBufferPointer { u in
                        network.vectorJacobianProducts(batch: batch, cotangent: c, inputCotangent: u, addingTo: theta, workspace: workspace)
                    }
                } else {
                    network.vectorJacobianProducts(batch: batch, cotangent: c, inputCotangent: nil, addingTo: theta, workspace: workspace)
                }
            }
        }
        for k in 0..<p { gradient[offset + k] += Double(gradientScratch[k]) }
    }
}

