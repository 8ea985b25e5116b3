import Foundation
import Testing
@testable import ODE

/// The source article's observations (t, x1, x2) and the masked squared-error loss at those steps.
private let observations: [(t: Double, x1: Double, x2: Double)] = [
    (0, 100, 150), (10, 165, 283), (15, 197, 290), (30, 280, 276), (36, 305, 269), (40, 318, 266), (42, 324, 264),
]

func squaredError(_ index: Int, _ state: UnsafeBufferPointer<Double>, _ gradient: UnsafeMutableBufferPointer<Double>) -> Double {
    let target = observations[index]
    let e1 = state[0] - target.x1, e2 = state[1] - target.x2
    gradient[0] = 2 * e1
    gradient[1] = 2 * e2
    return e1 * e1 + e2 * e2
}

/// Relative error of a gradient against central differences of the loss in each parameter.
private func finiteDifferenceCheck<Field: DifferentiableField>(
    _ field: Field, solver: FixedStepSolver, initialState: [Double], steps: [Int],
    loss: @escaping PointLoss
) throws -> (parameters: Double, initialState: Double) {
    let exact = try solver.gradient(field, initialState: initialState, observationSteps: steps, loss: loss)
    func lossValue(_ field: Field, _ y0: [Double]) throws -> Double {
        try solver.gradient(field, initialState: y0, observationSteps: steps, loss: loss).loss
    }
    var worstParameter = 0.0
    let theta = field.parameters
    for k in theta.indices {
        let epsilon = 1e-5 * max(abs(theta[k]), 1e-6)
        var plus = theta, minus = theta
        plus[k] += epsilon
        minus[k] -= epsilon
        let numeric = (try lossValue(field.withParameters(plus), initialState) - lossValue(field.withParameters(minus), initialState)) / (2 * epsilon)
        worstParameter = max(worstParameter, abs(numeric - exact.parameters[k]) / max(abs(numeric), 1e-300))
    }
    var worstState = 0.0
    for i in initialState.indices {
        let epsilon = 1e-6 * max(abs(initialState[i]), 1)
        var plus = initialState, minus = initialState
        plus[i] += epsilon
        minus[i] -= epsilon
        let numeric = (try lossValue(field, plus) - lossValue(field, minus)) / (2 * epsilon)
        worstState = max(worstState, abs(numeric - exact.initialState[i]) / max(abs(numeric), 1e-300))
    }
    return (worstParameter, worstState)
}

@Suite("Gradients through fixed-step solves")
struct GradientTests {
    /// The source article's starting guess for the fit.
    static let guess = CompetitionModel(r1: 0.1, r2: 0.1, a1: 0.001, a2: 0.001, iN1: 0.001, iN2: 0.001)

    @Test("The seed's fit setup: loss and gradient of the Euler recurrence (h = 1, 50 steps)")
    func seedLossAndGradient() throws {
        let solver = FixedStepSolver(tableau: .euler, stepSize: 1, steps: 50, saving: .stepIndices([50]))
        let result = try solver.gradient(Self.guess, initialState: [100, 150], observationSteps: observations.map { Int($0.t) },
                                         loss: squaredError)
        // The source article reports an initial loss of 9.1537e5 for this setup.
        #expect(abs(result.loss - 9.1537e5) / 9.1537e5 < 1e-4, "loss \(result.loss)")
        let errors = try finiteDifferenceCheck(Self.guess, solver: solver, initialState: [100, 150],
                                               steps: observations.map { Int($0.t) }, loss: squaredError)
        #expect(errors.parameters < 1e-6, "parameters: \(errors.parameters)")
        #expect(errors.initialState < 1e-6, "initial state: \(errors.initialState)")
    }

