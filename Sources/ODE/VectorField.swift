/// The right-hand side `f(t, y)` of an ODE system `dy/dt = f(t, y)`.
///
/// Conformers write the derivative into a caller-owned buffer so that solvers can call them in a
/// loop without allocating.
public protocol VectorField: Sendable {
    /// Number of state components.
    var dimension: Int { get }

    /// Writes `f(t, y)` into `derivative`. Both buffers have `dimension` elements.
    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>)

    /// Writes `f(t, y)` for `count` states stored one after another (`count × dimension` values).
    /// The default calls `evaluate` for each; a field can do better with one loop over the batch.
    func evaluateBatch(t: Double, states: UnsafePointer<Double>, derivatives: UnsafeMutablePointer<Double>, count: Int)
}

extension VectorField {
    /// Evaluates each state of the batch in turn.
    @inlinable
    public func evaluateBatch(t: Double, states: UnsafePointer<Double>, derivatives: UnsafeMutablePointer<Double>, count: Int) {
        let n = dimension
        for index in 0..<count {
            evaluate(t: t, state: UnsafeBufferPointer(start: states + index &* n, count: n),
                     derivative: UnsafeMutableBufferPointer(start: derivatives + index &* n, count: n))
        }
    }
}
