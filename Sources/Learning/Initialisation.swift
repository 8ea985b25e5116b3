/// How a network's parameters are drawn from a `SeededGenerator`.
///
/// Draws happen in `Double`, layer by layer from the input side, each layer's weights in their
/// storage order (row-major `out × in`, see `MultilayerPerceptron`) and then, where the scheme draws
/// them, its biases; so one seed gives the same parameters every time, and a `Float` network gets
/// the roundings of the `Double` network's values.
public enum Initialisation: Sendable, Equatable {
    /// Weights N(0, σ²), biases zero: torchdiffeq's `ode_demo.py` uses σ = 0.1.
    case normal(standardDeviation: Double)
    /// Weights uniform on ±√(6 / (in + out)), biases zero (Glorot & Bengio, "Understanding the
    /// difficulty of training deep feedforward neural networks", AISTATS 2010, eq. 16).
    case glorotUniform
    /// PyTorch's default for `nn.Linear`: weights and biases uniform on ±1/√in (He et al.,
    /// "Delving deep into rectifiers", ICCV 2015, with PyTorch's a = √5), weights drawn first.
    case fanInUniform

    /// The parameters of dense layers one after another, each layer's weights (`outputs × inputs`)
    /// then its biases, drawn layer by layer in that order.
    func denseLayerParameters(_ layers: [(inputs: Int, outputs: Int)], generator: inout SeededGenerator) -> [Double] {
        var values = [Double](repeating: 0, count: layers.reduce(0) { $0 + ($1.inputs + 1) * $1.outputs })
        var offset = 0
        values.withUnsafeMutableBufferPointer { buffer in
            for (inputs, outputs) in layers {
                fill(
                    weights: UnsafeMutableBufferPointer(rebasing: buffer[offset..<(offset + inputs * outputs)]),
                    biases: UnsafeMutableBufferPointer(rebasing: buffer[(offset + inputs * outputs)..<(offset + (inputs + 1) * outputs)]),
                    inputs: inputs, outputs: outputs, generator: &generator)
                offset += (inputs + 1) * outputs
            }
        }
        return values
    }

    /// Fills one layer's `weights` (`outputs × inputs`) and `biases` (`outputs`).
    func fill(
        weights: UnsafeMutableBufferPointer<Double>, biases: UnsafeMutableBufferPointer<Double>,
        inputs: Int, outputs: Int, generator: inout SeededGenerator
    ) {
        switch self {
        case .normal(let standardDeviation):
            generator.fillNormal(weights, mean: 0, standardDeviation: standardDeviation)
            biases.update(repeating: 0)
        case .glorotUniform:
            let limit = (6 / Double(inputs + outputs)).squareRoot()
            for i in weights.indices { weights[i] = limit * (2 * generator.nextUniform() - 1) }
            biases.update(repeating: 0)
        case .fanInUniform:
            let limit = 1 / Double(inputs).squareRoot()
            for i in weights.indices { weights[i] = limit * (2 * generator.nextUniform() - 1) }
            for i in biases.indices { biases[i] = limit * (2 * generator.nextUniform() - 1) }
        }
    }
}
