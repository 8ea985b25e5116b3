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
    /// The evaluations of the forward solve alone (part of `functionEvaluations`); the rest is the
    /// backward pass's work.
    public var forwardEvaluations: Int = 0

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
    /// the recurrence, the ODE read as an RNN (source article 001; the "discretise-then-optimise" gradient
    /// torchdiffeq computes through `odeint`).
    ///
    /// The loss is a sum of `loss` terms at `observationSteps` (increasing step indices, 0 is the
    /// initial state). The forward pass stores each step's state (memory linear in the steps); the
    /// reverse pass recomputes each step's stages from its start state and runs, stage by stage in
    /// reverse order, `K̄ᵢ = h bᵢ ȳ + h Σ_{j>i} a_ji Ȳⱼ`, `Ȳᵢ = K̄ᵢᵀ ∂f/∂y(Yᵢ)`, `θ̄ += K̄ᵢᵀ ∂f/∂θ(Yᵢ)`,
    /// then `ȳ ← ȳ + Σᵢ Ȳᵢ`.
    ///
    /// With `checkpoints: N` (N ≥ 1) only N states are kept from the forward pass and each segment
    /// between them is recomputed during the reverse pass: memory O(N + steps/N) instead of
    /// O(steps), for one more forward evaluation per step.
    @inlinable
    public func gradient<Field: DifferentiableField>(
        _ field: Field, initialState: [Double], startTime: Double = 0, observationSteps: [Int], checkpoints: Int = 0,
        loss: PointLoss
    ) throws(SolveFailure) -> LossGradient {
        var workspace = GradientWorkspace()
        return try gradient(field, initialState: initialState, startTime: startTime, observationSteps: observationSteps,
                            checkpoints: checkpoints, loss: loss, workspace: &workspace)
    }

    /// The same gradient with storage that repeated calls reuse (a fit's epochs): the one-stage
    /// (Euler) path then allocates nothing once the workspace has grown to the problem's size.
    @inlinable
    public func gradient<Field: DifferentiableField>(
        _ field: Field, initialState: [Double], startTime: Double = 0, observationSteps: [Int], checkpoints: Int = 0,
        loss: PointLoss, workspace: inout GradientWorkspace
    ) throws(SolveFailure) -> LossGradient {
        try validate(dimension: field.dimension, initialCount: initialState.count)
        guard zip(observationSteps, observationSteps.dropFirst()).allSatisfy({ $0 < $1 }),
              observationSteps.allSatisfy({ $0 >= 0 && $0 <= steps }) else {
            throw .invalidProblem("observation steps must increase and lie within 0...\(steps)")
        }
        if checkpoints > 0, steps > 0 {
            return try checkpointedGradient(field, initialState: initialState, startTime: startTime, observationSteps: observationSteps,
                                            checkpoints: checkpoints, loss: loss)
        }
        if tableau.stages == 1 {
            return try eulerGradient(field, initialState: initialState, startTime: startTime,
                                     observationSteps: observationSteps, loss: loss, workspace: &workspace)
        }
        let n = field.dimension
        var times = [Double](repeating: 0, count: steps + 1)
        var states = [Double](repeating: 0, count: (steps + 1) * n)
        for step in 0...steps { times[step] = startTime + Double(step) * stepSize }
        let sizes = [Double](repeating: stepSize, count: max(steps, 1))
        for i in 0..<n { states[i] = initialState[i] }
        return try StepBackpropagation.gradient(field, coefficients: coefficients, times: times, sizes: sizes, states: &states, steps: steps,
                                                observationSteps: observationSteps, loss: loss)
    }
}

