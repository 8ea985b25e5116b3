import Learning

/// The three networks of Chen et al.'s latent-ODE VAE (torchdiffeq's `latent_ode.py`): a
/// recognition RNN giving q(z₀ | x), an MLP latent vector field (ELU), and an MLP decoder (ReLU).
/// Their parameters are concatenated, in that order, into one flat vector for the optimiser.
public struct LatentODEModel<Scalar: NetworkScalar>: Sendable {
    public var encoder: RecognitionRNN<Scalar>
    public var dynamics: MultilayerPerceptron<Scalar>
    public var decoder: MultilayerPerceptron<Scalar>

    /// The example's architecture: encoder `rnnHidden` units, dynamics latent → hidden → hidden →
    /// latent with ELU, decoder latent → hidden → observation with ReLU; PyTorch's default
    /// initialisation (uniform in ±1/√fan-in), drawn from `seed`.
    public init(observationWidth: Int = 2, latentWidth: Int = 4, hidden: Int = 20, rnnHidden: Int = 25, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        encoder = RecognitionRNN(observationWidth: observationWidth, hiddenWidth: rnnHidden, latentWidth: latentWidth,
                                 initialisation: .fanInUniform, generator: &generator)
        dynamics = MultilayerPerceptron(widths: [latentWidth, hidden, hidden, latentWidth], activation: .elu,
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
