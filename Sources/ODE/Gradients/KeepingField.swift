/// A differentiable field that can keep what its vector–Jacobian products need from an
/// evaluation (a network's activations), so that backpropagation through a solve differentiates
/// the recorded stages without evaluating them again.
///
/// Slots are small integers chosen by the caller; evaluating into a slot replaces what it held.
/// The products from a slot are those of `vectorJacobianProducts(t:state:…)` at the point that
/// slot was evaluated at (`state` is that point again).
public protocol KeepingField: DifferentiableField {
    /// `f(t, y)` into `derivative`, keeping what the products at `(t, y)` need under `slot`.
    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>, keepingAs slot: Int)

    /// The products at the point last evaluated under `slot`.
    func vectorJacobianProducts(
        kept slot: Int, t: Double, state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>,
        stateCotangent: UnsafeMutableBufferPointer<Double>, addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>)
}

extension AdaptiveSolver {
    /// `gradient(_:initialState:from:observationTimes:loss:steppingToObservations:)` for a field
    /// that keeps its evaluations: the dense-output path differentiates each recorded stage from
    /// what its forward evaluation kept instead of evaluating it again.
    @inlinable
    public func gradient<Field: KeepingField>(
        _ field: Field, initialState: [Double], from startTime: Double, observationTimes: [Double], loss: PointLoss,
        steppingToObservations: Bool = false
    ) throws(SolveFailure) -> LossGradient {
        _ = try checkObservationTimes(observationTimes, from: startTime)
        if differentiatesDenseOutput(steppingToObservations: steppingToObservations) {
            let n = field.dimension
            return try denseOutputGradient(
                field, initialState: initialState, from: startTime, observationTimes: observationTimes, loss: loss,
                keptEvaluation: { slot, time, input, row in
                    field.evaluate(t: time, state: UnsafeBufferPointer(start: input, count: n),
                                   derivative: UnsafeMutableBufferPointer(start: row, count: n), keepingAs: slot)
                },
                keptProducts: { slot, time, input, cotangent, stateCotangent, theta in
                    field.vectorJacobianProducts(kept: slot, t: time, state: UnsafeBufferPointer(start: input, count: n),
                                                 cotangent: cotangent, stateCotangent: stateCotangent, addingTo: theta)
                })
        }
        return try piecewiseGradient(field, initialState: initialState, from: startTime, observationTimes: observationTimes, loss: loss)
    }
}
