/// Solves an ODE with an embedded explicit Runge–Kutta pair, adapting the step size to the error
/// estimate: the solver proposes, the controller decides (diffrax's split of solver and
/// controller). Integrates forward or backward in time.
public struct AdaptiveSolver: Sendable {
    /// The method; must have embedded weights.
    public let tableau: ButcherTableau
    /// Step-size control and limits.
    public var controller: StepSizeController
    /// The coupling matrix flattened row-major (`a[i][j]` at `i * stages + j`), computed once.
    @usableFromInline let flatA: [Double]
    /// `b − b̂`: weights of the error estimate.
    @usableFromInline let errorWeights: [Double]
    /// `b − b̂₃` for a combined estimator, else empty.
    @usableFromInline let secondaryErrorWeights: [Double]

    /// Creates a solver.
    public init(tableau: ButcherTableau, controller: StepSizeController) {
        self.tableau = tableau
        self.controller = controller
        let s = tableau.stages
        var flat = [Double](repeating: 0, count: s * s)
        for i in 0..<s { for j in 0..<i { flat[i * s + j] = tableau.a[i][j] } }
        flatA = flat
        errorWeights = tableau.embeddedWeights.map { embedded in (0..<s).map { tableau.b[$0] - embedded[$0] } } ?? []
        secondaryErrorWeights = tableau.secondaryWeights.map { weights in (0..<s).map { tableau.b[$0] - weights[$0] } } ?? []
    }

    /// Integrates `field` from `initialState` at `startTime` to `endTime`.
    @inlinable
    public func solve<Field: VectorField>(
        _ field: Field, initialState: [Field.Scalar], from startTime: Double, to endTime: Double, saveAt: SaveAt = .steps
    ) throws(SolveFailure) -> Solution {
        let workspace = AdaptiveWorkspace<Field.Scalar>(dimension: field.dimension, stages: tableau.workspaceStages)
        return try solve(field, initialState: initialState, from: startTime, to: endTime, saveAt: saveAt, workspace: workspace)
    }

