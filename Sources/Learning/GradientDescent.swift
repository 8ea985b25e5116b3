/// Gradient descent with heavy-ball momentum (Polyak, "Some methods of speeding up the
/// convergence of iteration methods", 1964), as PyTorch's SGD: `b ← μ b + g`, `θ ← θ − lr · b`.
public struct GradientDescent: Optimizer, Sendable {
    public var learningRate: Double
    public var momentum: Double
    private var velocity: [Double]

    /// An optimiser for `count` parameters; `momentum: 0` is plain gradient descent.
    public init(count: Int, learningRate: Double, momentum: Double = 0.9) {
        self.learningRate = learningRate
        self.momentum = momentum
        velocity = [Double](repeating: 0, count: count)
    }

    /// One step.
    public mutating func step(parameters: inout [Double], gradient: [Double]) {
        for i in parameters.indices {
            velocity[i] = momentum * velocity[i] + gradient[i]
            parameters[i] -= learningRate * velocity[i]
        }
    }
}

extension OptimizerKind {
    /// `sgd`: `GradientDescent` with the given momentum (0.9 unless told).
    public static let sgd = OptimizerKind(name: "sgd", stateVectors: 1) { count, learningRate, _, momentum in
        GradientDescent(count: count, learningRate: learningRate, momentum: momentum)
    }
}
