import Foundation
import Testing
@testable import ODE

@Suite("Adaptive solver")
struct AdaptiveSolverTests {
    static let methods = ButcherTableau.adaptiveMethods

    @Test("Errors land within 10x of the tolerance on problems with exact solutions", arguments: methods, [1e-6, 1e-9])
    func accuracy(tableau: ButcherTableau, rtol: Double) throws {
        let solver = AdaptiveSolver(tableau: tableau, controller: StepSizeController(rtol: rtol, atol: rtol))
        // Exponential decay over [0, 5].
        let decay = try solver.solve(ExponentialDecay(rate: -1), initialState: [1], from: 0, to: 5, saveAt: .final)
        #expect(abs(decay.finalState.first! - exp(-5)) < 10 * rtol, "\(tableau.name) decay")
        // Harmonic oscillator over half a period (global error grows with the interval: bosh3 reaches ~17x rtol per period).
        let oscillator = try solver.solve(HarmonicOscillator(), initialState: [1, 0], from: 0, to: .pi, saveAt: .final)
        #expect(abs(oscillator.finalState.first! + 1) < 10 * rtol, "\(tableau.name) oscillator")
        // Logistic growth.
        let logistic = Logistic()
        let growth = try solver.solve(logistic, initialState: [0.5], from: 0, to: 8, saveAt: .final)
        #expect(abs(growth.finalState.first! - logistic.exact(8, from: 0.5)) < 10 * rtol * 10, "\(tableau.name) logistic")
        #expect(decay.statistics.accepted + decay.statistics.rejected == decay.statistics.steps)
    }

    @Test("Tighter tolerances cost more steps and give smaller errors", arguments: methods)
    func workPrecision(tableau: ButcherTableau) throws {
        var previousError = Double.infinity, previousSteps = 0
        for rtol in [1e-4, 1e-7, 1e-10] {
            let solution = try AdaptiveSolver(tableau: tableau, controller: StepSizeController(rtol: rtol, atol: rtol))
                .solve(HarmonicOscillator(), initialState: [1, 0], from: 0, to: 10, saveAt: .final)
            let error = abs(solution.finalState.first! - cos(10))
            #expect(error < previousError)
            #expect(solution.statistics.steps > previousSteps)
            previousError = error
            previousSteps = solution.statistics.steps
        }
    }

    @Test("Dense output hits t_eval without extra steps and has the interpolant's order", arguments: methods)
    func denseOutput(tableau: ButcherTableau) throws {
        let controller = StepSizeController(rtol: 1e-10, atol: 1e-12)
        let solver = AdaptiveSolver(tableau: tableau, controller: controller)
        let times = stride(from: 0.0, through: 10, by: 0.25).map { $0 }
        let dense = try solver.solve(HarmonicOscillator(), initialState: [1, 0], from: 0, to: 10, saveAt: .times(times))
        let steps = try solver.solve(HarmonicOscillator(), initialState: [1, 0], from: 0, to: 10, saveAt: .steps)
        #expect(dense.times == times)
        #expect(dense.statistics.steps == steps.statistics.steps)
        let worst = zip(dense.times, dense.component(0)).map { abs($1 - cos($0)) }.max()!
        #expect(worst < 1e-7, "\(tableau.name): worst dense error \(worst)")

        // Interpolation error inside one big step shrinks like h^(denseOrder + 1).
        func midpointError(step: Double) throws -> Double {
            var fixed = controller
            fixed.firstStep = step
            fixed.tolerances = Tolerances(relative: 1, absolute: 1)
            fixed.maximumStep = step
            let solution = try AdaptiveSolver(tableau: tableau, controller: fixed)
                .solve(ExponentialDecay(rate: -1), initialState: [1], from: 0, to: step, saveAt: .times([step * 0.5]))
            return abs(solution.finalState.first! - exp(-step * 0.5))
        }
        let ratio = try midpointError(step: 0.2) / midpointError(step: 0.1)
        let measured = log2(ratio)
        #expect(measured > Double(tableau.denseOrder + 1) - 0.4, "\(tableau.name): dense order \(measured - 1)")
    }

