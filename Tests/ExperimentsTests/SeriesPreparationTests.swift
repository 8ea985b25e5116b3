import Foundation
import NeuralODE
import Testing
@testable import Experiments

/// A record of `count` rows at `step` apart whose watched column is sin(2π t / period).
private func record(count: Int, step: Double, period: Double) -> (times: [Double], watched: [Double], values: [[Double]]) {
    let times = (0..<count).map { Double($0) * step }
    let watched = times.map { sin(2 * Double.pi * $0 / period) }
    return (times, watched, [times.map { cos(2 * Double.pi * $0 / period) }, times.map { $0 * 10 }])
}

@Suite("{latent-ode}: cutting and preparing series")
struct SeriesPreparationTests {
    @Test("a record is cut where the column crosses the level in the chosen direction; times count from each series' start")
    func cutting() {
        let (times, watched, values) = record(count: 1001, step: 0.01, period: 2)
        // sin rises through 0 at t = 2, 4, 6, 8 (t = 0 is the first row: no crossing before it), falls at 1, 3, 5, 7, 9.
        let rising = SeriesPreparation.cut(times: times, watched: watched, values: values, split: .init(column: "s", level: 0, rising: true))
        #expect(rising.map(\.name) == ["1", "2", "3"])
        #expect(rising.allSatisfy { $0.points.count == 200 })
        #expect(rising[0].points[0].time == 0 && rising[0].points[199].time == 1.99)
        #expect(abs(rising[1].points[0].values[1] - 40) <= 0.1 + 1e-9, "the second series starts at t = 4 (or the row after, where sin has rounded below 0)")
        let falling = SeriesPreparation.cut(times: times, watched: watched, values: values, split: .init(column: "s", level: 0, rising: false))
        #expect(falling.count == 4)
        #expect(abs(falling[0].points[0].values[1] - 10) < 1e-6 || abs(falling[0].points[0].values[1] - 10.1) < 1e-6)
        #expect(SeriesPreparation.cut(times: times, watched: watched, values: values, split: .init(column: "s", level: 2, rising: true)).isEmpty)
    }

    @Test("subsample keeps the first point and that many in time order; a gap removes one stretch; both follow the seed")
    func sampling() throws {
        let (times, watched, values) = record(count: 1001, step: 0.01, period: 2)
        let series = SeriesPreparation.cut(times: times, watched: watched, values: values, split: .init(column: "s", level: 0, rising: true))
        let preparation = SeriesPreparation(subsample: 30, gap: 0.25, seed: 7)
        let prepared = try preparation.prepare(series, valueNames: ["c", "u"])
        #expect(prepared.training.seriesCount == 3)
        for index in 0..<3 {
            let kept = prepared.training.series(index).times
            #expect(kept.count == 30)
            #expect(kept[0] == 0)
            #expect(zip(kept, kept.dropFirst()).allSatisfy { $0 < $1 })
            // 50 of the 200 points (a stretch of 0.5) are gone: some gap between kept points is at least that long.
            #expect(zip(kept, kept.dropFirst()).contains { $1 - $0 >= 0.5 - 1e-9 })
        }
        let again = try preparation.prepare(series, valueNames: ["c", "u"])
        #expect(again.training == prepared.training)
        var other = preparation
        other.seed = 8
        #expect(try other.prepare(series, valueNames: ["c", "u"]).training != prepared.training)
    }

    @Test("normalize gives every value column mean 0 and deviation 1; holdout and observe split the series as asked")
    func normalizeHoldoutObserve() throws {
        let (times, watched, values) = record(count: 2001, step: 0.01, period: 2)
        let series = SeriesPreparation.cut(times: times, watched: watched, values: values, split: .init(column: "s", level: 0, rising: true))
        #expect(series.count == 8)
        let prepared = try SeriesPreparation(normalize: true, holdout: 0.25, observe: 0.5, seed: 3).prepare(series, valueNames: ["c", "u"])
        #expect(prepared.heldOut && prepared.extrapolates)
        #expect(prepared.evaluation.count == 2 && prepared.training.seriesCount == 6)
        #expect(Set(prepared.evaluation.map(\.name)).isDisjoint(with: prepared.training.names))
        let all = prepared.evaluation.flatMap { $0.seen + $0.unseen }.map(\.values[1])
        #expect(all.count == 400)
        for series in prepared.evaluation {
            #expect(series.seen.count == 100 && series.unseen.count == 100, "half of each series' span is seen")
            #expect(series.seen.last!.time <= 0.995 && series.unseen.first!.time > 0.995)
        }
        // The training series hold only their seen halves.
        #expect(prepared.training.times.last! <= 0.995)
        let scale = prepared.scales[1]
        let raw = series.flatMap { $0.points.map(\.values[1]) }
        let mean = raw.reduce(0, +) / Double(raw.count)
        #expect(abs(scale.mean - mean) < 1e-9)
        let standardised = raw.map { ($0 - scale.mean) / scale.deviation }
        let standardisedMean: Double = standardised.reduce(0, +) / Double(raw.count)
        let standardisedVariance: Double = standardised.map { $0 * $0 }.reduce(0, +) / Double(raw.count)
        #expect(abs(standardisedMean) < 1e-9)
        #expect(abs(standardisedVariance - 1) < 1e-9)
    }

    @Test("a hold-out of one series is refused")
    func tooFew() {
        let series = [SeriesPreparation.Series(name: "1", points: [.init(series: "1", time: 0, values: [1]), .init(series: "1", time: 1, values: [2])])]
        #expect(throws: SeriesPreparation.Failure.self) { try SeriesPreparation(holdout: 0.5).prepare(series, valueNames: ["x"]) }
    }
}