extension FixedStepSolver {
    /// Backpropagation keeping only checkpoint states; each segment is recomputed when the reverse
    /// pass reaches it.
    @inlinable
    func checkpointedGradient<Field: DifferentiableField>(
        _ field: Field, initialState: [Double], startTime: Double, observationSteps: [Int], checkpoints: Int, loss: PointLoss
    ) throws(SolveFailure) -> LossGradient {
        let n = field.dimension
        let interval = (steps + checkpoints - 1) / checkpoints
        let count = (steps + interval - 1) / interval  // segments
        let times = (0...steps).map { startTime + Double($0) * stepSize }
        let sizes = [Double](repeating: stepSize, count: steps)
        // Forward: keep the state at the start of each segment.
        var saved = [Double](repeating: 0, count: count * n)
        var segment = [Double](repeating: 0, count: (interval + 1) * n)
        var evaluations = 0
        for i in 0..<n { segment[i] = initialState[i] }
        for index in 0..<count {
            let first = index * interval, last = min(first + interval, steps)
            for i in 0..<n { saved[index * n + i] = segment[i] }
            try segment.withUnsafeMutableBufferPointer { (buffer) throws(SolveFailure) in
                evaluations += try StepBackpropagation.forward(
                    field, coefficients: coefficients, times: Array(times[first...last]), sizes: Array(sizes[first..<last]),
                    states: buffer.baseAddress!, steps: last - first)
            }
            for i in 0..<n { segment[i] = segment[(last - first) * n + i] }
        }
        // Reverse: materialise the segment holding the requested steps from its checkpoint.
        var current = -1
        var recomputeFailure: SolveFailure?
        var result = segment.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            return StepBackpropagation.reverse(
                field, coefficients: coefficients, times: times, sizes: sizes,
                stateAt: { step in
                    let index = min(step == 0 ? 0 : (step - 1) / interval, count - 1)
                    if index != current {
                        let first = index * interval, last = min(first + interval, steps)
                        for i in 0..<n { base[i] = saved[index * n + i] }
                        do throws(SolveFailure) {
                            evaluations += try StepBackpropagation.forward(
                                field, coefficients: coefficients, times: Array(times[first...last]), sizes: Array(sizes[first..<last]),
                                states: base, steps: last - first)
                        } catch { recomputeFailure = error }
                        current = index
                    }
                    return base + (step - index * interval) * n
                },
                steps: steps, observationSteps: observationSteps, loss: loss)
        }
        if let recomputeFailure { throw recomputeFailure }
        result.forwardEvaluations = steps * tableau.stages
        result.functionEvaluations += evaluations
        return result
    }

    /// The gradient through a one-stage recurrence `y ← y + h b₀ f(t, y)` (explicit Euler), with the
    /// reverse step `ȳ ← ȳ + h b₀ (vᵀ∂f/∂y)`, `θ̄ += h b₀ (vᵀ∂f/∂θ)`, in `workspace`'s storage.
    @inlinable
    func eulerGradient<Field: DifferentiableField>(
        _ field: Field, initialState: [Double], startTime: Double, observationSteps: [Int], loss: PointLoss,
        workspace: inout GradientWorkspace
    ) throws(SolveFailure) -> LossGradient {
        let n = field.dimension, p = field.parameterCount
        let h = stepSize * tableau.b[0]
        workspace.reserve(storage: (steps + 1) * n + 4 * n + p, parameters: p, state: n)
        let lossTotal = try workspace.storage.withUnsafeMutableBufferPointer { (buffer) throws(SolveFailure) -> Double in
            let y = buffer.baseAddress!, slope = y + (steps + 1) * n, adjoint = slope + n, pointGradient = adjoint + n
            let cotangent = pointGradient + n, theta = cotangent + n
            adjoint.update(repeating: 0, count: n)
            theta.update(repeating: 0, count: p)
            for i in 0..<n { y[i] = initialState[i] }
            for step in 0..<steps {
                let current = y + step * n, next = current + n
                field.evaluate(t: startTime + Double(step) * stepSize, state: UnsafeBufferPointer(start: current, count: n),
                               derivative: UnsafeMutableBufferPointer(start: slope, count: n))
                var check = 0.0
                for i in 0..<n {
                    let value = current[i] + h * slope[i]
                    next[i] = value
                    check += value - value
                }
                if check != 0 || check.isNaN {
                    let component = (0..<n).first { !next[$0].isFinite } ?? 0
                    throw .nonFiniteState(t: startTime + Double(step + 1) * stepSize, step: step + 1, component: component)
                }
            }
            var lossTotal = 0.0
            var observation = observationSteps.count - 1
            let thetaBuffer = UnsafeMutableBufferPointer(start: theta, count: p)
            let stateCotangent = UnsafeMutableBufferPointer(start: cotangent, count: n)
            var step = steps
            while step >= 0 {
                while observation >= 0, observationSteps[observation] == step {
                    lossTotal += loss(observation, UnsafeBufferPointer(start: y + step * n, count: n),
                                      UnsafeMutableBufferPointer(start: pointGradient, count: n))
                    for i in 0..<n { adjoint[i] += pointGradient[i] }
                    observation -= 1
                }
                if step == 0 { break }
                // v = h ȳ; ȳ ← ȳ + vᵀ∂f/∂y; θ̄ += vᵀ∂f/∂θ at y_{step−1}.
                for i in 0..<n { slope[i] = h * adjoint[i] }
                field.vectorJacobianProducts(
                    t: startTime + Double(step - 1) * stepSize, state: UnsafeBufferPointer(start: y + (step - 1) * n, count: n),
                    cotangent: UnsafeBufferPointer(start: slope, count: n), stateCotangent: stateCotangent, addingTo: thetaBuffer)
                for i in 0..<n { adjoint[i] += cotangent[i] }
                step -= 1
            }
            return lossTotal
        }
        workspace.publish(storageOffset: (steps + 5) * n, parameters: p, stateOffset: (steps + 2) * n, state: n)
        var result = LossGradient(loss: lossTotal, parameters: workspace.parameterGradient, initialState: workspace.stateGradient,
                                  functionEvaluations: steps, vectorJacobianProducts: steps)
        result.forwardEvaluations = steps
        return result
    }
}

