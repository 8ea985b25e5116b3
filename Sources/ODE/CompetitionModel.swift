/// The two-species competition model of the source articles (Lotka–Volterra competition with
/// logistic growth):
///
///     dx1/dt = r1 x1 (1 − iN1 x1) − a1 x1 x2
///     dx2/dt = r2 x2 (1 − iN2 x2) − a2 x1 x2
///
/// `r` are growth rates, `iN` inverse carrying capacities and `a` competition coefficients.
public struct CompetitionModel: VectorField, ComponentMajorBatchField, Equatable {
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

    /// Writes the growth rates of `count` states stored component-major (x1 values, then x2
    /// values `stride` further on), in one loop without shuffles, in the factored form
    /// `x1 (r1 − r1 iN1 x1 − a1 x2)` (three products per component instead of five; equal to
    /// `evaluate` up to rounding).
    @inlinable
    public func evaluateComponentMajor(t: Double, states: UnsafePointer<Double>, derivatives: UnsafeMutablePointer<Double>,
                                       stride: Int, count: Int) {
        let x1s = states, x2s = states + stride, d1 = derivatives, d2 = derivatives + stride
        let c1 = r1 * iN1, c2 = r2 * iN2
        for index in 0..<count {
            let x1 = x1s[index], x2 = x2s[index]
            d1[index] = x1 * (r1 - c1 * x1 - a1 * x2)
            d2[index] = x2 * (r2 - c2 * x2 - a2 * x1)
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
