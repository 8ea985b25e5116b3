import Foundation
import Testing
import BatchSolvers
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

    @Test("The parallel shared-step batch matches one serial solve of the batch as a system, for every adaptive method",
          arguments: ButcherTableau.adaptiveMethods)
    func sharedStepMatchesSerial(tableau: ButcherTableau) throws {
        let states = Self.initialStates(2000)
        let solver = AdaptiveSolver(tableau: tableau, controller: StepSizeController(rtol: 1e-8, atol: 1e-10))
        let serial = try solver.solve(BatchedField(Self.model, count: 2000), initialState: states, from: 0, to: 100, saveAt: .final)
        let parallel = try SharedStepBatchSolver(solver: solver, workers: 2).solve(Self.model, initialStates: states, from: 0, to: 100)
        #expect(parallel.statistics.steps == serial.statistics.steps, "\(tableau.name)")
        #expect(parallel.statistics.accepted == serial.statistics.accepted)
        for (a, b) in zip(parallel.finalStates, serial.finalState) {
            #expect(abs(a - b) <= 1e-10 * abs(b))
        }
    }

    /// The competition model without its component-major evaluation, so that the shared-step
    /// solver takes its trajectory-major path.
    struct PlainCompetition: VectorField {
        var dimension: Int { 2 }
        func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
            BatchSolverTests.model.evaluate(t: t, state: state, derivative: derivative)
        }
    }

    @Test("The shared-step batch matches the serial solve on both tile layouts, with partial tiles and per-component tolerances",
          arguments: [(1, 5), (300, 1), (300, 2), (1000, 3)])
    func sharedStepLayouts(count: Int, workers: Int) throws {
        let states = Self.initialStates(count)
        let controller = StepSizeController(tolerances: Tolerances(relative: [1e-7, 1e-9], absolute: [1e-9, 1e-11]))
        let solver = AdaptiveSolver(tableau: .tsit5, controller: controller)
        var serialController = controller
        serialController.tolerances = Tolerances(relative: (0..<count).flatMap { _ in [1e-7, 1e-9] },
                                                 absolute: (0..<count).flatMap { _ in [1e-9, 1e-11] })
        let serial = try AdaptiveSolver(tableau: .tsit5, controller: serialController)
            .solve(BatchedField(Self.model, count: count), initialState: states, from: 0, to: 60, saveAt: .final)
        let batch = SharedStepBatchSolver(solver: solver, workers: workers)
        let componentMajor = try batch.solve(Self.model, initialStates: states, from: 0, to: 60)
        let trajectoryMajor = try batch.solve(PlainCompetition(), initialStates: states, from: 0, to: 60)
        for result in [componentMajor, trajectoryMajor] {
            #expect(result.statistics.steps == serial.statistics.steps)
            #expect(result.statistics.accepted == serial.statistics.accepted)
            for (a, b) in zip(result.finalStates, serial.finalState) {
                #expect(abs(a - b) <= 1e-10 * abs(b))
            }
        }
    }

    @Test("A method without FSAL evaluates the first slope of each step in the shared-step batch")
    func sharedStepWithoutFSAL() throws {
        // Heun's method with Euler embedded: the last stage is not at the new solution.
        let heunEuler = try ButcherTableau(name: "heun-euler", order: 2, c: [0, 1], a: [[], [1]], b: [0.5, 0.5],
                                           embeddedWeights: [1, 0], embeddedOrder: 1)
        #expect(!heunEuler.isFSAL)
        let states = Self.initialStates(500)
        let solver = AdaptiveSolver(tableau: heunEuler, controller: StepSizeController(rtol: 1e-6, atol: 1e-8))
        let serial = try solver.solve(BatchedField(Self.model, count: 500), initialState: states, from: 0, to: 30, saveAt: .final)
        let batch = try SharedStepBatchSolver(solver: solver, workers: 2).solve(Self.model, initialStates: states, from: 0, to: 30)
        #expect(batch.statistics.steps == serial.statistics.steps)
        #expect(batch.statistics.accepted == serial.statistics.accepted)
        for (a, b) in zip(batch.finalStates, serial.finalState) {
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

/// y' = y², which blows up at t = 1/y₀.
private struct Blowup: VectorField {
    var dimension: Int { 1 }
    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        derivative[0] = state[0] * state[0]
    }
}

extension BatchSolverTests {
    @Test("The vectorised Euler batch equals the Euler solver on each trajectory up to rounding, for sizes off the sixteen-lane groups",
          arguments: [1, 15, 16, 37, 1000])
    func eulerBatchMatchesSolver(count: Int) throws {
        let states = Self.initialStates(count)
        let reference = try FixedStepSolver(tableau: .euler, stepSize: 0.1, steps: 1000, saving: .stepIndices([1000]))
            .solve(BatchedField(Self.model, count: count), initialState: states)
        for workers in [1, 2] {
            let batch = CompetitionEulerBatch(model: Self.model, stepSize: 0.1, steps: 1000, workers: workers).finalStates(from: states)
            #expect(batch.count == reference.finalState.count)
            for (a, b) in zip(batch, reference.finalState) {
                #expect(abs(a - b) <= 1e-11 * abs(b), "\(count) trajectories, \(workers) workers: \(a) vs \(b)")
            }
        }
        // Zero steps leave the states as they are.
        #expect(CompetitionEulerBatch(model: Self.model, stepSize: 0.1, steps: 0).finalStates(from: states) == states)
    }
}
