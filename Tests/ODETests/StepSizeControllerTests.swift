import Foundation
import Testing
@testable import ODE

@Suite("Step-size control")
struct StepSizeControllerTests {
    @Test("The I controller grows a step by safety · error^(−1/q), bounded, whatever the previous error")
    func integralControllerFactor() {
        let controller = StepSizeController.integral(rtol: 1e-7, atol: 1e-9)
        #expect(controller.beta == 0)
        for (error, previous) in [(0.01, 0.5), (0.3, 1e-4), (0.9, 0.9)] {
            let factor = controller.acceptedFactor(logError: log(error), previousLogError: log(previous), q: 5, justRejected: false)
            let expected = min(10, max(0.2, 0.9 * pow(error, -0.2)))
            #expect(abs(factor - expected) < 1e-12 * expected, "error \(error)")
        }
    }

    @Test("The PI default is safety · err^(−(1/q − 0.75 β)) · prev^β with β = 0.04 (Hairer's DOPRI5), bounded")
    func proportionalIntegralControllerFactor() {
        let pi = StepSizeController(rtol: 1e-7, atol: 1e-9)
        #expect(pi.beta == 0.04)
        for (error, previous) in [(0.3, 0.5), (0.3, 1e-4), (0.01, 0.9), (0.9, 0.01)] {
            let factor = pi.acceptedFactor(logError: log(error), previousLogError: log(previous), q: 5, justRejected: false)
            let expected = min(10, max(0.2, 0.9 * pow(error, -(0.2 - 0.75 * 0.04)) * pow(previous, 0.04)))
            #expect(abs(factor - expected) < 1e-12 * expected, "error \(error), previous \(previous)")
        }
        // A smaller previous error means a smaller next step (the integral part remembers it).
        let calm = pi.acceptedFactor(logError: log(0.3), previousLogError: log(1e-4), q: 5, justRejected: false)
        let rough = pi.acceptedFactor(logError: log(0.3), previousLogError: log(0.5), q: 5, justRejected: false)
        #expect(calm < rough)
        // Right after a rejection the step may not grow; a zero error grows it by the largest factor.
        #expect(pi.acceptedFactor(logError: log(1e-6), previousLogError: log(0.5), q: 5, justRejected: true) == 1)
        #expect(pi.acceptedFactor(logError: -.infinity, previousLogError: log(0.5), q: 5, justRejected: false) == 10)
    }
}
