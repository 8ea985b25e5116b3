import ODE

/// A field whose derivative values are clamped to `[−bound, bound]`, as the source article's `K.clip` does
/// in its recurrence to keep early fits from overflowing; where a value is clipped its gradient is
/// zero.
struct ClippedField<Field: DifferentiableField>: DifferentiableField {
    let field: Field
    let bound: Double

    var dimension: Int { field.dimension }
    var parameterCount: Int { field.parameterCount }
    var parameters: [Double] { field.parameters }

    func withParameters(_ parameters: [Double]) -> ClippedField {
        ClippedField(field: field.withParameters(parameters), bound: bound)
    }

    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        field.evaluate(t: t, state: state, derivative: derivative)
        for i in 0..<dimension { derivative[i] = min(bound, max(-bound, derivative[i])) }
    }

    func vectorJacobianProducts(
        t: Double, state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>,
        stateCotangent: UnsafeMutableBufferPointer<Double>, addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>
    ) {
        let n = dimension
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * n) { scratch in
            let value = UnsafeMutableBufferPointer(rebasing: scratch[0..<n])
            let masked = UnsafeMutableBufferPointer(rebasing: scratch[n..<(2 * n)])
            field.evaluate(t: t, state: state, derivative: value)
            for i in 0..<n { masked[i] = abs(value[i]) > bound ? 0 : v[i] }
            field.vectorJacobianProducts(t: t, state: state, cotangent: UnsafeBufferPointer(masked),
                                         stateCotangent: stateCotangent, addingTo: parameterCotangent)
        }
    }
}
