import Foundation
import Learning
import ODE

/// Trains a latent-ODE VAE (Chen, Rubanova, Bettencourt & Duvenaud, "Neural Ordinary Differential
/// Equations", NeurIPS 2018, §5; torchdiffeq's `latent_ode.py`): per iteration the recognition RNN
/// reads each series backwards and gives q(z₀ | x) = N(μ, e^lv); z₀ = μ + ε e^(lv/2); the latent ODE
/// is solved from z₀ through the series' times (the whole batch as one system); the decoder maps
/// each latent state to the observation's mean; the loss is the negative ELBO averaged over the
/// series, −(Σ observed log N(x; decoded, σ²)) + KL(q ‖ N(0, I)), minimised with Adam. The gradient
/// flows decoder → latent trajectory (backprop through the solver, or the adjoint) → z₀ →
/// reparameterisation → RNN (backpropagation through time).
public struct LatentODETraining: Sendable {
    public var iterations: Int
    /// Series per iteration (`nil`: all, as the example).
    public var batchSize: Int?
    public var optimizer: OptimizerKind
    public var learningRate: Double
    public var integrator: AdaptiveSolver
    public var gradient: GradientMethod
    /// The observation noise σ of the likelihood.
    public var noiseStandardDeviation: Double
    public var seed: UInt64
    /// The reparameterisation noise ε of every iteration (`iterations × batch × latent`, iteration
    /// by iteration), replacing the draws from `seed`: for replaying another implementation's run
    /// from the same data, weights and noise. `nil` (the default) draws ε from `seed`.
    public var presetNoise: [Double]?

    /// Settings with the example's defaults.
    public init(iterations: Int = 2000, batchSize: Int? = nil, optimizer: OptimizerKind = .adam, learningRate: Double = 0.01,
                integrator: AdaptiveSolver, gradient: GradientMethod = .backprop, noiseStandardDeviation: Double = 0.3, seed: UInt64 = 0) {
        self.iterations = iterations
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.integrator = integrator
        self.gradient = gradient
        self.noiseStandardDeviation = noiseStandardDeviation
        self.seed = seed
    }

    /// One iteration's record.
    public struct Iteration: Sendable, Equatable {
        /// The negative ELBO (mean over the batch's series).
        public var loss: Double
        public var logLikelihood: Double
        public var divergence: Double
        public var forwardEvaluations: Int
        public var backwardEvaluations: Int
        public var seconds: Double

        @inlinable
        public init(loss: Double, logLikelihood: Double, divergence: Double, forwardEvaluations: Int, backwardEvaluations: Int, seconds: Double) {
            self.loss = loss
            self.logLikelihood = logLikelihood
            self.divergence = divergence
            self.forwardEvaluations = forwardEvaluations
            self.backwardEvaluations = backwardEvaluations
            self.seconds = seconds
        }
    }

    /// What a run produced.
    public struct Result: Sendable {
        public var parameters: [Double]
        public var history: [Iteration]
        public var seconds: Double

        @inlinable
        public init(parameters: [Double], history: [Iteration], seconds: Double) {
            self.parameters = parameters
            self.history = history
            self.seconds = seconds
        }

        /// The median wall time of one iteration.
        public var medianSecondsPerIteration: Double {
            medianSeconds(history.map(\.seconds))
        }
    }

