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
        // The PI default remembers the previous error.
        let pi = StepSizeController(rtol: 1e-7, atol: 1e-9)
        let first = pi.acceptedFactor(logError: log(0.3), previousLogError: log(0.5), q: 5, justRejected: false)
        let second = pi.acceptedFactor(logError: log(0.3), previousLogError: log(1e-4), q: 5, justRejected: false)
        #expect(first != second)
    }
}
