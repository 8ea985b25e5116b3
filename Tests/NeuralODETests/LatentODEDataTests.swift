import Foundation
import Learning
import Testing
@testable import NeuralODE

@Suite("Latent-ODE data")
struct LatentODEDataTests {
    @Test("Spirals: the example's shapes, curves and time grids")
    func spiralShapes() {
        let spirals = SpiralData(seed: 1)
        let c = spirals.configuration
        #expect(c.spiralCount == 1000 && c.totalPoints == 1000 && c.samplePoints == 100)
        #expect(spirals.originalTimes.count == 1000 && spirals.originalTimes.first == 0 && spirals.originalTimes.last == 6 * Double.pi)
        #expect(spirals.sampleTimes == Array(spirals.originalTimes.prefix(100)))
        #expect(abs(spirals.sampleTimes[1] - 6 * Double.pi / 999) < 1e-15)
        #expect(spirals.observations.count == 1000 * 100 * 2)
        #expect(spirals.clockwise.count == 2000 && spirals.counterClockwise.count == 2000)
        #expect(spirals.startIndices.allSatisfy { (100..<900).contains($0) })
        // The curves at a few times.
        for i in [0, 137, 999] {
            let t = spirals.originalTimes[i]
            #expect(abs(spirals.counterClockwise[2 * i] - (0.3 * t * cos(t) + 5)) < 1e-12)
            #expect(abs(spirals.counterClockwise[2 * i + 1] - 0.3 * t * sin(t)) < 1e-12)
            let z = 6 * Double.pi + 1 - t, r = 0.3 * 50 / z
            #expect(abs(spirals.clockwise[2 * i] - (r * cos(z) - 5)) < 1e-12)
            #expect(abs(spirals.clockwise[2 * i + 1] - r * sin(z)) < 1e-12)
        }
        let data = spirals.data
        #expect(data.seriesCount == 1000 && data.steps == 100 && data.width == 2)
        #expect(data.mask.allSatisfy { $0 == 1 } && data.observations == spirals.observations)
        #expect(data.times == spirals.sampleTimes)
    }

    @Test("Spirals: reproducible per seed, different across seeds")
    func spiralReproducibility() {
        let small = SpiralData.Configuration(spiralCount: 50, totalPoints: 300, samplePoints: 40)
        #expect(SpiralData(configuration: small, seed: 3) == SpiralData(configuration: small, seed: 3))
        let other = SpiralData(configuration: small, seed: 4)
        #expect(SpiralData(configuration: small, seed: 3).observations != other.observations)
        #expect(SpiralData(configuration: small, seed: 3).startIndices != other.startIndices)
        // The first series' draws, in the documented order.
        var generator = SeededGenerator(seed: 3)
        let start = 40 + Int(generator.nextUniform() * 220)
        let counter = generator.nextUniform() > 0.5
        let noise = generator.nextNormal()
        let spirals = SpiralData(configuration: small, seed: 3)
        #expect(spirals.startIndices[0] == start && spirals.isCounterClockwise[0] == counter)
        #expect(spirals.observations[0] == spirals.trueTrajectory(0)[2 * start] + 0.3 * noise)
    }

