import Foundation
import Testing
@testable import ODE

/// A flag a test raises; the solvers read it through a ``SolveInterruption``.
private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    private(set) var asked = 0

    func raise() {
        lock.lock()
        raised = true
        lock.unlock()
    }

    func check() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        asked += 1
        return raised
    }
}

@Suite("Interrupting long solves, and the bound on what they keep")
struct InterruptionTests {
    @Test("adaptive, Rosenbrock and fixed-step solves stop when asked, at the first step they ask")
    func stops() throws {
        let flag = StopFlag()
        flag.raise()
        var controller = StepSizeController(rtol: 1e-6, atol: 1e-9)
        controller.maximumSteps = 10_000_000
        controller.maximumStep = 1e-3
        controller.interruption = SolveInterruption(every: 100) { flag.check() }
        do {
            _ = try AdaptiveSolver(tableau: .dopri5, controller: controller).solve(ExponentialDecay(rate: -1), initialState: [1], from: 0, to: 1e6)
            Issue.record("the adaptive solve did not stop")
        } catch {
            guard case let .interrupted(t, step) = error else { Issue.record("\(error)"); return }
            // Asked before the first step (and every 100 after): it stops before it starts.
            #expect(step == 0 && t == 0)
        }
        do {
            _ = try RosenbrockSolver(controller: controller).solve(VanDerPol(mu: 1000), initialState: [2, 0], from: 0, to: 1e6)
            Issue.record("the Rosenbrock solve did not stop")
        } catch {
            guard case .interrupted = error else { Issue.record("\(error)"); return }
        }
        var fixed = FixedStepSolver(tableau: .rk4, stepSize: 1e-6, steps: 50_000_000, saving: .every(1_000_000))
        fixed.interruption = SolveInterruption { flag.check() }
        do {
            _ = try fixed.solve(HarmonicOscillator(), initialState: [1, 0])
            Issue.record("the fixed-step solve did not stop")
        } catch {
            guard case let .interrupted(_, step) = error else { Issue.record("\(error)"); return }
            #expect(step == 65_536, "fixed-step loops ask every 65,536 steps")
        }
    }

    @Test("a solve that is not asked to stop runs to the end, asking every interval")
    func notStopped() throws {
        let flag = StopFlag()
        var controller = StepSizeController(rtol: 1e-8, atol: 1e-10)
        controller.interruption = SolveInterruption(every: 10) { flag.check() }
        let solution = try AdaptiveSolver(tableau: .dopri5, controller: controller).solve(HarmonicOscillator(), initialState: [1, 0], from: 0, to: 20)
        #expect(abs(solution.finalState.first! - cos(20.0)) < 1e-6)
        #expect(flag.asked == (solution.statistics.steps - 1) / 10 + 1)
    }

    @Test("a solve that would keep more values than its bound stops and says so")
    func savedValuesBound() throws {
        var controller = StepSizeController(rtol: 1e-6, atol: 1e-9)
        controller.maximumStep = 1e-3
        controller.maximumSteps = 10_000_000
        controller.maximumSavedValues = 2000
        do {
            _ = try AdaptiveSolver(tableau: .dopri5, controller: controller).solve(HarmonicOscillator(), initialState: [1, 0], from: 0, to: 100)
            Issue.record("kept more than the bound")
        } catch {
            guard case let .savedValuesLimit(_, limit) = error else { Issue.record("\(error)"); return }
            #expect(limit == 2000)
            #expect(error.advice == "raise save_every, give t_eval, or shorten t_end")
        }
        // The same solve keeping only the final state is within the bound.
        let final = try AdaptiveSolver(tableau: .dopri5, controller: controller).solve(HarmonicOscillator(), initialState: [1, 0], from: 0, to: 100, saveAt: .final)
        #expect(final.count == 1)
    }
}
