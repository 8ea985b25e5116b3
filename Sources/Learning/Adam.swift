import Foundation

/// Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015) in the form Keras
/// uses: `θ ← θ − lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε)`, i.e. ε added to the root of the biased
/// second moment (the "ε̂" variant of the paper's §2), which is what the source article's Keras run did.
public struct Adam: Optimizer, Sendable {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    private var firstMoment: [Double]
    private var secondMoment: [Double]
    private var steps = 0

    /// An optimiser for `count` parameters (Keras defaults: β₁ 0.9, β₂ 0.999, ε 1e-7).
    public init(count: Int, learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        firstMoment = [Double](repeating: 0, count: count)
        secondMoment = [Double](repeating: 0, count: count)
    }

    /// One Adam step.
    public mutating func step(parameters: inout [Double], gradient: [Double]) {
        steps += 1
        let t = Double(steps)
        let rate = learningRate * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t))
        for i in parameters.indices {
            let g = gradient[i]
            firstMoment[i] = beta1 * firstMoment[i] + (1 - beta1) * g
            secondMoment[i] = beta2 * secondMoment[i] + (1 - beta2) * g * g
            parameters[i] -= rate * firstMoment[i] / (secondMoment[i].squareRoot() + epsilon)
        }
    }
}

extension OptimizerKind {
    /// `adam`: `Adam` with β₁ 0.9, β₂ 0.999 and the given ε.
    public static let adam = OptimizerKind(name: "adam", stateVectors: 2) { count, learningRate, epsilon, _ in
        Adam(count: count, learningRate: learningRate, epsilon: epsilon)
    }
}