    @Test("Backward integration returns to the start")
    func backward() throws {
        let solver = AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-10, atol: 1e-12))
        let forward = try solver.solve(HarmonicOscillator(), initialState: [1, 0], from: 0, to: 3, saveAt: .final)
        let back = try solver.solve(HarmonicOscillator(), initialState: Array(forward.finalState), from: 3, to: 0,
                                    saveAt: .times([2, 1, 0]))
        #expect(back.times == [2, 1, 0])
        #expect(abs(back.finalState.first! - 1) < 1e-8)
        #expect(abs(back.state(at: 0).first! - cos(2)) < 1e-8)
    }

    @Test("max_steps is a typed failure with advice")
    func maxSteps() {
        var controller = StepSizeController(rtol: 1e-12, atol: 1e-12)
        controller.maximumSteps = 10
        do {
            _ = try AdaptiveSolver(tableau: .dopri5, controller: controller)
                .solve(HarmonicOscillator(), initialState: [1, 0], from: 0, to: 100)
            Issue.record("expected a failure")
        } catch {
            guard case let .maxStepsReached(t, maxSteps) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(maxSteps == 10)
            #expect(t > 0 && t < 100)
            #expect(error.description.contains("raise max_steps"))
        }
    }

    @Test("A solution that blows up fails with a typed error, not a hang")
    func blowup() {
        do {
            _ = try AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-6, atol: 1e-9))
                .solve(Blowup(), initialState: [1], from: 0, to: 2)
            Issue.record("expected a failure")
        } catch {
            switch error {
            case let .stepSizeUnderflow(t, _), let .nonFiniteState(t, _, _):
                #expect(abs(t - 1) < 1e-3, "failed at \(t)")
            default:
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test("Bad problems are rejected, not trapped")
    func invalid() {
        let solver = AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-6, atol: 1e-9))
        #expect(throws: SolveFailure.self) {
            try solver.solve(HarmonicOscillator(), initialState: [1], from: 0, to: 1)
        }
        #expect(throws: SolveFailure.self) {
            try solver.solve(HarmonicOscillator(), initialState: [1, 0], from: 0, to: 1, saveAt: .times([2]))
        }
        #expect(throws: SolveFailure.self) {
            try AdaptiveSolver(tableau: .rk4, controller: StepSizeController(rtol: 1e-6, atol: 1e-9))
                .solve(HarmonicOscillator(), initialState: [1, 0], from: 0, to: 1)
        }
        #expect(throws: SolveFailure.self) {
            try AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(tolerances: Tolerances(relative: [1e-6, 1e-6, 1e-6], absolute: [1e-9])))
                .solve(HarmonicOscillator(), initialState: [1, 0], from: 0, to: 1)
        }
    }

    @Test("Per-component tolerances are honoured")
    func perComponentTolerances() throws {
        let tolerances = Tolerances(relative: [1e-10, 1e-3], absolute: [1e-12, 1e-3])
        let tight = try AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(tolerances: tolerances))
            .solve(HarmonicOscillator(), initialState: [1, 0], from: 0, to: 10, saveAt: .final)
        let loose = try AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-3, atol: 1e-3))
            .solve(HarmonicOscillator(), initialState: [1, 0], from: 0, to: 10, saveAt: .final)
        #expect(tight.statistics.steps > loose.statistics.steps)
    }

    @Test("The competition model with dopri5 matches a fine Euler solve's limit")
    func competition() throws {
        let model = CompetitionModel(r1: 0.1, r2: 0.3, a1: 1e-4, a2: 2e-4, iN1: 0.002, iN2: 0.003)
        let adaptive = try AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-10, atol: 1e-12))
            .solve(model, initialState: [100, 150], from: 0, to: 100, saveAt: .final)
        let rk4 = try FixedStepSolver(tableau: .rk4, stepSize: 0.01, steps: 10000, saving: .stepIndices([10000]))
            .solve(model, initialState: [100, 150])
        #expect(abs(adaptive.finalState.first! - rk4.finalState.first!) < 1e-7)
    }
}
