import Foundation
import Testing
@testable import ODE

@Suite("Saving, one SaveAt for every solver")
struct SaveAtTests {
    static let oscillator = HarmonicOscillator(omega: 2)

    @Test("save_every keeps the start, every n-th accepted step and the end while solving, for adaptive and Rosenbrock solves",
          arguments: [1, 3, 7])
    func everyNthStep(interval: Int) throws {
        let solver = AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-8, atol: 1e-10))
        let all = try solver.solve(Self.oscillator, initialState: [1, 0], from: 0, to: 10, saveAt: .steps)
        let some = try solver.solve(Self.oscillator, initialState: [1, 0], from: 0, to: 10, saveAt: .every(interval))
        let kept = (0..<all.count).filter { $0 % interval == 0 || $0 == all.count - 1 }
        #expect(some.times == kept.map { all.times[$0] })
        #expect(some.states == kept.flatMap { Array(all.state(at: $0)) })
        #expect(some.statistics == all.statistics)
        let stiff = RosenbrockSolver(method: .rodas4, controller: StepSizeController(rtol: 1e-6, atol: 1e-8))
        let stiffAll = try stiff.solve(VanDerPol(mu: 5), initialState: [2, 0], from: 0, to: 10, saveAt: .steps)
        let stiffSome = try stiff.solve(VanDerPol(mu: 5), initialState: [2, 0], from: 0, to: 10, saveAt: .every(interval))
        let stiffKept = (0..<stiffAll.count).filter { $0 % interval == 0 || $0 == stiffAll.count - 1 }
        #expect(stiffSome.times == stiffKept.map { stiffAll.times[$0] })
    }

    @Test("Listed step indices keep exactly those accepted steps of an adaptive solve")
    func listedSteps() throws {
        let solver = AdaptiveSolver(tableau: .tsit5, controller: StepSizeController(rtol: 1e-6, atol: 1e-8))
        let all = try solver.solve(Self.oscillator, initialState: [1, 0], from: 0, to: 5, saveAt: .steps)
        let some = try solver.solve(Self.oscillator, initialState: [1, 0], from: 0, to: 5, saveAt: .stepIndices([0, 2, 5]))
        #expect(some.times == [all.times[0], all.times[2], all.times[5]])
    }

    @Test("A fixed-step solve saves t_eval on its grid, refuses a time off it, and keeps only the end for .final")
    func fixedStepTimes() throws {
        let solver = FixedStepSolver(tableau: .rk4, stepSize: 0.1, steps: 20, saving: .times([0, 0.5, 2]))
        let solution = try solver.solve(Self.oscillator, initialState: [1, 0])
        #expect(solution.stepIndices == [0, 5, 20])
        #expect(solution.times == [0, 0.5, 2].map { Double($0 / 0.1).rounded() * 0.1 })
        let offGrid = FixedStepSolver(tableau: .rk4, stepSize: 0.1, steps: 20, saving: .times([0.25]))
        #expect(throws: SolveFailure.self) { try offGrid.solve(Self.oscillator, initialState: [1, 0]) }
        let final = try FixedStepSolver(tableau: .rk4, stepSize: 0.1, steps: 20, saving: .final).solve(Self.oscillator, initialState: [1, 0])
        #expect(final.stepIndices == [20])
        let every = try FixedStepSolver(tableau: .rk4, stepSize: 0.1, steps: 20, saving: .every(6)).solve(Self.oscillator, initialState: [1, 0])
        #expect(every.stepIndices == [0, 6, 12, 18, 20])
    }

    @Test("Unusable saving is a typed failure in every solver")
    func badSaving() {
        let adaptive = AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-6, atol: 1e-8))
        #expect(throws: SolveFailure.self) { try adaptive.solve(Self.oscillator, initialState: [1, 0], from: 0, to: 1, saveAt: .every(0)) }
        #expect(throws: SolveFailure.self) {
            try adaptive.solve(Self.oscillator, initialState: [1, 0], from: 0, to: 1, saveAt: .stepIndices([3, 1]))
        }
        #expect(throws: SolveFailure.self) {
            try FixedStepSolver(tableau: .euler, stepSize: 0.1, steps: 5, saving: .stepIndices([7])).solve(Self.oscillator, initialState: [1, 0])
        }
    }
}
