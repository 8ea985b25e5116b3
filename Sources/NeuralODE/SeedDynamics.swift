import Foundation
import Learning
import ODE

/// The true systems of the source articles that make a neural ODE's training data (source article 003 and
/// torchdiffeq's `ode_demo.py`), for a row-vector state y = (y₁, y₂).
public enum SeedDynamics: String, Sendable, CaseIterable {
    /// `dy/dt = (y³) A`, A = [[−0.1, 2], [−2, −0.1]] (`ode_demo.py`).
    case cubic
    /// `dy/dt = y A`, the same A.
    case linear
    /// `dy/dt = y A`, A drawn from N(0, 1)/2 with the block's seed.
    case randomMatrix = "random-matrix"
    /// The source article's linear Lotka–Volterra form `dy/dt = y A`, A = [[0, −bc/d], [da/b, 0]] with
    /// a, b, c, d = 1.5, 1, 3, 1.
    case lotkaVolterra = "lotka-volterra"
    /// The sigmoid-gated field `σ(y·y₀) A₂(y − y₀) + σ(−y·y₀) B₂(y + y₀)`,
    /// A₂ = [[−0.1, −0.5], [0.5, −0.1]], B₂ = [[0.2, 1], [−1, 0.2]].
    case nonlinear
    /// A random 2-25-50-10-2 network without biases, ELU after every layer, applied to `y·t`
    /// (weights uniform in ±1/√fan-in, as PyTorch's `nn.Linear` default draws them).
    case mlp

    /// The vector field, with `y0` the trajectory's start (the `nonlinear` field uses it) and
    /// `seed` for the random ones.
    public func field(initialState y0: [Double], seed: UInt64) -> any VectorField<Double> {
        let spiral: [Double] = [-0.1, 2.0, -2.0, -0.1]
        switch self {
        case .cubic: return MatrixField(matrix: spiral, cube: true)
        case .linear: return MatrixField(matrix: spiral, cube: false)
        case .randomMatrix:
            var generator = SeededGenerator(seed: seed)
            return MatrixField(matrix: (0..<4).map { _ in generator.nextNormal() / 2 }, cube: false)
        case .lotkaVolterra:
            let a = 1.5, b = 1.0, c = 3.0, d = 1.0
            return MatrixField(matrix: [0, -b * c / d, d * a / b, 0], cube: false)
        case .nonlinear:
            return GatedField(a: [-0.1, -0.5, 0.5, -0.1], b: [0.2, 1, -1, 0.2], center: Array(y0.prefix(2)))
        case .mlp:
            var network = MultilayerPerceptron<Double>(widths: [2, 25, 50, 10, 2], activation: .elu, outputActivation: .elu,
                                                       initialisation: .fanInUniform, seed: seed)
            var parameters = network.parameters
            for layer in 0..<network.layerCount { for k in network.biasRange(layer: layer) { parameters[k] = 0 } }
            network.parameters = parameters
            return TimeScaledNetworkField(network: network)
        }
    }
}

/// `dy/dt = g(y) A` for a row vector y, g the identity or the cube.
struct MatrixField: VectorField {
    /// A row-major 2 × 2.
    let matrix: [Double]
    let cube: Bool
    var dimension: Int { 2 }

    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        let y1 = cube ? state[0] * state[0] * state[0] : state[0], y2 = cube ? state[1] * state[1] * state[1] : state[1]
        derivative[0] = y1 * matrix[0] + y2 * matrix[2]
        derivative[1] = y1 * matrix[1] + y2 * matrix[3]
    }
}

/// Seed 003's `Lambda2`: linear maps (applied as PyTorch's `Linear`, x Wᵀ) blended by sigmoids of y·y₀.
struct GatedField: VectorField {
    let a: [Double], b: [Double], center: [Double]
    var dimension: Int { 2 }

    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        let y1 = state[0], y2 = state[1], c1 = center[0], c2 = center[1]
        let projection = y1 * c1 + y2 * c2
        let up = 1 / (1 + exp(-projection)), down = 1 / (1 + exp(projection))
        let m1 = y1 - c1, m2 = y2 - c2, p1 = y1 + c1, p2 = y2 + c2
        derivative[0] = up * (a[0] * m1 + a[1] * m2) + down * (b[0] * p1 + b[1] * p2)
        derivative[1] = up * (a[2] * m1 + a[3] * m2) + down * (b[2] * p1 + b[3] * p2)
    }
}

/// Seed 003's `Lambda3`: a fixed network applied to `y·t`.
struct TimeScaledNetworkField: VectorField {
    let network: MultilayerPerceptron<Double>
    var dimension: Int { 2 }

    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        let output = network([state[0] * t, state[1] * t])
        derivative[0] = output[0]
        derivative[1] = output[1]
    }
}
