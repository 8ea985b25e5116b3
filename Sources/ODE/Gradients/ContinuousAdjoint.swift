/// The augmented system of the continuous adjoint, integrated backwards in time: the state `y`
/// (re-solved backwards), the adjoint `a = ∂L/∂y(t)` and the accumulated parameter gradient,
///
///     dy/dt = f(t, y, θ),   da/dt = −aᵀ ∂f/∂y,   d(a_θ)/dt = −aᵀ ∂f/∂θ
///
/// (Chen, Rubanova, Bettencourt & Duvenaud, "Neural Ordinary Differential Equations", NeurIPS
/// 2018, Algorithm 1; Pontryagin's adjoint equations).
struct AdjointField<Field: DifferentiableField>: VectorField {
    let field: Field
    var dimension: Int { 2 * field.dimension + field.parameterCount }

    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        let n = field.dimension, p = field.parameterCount
        let y = UnsafeBufferPointer(rebasing: state[0..<n]), a = UnsafeBufferPointer(rebasing: state[n..<(2 * n)])
        field.evaluate(t: t, state: y, derivative: UnsafeMutableBufferPointer(rebasing: derivative[0..<n]))
        let stateCotangent = UnsafeMutableBufferPointer(rebasing: derivative[n..<(2 * n)])
        let parameterCotangent = UnsafeMutableBufferPointer(rebasing: derivative[(2 * n)..<(2 * n + p)])
        for k in 0..<p { parameterCotangent[k] = 0 }
        field.vectorJacobianProducts(t: t, state: y, cotangent: a, stateCotangent: stateCotangent, addingTo: parameterCotangent)
        for i in 0..<n { stateCotangent[i] = -stateCotangent[i] }
        for k in 0..<p { parameterCotangent[k] = -parameterCotangent[k] }
    }
}

extension AdaptiveSolver {
    /// The gradient of a loss at `observationTimes` by the continuous adjoint: one forward solve to
    /// the last observation, then the augmented system solved backwards with this solver's
    /// tolerances, the adjoint jumping by `∂ℓ/∂y` at each observation. Memory does not grow with the
    /// number of steps (the forward solution is re-solved backwards, not stored); the gradient is
    /// that of the exact ODE solution up to the tolerances, so it agrees with backpropagation as the
    /// tolerances tighten.
    public func adjointGradient<Field: DifferentiableField>(
        _ field: Field, initialState: [Double], from startTime: Double, observationTimes: [Double], loss: PointLoss
    ) throws(SolveFailure) -> LossGradient {
        guard let end = observationTimes.last, end >= startTime,
              zip(observationTimes, observationTimes.dropFirst()).allSatisfy({ $0 < $1 }),
              observationTimes.first.map({ $0 >= startTime }) ?? false else {
            throw .invalidProblem("observation times must increase from t_start")
        }
        let n = field.dimension, p = field.parameterCount
        // Forward: the states at the observation times (dense output, no stored trajectory).
        let forward = try solve(field, initialState: initialState, from: startTime, to: end, saveAt: .times(observationTimes))
        var evaluations = forward.statistics.functionEvaluations
        var total = 0.0
        var augmented = [Double](repeating: 0, count: 2 * n + p)
        var pointGradient = [Double](repeating: 0, count: n)
        func jump(_ index: Int, state: [Double]) {
            state.withUnsafeBufferPointer { s in
                pointGradient.withUnsafeMutableBufferPointer { g in total += loss(index, s, g) }
            }
            for i in 0..<n { augmented[n + i] += pointGradient[i] }
        }
        // Backward, from the last observation to the first, then to t_start.
        var index = observationTimes.count - 1
        for i in 0..<n { augmented[i] = forward.state(at: index)[forward.state(at: index).startIndex + i] }
        jump(index, state: Array(forward.state(at: index)))
        let adjoint = AdjointField(field: field)
        var t = end
        while true {
            let target = index > 0 ? observationTimes[index - 1] : startTime
            if target < t {
                let piece = try solve(adjoint, initialState: augmented, from: t, to: target, saveAt: .final)
                evaluations += piece.statistics.functionEvaluations
                augmented = Array(piece.finalState)
                t = target
            }
            if index == 0 { break }
            index -= 1
            // The re-solved state drifts from the forward one; restart it from the forward solution.
            let forwardState = Array(forward.state(at: index))
            for i in 0..<n { augmented[i] = forwardState[i] }
            jump(index, state: forwardState)
        }
        return LossGradient(loss: total, parameters: Array(augmented[(2 * n)...]), initialState: Array(augmented[n..<(2 * n)]),
                            functionEvaluations: evaluations, vectorJacobianProducts: 0)
    }
}
