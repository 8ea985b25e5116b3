import ODE

extension CompetitionModel: ComponentMajorBatchField {
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
}
