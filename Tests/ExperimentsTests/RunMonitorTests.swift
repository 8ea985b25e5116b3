import Foundation
import Testing
@testable import Experiments

@Suite("Run monitor")
struct RunMonitorTests {
    @Test("without a limit or a stop, a computation may always go on")
    func unlimited() {
        let monitor = RunMonitor()
        for done in 1...1000 { #expect(monitor.report(done: done, total: 1000, unit: "iterations")) }
        #expect(!monitor.shouldStop)
        #expect(monitor.stopReason == nil)
        #expect(monitor.progress?.done == 1000 && monitor.progress?.total == 1000 && monitor.progress?.unit == "iterations")
    }

    @Test("past its time limit the monitor says stop, and names the limit")
    func timeLimit() throws {
        let monitor = RunMonitor(timeout: 0.05)
        #expect(monitor.report(done: 1, total: 10, unit: "epochs"))
        Thread.sleep(forTimeInterval: 0.08)
        #expect(!monitor.report(done: 2, total: 10, unit: "epochs"))
        #expect(monitor.shouldStop)
        #expect(monitor.stopReason == .timeout(seconds: 0.05))
        #expect(monitor.progress?.done == 2, "the last report is kept")
    }

    @Test("a stop request is seen at the next report; the first reason is kept")
    func stopRequest() {
        let monitor = RunMonitor(timeout: 60)
        #expect(monitor.report(done: 1, total: nil, unit: "evaluations"))
        monitor.stop(.cancelled("interrupted"))
        monitor.stop(.cancelled("another reason"))
        #expect(!monitor.report(done: 2, total: nil, unit: "evaluations"))
        #expect(monitor.stopReason == .cancelled("interrupted"))
    }

    @Test("the seconds of a reading count from the start of its unit of work")
    func phases() {
        let monitor = RunMonitor()
        Thread.sleep(forTimeInterval: 0.05)
        monitor.report(done: 5, total: 10, unit: "iterations")
        #expect((monitor.progress?.seconds ?? 0) >= 0.05)
        monitor.report(done: 1, total: 3, unit: "figures drawn")
        #expect((monitor.progress?.seconds ?? 1) < 0.05, "a new unit starts its own clock")
        #expect(monitor.elapsedSeconds >= 0.05)
    }

}
