import Expressions
import ODE

/// An ODE system written as equations in a notebook, with its parameter values: a vector field
/// with the exact Jacobian the equation language derives symbolically.
public struct ExpressionField: JacobianField {
    /// The compiled equations.
    public let system: EquationSystem
    /// Parameter values, in `system.parameterNames` order.
    public let parameters: [Double]

    /// Creates the field.
    public init(system: EquationSystem, parameters: [Double]) {
        self.system = system
        self.parameters = parameters
    }

    /// Number of states.
    public var dimension: Int { system.dimension }

    /// Evaluates the right-hand sides.
    public func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        parameters.withUnsafeBufferPointer { system.evaluate(t: t, state: state, parameters: $0, derivative: derivative) }
    }

    /// The symbolic Jacobian ∂f/∂y.
    public func jacobian(t: Double, state: UnsafeBufferPointer<Double>, into jacobian: UnsafeMutableBufferPointer<Double>) {
        parameters.withUnsafeBufferPointer { system.jacobianState(t: t, state: state, parameters: $0, into: jacobian) }
    }

    /// The symbolic ∂f/∂t.
    public func timeDerivative(t: Double, state: UnsafeBufferPointer<Double>, into derivative: UnsafeMutableBufferPointer<Double>) {
        parameters.withUnsafeBufferPointer { system.timeDerivative(t: t, state: state, parameters: $0, into: derivative) }
    }
}

extension ExpressionField: DifferentiableField {
    /// One per name in `system.parameterNames`.
    public var parameterCount: Int { parameters.count }

    /// The same equations with other parameter values.
    public func withParameters(_ parameters: [Double]) -> ExpressionField {
        ExpressionField(system: system, parameters: parameters)
    }

    /// The symbolic vector–Jacobian products, evaluated on their compiled tapes.
    public func vectorJacobianProducts(
        t: Double, state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>,
        stateCotangent: UnsafeMutableBufferPointer<Double>, addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>
    ) {
        parameters.withUnsafeBufferPointer { theta in
            system.vjpState(v: v, t: t, state: state, parameters: theta, into: stateCotangent)
            guard !parameters.isEmpty else { return }
            withUnsafeTemporaryAllocation(of: Double.self, capacity: parameters.count) { buffer in
                system.vjpParameters(v: v, t: t, state: state, parameters: theta, into: buffer)
                for k in 0..<parameters.count { parameterCotangent[k] += buffer[k] }
            }
        }
    }
}
