/// The augmented system of the continuous adjoint, integrated backwards in time: the state `y`
/// (re-solved backwards), the adjoint `a = ∂L/∂y(t)` and the accumulated parameter gradient,
///
///     dy/dt = f(t, y, θ),   da/dt = −aᵀ ∂f/∂y,   d(a_θ)/dt = −aᵀ ∂f/∂θ
///
/// (Chen, Rubanova, Bettencourt & Duvenaud, "Neural Ordinary Differential Equations", NeurIPS
/// 2018, Algorithm 1; Pontryagin's adjoint equations).
@usableFromInline
struct AdjointField<Field: DifferentiableField>: VectorField {
    @usableFromInline let field: Field
    @usableFromInline init(field: Field) { self.field = field }
    @inlinable var dimension: Int { 2 * field.dimension + field.parameterCount }

    @inlinable
    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        let n = field.dimension, p = field.parameterCount
        let y = UnsafeBufferPointer(rebasing: state[0..<n]), a = UnsafeBufferPointer(rebasing: state[n..<(2 * n)])
        let stateCotangent = UnsafeMutableBufferPointer(rebasing: derivative[n..<(2 * n)])
        let parameterCotangent = UnsafeMutableBufferPointer(rebasing: derivative[(2 * n)..<(2 * n + p)])
        for k in 0..<p { parameterCotangent[k] = 0 }
        field.evaluateWithVectorJacobianProducts(t: t, state: y, cotangent: a, derivative: UnsafeMutableBufferPointer(rebasing: derivative[0..<n]),
                                                 stateCotangent: stateCotangent, addingTo: parameterCotangent)
        for i in 0..<n { stateCotangent[i] = -stateCotangent[i] }
        for k in 0..<p { parameterCotangent[k] = -parameterCotangent[k] }
    }
}

/// The adjoint system alone, with the forward state read from an interpolant of the stored
/// forward steps: `da/dt = −aᵀ ∂f/∂y(t, y(t))`, `d(a_θ)/dt = −aᵀ ∂f/∂θ`.
@usableFromInline
struct InterpolatedAdjointField<Field: DifferentiableField>: VectorField {
    @usableFromInline let field: Field
    @usableFromInline let trajectory: HermiteTrajectory
    @usableFromInline init(field: Field, trajectory: HermiteTrajectory) {
        self.field = field
        self.trajectory = trajectory
    }
    @inlinable var dimension: Int { field.dimension + field.parameterCount }

    @inlinable
    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        let n = field.dimension, p = field.parameterCount
        withUnsafeTemporaryAllocation(of: Double.self, capacity: n) { y in
            trajectory.interpolate(at: t, into: y)
            let a = UnsafeBufferPointer(rebasing: state[0..<n])
            let stateCotangent = UnsafeMutableBufferPointer(rebasing: derivative[0..<n])
            let parameterCotangent = UnsafeMutableBufferPointer(rebasing: derivative[n..<(n + p)])
            for k in 0..<p { parameterCotangent[k] = 0 }
            field.vectorJacobianProducts(t: t, state: UnsafeBufferPointer(y), cotangent: a, stateCotangent: stateCotangent,
                                         addingTo: parameterCotangent)
            for i in 0..<(n + p) { derivative[i] = -derivative[i] }
        }
    }
}

extension AdaptiveSolver {
    /// The gradient of a loss at `observationTimes` by the continuous adjoint: one forward solve to
    /// the last observation, then the adjoint solved backwards, jumping by `∂ℓ/∂y` at each
    /// observation. With `options.state == .backsolve` (default) the augmented system (y, a, a_θ)
    /// is solved backwards and memory does not grow with the number of steps; with `.interpolate`
    /// the forward steps are kept and `y(t)` interpolated. Either way the gradient is that of the
    /// exact ODE solution up to the tolerances, so it agrees with backpropagation as they tighten.
    @inlinable
    public func adjointGradient<Field: DifferentiableField>(
        _ field: Field, initialState: [Double], from startTime: Double, observationTimes: [Double], loss: PointLoss,
        options: AdjointOptions = AdjointOptions()
    ) throws(SolveFailure) -> LossGradient {
        let end = try checkObservationTimes(observationTimes, from: startTime)
        let n = field.dimension, p = field.parameterCount
        let interpolating = options.state == .interpolate
        // Forward: the states at the observation times by dense output; when interpolating, every
        // step instead, solved from observation to observation so that each is a stored point.
        var evaluations = 0
        var trajectory: HermiteTrajectory?
        var forward: Solution?
        if interpolating {
            var stored = HermiteTrajectory(dimension: n)
            var start = initialState, from = startTime
            for time in observationTimes {
                let piece = try solve(field, initialState: start, from: from, to: time, saveAt: .steps)
                evaluations += piece.statistics.functionEvaluations + stored.append(field, solution: piece)
                start = Array(piece.finalState)
                from = time
            }
            trajectory = stored
        } else {
            let solution = try solve(field, initialState: initialState, from: startTime, to: end, saveAt: .times(observationTimes))
            evaluations += solution.statistics.functionEvaluations
            forward = solution
        }
        func forwardState(_ index: Int) -> [Double] {
            if let trajectory {
                var y = [Double](repeating: 0, count: n)
                y.withUnsafeMutableBufferPointer { trajectory.interpolate(at: observationTimes[index], into: $0) }
                return y
            }
            return Array(forward!.state(at: index))
        }
        let forwardEvaluations = evaluations
        let offset = interpolating ? 0 : n  // where the adjoint a starts in the backward state
        var backwardSolver = self
        backwardSolver.controller.tolerances = options.backwardTolerances(
            forward: controller.tolerances, stateCount: interpolating ? 0 : n, extraCount: n + p)
        var total = 0.0
        var augmented = [Double](repeating: 0, count: offset + n + p)
        var pointGradient = [Double](repeating: 0, count: n)
        func jump(_ index: Int, state: [Double]) {
            state.withUnsafeBufferPointer { s in
                pointGradient.withUnsafeMutableBufferPointer { g in total += loss(index, s, g) }
            }
            for i in 0..<n { augmented[offset + i] += pointGradient[i] }
        }
        // Backward, from the last observation to the first, then to t_start.
        var index = observationTimes.count - 1
        var state = forwardState(index)
        if !interpolating { for i in 0..<n { augmented[i] = state[i] } }
        jump(index, state: state)
        var t = end
        while true {
            let target = index > 0 ? observationTimes[index - 1] : startTime
            if target < t {
                let piece: Solution
                if let trajectory {
                    piece = try backwardSolver.solve(InterpolatedAdjointField(field: field, trajectory: trajectory),
                                                     initialState: augmented, from: t, to: target, saveAt: .final)
                } else {
                    piece = try backwardSolver.solve(AdjointField(field: field), initialState: augmented, from: t, to: target, saveAt: .final)
                }
                evaluations += piece.statistics.functionEvaluations
                augmented = Array(piece.finalState)
                t = target
            }
            if index == 0 { break }
            index -= 1
            state = forwardState(index)
            // The re-solved state drifts from the forward one; restart it from the forward solution.
            if !interpolating { for i in 0..<n { augmented[i] = state[i] } }
            jump(index, state: state)
        }
        var result = LossGradient(loss: total, parameters: Array(augmented[(offset + n)...]), initialState: Array(augmented[offset..<(offset + n)]),
                                  functionEvaluations: evaluations, vectorJacobianProducts: 0)
        result.forwardEvaluations = forwardEvaluations
        return result
    }
}
