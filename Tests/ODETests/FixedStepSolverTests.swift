import Foundation
import Testing
@testable import ODE

/// dy/dt = cos t (time-dependent), exact solution y0 + sin t.
private struct CosineForcing: VectorField {
    var dimension: Int { 1 }
    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        derivative[0] = cos(t)
    }
}

private func relativeError(_ a: Double, _ b: Double) -> Double { abs(a - b) / abs(b) }

@Suite("Fixed-step solver")
struct FixedStepSolverTests {
    @Test("The Euler recurrence reproduces the seed's competition numbers")
    func seedCompetitionNumbers() throws {
        let model = CompetitionModel(r1: 0.1, r2: 0.3, a1: 1e-4, a2: 2e-4, iN1: 0.002, iN2: 0.003)
        let solver = FixedStepSolver(tableau: .euler, stepSize: 0.1, steps: 1000)
        let solution = try solver.solve(model, initialState: [100, 150])
        #expect(solution.count == 1001)
        let at42 = solution.state(at: 420)
        #expect(relativeError(at42[at42.startIndex], 324.41873879) < 1e-8)
        #expect(relativeError(at42[at42.startIndex + 1], 264.37170885) < 1e-8)
        #expect(relativeError(solution.finalState.first!, 373.56820343) < 1e-8)
        #expect(relativeError(solution.finalState.last!, 250.44159839) < 1e-8)
        #expect(solution.times[420] == 42)
        #expect(solution.statistics.functionEvaluations == 1000)
        // The source article's rounded observations are this solution at t = 10, 15, 30, 36, 40, 42.
        let observed: [(Int, Double, Double)] = [(100, 165, 283), (150, 197, 290), (300, 280, 276),
                                                 (360, 305, 269), (400, 318, 266), (420, 324, 264)]
        for (step, x1, x2) in observed {
            let state = solution.state(at: step)
            #expect(state[state.startIndex].rounded() == x1)
            #expect(state[state.startIndex + 1].rounded() == x2)
        }
    }

    @Test("Measured convergence order matches each method's order", arguments: ButcherTableau.fixedStepMethods)
    func convergenceOrder(tableau: ButcherTableau) throws {
        // Error at t = 1 of y' = -y, y(0) = 1, for h = 1/16 ... 1/256; slope of log error vs log h.
        let field = ExponentialDecay(rate: -1)
        var logH = [Double](), logError = [Double]()
        for k in 4...8 {
            let steps = 1 << k
            let solution = try FixedStepSolver(tableau: tableau, stepSize: 1 / Double(steps), steps: steps,
                                               saving: .stepIndices([steps])).solve(field, initialState: [1])
            logH.append(log(1 / Double(steps)))
            logError.append(log(abs(solution.finalState.first! - exp(-1))))
        }
        let slope = leastSquaresSlope(x: logH, y: logError)
        #expect(abs(slope - Double(tableau.order)) < 0.1, "measured order \(slope) for \(tableau.name)")
    }

    @Test("Euler's global error halves when h halves")
    func eulerErrorHalves() throws {
        let field = ExponentialDecay(rate: 0.5)
        func error(steps: Int) throws -> Double {
            let solution = try FixedStepSolver(tableau: .euler, stepSize: 2 / Double(steps), steps: steps)
                .solve(field, initialState: [3])
            return abs(solution.finalState.first! - 3 * exp(1.0))
        }
        let ratio = try error(steps: 200) / error(steps: 400)
        #expect(abs(ratio - 2) < 0.02, "ratio \(ratio)")
    }

    @Test("Stage times are used for time-dependent fields")
    func timeDependentField() throws {
        let solution = try FixedStepSolver(tableau: .rk4, stepSize: 0.01, steps: 300)
            .solve(CosineForcing(), initialState: [1], startTime: 1)
        #expect(abs(solution.finalState.first! - (1 + sin(4.0) - sin(1.0))) < 1e-10)
        #expect(abs(solution.times.last! - 4) < 1e-12)
    }

    @Test("save_every keeps the initial state, every n-th step and the final step")
    func saveEvery() throws {
        let solution = try FixedStepSolver(tableau: .euler, stepSize: 0.1, steps: 25, saving: .every(10))
            .solve(ExponentialDecay(rate: -1), initialState: [1])
        #expect(solution.stepIndices == [0, 10, 20, 25])
        #expect(solution.times.count == 4)
        #expect(abs(solution.times[3] - 2.5) < 1e-15)
        #expect(solution.statistics.steps == 25)
    }

    @Test("A blow-up is a typed failure at the step where it happens")
    func nonFinite() {
        #expect(throws: SolveFailure.self) {
            try FixedStepSolver(tableau: .euler, stepSize: 0.5, steps: 100).solve(Blowup(), initialState: [10])
        }
        do {
            _ = try FixedStepSolver(tableau: .euler, stepSize: 0.5, steps: 100).solve(Blowup(), initialState: [10])
        } catch {
            guard case let .nonFiniteState(t, step, component) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(component == 0)
            #expect(t == Double(step) * 0.5)
            #expect(error.description.contains("smaller step size"))
        }
    }

    @Test("Invalid problems are rejected, not trapped")
    func invalidProblems() {
        let field = ExponentialDecay(rate: -1)
        #expect(throws: SolveFailure.self) {
            try FixedStepSolver(tableau: .euler, stepSize: 0, steps: 10).solve(field, initialState: [1])
        }
        #expect(throws: SolveFailure.self) {
            try FixedStepSolver(tableau: .euler, stepSize: 0.1, steps: 10).solve(field, initialState: [1, 2])
        }
        #expect(throws: SolveFailure.self) {
            try FixedStepSolver(tableau: .euler, stepSize: 0.1, steps: 10, saving: .every(0))
                .solve(field, initialState: [1])
        }
    }

    @Test("Zero steps returns the initial state")
    func zeroSteps() throws {
        let solution = try FixedStepSolver(tableau: .rk4, stepSize: 0.1, steps: 0)
            .solve(ExponentialDecay(rate: -1), initialState: [2])
        #expect(solution.times == [0])
        #expect(solution.states == [2])
    }
}

private func leastSquaresSlope(x: [Double], y: [Double]) -> Double {
    let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
    var num = 0.0, den = 0.0
    for (a, b) in zip(x, y) {
        num += (a - mx) * (b - my)
        den += (a - mx) * (a - mx)
    }
    return num / den
}

@Suite("Fixed-step paths")
struct FixedStepPathTests {
    /// Five independent decays: takes the general loop (more than four states).
    private struct FiveDecays: VectorField {
        var dimension: Int { 5 }
        func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
            for i in 0..<5 { derivative[i] = -Double(i + 1) * state[i] + sin(t) }
        }
    }

    /// The first of them alone: takes the small-system loop.
    private struct OneDecay: VectorField {
        var rate: Double
        var dimension: Int { 1 }
        func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
            derivative[0] = -rate * state[0] + sin(t)
        }
    }

    @Test("The small-system Euler loop and the general loop give identical numbers and saved points")
    func pathsAgree() throws {
        let solver = FixedStepSolver(tableau: .euler, stepSize: 0.01, steps: 250, saving: .every(7))
        let five = try solver.solve(FiveDecays(), initialState: [1, 2, 3, 4, 5], startTime: 0.5)
        for index in 0..<5 {
            let one = try solver.solve(OneDecay(rate: Double(index + 1)), initialState: [Double(index + 1)], startTime: 0.5)
            #expect(one.times == five.times)
            #expect(one.stepIndices == five.stepIndices)
            #expect(one.component(0) == five.component(index))
        }
    }
}
