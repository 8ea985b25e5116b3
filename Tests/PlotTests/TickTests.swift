import Foundation
import Testing

@testable import Plot

private func close(_ a: [Double], _ b: [Double], relative: Double = 1e-9) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= relative * max(abs($0), abs($1), 1e-300) }
}

@Suite("Nice numbers and linear ticks")
struct LinearTickTests {
    @Test func niceNumberFollowsHeckbert() {
        #expect(Ticks.niceNumber(0.23, round: true) == 0.2)
        #expect(Ticks.niceNumber(37, round: true) == 50)
        #expect(Ticks.niceNumber(0.9, round: true) == 1)
        #expect(Ticks.niceNumber(373.6, round: false) == 500)
        #expect(Ticks.niceNumber(10.2, round: false) == 20)
        #expect(Ticks.niceNumber(1, round: false) == 1)
    }

    @Test func unitRange() {
        let t = Ticks.linear(dataRange: 0...1)
        #expect(t.major == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(close([t.range.lowerBound, t.range.upperBound], [-0.05, 1.05]))
        #expect(t.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    @Test("An automatic range is the data's with a margin of 5% of the span on each side (matplotlib's), ticked inside")
    func rangeHasAMargin() {
        let t = Ticks.linear(dataRange: 0...373.6)
        #expect(t.major == [0, 100, 200, 300])
        #expect(close([t.range.lowerBound, t.range.upperBound], [-18.68, 392.28]))
        #expect(t.labels == ["0", "100", "200", "300"])
    }

    @Test func negativeToPositive() {
        let t = Ticks.linear(dataRange: -2.3...7.9)
        #expect(t.major == [-2, 0, 2, 4, 6, 8])
        #expect(close([t.range.lowerBound, t.range.upperBound], [-2.81, 8.41]))
        #expect(t.labels.first == "\u{2212}2")
        #expect(t.labels[1] == "0")
    }

    @Test func symmetricRangeIsNotOverWidened() {
        let t = Ticks.linear(dataRange: -2.3...2.3)
        #expect(close([t.range.lowerBound, t.range.upperBound], [-2.53, 2.53]))
    }

    @Test(arguments: [
        (0.0...1.0), (0...373.6), (-2.3...7.9), (1e-7...3e-7), (1e6...9.9e8), (-0.001...0.0013), (3.7...3.9),
    ])
    func tickCountIsReasonable(_ r: ClosedRange<Double>) {
        let t = Ticks.linear(dataRange: r)
        #expect((4...8).contains(t.major.count), "\(t.major)")
        #expect(t.range.lowerBound <= r.lowerBound && t.range.upperBound >= r.upperBound)
        #expect(t.labels.count == t.major.count)
        #expect(Set(t.labels).count == t.labels.count, "labels must be distinct: \(t.labels)")
    }

    @Test func decimalTicksAreExact() {
        let t = Ticks.linear(dataRange: 0.1...0.7)
        #expect(t.major.contains(0.3))
        #expect(t.labels.allSatisfy { $0.count <= 4 }, "\(t.labels)")
    }

    @Test func fixedRangeIsKept() {
        let t = Ticks.linear(dataRange: 0...100, fixedRange: -0.5...2.5)
        #expect(t.range == -0.5...2.5)
        #expect(t.major.allSatisfy { (-0.5...2.5).contains($0) })
        #expect(t.major.count >= 3)
    }

    @Test func equalValuesGiveNonEmptyRange() {
        let t = Ticks.linear(dataRange: 5...5)
        #expect(t.range.lowerBound < 5 && t.range.upperBound > 5)
        #expect(t.major.count >= 2)
        let zero = Ticks.linear(dataRange: 0...0)
        #expect(zero.range.lowerBound < 0 && zero.range.upperBound > 0)
    }

    @Test func emptyDataGivesUnitRange() {
        for t in [Ticks.linear(dataRange: nil), Ticks.forAxis(Axis("x"), values: []), Ticks.forAxis(Axis("x"), values: [.nan, .infinity])] {
            #expect(close([t.range.lowerBound, t.range.upperBound], [-0.05, 1.05]))
        }
    }

    @Test func tinyRangeStillSubdivides() {
        let t = Ticks.linear(dataRange: 1.0...1.0000001)
        #expect(t.major.count >= 3)
        #expect(t.range.lowerBound <= 1.0 && t.range.upperBound >= 1.0000001)
        #expect(t.range.upperBound - t.range.lowerBound < 1e-6)
        #expect(Set(t.labels).count == t.labels.count, "\(t.labels)")
        #expect(t.labels.first == "1.00000000")
    }

    @Test func rangeBelowDoublePrecisionIsTreatedAsEqual() {
        let t = Ticks.linear(dataRange: 1.0...1.0.nextUp)
        #expect(t.range.upperBound - t.range.lowerBound > 1e-3)
    }

    @Test func nonFiniteValuesAreIgnored() {
        let t = Ticks.forAxis(Axis("y"), values: [1, .nan, 3, -.infinity, 2, .infinity])
        #expect(close([t.range.lowerBound, t.range.upperBound], [0.9, 3.1]))
    }
}

@Suite("Log ticks")
struct LogTickTests {
    @Test func manyDecades() {
        let t = Ticks.log(dataRange: 1e-3...1e4)
        #expect(close([t.range.lowerBound, t.range.upperBound], [pow(10, -3.35), pow(10, 4.35)]))
        #expect(close(t.major, [1e-3, 1e-2, 1e-1, 1, 1e1, 1e2, 1e3, 1e4]))
        #expect(t.labels == ["10⁻³", "10⁻²", "10⁻¹", "10⁰", "10¹", "10²", "10³", "10⁴"])
        #expect(t.minor.contains { abs($0 - 0.02) < 1e-12 })
    }