/// Backpropagation through a recorded sequence of explicit Runge–Kutta steps: step m starts at
/// `times[m]` with size `sizes[m]` (sizes treated as constants, as torchdiffeq does for adaptive
/// solves), and the states at the step boundaries are stored.
@usableFromInline
enum StepBackpropagation {
    /// The gradient through the recorded steps from `states[0]`: every state recomputed forward
    /// by the one explicit step (so that the reverse pass differentiates exactly the recurrence it
    /// runs through), then the reverse pass. `forwardEvaluations` counts the recomputation.
    @inlinable
    static func gradient<Field: DifferentiableField>(
        _ field: Field, coefficients: RungeKuttaCoefficients, times: [Double], sizes: [Double], states: inout [Double], steps: Int,
        observationSteps: [Int], loss: PointLoss
    ) throws(SolveFailure) -> LossGradient {
        try states.withUnsafeMutableBufferPointer { (y) throws(SolveFailure) -> LossGradient in
            let evaluations = try forward(field, coefficients: coefficients, times: times, sizes: sizes, states: y.baseAddress!, steps: steps)
            var result = reverse(field, coefficients: coefficients, times: times, sizes: sizes, states: y.baseAddress!, steps: steps,
                                 observationSteps: observationSteps, loss: loss)
            result.functionEvaluations += evaluations
            result.forwardEvaluations = evaluations
            return result
        }
    }

    /// Runs the steps forward, filling `states[1...steps]` from `states[0]`; returns the evaluations.
    @inlinable
    static func forward<Field: DifferentiableField>(
        _ field: Field, coefficients: RungeKuttaCoefficients, times: [Double], sizes: [Double], states y: UnsafeMutablePointer<Double>,
        steps: Int
    ) throws(SolveFailure) -> Int {
        let n = field.dimension, s = coefficients.stages
        let k = UnsafeMutablePointer<Double>.allocate(capacity: 2 * s * n)
        let storage = UnsafeMutableRawPointer.allocate(byteCount: RungeKuttaStep<Double>.byteCount(stages: s), alignment: 16)
        defer {
            k.deallocate()
            storage.deallocate()
        }
        let method = RungeKuttaStep<Double>(coefficients, storage: storage)
        method.pointSlopes(at: k, stride: n)
        let inputs = k + s * n
        var evaluations = 0
        for step in 0..<steps {
            let start = y + step * n, next = start + n
            evaluations += stages(field, method: method, t: times[step], h: sizes[step], start: start, k: k, inputs: inputs, slopes: true)
            method.proposedSolution(into: next, y: start, slopes: method.slopes, range: 0..<n)
            for component in 0..<n where !next[component].isFinite {
                throw .nonFiniteState(t: times[step + 1], step: step + 1, component: component)
            }
        }
        return evaluations
    }

    /// Computes a step's stage inputs Yᵢ (Y₀ = the start) and slopes Kᵢ (the last slope only
    /// when `slopes`), by the one explicit step, its coefficients scaled by `h`.
    @inlinable
    static func stages<Field: DifferentiableField>(
        _ field: Field, method: RungeKuttaStep<Double>, t: Double, h: Double, start: UnsafeMutablePointer<Double>,
        k: UnsafeMutablePointer<Double>, inputs: UnsafeMutablePointer<Double>, slopes: Bool
    ) -> Int {
        let n = field.dimension, s = method.stages
        method.scale(by: h)
        inputs.update(from: start, count: n)
        var evaluations = 0
        func evaluate(_ stage: Int, _ input: UnsafeMutablePointer<Double>) {
            guard slopes || stage < s - 1 else { return }
            field.evaluate(t: t + method.c[stage] * h, state: UnsafeBufferPointer(start: input, count: n),
                           derivative: UnsafeMutableBufferPointer(start: k + stage * n, count: n))
            evaluations += 1
        }
        evaluate(0, inputs)
        for stage in 1..<s {
            method.stageInput(stage, into: inputs + stage * n, y: start, count: n)
            evaluate(stage, inputs + stage * n)
        }
        return evaluations
    }

