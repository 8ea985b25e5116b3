import Foundation
import Testing
@testable import ODE

/// x'' = −x in single precision.
private struct FloatOscillator: VectorField {
    var dimension: Int { 2 }
    func evaluate(t: Float, state: UnsafeBufferPointer<Float>, derivative: UnsafeMutableBufferPointer<Float>) {
        derivative[0] = state[1]
        derivative[1] = -state[0]
    }
}


@Suite("Single precision")
struct FloatSolverTests {
    @Test("Fixed-step methods keep their order in Float until roundoff", arguments: [ButcherTableau.euler, .midpoint, .rk4])
    func fixedOrder(tableau: ButcherTableau) throws {
        // The oscillator over [0, 10] with steps coarse enough that the method's error stays far
        // above Float's roundoff (≈1e-7) and fine enough to be in the asymptotic range.
        func error(_ steps: Int) throws -> Double {
            let solution = try FixedStepSolver(tableau: tableau, stepSize: 10 / Double(steps), steps: steps, saving: .stepIndices([steps]))
                .solve(FloatOscillator(), initialState: [Float(1), 0])
            return abs(solution.finalState.first! - cos(10))
        }
        let coarse = tableau.order >= 4 ? 50 : 400
        let slope = log2(try error(coarse) / error(2 * coarse))
        #expect(abs(slope - Double(tableau.order)) < 0.25, "\(tableau.name): \(slope)")
    }

    @Test("Adaptive solves in Float meet Float-sized tolerances", arguments: [ButcherTableau.bosh3, .dopri5, .tsit5])
    func adaptive(tableau: ButcherTableau) throws {
        let solution = try AdaptiveSolver(tableau: tableau, controller: StepSizeController(rtol: 1e-5, atol: 1e-5))
            .solve(FloatOscillator(), initialState: [Float(1), 0], from: 0, to: .pi, saveAt: .times([1, 2, .pi]))
        #expect(solution.times == [1, 2, .pi])
        #expect(abs(solution.finalState.first! + 1) < 1e-4)
        #expect(abs(solution.state(at: 0).first! - cos(1)) < 1e-4)
    }

    @Test("Float and Double solves agree to single precision")
    func agreement() throws {
        let solver = AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-6, atol: 1e-6))
        let single = try solver.solve(FloatOscillator(), initialState: [Float(1), 0], from: 0, to: 5, saveAt: .final)
        let double = try solver.solve(HarmonicOscillator(), initialState: [1, 0], from: 0, to: 5, saveAt: .final)
        #expect(abs(single.finalState.first! - double.finalState.first!) < 1e-5)
        #expect(abs(single.statistics.steps - double.statistics.steps) <= 2)
    }
}