    /// Integrates using `workspace` for every buffer of the step loop. Inlinable, so that each
    /// caller gets a copy specialised for its field (no dynamic dispatch per evaluation).
    @inlinable
    public func solve<Field: VectorField>(
        _ field: Field, initialState: [Field.Scalar], from startTime: Double, to endTime: Double,
        saveAt: SaveAt, workspace: AdaptiveWorkspace<Field.Scalar>
    ) throws(SolveFailure) -> Solution {
        typealias Scalar = Field.Scalar
        let n = field.dimension
        guard tableau.isAdaptive, let embedded = tableau.embeddedWeights, let embeddedOrder = tableau.embeddedOrder else {
            throw .invalidProblem("\(tableau.name) has no error estimate; use h and steps, or an adaptive method")
        }
        let (direction, saveTimes) = try AdaptiveStepping.validate(
            initialCount: initialState.count, dimension: n, from: startTime, to: endTime,
            tolerances: controller.tolerances, saveAt: saveAt)
        guard workspace.dimension == n, workspace.stages == tableau.workspaceStages else {
            throw .invalidProblem("the workspace was made for another system or method")
        }

        let s = tableau.stages
        let y = workspace.state, yNew = workspace.newState, yStage = workspace.stageState
        let errorVector = workspace.error, k = workspace.slopes
        let rtol = workspace.relative, atol = workspace.absolute
        let tolerances = controller.tolerances
        for i in 0..<n {
            rtol[i] = tolerances.relative.count == 1 ? tolerances.relative[0] : tolerances.relative[i]
            atol[i] = tolerances.absolute.count == 1 ? tolerances.absolute[0] : tolerances.absolute[i]
            y[i] = initialState[i]
        }
        _ = embedded
        _ = embeddedOrder
        // Coefficients as raw buffers in the workspace: no bounds or overflow checks in the loops.
        let a = workspace.coefficients, b = a + s * s, c = b + s, e = c + s, e3 = e + s
        let combined = !secondaryErrorWeights.isEmpty
        for i in 0..<(s * s) { a[i] = Scalar(flatA[i]) }
        for i in 0..<s {
            b[i] = Scalar(tableau.b[i])
            c[i] = Scalar(tableau.c[i])
            e[i] = Scalar(errorWeights[i])
            e3[i] = combined ? Scalar(secondaryErrorWeights[i]) : 0
        }
        let q = tableau.controlOrder
        let fsal = tableau.isFSAL

        var statistics = SolveStatistics()
        var recorder = SolutionRecorder(dimension: n, saveAt: saveAt, outputTimes: saveTimes, direction: direction)
        var t = startTime
        recorder.start(at: t, y)
        if startTime == endTime { return recorder.finish(at: t, y, statistics: statistics) }

        let yBuffer = UnsafeBufferPointer(start: UnsafePointer(yStage), count: n)
        func evaluate(_ time: Double, _ input: UnsafeMutablePointer<Scalar>, into stage: Int) {
            if input != yStage { yStage.update(from: input, count: n) }
            field.evaluate(t: Scalar(time), state: yBuffer, derivative: UnsafeMutableBufferPointer(start: k + stage * n, count: n))
            statistics.functionEvaluations += 1
        }
        func scaledNorm(_ vector: UnsafeMutablePointer<Scalar>, reference: UnsafeMutablePointer<Scalar>) -> Double {
            var sum = 0.0
            for i in 0..<n {
                let scale = atol[i] + rtol[i] * abs(Double(reference[i]))
                let ratio = Double(vector[i]) / scale
                sum += ratio * ratio
            }
            return (sum / Double(n)).squareRoot()
        }

        // k[0] = f(t0, y0).
        evaluate(t, y, into: 0)
        if !(0..<n).allSatisfy({ k[$0].isFinite }) {
            throw .nonFiniteState(t: t, step: 0, component: (0..<n).first { !k[$0].isFinite } ?? 0)
        }
        let span = abs(endTime - startTime)
        let h = controller.firstStep.map(abs) ?? InitialStep.estimate(
            n: n, t: t, y: y, f0: k, f1: k + s * n, span: span, direction: direction, order: q - 1,
            evaluate: { time, input in evaluate(time, input, into: s) }, norm: scaledNorm, scratch: workspace.scratch)
        var control = StepControl(h: min(h, controller.maximumStep, span), controller: controller, q: q)

        while (endTime - t) * direction > 0 {
            let last = try control.prepare(t: t, endTime: endTime, statistics: statistics)
            let signedH = control.h * direction
            let hs = Scalar(signedH)
            // Stages 1..s-1 (stage 0 is k[0], from FSAL or the previous evaluation).
            // Stage inputs, component-inner so that long (batched) states vectorise, in tiles that
            // stay in L1 while every earlier slope is added in.
            let tile = 512
            var stage = 1
            while stage < s {
                let row = a + stage &* s
                var start = 0
                while start < n {
                    let end = min(start &+ tile, n)
                    for component in start..<end { yStage[component] = y[component] }
                    var j = 0
                    while j < stage {
                        let coefficient = hs * row[j]
                        if coefficient != 0 {
                            let slope = k + j &* n
                            for component in start..<end { yStage[component] += coefficient * slope[component] }
                        }
                        j &+= 1
                    }
                    start = end
                }
                evaluate(t + Double(c[stage]) * signedH, yStage, into: stage)
                stage &+= 1
            }
            // The new solution (the last stage input when FSAL) and the error estimate.
            var start = 0
            while start < n {
                let end = min(start &+ tile, n)
                for component in start..<end {
                    yNew[component] = fsal ? yStage[component] : y[component]
                    errorVector[component] = 0
                }
                var i = 0
                while i < s {
                    let slope = k + i &* n
                    let weight = hs * b[i], errorWeight = hs * e[i]
                    if !fsal, weight != 0 {
                        for component in start..<end { yNew[component] += weight * slope[component] }
                    }
                    if errorWeight != 0 {
                        for component in start..<end { errorVector[component] += errorWeight * slope[component] }
                    }
                    i &+= 1
                }
                start = end
            }
            var secondarySquares = 0.0
            if combined {
                for component in 0..<n {
                    var third: Scalar = 0
                    for i in 0..<s { third += e3[i] * k[i &* n &+ component] }
                    let scale = atol[component] + rtol[component] * max(abs(Double(y[component])), abs(Double(yNew[component])))
                    let ratio = signedH * Double(third) / scale
                    secondarySquares += ratio * ratio
                }
            }
            statistics.steps += 1
            var maxReference = 0.0
            var sum = 0.0
            for i in 0..<n {
                let scale = atol[i] + rtol[i] * max(abs(Double(y[i])), abs(Double(yNew[i])))
                let ratio = Double(errorVector[i]) / scale
                sum += ratio * ratio
                maxReference = max(maxReference, abs(Double(yNew[i])))
            }
            var error = (sum / Double(n)).squareRoot()
            if combined {
                // Hairer's DOP853 estimate: ‖e5‖² / sqrt(n (‖e5‖² + 0.01 ‖e3‖²)).
                let denominator = sum + 0.01 * secondarySquares
                error = denominator > 0 ? sum / (Double(n) * denominator).squareRoot() : 0
            }
            guard control.judge(error: error, stateIsFinite: maxReference.isFinite,
                                failure: (t + signedH, (0..<n).first { !yNew[$0].isFinite } ?? 0), statistics: &statistics) else {
                continue
            }
            let tNew = last ? endTime : t + signedH
            // The slope at the new point: the FSAL stage, or one more evaluation (needed for the next step anyway).
            let lastStage = s
            if fsal {
                (k + lastStage * n).update(from: k + (s - 1) * n, count: n)
            } else {
                evaluate(tNew, yNew, into: lastStage)
            }
            // Dense output for requested times in (t, tNew].
            var extrasReady = false
            while let outputTime = recorder.pendingOutput(before: tNew) {
                if let continuation = tableau.extendedDense, !extrasReady {
                    // Extra stages: rows s+1... (row s holds the slope at the new point, which is stage s−1).
                    for (index, row) in continuation.a.enumerated() {
                        for component in 0..<n {
                            var sum: Scalar = 0
                            for (j, coefficient) in row.enumerated() where coefficient != 0 {
                                let source = j < s ? j : j + 1
                                sum += Scalar(coefficient) * k[source * n + component]
                            }
                            yStage[component] = y[component] + hs * sum
                        }
                        evaluate(t + continuation.c[index] * signedH, yStage, into: s + 1 + index)
                    }
                    extrasReady = true
                }
                let theta = (outputTime - t) / signedH
                interpolate(theta: theta, h: signedH, n: n, y: y, yNew: yNew, k: k, into: workspace.scratch)
                recorder.recordOutput(workspace.scratch)
            }
            statistics.accepted += 1
            t = tNew
            y.update(from: yNew, count: n)
            k.update(from: k + lastStage * n, count: n)
            recorder.accepted(at: t, y)
            if recorder.states.count > controller.maximumSavedValues {
                throw .savedValuesLimit(t: t, limit: controller.maximumSavedValues)
            }
            control.accept(error: error)
        }
        return recorder.finish(at: t, y, statistics: statistics)
    }

