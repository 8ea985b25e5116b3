/// Solves an ODE with an embedded explicit Runge–Kutta pair, adapting the step size to the error
/// estimate: the solver proposes, the controller decides (diffrax's split of solver and
/// controller). Integrates forward or backward in time.
public struct AdaptiveSolver: Sendable {
    /// The method; must have embedded weights.
    public let tableau: ButcherTableau
    /// Step-size control and limits.
    public var controller: StepSizeController
    /// The tableau flattened for the step (computed once, with the tableau).
    @inlinable
    package var coefficients: RungeKuttaCoefficients { tableau.flattened }
    /// How the solver reads the solution between steps.
    @usableFromInline let denseOutput: DenseOutput

    /// Creates a solver.
    public init(tableau: ButcherTableau, controller: StepSizeController) {
        self.tableau = tableau
        self.controller = controller
        denseOutput = DenseOutput(tableau)
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
        guard tableau.isAdaptive else {
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
        controller.tolerances.expand(relative: rtol, absolute: atol, count: n)
        for i in 0..<n { y[i] = initialState[i] }
        let step = RungeKuttaStep<Scalar>(coefficients, storage: workspace.stepStorage)
        let q = tableau.controlOrder
        let fsal = step.isFSAL

        var statistics = SolveStatistics()
        var recorder = SolutionRecorder(dimension: n, saveAt: saveAt, outputTimes: saveTimes, direction: direction)
        var t = startTime
        recorder.start(at: t, y)
        if startTime == endTime { return recorder.finish(at: t, y, statistics: statistics) }

        func evaluate(_ time: Double, _ input: UnsafeMutablePointer<Scalar>, into stage: Int) {
            field.evaluate(t: Scalar(time), state: UnsafeBufferPointer(start: input, count: n),
                           derivative: UnsafeMutableBufferPointer(start: k + stage &* n, count: n))
            statistics.functionEvaluations += 1
        }
        step.pointSlopes(at: k, stride: n)
        let slope = { (stage: Int) in k + stage &* n }

        // k[0] = f(t0, y0).
        evaluate(t, y, into: 0)
        if !(0..<n).allSatisfy({ k[$0].isFinite }) {
            throw .nonFiniteState(t: t, step: 0, component: (0..<n).first { !k[$0].isFinite } ?? 0)
        }
        let span = abs(endTime - startTime)
        let h = controller.firstStep.map(abs) ?? InitialStep.estimate(
            n: n, t: t, y: y, f0: k, f1: k + s * n, span: span, direction: direction, order: q - 1,
            evaluate: { time, input in evaluate(time, input, into: s) },
            norm: { ErrorNorm.rms($0, reference: $1, count: n, relative: rtol, absolute: atol) }, scratch: workspace.scratch)
        var control = StepControl(h: min(h, controller.maximumStep, span), controller: controller, q: q)

        while (endTime - t) * direction > 0 {
            let last = try control.prepare(t: t, endTime: endTime, statistics: statistics)
            let signedH = control.h * direction
            step.scale(by: signedH)
            // Stages 1..s-1 (stage 0 is k[0], from FSAL or the previous evaluation); the last
            // stage input of a first-same-as-last method is the proposed solution itself.
            var stage = 1
            while stage < s {
                let input = fsal && stage == s &- 1 ? yNew : yStage
                step.stageInput(stage, into: input, y: y, count: n)
                evaluate(t + step.c[stage] * signedH, input, into: stage)
                stage &+= 1
            }
            step.finish(count: n, y: y, yNew: yNew, error: errorVector, secondary: workspace.secondaryError)
            statistics.steps += 1
            let (accepted, error) = control.judge(
                error: errorVector, secondary: step.hasSecondaryEstimate ? workspace.secondaryError : nil, y: y, yNew: yNew,
                relative: rtol, absolute: atol, count: n, endOfStep: t + signedH, statistics: &statistics)
            guard accepted else { continue }
            let tNew = last ? endTime : t + signedH
            // The slope at the new point: the FSAL stage, or one more evaluation (needed for the next step anyway).
            if fsal {
                (k + s * n).update(from: k + (s - 1) * n, count: n)
            } else {
                evaluate(tNew, yNew, into: s)
            }
            // Dense output for requested times in (t, tNew].
            var extrasReady = false
            while let outputTime = recorder.pendingOutput(before: tNew) {
                if case let .extended(continuation) = denseOutput, !extrasReady {
                    // Extra stages: rows s+1... (row s holds the slope at the new point, which is stage s−1).
                    let hs = Scalar(signedH)
                    for (index, row) in continuation.a.enumerated() {
                        for component in 0..<n {
                            var sum: Scalar = 0
                            for (j, coefficient) in row.enumerated() where coefficient != 0 {
                                sum += Scalar(coefficient) * k[(j < s ? j : j + 1) * n + component]
                            }
                            yStage[component] = y[component] + hs * sum
                        }
                        evaluate(t + continuation.c[index] * signedH, yStage, into: s + 1 + index)
                    }
                    extrasReady = true
                }
                denseOutput.evaluate(theta: (outputTime - t) / signedH, h: signedH, count: n, stages: s, y: y, yNew: yNew,
                                     slope: slope, into: workspace.scratch)
                recorder.recordOutput(workspace.scratch)
            }
            statistics.accepted += 1
            t = tNew
            y.update(from: yNew, count: n)
            k.update(from: k + s * n, count: n)
            recorder.accepted(at: t, y)
            if recorder.states.count > controller.maximumSavedValues {
                throw .savedValuesLimit(t: t, limit: controller.maximumSavedValues)
            }
            control.accept(error: error)
        }
        return recorder.finish(at: t, y, statistics: statistics)
    }
}
