import Foundation
import Testing
@testable import ODE

@Suite("One solve entry point: method, stepping, saving and gradient as independent values")
struct ODESolveTests {
    static let model = CompetitionModel(r1: 0.12, r2: 0.25, a1: 2e-4, a2: 1e-4, iN1: 0.0025, iN2: 0.0028)
    static let times: [Double] = [0, 10, 15, 30, 36, 40, 42]
    static func loss(_ index: Int, _ state: UnsafeBufferPointer<Double>, _ gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        squaredError(index, state, gradient)
    }

    @Test("Each combination runs the solver it names and gives that solver's own result")
    func sameAsTheSolvers() throws {
        let euler = ODESolve(method: .explicit(.euler), stepping: .constant(stepSize: 1, steps: 42))
        let direct = try FixedStepSolver(tableau: .euler, stepSize: 1, steps: 42)
            .gradient(Self.model, initialState: [100, 150], observationSteps: Self.times.map { Int($0) }, loss: Self.loss)
        let viaEntry = try euler.gradient(Self.model, initialState: [100, 150], from: 0, observationTimes: Self.times, loss: Self.loss, by: .backprop)
        #expect(viaEntry == direct)
        let checkpointed = try euler.gradient(Self.model, initialState: [100, 150], from: 0, observationTimes: Self.times, loss: Self.loss,
                                              by: .checkpointedBackprop(checkpoints: 4))
        for (a, b) in zip(checkpointed.parameters, direct.parameters) { #expect(abs(a - b) <= 1e-12 * abs(b)) }

        let controller = StepSizeController(rtol: 1e-8, atol: 1e-8)
        let dopri5 = ODESolve(method: .explicit(.dopri5), stepping: .adaptive(controller))
        let adaptive = AdaptiveSolver(tableau: .dopri5, controller: controller)
        #expect(try dopri5.gradient(Self.model, initialState: [100, 150], from: 0, observationTimes: Self.times, loss: Self.loss, by: .backprop)
            == adaptive.gradient(Self.model, initialState: [100, 150], from: 0, observationTimes: Self.times, loss: Self.loss))
        #expect(try dopri5.gradient(Self.model, initialState: [100, 150], from: 0, observationTimes: Self.times, loss: Self.loss,
                                    by: .adjoint(AdjointOptions()))
            == adaptive.adjointGradient(Self.model, initialState: [100, 150], from: 0, observationTimes: Self.times, loss: Self.loss))
        #expect(try dopri5.solve(Self.model, initialState: [100, 150], from: 0, to: 42, saveAt: .every(2))
            == adaptive.solve(Self.model, initialState: [100, 150], from: 0, to: 42, saveAt: .every(2)))
        let rodas4 = ODESolve(method: .rosenbrock(.rodas4), stepping: .adaptive(controller))
        #expect(try rodas4.solve(Self.model, initialState: [100, 150], from: 0, to: 42, saveAt: .final)
            == RosenbrockSolver(method: .rodas4, controller: controller).solve(Self.model, initialState: [100, 150], from: 0, to: 42, saveAt: .final))
    }

    @Test("Combinations that cannot work are refused in one place with a typed failure that says why")
    func refusals() {
        let controller = StepSizeController(rtol: 1e-6, atol: 1e-8)
        func message(_ solve: ODESolve, _ method: GradientMethod) -> String? {
            do {
                _ = try solve.gradient(Self.model, initialState: [100, 150], from: 0, observationTimes: Self.times, loss: Self.loss, by: method)
                return nil
            } catch { return error.description }
        }
        let fixed = ODESolve(method: .explicit(.rk4), stepping: .constant(stepSize: 1, steps: 42))
        #expect(message(fixed, .adjoint(AdjointOptions()))?.contains("adaptive") == true)
        let adaptive = ODESolve(method: .explicit(.tsit5), stepping: .adaptive(controller))
        #expect(message(adaptive, .checkpointedBackprop(checkpoints: 3))?.contains("checkpoints") == true)
        let stiff = ODESolve(method: .rosenbrock(.rodas4), stepping: .adaptive(controller))
        #expect(message(stiff, .backprop)?.contains("not differentiated") == true)
        let euler = ODESolve(method: .explicit(.euler), stepping: .adaptive(controller))
        #expect(message(euler, .backprop)?.contains("no error estimate") == true)
        let offGrid = ODESolve(method: .explicit(.euler), stepping: .constant(stepSize: 0.7, steps: 100))
        #expect(message(offGrid, .backprop)?.contains("not on the step grid") == true)
        #expect(throws: SolveFailure.self) {
            try ODESolve(method: .rosenbrock(.rodas4), stepping: .constant(stepSize: 0.1, steps: 3))
                .solve(Self.model, initialState: [100, 150], from: 0, to: 1, saveAt: .final)
        }
    }
}