    @Test("Gradients through every fixed-step method match finite differences", arguments: ButcherTableau.fixedStepMethods)
    func everyMethod(tableau: ButcherTableau) throws {
        let truth = CompetitionModel(r1: 0.1, r2: 0.3, a1: 1e-4, a2: 2e-4, iN1: 0.002, iN2: 0.003)
        let solver = FixedStepSolver(tableau: tableau, stepSize: 0.5, steps: 84)
        let errors = try finiteDifferenceCheck(truth.withParameters([0.12, 0.25, 2e-4, 1e-4, 0.0025, 0.0028]), solver: solver,
                                               initialState: [100, 150], steps: observations.map { Int($0.t * 2) },
                                               loss: squaredError)
        #expect(errors.parameters < 1e-6, "\(tableau.name) parameters: \(errors.parameters)")
        #expect(errors.initialState < 1e-6, "\(tableau.name) initial state: \(errors.initialState)")
    }

    @Test("At the generating parameters the gradient of the loss on exact data vanishes")
    func zeroAtTruth() throws {
        let truth = CompetitionModel(r1: 0.1, r2: 0.3, a1: 1e-4, a2: 2e-4, iN1: 0.002, iN2: 0.003)
        let solver = FixedStepSolver(tableau: .euler, stepSize: 0.1, steps: 420)
        let forward = try solver.solve(truth, initialState: [100, 150])
        let steps = [100, 150, 300, 420]
        let targets = steps.map { Array(forward.state(at: $0)) }
        let result = try solver.gradient(truth, initialState: [100, 150], observationSteps: steps) { index, state, gradient in
            var sum = 0.0
            for i in 0..<2 {
                let e = state[i] - targets[index][i]
                gradient[i] = 2 * e
                sum += e * e
            }
            return sum
        }
        #expect(result.loss == 0)
        #expect(result.parameters.allSatisfy { $0 == 0 })
    }

    @Test("Bad observation steps are rejected")
    func badSteps() {
        let solver = FixedStepSolver(tableau: .euler, stepSize: 1, steps: 10)
        #expect(throws: SolveFailure.self) {
            try solver.gradient(Self.guess, initialState: [100, 150], observationSteps: [5, 3], loss: squaredError)
        }
        #expect(throws: SolveFailure.self) {
            try solver.gradient(Self.guess, initialState: [100, 150], observationSteps: [11], loss: squaredError)
        }
    }
}

@Suite("Gradients through adaptive solves")
struct AdaptiveGradientTests {
    static let truth = CompetitionModel(r1: 0.1, r2: 0.3, a1: 1e-4, a2: 2e-4, iN1: 0.002, iN2: 0.003)
    static let times: [Double] = [0, 10, 15, 30, 36, 40, 42]

    @Test("At tight tolerances the adaptive gradient of every adaptive method matches finite differences of the solve",
          arguments: ButcherTableau.adaptiveMethods, [false, true])
    func finiteDifferences(tableau: ButcherTableau, piecewise: Bool) throws {
        let solver = AdaptiveSolver(tableau: tableau, controller: StepSizeController(rtol: 1e-11, atol: 1e-11))
        let model = Self.truth.withParameters([0.12, 0.25, 2e-4, 1e-4, 0.0025, 0.0028])
        let loss: PointLoss = { index, state, gradient in squaredError(index, state, gradient) }
        func gradient(_ model: CompetitionModel) throws -> LossGradient {
            try solver.gradient(model, initialState: [100, 150], from: 0, observationTimes: Self.times, loss: loss,
                                steppingToObservations: piecewise)
        }
        let exact = try gradient(model)
        for k in 0..<6 {
            var plus = model.parameters, minus = model.parameters
            let epsilon = 1e-5 * plus[k]
            plus[k] += epsilon
            minus[k] -= epsilon
            let numeric = (try gradient(model.withParameters(plus)).loss - gradient(model.withParameters(minus)).loss) / (2 * epsilon)
            #expect(abs(numeric - exact.parameters[k]) / abs(numeric) < 1e-5, "\(tableau.name) parameter \(k): \(numeric) vs \(exact.parameters[k])")
        }
    }

