/// A first-order optimiser: given the gradient at the current parameters, moves them.
///
/// Optimisers keep their own state (moments, velocities) and allocate nothing per step once made.
public protocol Optimizer {
    /// Moves `parameters` against `gradient` (both of the optimiser's size).
    mutating func step(parameters: inout [Double], gradient: [Double])
}

/// A first-order optimiser a notebook can name: its name and how to make one. The kinds are the
/// first-order entries of `OptimizerCatalog.all`; each is declared as a static next to its
/// optimiser (`.sgd` in GradientDescent.swift, `.rmsprop`, `.adam`).
public struct OptimizerKind: Sendable, Hashable, RawRepresentable, CaseIterable, CustomStringConvertible {
    /// Builds an optimiser from the parameter count, learning rate, ε and momentum.
    public typealias Factory = @Sendable (_ count: Int, _ learningRate: Double, _ epsilon: Double, _ momentum: Double) -> any Optimizer

    /// The name notebooks write.
    public let rawValue: String
    private let factory: Factory

    /// Vectors of optimiser state kept per parameter vector (Adam's two moments, RMSprop's mean
    /// square, momentum's velocity): what a memory estimate counts beside weights and gradient.
    public let stateVectors: Int

    /// Declares a kind; register it in `OptimizerCatalog.all` to make it nameable.
    public init(name: String, stateVectors: Int, factory: @escaping Factory) {
        self.rawValue = name
        self.stateVectors = stateVectors
        self.factory = factory
    }

    /// The registered first-order kind called `rawValue`.
    public init?(rawValue: String) {
        guard case let .firstOrder(kind)? = OptimizerCatalog.named(rawValue)?.algorithm else { return nil }
        self = kind
    }

    /// The registered first-order kinds, in catalog order.
    public static var allCases: [OptimizerKind] { OptimizerCatalog.firstOrderKinds }

    /// The name.
    public var description: String { rawValue }

    /// A fresh optimiser of this kind for `count` parameters.
    public func make(count: Int, learningRate: Double, epsilon: Double, momentum: Double = 0.9) -> any Optimizer {
        factory(count, learningRate, epsilon, momentum)
    }

    /// Kinds are equal when their names are.
    public static func == (lhs: OptimizerKind, rhs: OptimizerKind) -> Bool { lhs.rawValue == rhs.rawValue }

    /// Hashes the name.
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}
