/// The two-species competition model of the source articles (Lotka–Volterra competition with
/// logistic growth):
///
///     dx1/dt = r1 x1 (1 − iN1 x1) − a1 x1 x2
///     dx2/dt = r2 x2 (1 − iN2 x2) − a2 x1 x2
///
/// `r` are growth rates, `iN` inverse carrying capacities and `a` competition coefficients.
public struct CompetitionModel: VectorField, Equatable {
    public var r1: Double, r2: Double, a1: Double, a2: Double, iN1: Double, iN2: Double

    /// The parameter names in the order the source articles use.
    public static let parameterNames = ["r1", "r2", "a1", "a2", "iN1", "iN2"]

    /// Creates the model from its six parameters.
    public init(r1: Double, r2: Double, a1: Double, a2: Double, iN1: Double, iN2: Double) {
        (self.r1, self.r2, self.a1, self.a2, self.iN1, self.iN2) = (r1, r2, a1, a2, iN1, iN2)
    }

    /// Two species.
    @inlinable
    public var dimension: Int { 2 }

    /// Writes the growth rates of `count` (x1, x2) pairs in one loop.
    @inlinable
    public func evaluateBatch(t: Double, states: UnsafePointer<Double>, derivatives: UnsafeMutablePointer<Double>, count: Int) {
        for index in 0..<count {
            let x1 = states[2 &* index], x2 = states[2 &* index &+ 1]
            derivatives[2 &* index] = r1 * x1 * (1 - iN1 * x1) - a1 * x1 * x2
            derivatives[2 &* index &+ 1] = r2 * x2 * (1 - iN2 * x2) - a2 * x1 * x2
        }
    }

    /// Writes the two growth rates.
    @inlinable
    public func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        let x1 = state[0], x2 = state[1]
        derivative[0] = r1 * x1 * (1 - iN1 * x1) - a1 * x1 * x2
        derivative[1] = r2 * x2 * (1 - iN2 * x2) - a2 * x1 * x2
    }
}
