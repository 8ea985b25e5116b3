/// A first-order optimiser: given the gradient at the current parameters, moves them.
///
/// Optimisers keep their own state (moments, velocities) and allocate nothing per step once made.
public protocol Optimizer {
    /// Moves `parameters` against `gradient` (both of the optimiser's size).
    mutating func step(parameters: inout [Double], gradient: [Double])
}

/// The optimisers a notebook can name.
public enum OptimizerKind: String, Sendable, CaseIterable {
    case sgd, rmsprop, adam

    /// A fresh optimiser of this kind for `count` parameters.
    public func make(count: Int, learningRate: Double, epsilon: Double, momentum: Double = 0.9) -> any Optimizer {
        switch self {
        case .sgd: return GradientDescent(count: count, learningRate: learningRate, momentum: momentum)
        case .rmsprop: return RMSProp(count: count, learningRate: learningRate, epsilon: epsilon)
        case .adam: return Adam(count: count, learningRate: learningRate, epsilon: epsilon)
        }
    }
}
