/// A loss term at one observed point: given the observation's index and the state there, returns
/// the term's value and writes its gradient `∂ℓ/∂y` into the buffer.
public typealias PointLoss = (Int, UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Double

/// A loss and its gradient with respect to the parameters and the initial state.
public struct LossGradient: Sendable, Equatable {
    /// The loss: the sum of the point terms.
    public var loss: Double
    /// `∂L/∂θ`, in the field's parameter order.
    public var parameters: [Double]
    /// `∂L/∂y₀`.
    public var initialState: [Double]
    /// Evaluations of the field (forward pass and stage recomputation) and of its VJPs.
    public var functionEvaluations: Int
    public var vectorJacobianProducts: Int

    /// Creates a result.
    public init(loss: Double, parameters: [Double], initialState: [Double], functionEvaluations: Int, vectorJacobianProducts: Int) {
        self.loss = loss
        self.parameters = parameters
        self.initialState = initialState
        self.functionEvaluations = functionEvaluations
        self.vectorJacobianProducts = vectorJacobianProducts
    }
}

extension FixedStepSolver {
    /// The exact gradient of the discrete solution's loss — backpropagation through the steps of
    /// the recurrence, the ODE read as an RNN (seed 001; the "discretise-then-optimise" gradient
    /// torchdiffeq computes through `odeint`).
    ///
    /// The loss is a sum of `loss` terms at `observationSteps` (increasing step indices, 0 is the
    /// initial state). The forward pass stores each step's state (memory linear in the steps); the
    /// reverse pass recomputes each step's stages from its start state and runs, stage by stage in
    /// reverse order, `K̄ᵢ = h bᵢ ȳ + h Σ_{j>i} a_ji Ȳⱼ`, `Ȳᵢ = K̄ᵢᵀ ∂f/∂y(Yᵢ)`, `θ̄ += K̄ᵢᵀ ∂f/∂θ(Yᵢ)`,
    /// then `ȳ ← ȳ + Σᵢ Ȳᵢ`.
    public func gradient<Field: DifferentiableField>(
        _ field: Field, initialState: [Double], startTime: Double = 0, observationSteps: [Int], loss: PointLoss
    ) throws(SolveFailure) -> LossGradient {
        try validate(dimension: field.dimension, initialCount: initialState.count)
        guard zip(observationSteps, observationSteps.dropFirst()).allSatisfy({ $0 < $1 }),
              observationSteps.allSatisfy({ $0 >= 0 && $0 <= steps }) else {
            throw .invalidProblem("observation steps must increase and lie within 0...\(steps)")
        }
        let n = field.dimension, p = field.parameterCount, s = tableau.stages, h = stepSize
        let a = tableau.a, b = tableau.b, c = tableau.c
        var trajectory = [Double](repeating: 0, count: (steps + 1) * n)
        var stages = [Double](repeating: 0, count: s * n)      // K
        var stageInputs = [Double](repeating: 0, count: s * n) // Y
        var evaluations = 0, products = 0

        /// Recomputes the stages of the step that starts from `trajectory[step]`.
        func computeStages(_ step: Int, _ y: UnsafeMutableBufferPointer<Double>, _ k: UnsafeMutableBufferPointer<Double>,
                           _ inputs: UnsafeMutableBufferPointer<Double>) {
            let t = startTime + Double(step) * h
            for i in 0..<s {
                for component in 0..<n {
                    var sum = 0.0
                    for j in 0..<i { sum += a[i][j] * k[j * n + component] }
                    inputs[i * n + component] = y[step * n + component] + h * sum
                }
                field.evaluate(t: t + c[i] * h,
                               state: UnsafeBufferPointer(rebasing: inputs[(i * n)..<((i + 1) * n)]),
                               derivative: UnsafeMutableBufferPointer(rebasing: k[(i * n)..<((i + 1) * n)]))
                evaluations += 1
            }
        }

        var failure: SolveFailure?
        var total = 0.0
        var parameterGradient = [Double](repeating: 0, count: p)
        var stateGradient = [Double](repeating: 0, count: n)
        trajectory.withUnsafeMutableBufferPointer { y in
            stages.withUnsafeMutableBufferPointer { k in
                stageInputs.withUnsafeMutableBufferPointer { inputs in
                    for i in 0..<n { y[i] = initialState[i] }
                    // Forward: store every state.
                    for step in 0..<steps {
                        computeStages(step, y, k, inputs)
                        for component in 0..<n {
                            var sum = 0.0
                            for i in 0..<s { sum += b[i] * k[i * n + component] }
                            let value = y[step * n + component] + h * sum
                            y[(step + 1) * n + component] = value
                            if !value.isFinite, failure == nil {
                                failure = .nonFiniteState(t: startTime + Double(step + 1) * h, step: step + 1, component: component)
                            }
                        }
                        if failure != nil { return }
                    }
                    // Reverse.
                    var adjoint = [Double](repeating: 0, count: n)
                    var pointGradient = [Double](repeating: 0, count: n)
                    var stageAdjoints = [Double](repeating: 0, count: s * n)   // K̄
                    var inputAdjoints = [Double](repeating: 0, count: n)       // Ȳᵢ
                    var observation = observationSteps.count - 1
                    func addLoss(at step: Int) {
                        guard observation >= 0, observationSteps[observation] == step else { return }
                        pointGradient.withUnsafeMutableBufferPointer { gradient in
                            total += loss(observation, UnsafeBufferPointer(rebasing: y[(step * n)..<((step + 1) * n)]), gradient)
                        }
                        for i in 0..<n { adjoint[i] += pointGradient[i] }
                        observation -= 1
                    }
                    parameterGradient.withUnsafeMutableBufferPointer { theta in
                        for step in stride(from: steps, through: 1, by: -1) {
                            addLoss(at: step)
                            computeStages(step - 1, y, k, inputs)
                            for i in 0..<s { for component in 0..<n { stageAdjoints[i * n + component] = h * b[i] * adjoint[component] } }
                            for i in stride(from: s - 1, through: 0, by: -1) {
                                stageAdjoints.withUnsafeBufferPointer { kBar in
                                    inputAdjoints.withUnsafeMutableBufferPointer { yBar in
                                        field.vectorJacobianProducts(
                                            t: startTime + Double(step - 1) * h + c[i] * h,
                                            state: UnsafeBufferPointer(rebasing: inputs[(i * n)..<((i + 1) * n)]),
                                            cotangent: UnsafeBufferPointer(rebasing: kBar[(i * n)..<((i + 1) * n)]),
                                            stateCotangent: yBar, addingTo: theta)
                                    }
                                }
                                products += 1
                                for j in 0..<i where a[i][j] != 0 {
                                    for component in 0..<n { stageAdjoints[j * n + component] += h * a[i][j] * inputAdjoints[component] }
                                }
                                for component in 0..<n { adjoint[component] += inputAdjoints[component] }
                            }
                        }
                    }
                    addLoss(at: 0)
                    stateGradient = adjoint
                }
            }
        }
        if let failure { throw failure }
        return LossGradient(loss: total, parameters: parameterGradient, initialState: stateGradient,
                            functionEvaluations: evaluations, vectorJacobianProducts: products)
    }
}
