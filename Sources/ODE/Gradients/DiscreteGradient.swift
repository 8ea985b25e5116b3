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
        // Coefficients flattened once; every buffer of both passes in one allocation.
        var flatA = [Double](repeating: 0, count: s * s)
        for i in 0..<s { for j in 0..<i { flatA[i * s + j] = tableau.a[i][j] } }
        let b = tableau.b, c = tableau.c
        let total = (steps + 1) * n + 2 * s * n + 4 * n + s * n + p
        let storage = UnsafeMutablePointer<Double>.allocate(capacity: total)
        storage.initialize(repeating: 0, count: total)
        defer { storage.deallocate() }
        let y = storage                                  // states y₀ … y_N
        let k = y + (steps + 1) * n                      // slopes K of one step
        let inputs = k + s * n                           // stage inputs Y of one step
        let adjoint = inputs + s * n                     // ȳ
        let pointGradient = adjoint + n                  // ∂ℓ/∂y at an observation
        let inputAdjoint = pointGradient + n             // Ȳᵢ
        let scratch = inputAdjoint + n
        let stageAdjoints = scratch + n                  // K̄
        let theta = stageAdjoints + s * n                // θ̄
        var evaluations = 0, products = 0

        /// Computes the stage inputs (and, when `slopes`, the slopes) of the step from `y_step`.
        /// A one-stage method's only input is the step's start state, already stored.
        func computeStages(_ step: Int, slopes: Bool) {
            let t = startTime + Double(step) * h
            let start = y + step * n
            for i in 0..<s {
                let input = inputs + i * n
                for component in 0..<n {
                    var sum = 0.0
                    for j in 0..<i { sum += flatA[i * s + j] * k[j * n + component] }
                    input[component] = start[component] + h * sum
                }
                if slopes || i < s - 1 {
                    field.evaluate(t: t + c[i] * h, state: UnsafeBufferPointer(start: input, count: n),
                                   derivative: UnsafeMutableBufferPointer(start: k + i * n, count: n))
                    evaluations += 1
                }
            }
        }

        for i in 0..<n { y[i] = initialState[i] }
        // Forward: store every state.
        for step in 0..<steps {
            computeStages(step, slopes: true)
            let current = y + step * n, next = y + (step + 1) * n
            for component in 0..<n {
                var sum = 0.0
                for i in 0..<s { sum += b[i] * k[i * n + component] }
                let value = current[component] + h * sum
                next[component] = value
                if !value.isFinite {
                    throw .nonFiniteState(t: startTime + Double(step + 1) * h, step: step + 1, component: component)
                }
            }
        }
        // Reverse.
        var lossTotal = 0.0
        var observation = observationSteps.count - 1
        func addLoss(at step: Int) {
            guard observation >= 0, observationSteps[observation] == step else { return }
            lossTotal += loss(observation, UnsafeBufferPointer(start: y + step * n, count: n),
                              UnsafeMutableBufferPointer(start: pointGradient, count: n))
            for i in 0..<n { adjoint[i] += pointGradient[i] }
            observation -= 1
        }
        let thetaBuffer = UnsafeMutableBufferPointer(start: theta, count: p)
        let inputAdjointBuffer = UnsafeMutableBufferPointer(start: inputAdjoint, count: n)
        for step in stride(from: steps, through: 1, by: -1) {
            addLoss(at: step)
            // The last stage's slope is never needed backwards: only the inputs Yᵢ are.
            computeStages(step - 1, slopes: false)
            for i in 0..<s { for component in 0..<n { stageAdjoints[i * n + component] = h * b[i] * adjoint[component] } }
            for i in stride(from: s - 1, through: 0, by: -1) {
                field.vectorJacobianProducts(
                    t: startTime + Double(step - 1) * h + c[i] * h,
                    state: UnsafeBufferPointer(start: inputs + i * n, count: n),
                    cotangent: UnsafeBufferPointer(start: stageAdjoints + i * n, count: n),
                    stateCotangent: inputAdjointBuffer, addingTo: thetaBuffer)
                products += 1
                for j in 0..<i {
                    let weight = h * flatA[i * s + j]
                    if weight != 0 { for component in 0..<n { stageAdjoints[j * n + component] += weight * inputAdjoint[component] } }
                }
                for component in 0..<n { adjoint[component] += inputAdjoint[component] }
            }
        }
        addLoss(at: 0)
        _ = scratch
        return LossGradient(loss: lossTotal, parameters: Array(UnsafeBufferPointer(start: theta, count: p)),
                            initialState: Array(UnsafeBufferPointer(start: adjoint, count: n)),
                            functionEvaluations: evaluations, vectorJacobianProducts: products)
    }
}
