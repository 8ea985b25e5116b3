import DenseLinearAlgebra

/// Solves stiff ODEs with an adaptive Rosenbrock method: one Jacobian and one LU factorisation
/// of `I/(hγ) − J` per step, no Newton iterations (Hairer & Wanner, *Solving ODEs II*, §IV.7).
/// Shares the step-size controller, saving and failures with the explicit solvers.
public struct RosenbrockSolver: Sendable {
    /// The method.
    public let method: RosenbrockMethod
    /// Step-size control and limits.
    public var controller: StepSizeController

    /// Creates a solver.
    public init(method: RosenbrockMethod = .rodas4, controller: StepSizeController) {
        self.method = method
        self.controller = controller
    }

    /// Integrates `field` from `initialState` at `startTime` to `endTime`.
    public func solve(
        _ field: some JacobianField, initialState: [Double], from startTime: Double, to endTime: Double, saveAt: SaveAt = .steps
    ) throws(SolveFailure) -> Solution {
        let n = field.dimension
        let (direction, saveTimes) = try AdaptiveStepping.validate(
            initialCount: initialState.count, dimension: n, from: startTime, to: endTime,
            tolerances: controller.tolerances, saveAt: saveAt)

        let s = method.stages
        // One contiguous buffer for every vector and matrix of the step loop.
        let layout = (vectors: 11 * n + s * n, matrices: 2 * n * n)
        let storage = UnsafeMutablePointer<Double>.allocate(capacity: layout.vectors + layout.matrices)
        storage.initialize(repeating: 0, count: layout.vectors + layout.matrices)
        let pivots = UnsafeMutablePointer<Int>.allocate(capacity: max(n, 1))
        pivots.initialize(repeating: 0, count: max(n, 1))
        defer {
            storage.deallocate()
            pivots.deallocate()
        }
        let y = storage, yNew = storage + n, stageInput = storage + 2 * n, f0 = storage + 3 * n, f1 = storage + 4 * n
        let dfdt = storage + 5 * n, errorVector = storage + 6 * n, scratch = storage + 7 * n  // scratch: 2n
        let rtol = storage + 9 * n, atol = storage + 10 * n
        let k = storage + 11 * n
        let jacobian = storage + layout.vectors, iteration = storage + layout.vectors + n * n
        controller.tolerances.expand(relative: rtol, absolute: atol, count: n)
        for i in 0..<n { y[i] = initialState[i] }

        var statistics = SolveStatistics()
        var recorder = SolutionRecorder(dimension: n, saveAt: saveAt, outputTimes: saveTimes, direction: direction)
        func evaluate(_ time: Double, _ input: UnsafeMutablePointer<Double>, into output: UnsafeMutablePointer<Double>) {
            field.evaluate(t: time, state: UnsafeBufferPointer(start: input, count: n),
                           derivative: UnsafeMutableBufferPointer(start: output, count: n))
            statistics.functionEvaluations += 1
        }

        var t = startTime
        recorder.start(at: t, y)
        if startTime == endTime { return recorder.finish(at: t, y, statistics: statistics) }
        evaluate(t, y, into: f0)
        if let bad = (0..<n).first(where: { !f0[$0].isFinite }) {
            throw .nonFiniteState(t: t, step: 0, component: bad)
        }
        let span = abs(endTime - startTime)
        let h = controller.firstStep.map(abs) ?? InitialStep.estimate(
            n: n, t: t, y: y, f0: f0, f1: f1, span: span, direction: direction, order: method.order,
            evaluate: { time, input in evaluate(time, input, into: f1) },
            norm: { ErrorNorm.rms($0, reference: $1, count: n, relative: rtol, absolute: atol) }, scratch: scratch)
        var control = StepControl(h: min(h, controller.maximumStep, span), controller: controller, q: method.embeddedOrder + 1)
        var jacobianCurrent = false

        while (endTime - t) * direction > 0 {
            let last = try control.prepare(t: t, endTime: endTime, statistics: statistics)
            let signedH = control.h * direction
            if !jacobianCurrent {
                field.jacobian(t: t, state: UnsafeBufferPointer(start: y, count: n),
                               into: UnsafeMutableBufferPointer(start: jacobian, count: n * n))
                field.timeDerivative(t: t, state: UnsafeBufferPointer(start: y, count: n),
                                     into: UnsafeMutableBufferPointer(start: dfdt, count: n))
                statistics.jacobianEvaluations += 1
                jacobianCurrent = true
            }
            let diagonal = 1 / (signedH * method.gamma)
            for i in 0..<(n * n) { iteration[i] = -jacobian[i] }
            for i in 0..<n { iteration[i * n + i] += diagonal }
            statistics.steps += 1
            guard LUDecomposition.factor(iteration, n: n, pivots: pivots) else {
                statistics.rejected += 1
                control.h *= 0.5
                control.justRejected = true
                continue
            }
            statistics.factorizations += 1
            for i in 0..<s {
                let ki = k + i * n
                if i == 0 {
                    ki.update(from: f0, count: n)
                } else {
                    let row = method.a[i]
                    for component in 0..<n {
                        var sum = 0.0
                        for j in 0..<i { sum += row[j] * k[j * n + component] }
                        stageInput[component] = y[component] + sum
                    }
                    evaluate(t + method.alpha[i] * signedH, stageInput, into: ki)
                }
                let cRow = method.c[i], gammaTerm = signedH * method.gammaSums[i]
                for component in 0..<n {
                    var sum = 0.0
                    for j in 0..<i { sum += cRow[j] * k[j * n + component] }
                    ki[component] += sum / signedH + gammaTerm * dfdt[component]
                }
                LUDecomposition.solve(iteration, n: n, pivots: pivots, vector: ki)
            }
            for component in 0..<n {
                var step = 0.0, error = 0.0
                for i in 0..<s {
                    step += method.m[i] * k[i * n + component]
                    error += method.e[i] * k[i * n + component]
                }
                yNew[component] = y[component] + step
                errorVector[component] = error
            }
            let (accepted, error) = control.judge(error: errorVector, y: y, yNew: yNew, relative: rtol, absolute: atol, count: n,
                                                  endOfStep: t + signedH, statistics: &statistics)
            guard accepted else { continue }
            let tNew = last ? endTime : t + signedH
            evaluate(tNew, yNew, into: f1)
            while let outputTime = recorder.pendingOutput(before: tNew) {
                DenseOutput.hermite(theta: (outputTime - t) / signedH, h: signedH, count: n, y0: y, f0: f0, y1: yNew, f1: f1, into: scratch)
                recorder.recordOutput(scratch)
            }
            statistics.accepted += 1
            t = tNew
            y.update(from: yNew, count: n)
            f0.update(from: f1, count: n)
            jacobianCurrent = false
            recorder.accepted(at: t, y)
            if recorder.states.count > controller.maximumSavedValues {
                throw .savedValuesLimit(t: t, limit: controller.maximumSavedValues)
            }
            control.accept(error: error)
        }
        return recorder.finish(at: t, y, statistics: statistics)
    }
}
