import Foundation
import Testing
@testable import Learning

/// Rosenbrock's function (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1).
private func rosenbrock(_ p: [Double]) -> (value: Double, gradient: [Double]) {
    let x = p[0], y = p[1]
    return ((1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x),
            [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
}

/// ‖A p − b‖² for a small well-conditioned system with solution (1, −2, 0.5).
private func leastSquares(_ p: [Double]) -> (value: Double, gradient: [Double]) {
    let a: [[Double]] = [[2, 1, 0], [1, 3, 1], [0, 1, 4], [1, 0, 1]]
    let solution = [1.0, -2, 0.5]
    let b = a.map { row in zip(row, solution).map(*).reduce(0, +) }
    var value = 0.0
    var gradient = [0.0, 0, 0]
    for (row, target) in zip(a, b) {
        let residual = zip(row, p).map(*).reduce(0, +) - target
        value += residual * residual
        for j in 0..<3 { gradient[j] += 2 * residual * row[j] }
    }
    return (value, gradient)
}

private func minimize(_ optimizer: inout some Optimizer, from start: [Double], steps: Int,
                      _ function: ([Double]) -> (value: Double, gradient: [Double])) -> [Double] {
    var parameters = start
    for _ in 0..<steps { optimizer.step(parameters: &parameters, gradient: function(parameters).gradient) }
    return parameters
}

@Suite("Optimizers")
struct OptimizerTests {
    @Test("Adam reaches the minimum of Rosenbrock's function")
    func adamRosenbrock() {
        var adam = Adam(count: 2, learningRate: 0.02)
        let result = minimize(&adam, from: [-1.2, 1], steps: 20_000, rosenbrock)
        #expect(abs(result[0] - 1) < 1e-3 && abs(result[1] - 1) < 2e-3, "\(result)")
    }

    @Test("Momentum descent reaches the minimum of Rosenbrock's function")
    func momentumRosenbrock() {
        var sgd = GradientDescent(count: 2, learningRate: 2e-4, momentum: 0.9)
        let result = minimize(&sgd, from: [-1.2, 1], steps: 50_000, rosenbrock)
        #expect(abs(result[0] - 1) < 1e-3 && abs(result[1] - 1) < 2e-3, "\(result)")
    }

    @Test("Every optimizer solves a linear least-squares problem", arguments: OptimizerKind.allCases)
    func leastSquaresProblem(kind: OptimizerKind) {
        // RMSprop's steps are nearly sign steps of size lr near the minimum, so it needs a smaller rate.
        let rate: Double = kind == .rmsprop ? 1e-4 : 0.01
        var optimizer = kind.make(count: 3, learningRate: rate, epsilon: 1e-8)
        var parameters = [0.0, 0, 0]
        for _ in 0..<40_000 { optimizer.step(parameters: &parameters, gradient: leastSquares(parameters).gradient) }
        #expect(zip(parameters, [1.0, -2, 0.5]).allSatisfy { abs($0 - $1) < 1e-3 }, "\(kind): \(parameters)")
    }

    @Test("Adam's first step moves each parameter by the learning rate, against the gradient's sign")
    func adamFirstStep() {
        var adam = Adam(count: 2, learningRate: 0.1, epsilon: 0)
        var parameters = [1.0, 1.0]
        adam.step(parameters: &parameters, gradient: [3, -0.5])
        #expect(abs(parameters[0] - 0.9) < 1e-12)
        #expect(abs(parameters[1] - 1.1) < 1e-12)
    }
}

@Suite("RMSprop")
struct RMSPropTests {
    /// torch.optim.RMSprop's documented update (alpha 0.99, eps added after the square root, no
    /// momentum, not centred): v ← α v + (1 − α) g², θ ← θ − lr g / (√v + ε). The values were worked
    /// out from that formula by hand (in Python floats) for gradients 2, −1, 0.5 from θ = 1,
    /// lr = 0.01; Keras's form (ε inside the root, ρ = 0.9) gives 0.968… after the first step instead.
    @Test("RMSprop takes torch's steps")
    func torchForm() {
        var optimizer = RMSProp(count: 1, learningRate: 0.01)
        #expect(optimizer.decay == 0.99 && optimizer.epsilon == 1e-8)
        var theta = [1.0]
        var seen = [Double]()
        for gradient in [2.0, -1, 0.5] {
            optimizer.step(parameters: &theta, gradient: [gradient])
            seen.append(theta[0])
        }
        for (value, expected) in zip(seen, [0.9000000049999998, 0.9449013284905645, 0.9228909099018455]) {
            #expect(abs(value - expected) < 1e-15, "\(seen)")
        }
    }
}

@Suite("Levenberg–Marquardt")
struct LevenbergMarquardtTests {
    @Test("Rosenbrock's function as residuals (10(y − x²), 1 − x) is solved exactly")
    func rosenbrockResiduals() throws {
        let result = try LevenbergMarquardt(maximumIterations: 200).minimize(from: [-1.2, 1]) { p in
            let x: Double = p[0], y: Double = p[1]
            let residuals: [Double] = [10 * (y - x * x), 1 - x]
            let jacobian: [Double] = [-20 * x, 10, -1, 0]
            return (residuals, jacobian)
        }
        #expect(abs(result.parameters[0] - 1) < 1e-8 && abs(result.parameters[1] - 1) < 1e-8, "\(result.parameters)")
        #expect(result.costs.last! < 1e-16)
    }

    @Test("A linear least-squares problem is solved in a few iterations")
    func linear() throws {
        let a: [[Double]] = [[2, 1, 0], [1, 3, 1], [0, 1, 4], [1, 0, 1]]
        let b = a.map { row in zip(row, [1.0, -2, 0.5]).map(*).reduce(0, +) }
        let jacobian: [Double] = a.flatMap { $0 }
        let result = try LevenbergMarquardt().minimize(from: [0, 0, 0]) { p in
            var residuals = [Double]()
            for (row, target) in zip(a, b) {
                var sum = 0.0
                for j in 0..<3 { sum += row[j] * p[j] }
                residuals.append(sum - target)
            }
            return (residuals, jacobian)
        }
        #expect(zip(result.parameters, [1.0, -2, 0.5]).allSatisfy { abs($0 - $1) < 1e-9 })
        #expect(result.costs.count < 10)
    }
}

@Suite("L-BFGS")
struct LBFGSTests {
    @Test("L-BFGS with a Wolfe line search reaches Rosenbrock's minimum")
    func rosenbrockMinimum() throws {
        let result = try LBFGS(maximumIterations: 200, tolerance: 0).minimize(from: [-1.2, 1]) { p in
            let x: Double = p[0], y: Double = p[1]
            let value: Double = (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)
            let gradient: [Double] = [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]
            return (value, gradient)
        }
        #expect(abs(result.parameters[0] - 1) < 1e-6 && abs(result.parameters[1] - 1) < 1e-6, "\(result.parameters)")
        #expect(result.values.count < 100)
    }

    @Test("L-BFGS solves a linear least-squares problem")
    func leastSquaresMinimum() throws {
        let result = try LBFGS(maximumIterations: 100).minimize(from: [0, 0, 0]) { p in
            let a: [[Double]] = [[2, 1, 0], [1, 3, 1], [0, 1, 4], [1, 0, 1]]
            let solution: [Double] = [1, -2, 0.5]
            var value = 0.0
            var gradient: [Double] = [0, 0, 0]
            for row in a {
                var residual = 0.0
                for j in 0..<3 { residual += row[j] * (p[j] - solution[j]) }
                value += residual * residual
                for j in 0..<3 { gradient[j] += 2 * residual * row[j] }
            }
            return (value, gradient)
        }
        #expect(zip(result.parameters, [1.0, -2, 0.5]).allSatisfy { abs($0 - $1) < 1e-6 }, "\(result.parameters)")
    }
}

/// An error a caller throws to stop a minimisation (as a fit does when it is asked to stop).
private struct Stop: Error, Equatable {}

/// Rosenbrock's function as residuals (10(y − x²), 1 − x) with their Jacobian.
private func rosenbrockResiduals(_ p: [Double]) -> (residuals: [Double], jacobian: [Double]) {
    ([10 * (p[1] - p[0] * p[0]), 1 - p[0]], [-20 * p[0], 10, -1, 0])
}

@Suite("Stopping and failed trial points")
struct OptimizerStopTests {
    @Test("An error thrown by L-BFGS's objective after the start ends the minimisation (it is not a failed trial)",
          arguments: [2, 3, 7])
    func lbfgsPropagatesStop(after evaluations: Int) {
        var count = 0
        #expect(throws: Stop.self) {
            _ = try LBFGS(maximumIterations: 200, tolerance: 0).minimize(from: [-1.2, 1]) { p in
                count += 1
                if count > evaluations { throw Stop() }
                return rosenbrock(p)
            }
        }
        #expect(count == evaluations + 1, "stopped at the first evaluation after the stop")
    }

    @Test("An error thrown by Levenberg–Marquardt's model after the start ends the minimisation", arguments: [2, 3, 7])
    func levenbergMarquardtPropagatesStop(after evaluations: Int) {
        var count = 0
        #expect(throws: Stop.self) {
            _ = try LevenbergMarquardt(maximumIterations: 200).minimize(from: [-1.2, 1]) { p in
                count += 1
                if count > evaluations { throw Stop() }
                return rosenbrockResiduals(p)
            }
        }
        #expect(count == evaluations + 1)
    }

    @Test("Points where the objective has no value shorten L-BFGS's steps and it still reaches the minimum")
    func lbfgsStepsAroundMissingValues() throws {
        var refused = 0
        let result = try LBFGS(maximumIterations: 200, tolerance: 0).minimize(from: [-1.2, 1]) { p in
            // No value where the function is above its starting value 24.2 (as a solve that
            // blows up past some parameters): the line search's overshoots land there.
            let point = rosenbrock(p)
            if point.value > 25 { refused += 1; return nil }
            return point
        }
        #expect(abs(result.parameters[0] - 1) < 1e-6 && abs(result.parameters[1] - 1) < 1e-6, "\(result.parameters)")
        #expect(refused > 0, "the test reached the points without a value")
    }

    @Test("Points where the model has no value are rejected steps and Levenberg–Marquardt still converges")
    func levenbergMarquardtRejectsMissingValues() throws {
        var refused = 0
        let result = try LevenbergMarquardt(maximumIterations: 200, initialDamping: 1e-6).minimize(from: [-1.2, 1]) { p in
            if abs(p[1]) > 1.2 { refused += 1; return nil }
            return rosenbrockResiduals(p)
        }
        #expect(abs(result.parameters[0] - 1) < 1e-8 && abs(result.parameters[1] - 1) < 1e-8, "\(result.parameters)")
        #expect(refused > 0, "the test reached the points without a value")
    }

    @Test("No value at the start is an error, not an empty result")
    func noValueAtStart() {
        #expect(throws: LBFGS.NoValueAtStart.self) { _ = try LBFGS().minimize(from: [0, 0]) { _ in nil } }
        #expect(throws: LevenbergMarquardt.NoValueAtStart.self) { _ = try LevenbergMarquardt().minimize(from: [0, 0]) { _ in nil } }
    }
}