    @Test("Spirals: about half of each direction, each around its own centre, noise of σ 0.3")
    func spiralHalves() {
        let spirals = SpiralData(seed: 7)
        let counter = spirals.isCounterClockwise.filter { $0 }.count
        #expect((430...570).contains(counter), "\(counter) counter-clockwise of 1000")
        var residuals = [Double]()
        for b in 0..<1000 {
            let window = Array(spirals.observations[(200 * b)..<(200 * (b + 1))])
            let meanX = stride(from: 0, to: 200, by: 2).reduce(0.0) { $0 + window[$1] } / 100
            // The clockwise curve winds around (−5, 0) with radius ≤ 15, the other around (5, 0).
            #expect(spirals.isCounterClockwise[b] ? meanX > -10 : meanX < 10)
            let truth = spirals.trueSamples(b)
            residuals += zip(window, truth).map { $0 - $1 }
        }
        let mean = residuals.reduce(0, +) / Double(residuals.count)
        let std = (residuals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(residuals.count)).squareRoot()
        #expect(abs(mean) < 0.01 && abs(std - 0.3) < 0.01, "noise mean \(mean), std \(std)")
        // Clockwise: the angle z = stop + 1 − t decreases along the window, the radius grows;
        // counter-clockwise: the angle and radius grow.
        for b in 0..<20 {
            let truth = spirals.trueSamples(b)
            let centre = spirals.isCounterClockwise[b] ? 5.0 : -5.0
            let r0 = hypot(truth[0] - centre, truth[1]), r1 = hypot(truth[198] - centre, truth[199])
            #expect(r1 > r0)
            let a0 = atan2(truth[1], truth[0] - centre), a1 = atan2(truth[3], truth[2] - centre)
            var turn = a1 - a0
            if turn > Double.pi { turn -= 2 * Double.pi }
            if turn < -Double.pi { turn += 2 * Double.pi }
            #expect(spirals.isCounterClockwise[b] ? turn > 0 : turn < 0, "series \(b) turns by \(turn)")
        }
    }

    @Test("Irregular series become a union time grid with a mask")
    func maskBuilder() throws {
        func p(_ series: String, _ time: Double, _ values: Double...) -> LatentODEData.Point {
            LatentODEData.Point(series: series, time: time, values: values)
        }
        let points = [p("a", 0, 1, 2), p("a", 0.5, 3, 4), p("b", 0.25, 5, 6), p("a", 1.5, 7, 8), p("c", 1.5, 9, 10),
                      p("b", 1, 11, 12), p("c", 0, 13, 14), p("b", 0.5, 15, 16)]
        let data = try LatentODEData(points: points)
        #expect(data.names == ["a", "b", "c"])
        #expect(data.times == [0, 0.25, 0.5, 1, 1.5])
        #expect(data.width == 2 && data.steps == 5 && data.seriesCount == 3)
        #expect(data.mask == [1, 0, 1, 0, 1,
                              0, 1, 1, 1, 0,
                              1, 0, 0, 0, 1])
        #expect(data.observations == [1, 2, 0, 0, 3, 4, 0, 0, 7, 8,
                                      0, 0, 5, 6, 15, 16, 11, 12, 0, 0,
                                      13, 14, 0, 0, 0, 0, 0, 0, 9, 10])
        let b = data.series(1)
        #expect(b.times == [0.25, 0.5, 1] && b.values == [5, 6, 15, 16, 11, 12])
        #expect((0..<3).map(data.observedCount) == [3, 3, 2])
        let picked = data.selecting([2, 0])
        #expect(picked.names == ["c", "a"] && picked.times == data.times)
        #expect(picked.mask == Array(data.mask[10..<15]) + Array(data.mask[0..<5]))
        #expect(picked.series(0).values == [13, 14, 9, 10])
        // One value column, points out of time order.
        let single = try LatentODEData(points: [p("s", 2, 1), p("s", 1, 0), p("r", 3, 5)])
        #expect(single.times == [1, 2, 3] && single.width == 1 && single.mask == [1, 1, 0, 0, 0, 1])
        #expect(single.observations == [0, 1, 0, 0, 0, 5])
    }

    @Test("Inconsistent points are rejected")
    func maskBuilderFailures() {
        func p(_ series: String, _ time: Double, _ values: Double...) -> LatentODEData.Point {
            LatentODEData.Point(series: series, time: time, values: values)
        }
        #expect(throws: LatentODEData.Failure.empty) { try LatentODEData(points: []) }
        #expect(throws: LatentODEData.Failure.duplicate(series: "a", time: 1)) { try LatentODEData(points: [p("a", 1, 2, 3), p("a", 1, 4, 5)]) }
        #expect(throws: LatentODEData.Failure.inconsistentWidth(series: "b", time: 2, expected: 2, found: 1)) {
            try LatentODEData(points: [p("a", 1, 2, 3), p("b", 2, 4)])
        }
        #expect(throws: LatentODEData.Failure.notFinite(series: "a", time: 1)) { try LatentODEData(points: [p("a", 1, .infinity)]) }
    }
}
