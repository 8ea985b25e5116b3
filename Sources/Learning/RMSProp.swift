/// RMSprop (Tieleman & Hinton, COURSERA Neural Networks lecture 6.5, 2012), as PyTorch defines it:
/// `v ← α v + (1−α) g²`, `θ ← θ − lr · g / (√v + ε)` with α = 0.99.
public struct RMSProp: Optimizer, Sendable {
    public var learningRate: Double
    public var decay: Double
    public var epsilon: Double
    private var meanSquare: [Double]

    /// An optimiser for `count` parameters.
    public init(count: Int, learningRate: Double = 1e-2, decay: Double = 0.99, epsilon: Double = 1e-8) {
        self.learningRate = learningRate
        self.decay = decay
        self.epsilon = epsilon
        meanSquare = [Double](repeating: 0, count: count)
    }

    /// One RMSprop step.
    public mutating func step(parameters: inout [Double], gradient: [Double]) {
        for i in parameters.indices {
            let g = gradient[i]
            meanSquare[i] = decay * meanSquare[i] + (1 - decay) * g * g
            parameters[i] -= learningRate * g / (meanSquare[i].squareRoot() + epsilon)
        }
    }
}

extension OptimizerKind {
    /// `rmsprop`: `RMSProp` with decay 0.99 and the given ε.
    public static let rmsprop = OptimizerKind(name: "rmsprop", stateVectors: 1) { count, learningRate, epsilon, _ in
        RMSProp(count: count, learningRate: learningRate, epsilon: epsilon)
    }
}
