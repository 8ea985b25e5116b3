import Foundation
import Testing
@testable import ODE

@Suite("Batched solves")
struct BatchSolverTests {
    static let model = CompetitionModel(r1: 0.1, r2: 0.3, a1: 1e-4, a2: 2e-4, iN1: 0.002, iN2: 0.003)

    static func initialStates(_ count: Int) -> [Double] {
        var states = [Double]()
        for i in 0..<count {
            let x1: Double = 100 * (0.5 + Double(i % 7) / 7)
            let x2: Double = 150 * (0.5 + Double(i % 11) / 11)
            states += [x1, x2]
        }
        return states
    }

    @Test("The parallel shared-step batch matches one serial solve of the batch as a system")
    func sharedStepMatchesSerial() throws {
        let states = Self.initialStates(2000)
        let solver = AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-8, atol: 1e-10))
        let serial = try solver.solve(BatchedField(Self.model, count: 2000), initialState: states, from: 0, to: 100, saveAt: .final)
        let parallel = try SharedStepBatchSolver(solver: solver, workers: 2).solve(Self.model, initialStates: states, from: 0, to: 100)
        #expect(parallel.statistics.steps == serial.statistics.steps)
        #expect(parallel.statistics.accepted == serial.statistics.accepted)
        for (a, b) in zip(parallel.finalStates, serial.finalState) {
            #expect(abs(a - b) <= 1e-10 * abs(b))
        }
    }

    @Test("Per-trajectory batches match single solves")
    func eachMatchesSingle() throws {
        let states = Self.initialStates(50)
        let solver = AdaptiveSolver(tableau: .tsit5, controller: StepSizeController(rtol: 1e-9, atol: 1e-9))
        let batch = try BatchSolver(solver: solver, workers: 2).solveEach(Self.model, initialStates: states, from: 0, to: 50)
        for index in [0, 17, 49] {
            let single = try solver.solve(Self.model, initialState: Array(states[(2 * index)..<(2 * index + 2)]), from: 0, to: 50, saveAt: .final)
            #expect(Array(batch.finalStates[(2 * index)..<(2 * index + 2)]) == Array(single.finalState))
        }
    }

    @Test("A batch state that blows up is a typed failure")
    func blowup() {
        let solver = AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-6, atol: 1e-6))
        #expect(throws: SolveFailure.self) {
            try SharedStepBatchSolver(solver: solver).solve(Blowup(), initialStates: [1, 0.5], from: 0, to: 2)
        }
    }
}
