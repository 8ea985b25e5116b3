import Expressions
import Foundation
import ODE
import Testing
@testable import Experiments

@Suite("Gradients through compiled equations")
struct ExpressionGradientTests {
    @Test("Lorenz through rk4: the symbolic VJPs give the finite-difference gradient")
    func lorenz() throws {
        let system = try EquationSystem(
            states: ["x", "y", "z"],
            equations: [("x", "sigma*(y - x)"), ("y", "x*(rho - z) - y"), ("z", "x*y - beta*z + 0.1*sin(t)")],
            parameters: ["sigma", "rho", "beta"])
        let field = ExpressionField(system: system, parameters: [10, 28, 8.0 / 3])
        let solver = FixedStepSolver(tableau: .rk4, stepSize: 0.01, steps: 100)
        let targets: [[Double]] = [[1, 2, 3], [-1, 0, 20], [2, 2, 2]]
        let steps = [30, 60, 100]
        let loss: PointLoss = { index, state, gradient in
            var sum = 0.0
            for i in 0..<3 {
                let e = state[i] - targets[index][i]
                gradient[i] = 2 * e
                sum += e * e
            }
            return sum
        }
        let exact = try solver.gradient(field, initialState: [1, 1, 1], observationSteps: steps, loss: loss)
        for k in 0..<3 {
            var plus = field.parameters, minus = field.parameters
            let epsilon = 1e-6 * abs(plus[k])
            plus[k] += epsilon
            minus[k] -= epsilon
            let numeric = (try solver.gradient(field.withParameters(plus), initialState: [1, 1, 1], observationSteps: steps, loss: loss).loss
                - solver.gradient(field.withParameters(minus), initialState: [1, 1, 1], observationSteps: steps, loss: loss).loss) / (2 * epsilon)
            #expect(abs(numeric - exact.parameters[k]) / abs(numeric) < 1e-6, "parameter \(k): \(numeric) vs \(exact.parameters[k])")
        }
        #expect(exact.vectorJacobianProducts == 400)
    }
}
