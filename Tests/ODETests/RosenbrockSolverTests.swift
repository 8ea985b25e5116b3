import Foundation
import Testing
@testable import ODE

@Suite("Rosenbrock (stiff) solver")
struct RosenbrockSolverTests {
    @Test("Robertson's problem matches a tight Radau reference")
    func robertson() throws {
        let solver = RosenbrockSolver(controller: StepSizeController(tolerances: Tolerances(relative: [1e-8], absolute: [1e-12])))
        let solution = try solver.solve(Robertson(), initialState: [1, 0, 0], from: 0, to: 1e5, saveAt: .times([40, 1e5]))
        // scipy Radau, rtol 1e-12, atol 1e-16.
        let reference: [[Double]] = [
            [0.7158270687194156, 9.1855347645587e-06, 0.28416374574582115],
            [0.017865921142322477, 7.274751468528753e-08, 0.9821340061101634],
        ]
        for (row, expected) in reference.enumerated() {
            let state = Array(solution.state(at: row))
            for (value, target) in zip(state, expected) {
                #expect(abs(value - target) <= 1e-6 * abs(target) + 1e-11, "t = \(solution.times[row]): \(value) vs \(target)")
            }
        }
        #expect(solution.statistics.steps < 1000, "\(solution.statistics.steps) steps")
        #expect(solution.statistics.jacobianEvaluations > 0)
    }

    @Test("Van der Pol with mu = 1000: rodas4 finishes where dopri5 hits max_steps")
    func stiffVanDerPol() throws {
        let field = VanDerPol(mu: 1000)
        var controller = StepSizeController(rtol: 1e-6, atol: 1e-6)
        controller.maximumSteps = 20000
        let stiff = try RosenbrockSolver(controller: controller).solve(field, initialState: [2, 0], from: 0, to: 3000, saveAt: .final)
        #expect(stiff.statistics.steps < 5000, "\(stiff.statistics.steps) steps")
        // The relaxation oscillation has period ≈ (3 − 2 ln 2) μ ≈ 1614: at t = 3000 x is back near −2…2.
        #expect(abs(stiff.finalState.first!) < 2.1)
        #expect(throws: SolveFailure.self) {
            try AdaptiveSolver(tableau: .dopri5, controller: controller).solve(field, initialState: [2, 0], from: 0, to: 3000, saveAt: .final)
        }
    }

    @Test("Fourth-order convergence on a non-autonomous problem with exact solution")
    func order() throws {
        func error(steps: Int) throws -> Double {
            let h = 2 / Double(steps)
            var controller = StepSizeController(rtol: 1e6, atol: 1e6)  // accept every step: fixed h
            controller.firstStep = h
            controller.maximumStep = h
            let solution = try RosenbrockSolver(controller: controller)
                .solve(ForcedDecay(), initialState: [1], from: 0, to: 2, saveAt: .final)
            return abs(solution.finalState.first! - ForcedDecay.exact(2))
        }
        let slope = log2(try error(steps: 20) / error(steps: 40))
        #expect(abs(slope - 4) < 0.3, "measured order \(slope)")
    }

    @Test("Adaptive accuracy within 10x of the tolerance, dense output included")
    func accuracy() throws {
        let solver = RosenbrockSolver(controller: StepSizeController(rtol: 1e-8, atol: 1e-8))
        let times = [0.5, 1, 1.5, 2, 5]
        let solution = try solver.solve(ForcedDecay(), initialState: [1], from: 0, to: 5, saveAt: .times(times))
        for (t, y) in zip(solution.times, solution.component(0)) {
            #expect(abs(y - ForcedDecay.exact(t)) < 1e-6, "t = \(t)")  // Hermite dense output is third order
        }
        let final = try solver.solve(ForcedDecay(), initialState: [1], from: 0, to: 5, saveAt: .final)
        #expect(abs(final.finalState.first! - ForcedDecay.exact(5)) < 10 * 1e-8)
    }
}