    /// y(t + θh) from the step's stages: the method's continuous extension, or cubic Hermite
    /// interpolation between the two ends and their slopes (`k[0]` at the start, `k[s]` at the end).
    @inlinable
    func interpolate<Scalar: BinaryFloatingPoint>(
        theta thetaValue: Double, h hValue: Double, n: Int, y: UnsafeMutablePointer<Scalar>, yNew: UnsafeMutablePointer<Scalar>,
        k: UnsafeMutablePointer<Scalar>, into output: UnsafeMutablePointer<Scalar>
    ) {
        let theta = Scalar(thetaValue), h = Scalar(hValue)
        let s = tableau.stages
        if let continuation = tableau.extendedDense {
            // Hairer's DOP853 form: F0 = Δy, F1 = h f0 − Δy, F2 = 2Δy − h(f0 + f1), F3...6 = h d·K,
            // y(θ) = y0 + F0 θ + F1 θ(1−θ) + F2 θ²(1−θ) + ... (alternating factors θ and 1−θ).
            let rows = continuation.d.count
            for component in 0..<n {
                let delta = yNew[component] - y[component]
                let f0 = k[component], f1 = k[s * n + component]
                var coefficients = [delta, h * f0 - delta, 2 * delta - h * (f0 + f1)]
                for r in 0..<rows {
                    var sum: Scalar = 0
                    for (j, weight) in continuation.d[r].enumerated() where weight != 0 {
                        let source = j < s ? j : j + 1
                        sum += Scalar(weight) * k[source * n + component]
                    }
                    coefficients.append(h * sum)
                }
                var value: Scalar = 0
                for (i, coefficient) in coefficients.reversed().enumerated() {
                    value += coefficient
                    value *= i % 2 == 0 ? theta : 1 - theta
                }
                output[component] = y[component] + value
            }
        } else if let dense = tableau.denseOutput {
            for component in 0..<n {
                var sum: Scalar = 0
                for i in 0..<s {
                    let row = dense[i]
                    var weight: Scalar = 0, power = theta
                    for coefficient in row {
                        weight += Scalar(coefficient) * power
                        power *= theta
                    }
                    sum += weight * k[i * n + component]
                }
                output[component] = y[component] + h * sum
            }
        } else {
            let h00 = (1 + 2 * theta) * (1 - theta) * (1 - theta), h10 = theta * (1 - theta) * (1 - theta)
            let h01 = theta * theta * (3 - 2 * theta), h11 = theta * theta * (theta - 1)
            for component in 0..<n {
                output[component] = h00 * y[component] + h10 * h * k[component]
                    + h01 * yNew[component] + h11 * h * k[s * n + component]
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
