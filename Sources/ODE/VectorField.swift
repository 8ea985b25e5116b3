/// The right-hand side `f(t, y)` of an ODE system `dy/dt = f(t, y)`.
///
/// Conformers write the derivative into a caller-owned buffer so that solvers can call them in a
/// loop without allocating.
public protocol VectorField: Sendable {
    /// Number of state components.
    var dimension: Int { get }

    /// Writes `f(t, y)` into `derivative`. Both buffers have `dimension` elements.
    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>)
}