    /// A controller that accepts every step at the largest step size: the step sequence then does
    /// not depend on the parameters, so finite differences see exactly the recurrence differentiated.
    static func constantSteps(_ h: Double) -> StepSizeController {
        var controller = StepSizeController(rtol: 1e3, atol: 1e3)
        controller.firstStep = h
        controller.maximumStep = h
        return controller
    }

    @Test("With the steps held fixed the dense-output gradient is the exact derivative of the computed loss",
          arguments: [ButcherTableau.dopri5, .tsit5])
    func denseOutputExact(tableau: ButcherTableau) throws {
        let solver = AdaptiveSolver(tableau: tableau, controller: Self.constantSteps(0.7))
        let model = Self.truth.withParameters([0.12, 0.25, 2e-4, 1e-4, 0.0025, 0.0028])
        let loss: PointLoss = { index, state, gradient in squaredError(index, state, gradient) }
        func gradient(_ model: CompetitionModel, _ y0: [Double]) throws -> LossGradient {
            try solver.gradient(model, initialState: y0, from: 0, observationTimes: Self.times, loss: loss)
        }
        let exact = try gradient(model, [100, 150])
        // 42 / 0.7 steps of 7 stages. FSAL: the first stage of each step is the last of the one
        // before (the first step's is its own); the last step's last stage reaches no observation.
        #expect(exact.forwardEvaluations == exact.functionEvaluations)
        #expect(exact.vectorJacobianProducts == 60 * (tableau.stages - 1))
        for k in 0..<6 {
            var plus = model.parameters, minus = model.parameters
            let epsilon = 1e-6 * plus[k]
            plus[k] += epsilon
            minus[k] -= epsilon
            let numeric = (try gradient(model.withParameters(plus), [100, 150]).loss - gradient(model.withParameters(minus), [100, 150]).loss)
                / (2 * epsilon)
            #expect(abs(numeric - exact.parameters[k]) / abs(numeric) < 1e-7, "\(tableau.name) parameter \(k): \(numeric) vs \(exact.parameters[k])")
        }
        for i in 0..<2 {
            var plus = [100.0, 150.0], minus = plus
            plus[i] += 1e-4
            minus[i] -= 1e-4
            let numeric = (try gradient(model, plus).loss - gradient(model, minus).loss) / 2e-4
            #expect(abs(numeric - exact.initialState[i]) / abs(numeric) < 1e-7, "\(tableau.name) y0[\(i)]: \(numeric) vs \(exact.initialState[i])")
        }
    }

    @Test("The dense-output gradient's forward pass is the solve saving at the observation times", arguments: [ButcherTableau.dopri5, .tsit5])
    func denseOutputForward(tableau: ButcherTableau) throws {
        let solver = AdaptiveSolver(tableau: tableau, controller: StepSizeController(rtol: 1e-6, atol: 1e-6))
        let model = Self.truth.withParameters([0.12, 0.25, 2e-4, 1e-4, 0.0025, 0.0028])
        let times = [1.5, 10, 15, 30, 36, 40, 42]
        let loss: PointLoss = { index, state, gradient in squaredError(index, state, gradient) }
        let result = try solver.gradient(model, initialState: [100, 150], from: 0, observationTimes: times, loss: loss)
        let solution = try solver.solve(model, initialState: [100, 150], from: 0, to: 42, saveAt: .times(times))
        var expected = 0.0
        var scratch = [0.0, 0.0]
        for index in times.indices {
            let state = Array(solution.state(at: index))
            expected += state.withUnsafeBufferPointer { s in scratch.withUnsafeMutableBufferPointer { squaredError(index, s, $0) } }
        }
        #expect(abs(result.loss - expected) <= 1e-12 * expected, "\(result.loss) vs \(expected)")
        #expect(result.forwardEvaluations == solution.statistics.functionEvaluations)
        // No stage is evaluated again backwards: one product per stage, the shared FSAL stage once.
        #expect(result.functionEvaluations == result.forwardEvaluations)
        #expect(result.vectorJacobianProducts <= solution.statistics.accepted * (tableau.stages - 1) + 1)
    }