    /// The reverse pass: `K̄ᵢ = h bᵢ ȳ + h Σ_{j>i} a_ji Ȳⱼ`, `Ȳᵢ = K̄ᵢᵀ ∂f/∂y(Yᵢ)`,
    /// `θ̄ += K̄ᵢᵀ ∂f/∂θ(Yᵢ)`, then `ȳ ← ȳ + Σᵢ Ȳᵢ`, adding the loss gradients at observed steps.
    @inlinable
    static func reverse<Field: DifferentiableField>(
        _ field: Field, coefficients: RungeKuttaCoefficients, times: [Double], sizes: [Double], states y: UnsafeMutablePointer<Double>,
        steps: Int, observationSteps: [Int], loss: PointLoss
    ) -> LossGradient {
        let n = field.dimension
        return reverse(field, coefficients: coefficients, times: times, sizes: sizes, stateAt: { y + $0 * n }, steps: steps,
                       observationSteps: observationSteps, loss: loss)
    }

    /// The reverse pass with states fetched by `stateAt(step)` (stored, or recomputed from a checkpoint).
    @inlinable
    static func reverse<Field: DifferentiableField>(
        _ field: Field, coefficients: RungeKuttaCoefficients, times: [Double], sizes: [Double],
        stateAt: (Int) -> UnsafeMutablePointer<Double>, steps: Int, observationSteps: [Int], loss: PointLoss
    ) -> LossGradient {
        let n = field.dimension, p = field.parameterCount, s = coefficients.stages
        // Vectors, then the step's coefficients.
        let total = 2 * s * n + 3 * n + s * n + p
        let storage = UnsafeMutableRawPointer.allocate(byteCount: 8 * total + RungeKuttaStep<Double>.byteCount(stages: s), alignment: 16)
            .initializeMemory(as: Double.self, repeating: 0, count: total)
        defer { storage.deallocate() }
        let method = RungeKuttaStep<Double>(coefficients, storage: UnsafeMutableRawPointer(storage + total))
        method.pointSlopes(at: storage, stride: n)
        let a = coefficients.a, b = coefficients.b, c = coefficients.c
        let k = storage, inputs = k + s * n, adjoint = inputs + s * n, pointGradient = adjoint + n
        let inputAdjoint = pointGradient + n, stageAdjoints = inputAdjoint + n, theta = stageAdjoints + s * n
        var evaluations = 0, products = 0
        var lossTotal = 0.0
        var observation = observationSteps.count - 1
        func addLoss(at step: Int) {
            while observation >= 0, observationSteps[observation] == step {
                lossTotal += loss(observation, UnsafeBufferPointer(start: stateAt(step), count: n),
                                  UnsafeMutableBufferPointer(start: pointGradient, count: n))
                for i in 0..<n { adjoint[i] += pointGradient[i] }
                observation -= 1
            }
        }
        let thetaBuffer = UnsafeMutableBufferPointer(start: theta, count: p)
        let inputAdjointBuffer = UnsafeMutableBufferPointer(start: inputAdjoint, count: n)
        for step in stride(from: steps, through: 1, by: -1) {
            addLoss(at: step)
            let t = times[step - 1], h = sizes[step - 1]
            // The last stage's slope is never needed backwards: only the inputs Yᵢ are.
            evaluations += stages(field, method: method, t: t, h: h, start: stateAt(step - 1), k: k, inputs: inputs, slopes: false)
            for i in 0..<s { for component in 0..<n { stageAdjoints[i * n + component] = h * b[i] * adjoint[component] } }
            for i in stride(from: s - 1, through: 0, by: -1) {
                field.vectorJacobianProducts(
                    t: t + c[i] * h, state: UnsafeBufferPointer(start: inputs + i * n, count: n),
                    cotangent: UnsafeBufferPointer(start: stageAdjoints + i * n, count: n),
                    stateCotangent: inputAdjointBuffer, addingTo: thetaBuffer)
                products += 1
                for j in 0..<i where a[i * s + j] != 0 {
                    let weight = h * a[i * s + j]
                    for component in 0..<n { stageAdjoints[j * n + component] += weight * inputAdjoint[component] }
                }
                for component in 0..<n { adjoint[component] += inputAdjoint[component] }
            }
        }
        addLoss(at: 0)
        return LossGradient(loss: lossTotal, parameters: Array(UnsafeBufferPointer(start: theta, count: p)),
                            initialState: Array(UnsafeBufferPointer(start: adjoint, count: n)),
                            functionEvaluations: evaluations, vectorJacobianProducts: products)
    }
}
