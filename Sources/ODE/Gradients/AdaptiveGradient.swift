extension AdaptiveSolver {
    /// The gradient of a loss at `observationTimes` through an adaptive solve, by backpropagation
    /// through its accepted steps with the step sizes treated as constants (as torchdiffeq does):
    /// the gradient of the computed solution for the steps the controller chose.
    ///
    /// The solve runs piecewise from one observation time to the next, so that steps land exactly on
    /// each of them; the last observation time is the end of the solve.
    @inlinable
    public func gradient<Field: DifferentiableField>(
        _ field: Field, initialState: [Double], from startTime: Double, observationTimes: [Double], loss: PointLoss
    ) throws(SolveFailure) -> LossGradient {
        guard let end = observationTimes.last, end >= startTime,
              zip(observationTimes, observationTimes.dropFirst()).allSatisfy({ $0 < $1 }),
              observationTimes.first.map({ $0 >= startTime }) ?? false else {
            throw .invalidProblem("observation times must increase from t_start")
        }
        let n = field.dimension
        var times = [startTime], states = initialState, observationSteps = [Int]()
        var current = initialState, t = startTime
        var solveEvaluations = 0
        for target in observationTimes {
            if target > t {
                let piece = try solve(field, initialState: current, from: t, to: target, saveAt: .steps)
                solveEvaluations += piece.statistics.functionEvaluations
                for m in 1..<piece.count {
                    times.append(piece.times[m])
                    states += piece.state(at: m)
                }
                current = Array(piece.finalState)
                t = target
            }
            observationSteps.append(times.count - 1)
        }
        let steps = times.count - 1
        let sizes = steps > 0 ? (0..<steps).map { times[$0 + 1] - times[$0] } : [0]
        // Recompute the states along the recorded steps with the generic step, so that the reverse pass
        // differentiates exactly the recurrence it runs through.
        var evaluations = 0
        try states.withUnsafeMutableBufferPointer { (y) throws(SolveFailure) in
            evaluations = try StepBackpropagation.forward(field, tableau: tableau, times: times, sizes: sizes, states: y.baseAddress!, steps: steps)
        }
        var result = states.withUnsafeMutableBufferPointer { y in
            StepBackpropagation.reverse(field, tableau: tableau, times: times, sizes: sizes, states: y.baseAddress!, steps: steps,
                                        observationSteps: observationSteps, loss: loss)
        }
        _ = n
        result.functionEvaluations += evaluations + solveEvaluations
        result.forwardEvaluations = solveEvaluations
        return result
    }
}
