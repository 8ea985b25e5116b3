/// The right-hand side `f(t, y)` of an ODE system `dy/dt = f(t, y)`.
///
/// Conformers write the derivative into a caller-owned buffer so that solvers can call them in a
/// loop without allocating.
///
/// The state is `Double` unless the field says otherwise: a field of `Float` states is solved in
/// single precision by the explicit solvers (time, step control and error norms stay in `Double`).
public protocol VectorField<Scalar>: Sendable {
    /// The floating-point type of the state.
    associatedtype Scalar: BinaryFloatingPoint & Sendable = Double

    /// Number of state components.
    var dimension: Int { get }

    /// Writes `f(t, y)` into `derivative`. Both buffers have `dimension` elements.
    func evaluate(t: Scalar, state: UnsafeBufferPointer<Scalar>, derivative: UnsafeMutableBufferPointer<Scalar>)

    /// Writes `f(t, y)` for `count` states stored one after another (`count × dimension` values).
    /// The default calls `evaluate` for each; a field can do better with one loop over the batch.
    func evaluateBatch(t: Scalar, states: UnsafePointer<Scalar>, derivatives: UnsafeMutablePointer<Scalar>, count: Int)
}

extension VectorField {
    /// Evaluates each state of the batch in turn.
    @inlinable
    public func evaluateBatch(t: Scalar, states: UnsafePointer<Scalar>, derivatives: UnsafeMutablePointer<Scalar>, count: Int) {
        let n = dimension
        for index in 0..<count {
            evaluate(t: t, state: UnsafeBufferPointer(start: states + index &* n, count: n),
                     derivative: UnsafeMutableBufferPointer(start: derivatives + index &* n, count: n))
        }
    }
}
