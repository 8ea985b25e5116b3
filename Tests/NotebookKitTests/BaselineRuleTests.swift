import BlockResults
import Experiments
import Foundation
import Testing
@testable import NotebookKit

@Suite("Baseline rules")
struct BaselineRuleTests {
    let flags = BaselineTolerance(rtol: 1e-9, atol: 0, source: .flags)

    @Test("within atol + rtol·|baseline|, as numpy's isclose; the verdict names the rule")
    func isclose() {
        #expect(BaselineComparison.judge(.real(1 + 5e-10), baseline: 1, tolerance: flags, name: "x").ok)
        let outside = BaselineComparison.judge(.real(1 + 5e-9), baseline: 1, tolerance: flags, name: "x")
        #expect(!outside.ok && outside.text == "outside rtol 1e-09" && outside.reason == "rel 5.0e-09 > rtol 1e-09")
        let both = BaselineTolerance(rtol: 1e-3, atol: 1e-2, source: .block)
        #expect(both.accepts(1.011, baseline: 1) && !both.accepts(1.012, baseline: 1))
        #expect(both.excess(2, baseline: 1) == "abs 1.0e+00 > atol 0.01 + rtol 0.001 × |baseline|")
        let absolute = BaselineTolerance(rtol: 0, atol: 0.5, source: .flags)
        #expect(absolute.excess(0.75, baseline: 0) == "abs 7.5e-01 > atol 0.5")
        #expect(BaselineComparison.judge(.real(3), baseline: 3, tolerance: flags, name: "x").text == "exact")
    }

    @Test("NaN against NaN passes; a number against NaN, or NaN against a number, does not")
    func notFinite() {
        #expect(BaselineComparison.judge(.real(.nan), baseline: nil, tolerance: flags, name: "x").ok)
        #expect(!BaselineComparison.judge(.real(1), baseline: nil, tolerance: flags, name: "x").ok)
        #expect(!BaselineComparison.judge(.real(.nan), baseline: 1, tolerance: flags, name: "x").ok)
        #expect(!BaselineComparison.judge(.real(.infinity), baseline: 1, tolerance: flags, name: "x").ok)
    }

    @Test("counts compare exactly under the flags, within a block's or metric's own tolerance")
    func counts() {
        let loose = BaselineTolerance(rtol: 0.5, atol: 0, source: .flags)
        #expect(!BaselineComparison.judge(.count(101), baseline: 100, tolerance: loose, name: "nfe").ok)
        #expect(BaselineComparison.judge(.count(101), baseline: 100, tolerance: BaselineTolerance(rtol: 0.5, atol: 0, source: .block), name: "nfe").ok)
        #expect(BaselineComparison.judge(.count(100), baseline: 100, tolerance: flags, name: "nfe").ok)
    }

    @Test("a measured time is not compared, unless a tolerance names it")
    func timings() {
        #expect(BaselineComparison.judge(.real(9), baseline: 1, tolerance: flags, name: "seconds_per_iteration").text == "not compared: a measured time")
        let named = BaselineTolerance(rtol: 0.1, atol: 0, source: .metric)
        #expect(!BaselineComparison.judge(.real(9), baseline: 1, tolerance: named, name: "seconds_per_iteration").ok)
    }

    @Test("the tolerance option: a block pair, per-metric pairs over it, the flags under both")
    func resolution() {
        let option = OptionValue.record([
            RecordField("rtol", .number(1e-6)),
            RecordField("final.x1", .record([RecordField("rtol", .null), RecordField("atol", .number(0.5))])),
        ])
        #expect(BaselineTolerance.of(metric: "final.x2", option: option, rtol: 1e-9, atol: 0) == BaselineTolerance(rtol: 1e-6, atol: 0, source: .block))
        #expect(BaselineTolerance.of(metric: "final.x1", option: option, rtol: 1e-9, atol: 0) == BaselineTolerance(rtol: 1e-6, atol: 0.5, source: .metric))
        #expect(BaselineTolerance.of(metric: "x", option: .null, rtol: 1e-3, atol: 2) == BaselineTolerance(rtol: 1e-3, atol: 2, source: .flags))
        #expect(BaselineTolerance.namedMetrics(option) == ["final.x1"])
    }

    @Test("the two values are shown with as many digits as it takes to tell them apart, at least seven")
    func shownDigits() {
        #expect(BaselineComparison.shownPair(.real(373.5690), 373.5682) == ("373.5690", "373.5682"))
        #expect(BaselineComparison.shownPair(.real(1.000000012), 1.000000011) == ("1.000000012", "1.000000011"))
        #expect(BaselineComparison.shownPair(.count(51), 50) == ("51", "50"))
        #expect(BaselineComparison.shownPair(.real(2), nil) == ("2", "NaN"))
    }
}