    @Test("A log axis over a decade or more has the 5% margin in decades")
    func rangeHasAMarginInDecades() {
        let t = Ticks.log(dataRange: 0.003...420)
        let a = log10(0.003), b = log10(420.0), margin = 0.05 * (b - a)
        #expect(close([t.range.lowerBound, t.range.upperBound], [pow(10, a - margin), pow(10, b + margin)]))
        #expect(close(t.major, [1e-2, 1e-1, 1, 1e1, 1e2]))
    }

    @Test func fewDecadesLabelTwoAndFive() {
        let t = Ticks.log(dataRange: 1...100)
        #expect(close(t.major, [1, 2, 5, 10, 20, 50, 100]))
        #expect(t.labels == ["1", "2", "5", "10", "20", "50", "100"])
        let small = Ticks.log(dataRange: 1e-6...1e-4)
        #expect(small.labels.first == "10⁻⁶")
        #expect(small.labels.contains("2×10⁻⁶"))
    }

    @Test func manyDecadesAreThinned() {
        let t = Ticks.log(dataRange: 1e-18...1, maxLabels: 8)
        #expect(t.major.count <= 8 && t.major.count >= 4)
        #expect(t.minor.count > 0)
    }

    @Test func nonPositiveValuesAreIgnored() {
        let t = Ticks.forAxis(Axis("y", scale: .log), values: [-5, 0, 0.1, 10, .nan])
        #expect(close([t.range.lowerBound, t.range.upperBound], [pow(10, -1.1), pow(10, 1.1)]))
    }

    @Test func degenerateLogRanges() {
        let none = Ticks.forAxis(Axis("y", scale: .log), values: [0, -1])
        #expect(none.range == 1...10)
        let one = Ticks.log(dataRange: 100...100)
        #expect(close([one.range.lowerBound, one.range.upperBound], [10, 1000]))
        let off = Ticks.log(dataRange: 3...3)
        #expect(close([off.range.lowerBound, off.range.upperBound], [1, 10]))
        #expect(off.major.count >= 2)
    }

    @Test func narrowFixedLogRangeFallsBackToLinearLabels() {
        let t = Ticks.log(dataRange: nil, fixedRange: 3.1...3.9)
        #expect(t.range == 3.1...3.9)
        #expect(t.major.count >= 2)
    }
}

@Suite("Tick labels")
struct TickLabelTests {
    @Test func fixedNotationIsClean() {
        #expect(TickLabels.fixed(0.1 + 0.2, decimals: 1) == "0.3")
        #expect(TickLabels.fixed(0.30000000000000004, decimals: 2) == "0.30")
        #expect(TickLabels.fixed(-0.0, decimals: 1) == "0.0")
        #expect(TickLabels.fixed(-2.5, decimals: 1) == "\u{2212}2.5")
        #expect(TickLabels.fixed(1500, decimals: 0) == "1500")
        #expect(TickLabels.fixed(0.05, decimals: 2) == "0.05")
    }

    @Test func sameDecimalsWithinAnAxis() {
        #expect(TickLabels.linear([0, 0.5, 1, 1.5], step: 0.5) == ["0.0", "0.5", "1.0", "1.5"])
        #expect(TickLabels.linear([-1, 0, 1], step: 1) == ["\u{2212}1", "0", "1"])
    }

    @Test func scientificForVerySmallAndLarge() {
        #expect(TickLabels.linear([0, 1e-5, 2e-5], step: 1e-5) == ["0", "1e-05", "2e-05"])
        #expect(TickLabels.linear([0, 2.5e-5, 5e-5], step: 2.5e-5) == ["0", "2.5e-05", "5.0e-05"])
        #expect(TickLabels.linear([0, 5e5, 1e6], step: 5e5) == ["0", "5.0e+05", "1.0e+06"])
        #expect(TickLabels.scientific(-3e-7, mantissaDecimals: 0) == "\u{2212}3e-07")
        #expect(TickLabels.scientific(9.99e4, mantissaDecimals: 0) == "1e+05")
    }

    @Test func superscripts() {
        #expect(TickLabels.superscript(-12) == "⁻¹²")
        #expect(TickLabels.superscript(0) == "⁰")
    }
}

@Suite("Extreme log ranges")
struct ExtremeLogTickTests {
    @Test func hugeRangeUsesNiceDecadeSteps() {
        let t = Ticks.log(dataRange: 1e-300...1e300, maxLabels: 8)
        #expect(t.labels == ["10⁻³⁰⁰", "10⁻²⁰⁰", "10⁻¹⁰⁰", "10⁰", "10¹⁰⁰", "10²⁰⁰", "10³⁰⁰"])
        #expect(t.minor.isEmpty)
    }
}
