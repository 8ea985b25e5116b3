/// A vector field that also gives its Jacobian `∂f/∂y` and time derivative `∂f/∂t`, as the
/// stiff (Rosenbrock) solver needs.
public protocol JacobianField: VectorField where Scalar == Double {
    /// Writes `∂f_i/∂y_j` at `jacobian[i * dimension + j]` (row-major, `dimension²` entries).
    func jacobian(t: Double, state: UnsafeBufferPointer<Double>, into jacobian: UnsafeMutableBufferPointer<Double>)

    /// Writes `∂f_i/∂t` (zero for autonomous systems).
    func timeDerivative(t: Double, state: UnsafeBufferPointer<Double>, into derivative: UnsafeMutableBufferPointer<Double>)
}

extension CompetitionModel: JacobianField {
    /// The 2 × 2 Jacobian of the competition model.
    public func jacobian(t: Double, state: UnsafeBufferPointer<Double>, into jacobian: UnsafeMutableBufferPointer<Double>) {
        let x1 = state[0], x2 = state[1]
        jacobian[0] = r1 * (1 - 2 * iN1 * x1) - a1 * x2
        jacobian[1] = -a1 * x1
        jacobian[2] = -a2 * x2
        jacobian[3] = r2 * (1 - 2 * iN2 * x2) - a2 * x1
    }

    /// The model is autonomous.
    public func timeDerivative(t: Double, state: UnsafeBufferPointer<Double>, into derivative: UnsafeMutableBufferPointer<Double>) {
        derivative[0] = 0
        derivative[1] = 0
    }
}