    @Test("The adaptive and a fine fixed-step gradient agree more closely as the tolerance tightens")
    func convergesToFixedStep() throws {
        let model = Self.truth.withParameters([0.12, 0.25, 2e-4, 1e-4, 0.0025, 0.0028])
        let loss: PointLoss = { index, state, gradient in squaredError(index, state, gradient) }
        let fine = try FixedStepSolver(tableau: .rk4, stepSize: 0.01, steps: 4200)
            .gradient(model, initialState: [100, 150], observationSteps: Self.times.map { Int($0 * 100) }, loss: loss)
        var previous = Double.infinity
        for rtol in [1e-5, 1e-8, 1e-11] {
            let adaptive = try AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: rtol, atol: rtol))
                .gradient(model, initialState: [100, 150], from: 0, observationTimes: Self.times, loss: loss)
            let difference = zip(adaptive.parameters, fine.parameters).map { abs($0 - $1) / abs($1) }.max()!
            #expect(difference < previous, "rtol \(rtol): \(difference)")
            previous = difference
        }
        #expect(previous < 1e-7)
    }
}

@Suite("Continuous adjoint")
struct ContinuousAdjointTests {
    static let model = CompetitionModel(r1: 0.12, r2: 0.25, a1: 2e-4, a2: 1e-4, iN1: 0.0025, iN2: 0.0028)
    static let times: [Double] = [0, 10, 15, 30, 36, 40, 42]

    @Test("Adjoint and backprop gradients agree more closely as the tolerance tightens", arguments: AdjointOptions.State.allCases)
    func agreesWithBackprop(state: AdjointOptions.State) throws {
        let loss: PointLoss = { index, state, gradient in squaredError(index, state, gradient) }
        var previous = Double.infinity
        for rtol in [1e-5, 1e-8, 1e-11] {
            let solver = AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: rtol, atol: rtol))
            let backprop = try solver.gradient(Self.model, initialState: [100, 150], from: 0, observationTimes: Self.times, loss: loss)
            let adjoint = try solver.adjointGradient(Self.model, initialState: [100, 150], from: 0, observationTimes: Self.times, loss: loss,
                                                     options: AdjointOptions(state: state))
            let difference = zip(adjoint.parameters, backprop.parameters).map { abs($0 - $1) / abs($1) }.max()!
            #expect(difference < previous, "rtol \(rtol): \(difference)")
            previous = difference
            #expect(abs(adjoint.loss - backprop.loss) / backprop.loss < 10 * rtol)
        }
        #expect(previous < 1e-6, "relative difference at rtol 1e-11: \(previous)")
    }

    @Test("The adjoint's initial-state gradient matches finite differences")
    func initialState() throws {
        let loss: PointLoss = { index, state, gradient in squaredError(index, state, gradient) }
        let solver = AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-11, atol: 1e-11))
        let adjoint = try solver.adjointGradient(Self.model, initialState: [100, 150], from: 0, observationTimes: Self.times, loss: loss)
        for i in 0..<2 {
            var plus: [Double] = [100, 150], minus: [Double] = [100, 150]
            plus[i] += 1e-4
            minus[i] -= 1e-4
            let numeric = (try solver.gradient(Self.model, initialState: plus, from: 0, observationTimes: Self.times, loss: loss).loss
                - solver.gradient(Self.model, initialState: minus, from: 0, observationTimes: Self.times, loss: loss).loss) / 2e-4
            #expect(abs(numeric - adjoint.initialState[i]) / abs(numeric) < 1e-5, "\(i): \(numeric) vs \(adjoint.initialState[i])")
        }
    }
}