    /// Trains `model` on `data`; `progress` is called after each iteration with its number and loss,
    /// and returns whether to go on: `false` stops the training with ``TrainingFailure/stopped(after:)``.
    @inlinable
    public func train<Scalar: NetworkScalar>(
        _ model: LatentODEModel<Scalar>, on data: LatentODEData, progress: ((Int, Double) -> Bool)? = nil
    ) throws(TrainingFailure) -> Result {
        guard data.width == model.observationWidth else {
            throw TrainingFailure("the model observes \(model.observationWidth) values per point but the data have \(data.width)")
        }
        let batch = min(batchSize ?? data.seriesCount, data.seriesCount)
        guard batch >= 1, data.steps >= 2 else { throw TrainingFailure("the data need at least one series and two times") }
        if let presetNoise, presetNoise.count != iterations * batch * model.latentWidth {
            throw TrainingFailure("the preset noise has \(presetNoise.count) values; \(iterations) iterations of \(batch) series need \(iterations * batch * model.latentWidth)")
        }
        var generator = SeededGenerator(seed: seed)
        var model = model
        var variables = model.parameters
        var optimizer = self.optimizer.make(count: variables.count, learningRate: learningRate, epsilon: 1e-8)  // PyTorch's default for Adam and RMSprop
        var history = [Iteration]()
        history.reserveCapacity(iterations)
        let clock = ContinuousClock()
        let started = clock.now
        var step = LatentODEStep<Scalar>(model: model, batch: batch, steps: data.steps, observationWidth: data.width)
        var order = Array(0..<data.seriesCount)
        for iteration in 1...max(iterations, 1) where iterations > 0 {
            let began = clock.now
            model.parameters = variables
            // The series of this iteration: all, or a fresh random subset.
            if batch < data.seriesCount {
                for b in 0..<batch { order.swapAt(b, b + Int(generator.next(upperBound: UInt64(data.seriesCount - b)))) }
            }
            step.load(data, series: order.prefix(batch))
            let record: (Iteration, [Double])
            let noiseCount = batch * model.latentWidth
            do {
                record = try step.lossAndGradient(model, times: data.times, solver: integrator, gradient: gradient,
                                                  noise: noiseStandardDeviation, generator: &generator,
                                                  presetNoise: presetNoise?[((iteration - 1) * noiseCount)..<(iteration * noiseCount)])
            } catch {
                throw TrainingFailure("iteration \(iteration): \(error.message)")
            }
            guard record.0.loss.isFinite, record.1.allSatisfy(\.isFinite) else {
                throw TrainingFailure("iteration \(iteration): the loss or its gradient is not finite; lower lr")
            }
            optimizer.step(parameters: &variables, gradient: record.1)
            var entry = record.0
            let elapsed = clock.now - began
            entry.seconds = elapsed.inSeconds
            history.append(entry)
            if let progress, !progress(iteration, entry.loss) { throw .stopped(after: iteration) }
        }
        let total = clock.now - started
        return Result(parameters: variables, history: history,
                      seconds: total.inSeconds)
    }
}

/// The buffers of one latent-ODE training step, made once per run.
public struct LatentODEStep<Scalar: NetworkScalar> {
    public let batch: Int
    public let steps: Int
    public let observationWidth: Int
    public let latentWidth: Int
    @usableFromInline var observations: [Scalar]
    @usableFromInline var mask: [Scalar]
    /// What the encoder reads (the data's `encoderMask`, else `mask`).
    @usableFromInline var encoderMask: [Scalar]
    @usableFromInline var posterior: [Scalar]
    @usableFromInline var noise: [Scalar]
    @usableFromInline var sample: [Scalar]
    @usableFromInline let encoderWorkspace: RecognitionRNN<Scalar>.Workspace
    /// The likelihood through the decoder at each observation time, with its buffers.
    @usableFromInline let likelihood: ObservationLikelihood<Scalar>
    /// The latent field's scratch, with its kept evaluations, reused by every iteration.
    @usableFromInline let fieldScratch: NeuralFieldScratch<Scalar>

    /// Buffers for `batch` series of `steps` times.
    public init(model: LatentODEModel<Scalar>, batch: Int, steps: Int, observationWidth: Int) {
        self.batch = batch
        self.steps = steps
        self.observationWidth = observationWidth
        latentWidth = model.latentWidth
        observations = [Scalar](repeating: 0, count: batch * steps * observationWidth)
        mask = [Scalar](repeating: 0, count: batch * steps)
        encoderMask = [Scalar](repeating: 0, count: batch * steps)
        posterior = [Scalar](repeating: 0, count: batch * 2 * model.latentWidth)
        noise = [Scalar](repeating: 0, count: batch * model.latentWidth)
        sample = [Scalar](repeating: 0, count: batch * model.latentWidth)
        encoderWorkspace = model.encoder.makeWorkspace(maximumBatch: batch, maximumSteps: steps)
        likelihood = ObservationLikelihood(decoder: model.decoder, batch: batch)
        fieldScratch = NeuralFieldScratch(network: model.dynamics, batch: batch)
    }

    /// Copies the chosen series into the step's buffers.
    @inlinable
    public mutating func load(_ data: LatentODEData, series: ArraySlice<Int>) {
        let w = observationWidth
        let read = data.encoderMask ?? data.mask
        for (b, s) in series.enumerated() {
            for t in 0..<steps {
                mask[b * steps + t] = Scalar(data.mask[s * steps + t])
                encoderMask[b * steps + t] = Scalar(read[s * steps + t])
                for k in 0..<w { observations[(b * steps + t) * w + k] = Scalar(data.observations[(s * steps + t) * w + k]) }
            }
        }
    }

