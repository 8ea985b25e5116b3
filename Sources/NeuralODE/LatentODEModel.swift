import Learning
import ODE

/// The three networks of Chen et al.'s latent-ODE VAE (torchdiffeq's `latent_ode.py`): a
/// recognition RNN giving q(z₀ | x), an MLP latent vector field (ELU), and an MLP decoder (ReLU).
/// Their parameters are concatenated, in that order, into one flat vector for the optimiser.
public struct LatentODEModel<Scalar: NetworkScalar>: Sendable {
    public var encoder: RecognitionRNN<Scalar>
    public var dynamics: MultilayerPerceptron<Scalar>
    public var decoder: MultilayerPerceptron<Scalar>

    /// The example's architecture: encoder `rnnHidden` units, dynamics latent → hidden → hidden →
    /// latent with ELU (and `fieldOutput` after its last layer: `.tanh` bounds the latent field),
    /// decoder latent → hidden → observation with ReLU; PyTorch's default initialisation (uniform
    /// in ±1/√fan-in), drawn from `seed`.
    public init(observationWidth: Int = 2, latentWidth: Int = 4, hidden: Int = 20, rnnHidden: Int = 25,
                fieldOutput: Activation = .identity, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        encoder = RecognitionRNN(observationWidth: observationWidth, hiddenWidth: rnnHidden, latentWidth: latentWidth,
                                 initialisation: .fanInUniform, generator: &generator)
        dynamics = MultilayerPerceptron(widths: [latentWidth, hidden, hidden, latentWidth], activation: .elu, outputActivation: fieldOutput,
                                        initialisation: .fanInUniform, generator: &generator)
        decoder = MultilayerPerceptron(widths: [latentWidth, hidden, observationWidth], activation: .relu,
                                       initialisation: .fanInUniform, generator: &generator)
    }

    /// Latent dimension.
    public var latentWidth: Int { encoder.latentWidth }
    /// Observation dimension.
    public var observationWidth: Int { encoder.observationWidth }

    /// All parameters: encoder, dynamics, decoder.
    public var parameters: [Double] {
        get { (encoder.parameters + dynamics.parameters + decoder.parameters).map { Double($0) } }
        set {
            let e = encoder.parameterCount, d = dynamics.parameterCount
            encoder.parameters = newValue[0..<e].map { Scalar($0) }
            dynamics.parameters = newValue[e..<(e + d)].map { Scalar($0) }
            decoder.parameters = newValue[(e + d)...].map { Scalar($0) }
        }
    }

    /// The total parameter count.
    public var parameterCount: Int { encoder.parameterCount + dynamics.parameterCount + decoder.parameterCount }
}

extension LatentODEModel {
    /// The posterior (μ, log-variance) of each series of `data` (`series × 2·latent`); allocates.
    public func encode(_ data: LatentODEData) -> [Double] {
        let observations = data.observations.map { Scalar($0) }, mask = data.mask.map { Scalar($0) }
        let output = encoder(observations, steps: data.steps, mask: mask)
        return output.map { Double($0) }
    }

    /// The latent trajectories from the states `z0` (`count × latent`) at `times[0]` through
    /// `times` (increasing, or decreasing to go back in time): `times.count × count × latent`.
    public func latentTrajectories(from z0: [Double], times: [Double], solver: AdaptiveSolver) throws(SolveFailure) -> [Double] {
        let count = z0.count / latentWidth
        let field = NeuralField(network: dynamics, batch: count, input: .raw)
        return try solver.solve(field, initialState: z0, from: times[0], to: times[times.count - 1], saveAt: .times(times)).states
    }

    /// The decoder's means for latent states (`count × latent`): `count × observation`.
    public func decode(_ latents: [Double]) -> [Double] {
        decoder(latents.map { Scalar($0) }).map { Double($0) }
    }
}