extension ContinuousAdjointTests {
    @Test("The backward solve has its own tolerances; per-component forward tolerances carry over", arguments: AdjointOptions.State.allCases)
    func ownTolerances(state: AdjointOptions.State) throws {
        let loss: PointLoss = { index, state, gradient in squaredError(index, state, gradient) }
        let reference = try AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-12, atol: 1e-12))
            .gradient(Self.model, initialState: [100, 150], from: 0, observationTimes: Self.times, loss: loss)
        let perComponent = AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(
            tolerances: Tolerances(relative: [1e-6, 1e-7], absolute: [1e-6, 1e-7])))
        func error(_ options: AdjointOptions) throws -> (error: Double, evaluations: Int) {
            let adjoint = try perComponent.adjointGradient(Self.model, initialState: [100, 150], from: 0, observationTimes: Self.times,
                                                           loss: loss, options: options)
            return (zip(adjoint.parameters, reference.parameters).map { abs($0 - $1) / abs($1) }.max()!, adjoint.functionEvaluations)
        }
        let loose = try error(AdjointOptions(state: state))
        let tight = try error(AdjointOptions(state: state, relativeTolerance: 1e-11, absoluteTolerance: 1e-11))
        #expect(tight.evaluations > loose.evaluations)
        #expect(loose.error < 1e-3)
        #expect(tight.error < loose.error, "\(tight.error) vs \(loose.error)")
    }

    @Test("The interpolated forward state is exact on cubics and at stored points")
    func hermiteTrajectory() throws {
        struct Quadratic: VectorField { var dimension: Int { 1 }
            func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) { derivative[0] = 3 * t * t }
        }
        let solution = try AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-3, atol: 1e-3))
            .solve(Quadratic(), initialState: [0], from: 0, to: 2, saveAt: .steps)
        var trajectory = HermiteTrajectory(dimension: 1)
        #expect(trajectory.append(Quadratic(), solution: solution) == solution.count)
        var value = [0.0]
        for t in stride(from: 0.0, through: 2.0, by: 0.0625) {
            value.withUnsafeMutableBufferPointer { trajectory.interpolate(at: t, into: $0) }
            #expect(abs(value[0] - t * t * t) < 1e-12, "t = \(t)")
        }
        for index in 0..<solution.count {
            value.withUnsafeMutableBufferPointer { trajectory.interpolate(at: solution.times[index], into: $0) }
            #expect(value[0] == solution.state(at: index).first!)
        }
    }
}

@Suite("Checkpointed backprop")
struct CheckpointTests {
    @Test("Checkpointing gives the same gradient with fewer stored states", arguments: [1, 3, 7, 50, 1000])
    func sameGradient(checkpoints: Int) throws {
        let model = CompetitionModel(r1: 0.12, r2: 0.25, a1: 2e-4, a2: 1e-4, iN1: 0.0025, iN2: 0.0028)
        let loss: PointLoss = { index, state, gradient in squaredError(index, state, gradient) }
        for tableau in [ButcherTableau.euler, .rk4] {
            let solver = FixedStepSolver(tableau: tableau, stepSize: 0.5, steps: 84)
            let steps = [0, 20, 30, 60, 72, 80, 84]
            let full = try solver.gradient(model, initialState: [100, 150], observationSteps: steps, loss: loss)
            let saved = try solver.gradient(model, initialState: [100, 150], observationSteps: steps, checkpoints: checkpoints, loss: loss)
            #expect(abs(saved.loss - full.loss) <= 1e-12 * full.loss)
            for (a, b) in zip(saved.parameters, full.parameters) { #expect(abs(a - b) <= 1e-10 * abs(b), "\(tableau.name) \(checkpoints)") }
            for (a, b) in zip(saved.initialState, full.initialState) { #expect(abs(a - b) <= 1e-10 * abs(b)) }
        }
    }
}
