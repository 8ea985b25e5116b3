#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AdaptiveSolver {
    /// The gradient of a loss at `observationTimes` through an adaptive solve, by backpropagation
    /// through its accepted steps with the step sizes treated as constants (as torchdiffeq does):
    /// the gradient of the computed solution for the steps the controller chose.
    ///
    /// For a method with a continuous extension (`denseOutput`: dopri5, tsit5) the solve runs once,
    /// continuously, from `startTime` to the last observation time, and the observations are read
    /// by dense output, as torchdiffeq and diffrax read their save times; the reverse pass
    /// backpropagates through the interpolants and the recorded stages without solving again.
    /// Otherwise, or with `steppingToObservations`, the solve runs piecewise from one observation
    /// time to the next so that steps land exactly on each of them.
    @inlinable
    public func gradient<Field: DifferentiableField>(
        _ field: Field, initialState: [Double], from startTime: Double, observationTimes: [Double], loss: PointLoss,
        steppingToObservations: Bool = false
    ) throws(SolveFailure) -> LossGradient {
        _ = try checkObservationTimes(observationTimes, from: startTime)
        if differentiatesDenseOutput(steppingToObservations: steppingToObservations) {
            return try denseOutputGradient(field, initialState: initialState, from: startTime, observationTimes: observationTimes, loss: loss)
        }
        return try piecewiseGradient(field, initialState: initialState, from: startTime, observationTimes: observationTimes, loss: loss)
    }

    /// Checks that `times` increase from `startTime`; returns the last.
    @inlinable
    func checkObservationTimes(_ times: [Double], from startTime: Double) throws(SolveFailure) -> Double {
        guard let end = times.last, end >= startTime, zip(times, times.dropFirst()).allSatisfy({ $0 < $1 }),
              times.first.map({ $0 >= startTime }) ?? false else {
            throw .invalidProblem("observation times must increase from t_start")
        }
        return end
    }

    /// Whether the gradient runs one continuous solve read by dense output (methods with a
    /// continuous extension of their own order: dopri5, tsit5) rather than landing on each observation.
    @inlinable
    func differentiatesDenseOutput(steppingToObservations: Bool) -> Bool {
        guard !steppingToObservations, case .polynomial = denseOutput else { return false }
        return true
    }

    /// The gradient through a solve that lands on every observation time: piecewise solves, the
    /// states recomputed along the recorded steps, then the generic reverse pass.
    @inlinable
    func piecewiseGradient<Field: DifferentiableField>(
        _ field: Field, initialState: [Double], from startTime: Double, observationTimes: [Double], loss: PointLoss
    ) throws(SolveFailure) -> LossGradient {
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
        var result = try StepBackpropagation.gradient(field, coefficients: coefficients, times: times, sizes: sizes, states: &states,
                                                      steps: steps, observationSteps: observationSteps, loss: loss)
        result.functionEvaluations += solveEvaluations
        result.forwardEvaluations = solveEvaluations
        return result
    }

    /// The gradient through one continuous solve whose observations are read by the method's
    /// dense output `y(t + θh) = yₙ + h Σᵢ bᵢ(θ) Kᵢ`.
    ///
    /// The forward pass takes exactly the steps `solve(…, saveAt: .times(observationTimes))`
    /// takes and records each accepted step's size and stage inputs Yᵢ (a tape of fixed-size
    /// blocks, added as the solve goes, so recorded steps are never moved). The reverse pass runs, for each step backwards,
    /// `K̄ᵢ = h bᵢ ȳ + Σ_obs h bᵢ(θ) g_obs + h Σ_{j>i} a_ji Ȳⱼ`, `Ȳᵢ = K̄ᵢᵀ ∂f/∂y(Yᵢ)`,
    /// `θ̄ += K̄ᵢᵀ ∂f/∂θ(Yᵢ)`, `ȳₙ = ȳₙ₊₁ + Σ_obs g_obs + Σᵢ Ȳᵢ`: one vector–Jacobian product per
    /// stage and no evaluation of the field. With a first-same-as-last method the last stage of
    /// one step and the first of the next are one evaluation, differentiated once.
    ///
    /// For a field that keeps its evaluations (`keepsEvaluations`), every stage
    /// of the forward pass is evaluated into a slot (a rejected attempt's slots are reused) and the
    /// reverse pass takes its products from that slot.
    @inlinable
    func denseOutputGradient<Field: DifferentiableField>(
        _ field: Field, initialState: [Double], from startTime: Double, observationTimes: [Double], loss: PointLoss
    ) throws(SolveFailure) -> LossGradient {
        let n = field.dimension, p = field.parameterCount, s = tableau.stages
        let endTime = observationTimes[observationTimes.count - 1]
        _ = try AdaptiveStepping.validate(initialCount: initialState.count, dimension: n, from: startTime, to: endTime,
                                          tolerances: controller.tolerances, saveAt: .steps)
        guard case let .polynomial(denseRows) = denseOutput, tableau.isAdaptive else {
            throw .invalidProblem("\(tableau.name) has no error estimate or no continuous extension")
        }
        let degree = denseRows[0].count
        let fsal = tableau.isFSAL
        let observations = observationTimes.count

        // Coefficients: the step's term lists; b and the dense rows (s × degree) for the reverse pass.
        let stepStorage = UnsafeMutableRawPointer.allocate(byteCount: RungeKuttaStep<Double>.byteCount(stages: s), alignment: 16)
        let dense = UnsafeMutablePointer<Double>.allocate(capacity: s * degree + s)
        defer {
            stepStorage.deallocate()
            dense.deallocate()
        }
        let method = RungeKuttaStep<Double>(coefficients, storage: stepStorage)
        let a = coefficients.a, b = coefficients.b, c = coefficients.c
        let d = dense, stageWeights = dense + s * degree
        for i in 0..<s { for m in 0..<degree { d[i * degree + m] = denseRows[i][m] } }

        // Work vectors: y, yNew, error, k (s + 1 rows), scratch (2), tolerances (2), observed states,
        // point gradients, and the reverse pass's adjoint, stage adjoints, input adjoint, θ̄. The
        // observed states and point gradients are written before they are read (each gradient
        // cleared just before its loss term), the rest start at zero.
        let vectors = 3 * n + (s + 1) * n + 2 * n + 2 * n + 2 * observations * n + n + s * n + n + p
        let work = UnsafeMutablePointer<Double>.allocate(capacity: max(vectors, 1))
        let observedStart = 3 * n + (s + 1) * n + 2 * n + 2 * n, observedEnd = observedStart + 2 * observations * n
        work.initialize(repeating: 0, count: observedStart)
        (work + observedEnd).initialize(repeating: 0, count: max(vectors, 1) - observedEnd)
        defer { work.deallocate() }
        let y = work, yNew = y + n, errorVector = yNew + n, k = errorVector + n, scratch = k + (s + 1) * n
        let rtol = scratch + 2 * n, atol = rtol + n, observed = atol + n, pointGradients = observed + observations * n
        let adjoint = pointGradients + observations * n, stageAdjoints = adjoint + n, inputAdjoint = stageAdjoints + s * n
        let theta = inputAdjoint + n
        method.pointSlopes(at: k, stride: n)
        controller.tolerances.expand(relative: rtol, absolute: atol, count: n)
        for i in 0..<n { y[i] = initialState[i] }

        // The tape: per accepted step its start time, size and s stage inputs, the inputs in blocks
        // of `blockSteps` steps.
        let record = s * n, blockSteps = 16
        var blocks = [UnsafeMutablePointer<Double>]()
        func recorded(_ step: Int) -> UnsafeMutablePointer<Double> { blocks[step / blockSteps] + (step % blockSteps) * record }
        var stepTimes = [Double](), stepSizes = [Double]()
        stepTimes.reserveCapacity(blockSteps)
        stepSizes.reserveCapacity(blockSteps)
        defer { for block in blocks { block.deallocate() } }
        // Where each observation lies: on the state at the start of step `exact` (≥ 0), or inside
        // step `inside` at fraction `fraction`.
        var exact = [Int](repeating: -1, count: observations), inside = [Int](repeating: -1, count: observations)
        var fraction = [Double](repeating: 0, count: observations)
        var nextObservation = 0

        var statistics = SolveStatistics()
        var t = startTime
        func evaluate(_ time: Double, _ input: UnsafeMutablePointer<Double>, into row: UnsafeMutablePointer<Double>) {
            field.evaluate(t: time, state: UnsafeBufferPointer(start: input, count: n), derivative: UnsafeMutableBufferPointer(start: row, count: n))
            statistics.functionEvaluations += 1
        }
        // Kept evaluations: the slot of each accepted step's stages, the slot of the current K₀ and the next free one.
        let keeps = field.keepsEvaluations
        var stageSlots = [Int](), firstSlot = 0, freeSlot = 0
        func evaluate(_ time: Double, _ input: UnsafeMutablePointer<Double>, into row: UnsafeMutablePointer<Double>, slot: Int) {
            if keeps {
                field.evaluate(t: time, state: UnsafeBufferPointer(start: input, count: n), derivative: UnsafeMutableBufferPointer(start: row, count: n),
                               keepingAs: slot)
                statistics.functionEvaluations += 1
            } else {
                evaluate(time, input, into: row)
            }
        }
        while nextObservation < observations, observationTimes[nextObservation] == t {
            exact[nextObservation] = 0
            (observed + nextObservation * n).update(from: y, count: n)
            nextObservation += 1
        }

        if endTime > startTime {
            evaluate(t, y, into: k, slot: 0)
            freeSlot = 1
            if !(0..<n).allSatisfy({ k[$0].isFinite }) {
                throw .nonFiniteState(t: t, step: 0, component: (0..<n).first { !k[$0].isFinite } ?? 0)
            }
            let q = tableau.controlOrder
            let span = endTime - startTime
            let h0 = controller.firstStep.map(abs) ?? InitialStep.estimate(
                n: n, t: t, y: y, f0: k, f1: k + s * n, span: span, direction: 1, order: q - 1,
                evaluate: { time, input in evaluate(time, input, into: k + s * n) },
                norm: { ErrorNorm.rms($0, reference: $1, count: n, relative: rtol, absolute: atol) }, scratch: scratch)
            var control = StepControl(h: min(h0, controller.maximumStep, span), controller: controller, q: q)

            while endTime - t > 0 {
                let last = try control.prepare(t: t, endTime: endTime, statistics: statistics)
                let h = control.h
                let accepted = stepTimes.count
                if accepted == blocks.count * blockSteps {
                    blocks.append(.allocate(capacity: blockSteps * record))
                }
                // Stage inputs straight into the tape: Y₀ = yₙ, Yᵢ = yₙ + h Σⱼ aᵢⱼ Kⱼ.
                let inputs = recorded(accepted)
                inputs.update(from: y, count: n)
                let attemptSlot = freeSlot
                method.scale(by: h)
                for stage in 1..<s {
                    method.stageInput(stage, into: inputs + stage * n, y: y, count: n)
                    evaluate(t + c[stage] * h, inputs + stage * n, into: k + stage * n, slot: attemptSlot + stage - 1)
                }
                // The new solution (the last stage input when FSAL) and the error estimate.
                if fsal { yNew.update(from: inputs + (s - 1) * n, count: n) }
                method.finish(count: n, y: y, yNew: yNew, error: errorVector, secondary: errorVector)
                statistics.steps += 1
                let (stepAccepted, error) = control.judge(error: errorVector, y: y, yNew: yNew, relative: rtol, absolute: atol, count: n,
                                                          endOfStep: t + h, statistics: &statistics)
                guard stepAccepted else { continue }
                let tNew = last ? endTime : t + h
                if keeps {
                    stageSlots.append(firstSlot)
                    for stage in 1..<s { stageSlots.append(attemptSlot + stage - 1) }
                    freeSlot = attemptSlot + s - 1
                }
                if fsal {
                    (k + s * n).update(from: k + (s - 1) * n, count: n)
                    firstSlot = attemptSlot + s - 2
                } else {
                    evaluate(tNew, yNew, into: k + s * n, slot: freeSlot)
                    firstSlot = freeSlot
                    freeSlot += 1
                }
                // Observations in (t, tNew]: the end point itself, or the continuous extension.
                while nextObservation < observations, observationTimes[nextObservation] <= tNew {
                    let time = observationTimes[nextObservation]
                    let output = observed + nextObservation * n
                    if time == tNew {
                        exact[nextObservation] = accepted + 1
                        output.update(from: yNew, count: n)
                    } else {
                        let fractionValue = (time - t) / h
                        inside[nextObservation] = accepted
                        fraction[nextObservation] = fractionValue
                        for component in 0..<n { output[component] = 0 }
                        DenseOutput.stageWeights(rows: d, stages: s, degree: degree, theta: fractionValue, into: stageWeights)
                        for i in 0..<s {
                            let weight = stageWeights[i], slope = k + i * n
                            for component in 0..<n { output[component] += weight * slope[component] }
                        }
                        for component in 0..<n { output[component] = y[component] + h * output[component] }
                    }
                    nextObservation += 1
                }
                statistics.accepted += 1
                stepTimes.append(t)
                stepSizes.append(h)
                t = tNew
                y.update(from: yNew, count: n)
                k.update(from: k + s * n, count: n)
                control.accept(error: error)
            }
        }
        let steps = stepTimes.count

        // The loss terms and their gradients.
        var lossTotal = 0.0
        for index in 0..<observations {
            (pointGradients + index * n).initialize(repeating: 0, count: n)
            lossTotal += loss(index, UnsafeBufferPointer(start: observed + index * n, count: n),
                              UnsafeMutableBufferPointer(start: pointGradients + index * n, count: n))
        }

        // Reverse pass.
        let thetaBuffer = UnsafeMutableBufferPointer(start: theta, count: p)
        let inputAdjointBuffer = UnsafeMutableBufferPointer(start: inputAdjoint, count: n)
        var products = 0
        var observation = observations - 1
        func addExact(_ state: Int) {
            while observation >= 0, exact[observation] == state {
                let g = pointGradients + observation * n
                for component in 0..<n { adjoint[component] += g[component] }
                observation -= 1
            }
        }
        var step = steps - 1
        while step >= 0 {
            addExact(step + 1)
            let h = stepSizes[step], time = stepTimes[step]
            let inputs = recorded(step)
            // K̄ᵢ = h bᵢ ȳₙ₊₁ (+ the FSAL stage's share carried from step n + 1, left in row s − 1).
            for i in 0..<s {
                let weight = h * b[i], row = stageAdjoints + i * n
                if fsal, i == s - 1, step < steps - 1 {
                    for component in 0..<n { row[component] += weight * adjoint[component] }
                } else {
                    for component in 0..<n { row[component] = weight * adjoint[component] }
                }
            }
            // Observations inside the step: y(θ) = yₙ + h Σ bᵢ(θ) Kᵢ.
            while observation >= 0, inside[observation] == step {
                let g = pointGradients + observation * n
                DenseOutput.stageWeights(rows: d, stages: s, degree: degree, theta: fraction[observation], into: stageWeights)
                for i in 0..<s {
                    let weight = h * stageWeights[i]
                    if weight != 0 {
                        let row = stageAdjoints + i * n
                        for component in 0..<n { row[component] += weight * g[component] }
                    }
                }
                for component in 0..<n { adjoint[component] += g[component] }
                observation -= 1
            }
            // Stages backwards.
            var i = s - 1
            while i >= 0 {
                let row = stageAdjoints + i * n
                if fsal, i == 0, step > 0 {
                    // K₀ of this step is the last stage of the previous one: carry its cotangent there.
                    (stageAdjoints + (s - 1) * n).update(from: row, count: n)
                    break
                }
                var nonzero = false
                for component in 0..<n where row[component] != 0 { nonzero = true; break }
                if nonzero {
                    if keeps {
                        field.vectorJacobianProducts(
                            kept: stageSlots[step * s + i], t: time + c[i] * h, state: UnsafeBufferPointer(start: inputs + i * n, count: n),
                            cotangent: UnsafeBufferPointer(start: row, count: n), stateCotangent: inputAdjointBuffer, addingTo: thetaBuffer)
                    } else {
                        field.vectorJacobianProducts(
                            t: time + c[i] * h, state: UnsafeBufferPointer(start: inputs + i * n, count: n),
                            cotangent: UnsafeBufferPointer(start: row, count: n), stateCotangent: inputAdjointBuffer, addingTo: thetaBuffer)
                    }
                    products += 1
                    for j in 0..<i where a[i * s + j] != 0 {
                        let weight = h * a[i * s + j], target = stageAdjoints + j * n
                        for component in 0..<n { target[component] += weight * inputAdjoint[component] }
                    }
                    for component in 0..<n { adjoint[component] += inputAdjoint[component] }
                }
                i -= 1
            }
            step -= 1
        }
        addExact(0)
        var result = LossGradient(loss: lossTotal, parameters: Array(UnsafeBufferPointer(start: theta, count: p)),
                                  initialState: Array(UnsafeBufferPointer(start: adjoint, count: n)),
                                  functionEvaluations: statistics.functionEvaluations, vectorJacobianProducts: products)
        result.forwardEvaluations = statistics.functionEvaluations
        return result
    }
}