    /// The negative ELBO of the loaded batch and its gradient with respect to all parameters
    /// (encoder, dynamics, decoder), drawing the reparameterisation noise from `generator`, or
    /// taking it from `presetNoise` (`batch × latent` values) when given.
    @inlinable
    public mutating func lossAndGradient(
        _ model: LatentODEModel<Scalar>, times: [Double], solver: AdaptiveSolver, gradient: GradientMethod, noise sigma: Double,
        generator: inout SeededGenerator, presetNoise: ArraySlice<Double>? = nil
    ) throws(SolveFailure) -> (LatentODETraining.Iteration, [Double]) {
        let batch = self.batch, steps = self.steps, latent = latentWidth
        let encoder = model.encoder, decoder = model.decoder
        let encoderWorkspace = self.encoderWorkspace
        // Encode, then sample z₀.
        observations.withUnsafeBufferPointer { x in
            encoderMask.withUnsafeBufferPointer { m in
                posterior.withUnsafeMutableBufferPointer { encoder.forward(batch: batch, steps: steps, observations: x, mask: m, output: $0, workspace: encoderWorkspace) }
            }
        }
        if let presetNoise {
            for (i, value) in zip(noise.indices, presetNoise) { noise[i] = Scalar(value) }
        } else {
            noise.withUnsafeMutableBufferPointer { generator.fillNormal($0, mean: 0, standardDeviation: 1) }
        }
        posterior.withUnsafeBufferPointer { q in
            noise.withUnsafeBufferPointer { e in
                sample.withUnsafeMutableBufferPointer { Gaussian.reparameterise(batch: batch, latentWidth: latent, posterior: q, noise: e, sample: $0) }
            }
        }
        // The likelihood at each observation time, through the decoder; its parameter gradient accumulates in `likelihood`.
        let likelihood = self.likelihood
        likelihood.reset()
        let observedValues = self.observations, observedMask = self.mask
        let logVariance = 2 * log(sigma), inverseVariance = 1 / (sigma * sigma), scale = 1 / Double(batch)
        var logLikelihood = 0.0
        let loss: PointLoss = { index, state, stateGradient in
            let total = observedValues.withUnsafeBufferPointer { x in
                observedMask.withUnsafeBufferPointer { m in
                    likelihood.logLikelihood(decoder: decoder, index: index, steps: steps, state: state, stateGradient: stateGradient,
                                             observations: x.baseAddress!, mask: m.baseAddress!,
                                             logVariance: logVariance, inverseVariance: inverseVariance, scale: scale)
                }
            }
            logLikelihood += total
            return -total * scale
        }
        let field = NeuralField(network: model.dynamics, batch: batch, input: .raw, scratch: fieldScratch)
        let initial = sample.map { Double($0) }
        let result: LossGradient
        result = try ODESolve(solver).gradient(field, initialState: initial, from: times[0], observationTimes: times, loss: loss, by: gradient)
        // Back through z₀ = μ + ε e^(lv/2) and the KL term, then the encoder.
        var posteriorCotangent = [Scalar](repeating: 0, count: batch * 2 * latent)
        let sampleCotangent = result.initialState.map { Scalar($0) }
        posterior.withUnsafeBufferPointer { q in
            noise.withUnsafeBufferPointer { e in
                sampleCotangent.withUnsafeBufferPointer { z in
                    posteriorCotangent.withUnsafeMutableBufferPointer {
                        Gaussian.reparameterisationPullback(batch: batch, latentWidth: latent, posterior: q, noise: e, cotangent: z,
                                                            addingTo: $0, divergenceScale: scale)
                    }
                }
            }
        }
        let divergence = posterior.withUnsafeBufferPointer { Gaussian.standardNormalDivergence(batch: batch, latentWidth: latent, posterior: $0) }
        var encoderGradient = [Scalar](repeating: 0, count: encoder.parameterCount)
        posteriorCotangent.withUnsafeBufferPointer { v in
            encoderGradient.withUnsafeMutableBufferPointer {
                encoder.vectorJacobianProducts(batch: batch, cotangent: v, addingTo: $0, workspace: encoderWorkspace)
            }
        }
        let parameters = encoderGradient.map { Double($0) } + result.parameters + likelihood.decoderGradient()
        let record = LatentODETraining.Iteration(
            loss: result.loss + divergence * scale, logLikelihood: logLikelihood * scale, divergence: divergence * scale,
            forwardEvaluations: result.forwardEvaluations,
            backwardEvaluations: result.functionEvaluations - result.forwardEvaluations + result.vectorJacobianProducts, seconds: 0)
        return (record, parameters)
    }
}
