import Foundation
import Learning
import NeuralODE

/// How a `{latent-ode}` block turns a table into the series it trains and evaluates on: one long
/// record cut into series where a column crosses a level (`split`, heartbeats cut between beats),
/// a stretch removed from each series (`gap`) and a random subset of its points kept (`subsample`:
/// irregular sampling), every value column standardised (`normalize`), some series held out for
/// testing (`holdout`), and only the first part of each series shown to the model (`observe`: the
/// rest is extrapolated).
struct SeriesPreparation: Sendable, Equatable {
    /// Where one long record is cut into series.
    struct Split: Sendable, Equatable {
        /// The column that is watched (it is then dropped from the values).
        var column: String
        /// The level it crosses.
        var level: Double
        /// Whether a series starts where the column rises through the level (else where it falls).
        var rising: Bool
    }

    /// One series: its name and its points in time order.
    struct Series: Sendable, Equatable {
        var name: String
        var points: [LatentODEData.Point]
    }

    var split: Split?
    /// Points kept per series, at random (`nil`: all).
    var subsample: Int?
    /// The fraction of each series removed as one stretch at a random place.
    var gap: Double = 0
    /// Whether every value column is standardised to mean 0 and standard deviation 1.
    var normalize = false
    /// The fraction of the series held out from training.
    var holdout: Double = 0
    /// The fraction of each series' time span the model sees; the rest is predicted.
    var observe: Double = 1
    /// What the model trains on when it sees only part of the evaluated series.
    enum Training: String, Sendable, Equatable, CaseIterable {
        /// The seen part of each training series, as the evaluated ones (the article's experiment).
        case seen
        /// Whole training series, read whole by the encoder too.
        case whole
        /// Whole training series scored whole, the encoder reading only their seen part: trained
        /// for what it is asked (Rubanova et al. 2019's extrapolation setting).
        case forecast
    }

    /// What the model trains on.
    var training = Training.seen
    /// The seed of the random choices (gaps, subsamples, which series are held out).
    var seed: UInt64 = 0

    /// Whether the preparation changes the series at all.
    var isIdentity: Bool { split == nil && subsample == nil && gap == 0 && !normalize && holdout == 0 && observe == 1 }

    /// What the model trains on and is evaluated on.
    struct Prepared: Sendable {
        /// The observed parts of the training series.
        var training: LatentODEData
        /// The series the evaluation and the figures use (the held-out ones when some are, else the
        /// training series), each split into the part the model sees and the rest.
        var evaluation: [(name: String, seen: [LatentODEData.Point], unseen: [LatentODEData.Point])]
        /// Whether `evaluation` holds held-out series.
        var heldOut: Bool
        /// Whether the model sees only part of each series (the rest is extrapolated).
        var extrapolates: Bool
        /// The names of the value columns.
        var valueNames: [String]
        /// The mean and standard deviation each value column was standardised with (identity when not).
        var scales: [(mean: Double, deviation: Double)]
    }

    /// Why a table cannot become series.
    struct Failure: Error, Sendable, Equatable {
        /// The option to point at.
        var option: String
        /// What is wrong.
        var message: String
    }

    /// Cuts one long record (`times`, the split column and the value columns) into series, from one
    /// crossing of the level to the next; the stretches before the first crossing and after the
    /// last are dropped. Each series' times count from its first point (to the nanosecond, so that
    /// series on one output grid share grid times).
    static func cut(times: [Double], watched: [Double], values: [[Double]], split: Split) -> [Series] {
        var starts = [Int]()
        for row in 1..<max(times.count, 1) {
            let before = watched[row - 1], after = watched[row]
            if split.rising ? (before < split.level && after >= split.level) : (before > split.level && after <= split.level) {
                starts.append(row)
            }
        }
        var series = [Series]()
        for (number, (start, end)) in zip(starts, starts.dropFirst()).enumerated() {
            let origin = times[start]
            let points = (start..<end).map { row in
                LatentODEData.Point(series: "\(number + 1)", time: ((times[row] - origin) * 1e9).rounded() / 1e9, values: values.map { $0[row] })
            }
            series.append(Series(name: "\(number + 1)", points: points))
        }
        return series
    }

    /// Applies the gap, subsample, standardisation, hold-out and observed fraction to `series`.
    func prepare(_ series: [Series], valueNames: [String]) throws(Failure) -> Prepared {
        var generator = SeededGenerator(seed: seed &+ 0x5E71E5)
        var kept = [Series]()
        for var one in series {
            let count = one.points.count
            if gap > 0, count > 2 {
                // One stretch of round(gap·count) points, never the first point.
                let length = min(Int((gap * Double(count)).rounded()), count - 2)
                if length > 0 {
                    let start = 1 + Int(generator.next() % UInt64(count - length - 1))
                    one.points.removeSubrange(start..<(start + length))
                }
            }
            if let subsample, one.points.count > subsample {
                // The first point and subsample − 1 others, at random, in time order.
                var indices = Array(1..<one.points.count)
                indices.shuffle(using: &generator)
                let chosen = [0] + indices.prefix(subsample - 1).sorted()
                one.points = chosen.map { one.points[$0] }
            }
            if one.points.count >= 2 { kept.append(one) }
        }
        guard kept.count >= (holdout > 0 ? 2 : 1) else {
            throw Failure(option: split == nil ? "data" : "split",
                          message: "the data give \(kept.count) series of two points or more; \(holdout > 0 ? "a hold-out needs two" : "training needs one")")
        }
        let width = valueNames.count
        var scales = Array(repeating: (mean: 0.0, deviation: 1.0), count: width)
        if normalize {
            for k in 0..<width {
                let values = kept.flatMap { $0.points.map { $0.values[k] } }
                let mean = values.reduce(0, +) / Double(values.count)
                let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
                scales[k] = (mean, variance > 0 ? variance.squareRoot() : 1)
            }
            for index in kept.indices {
                for p in kept[index].points.indices {
                    for k in 0..<width { kept[index].points[p].values[k] = (kept[index].points[p].values[k] - scales[k].mean) / scales[k].deviation }
                }
            }
        }
        var testIndices = Set<Int>()
        if holdout > 0 {
            var order = Array(kept.indices)
            order.shuffle(using: &generator)
            let count = min(max(Int((holdout * Double(kept.count)).rounded(.up)), 1), kept.count - 1)
            testIndices = Set(order.prefix(count))
        }
        func parts(_ one: Series) -> (seen: [LatentODEData.Point], unseen: [LatentODEData.Point]) {
            guard observe < 1, let first = one.points.first?.time, let last = one.points.last?.time else { return (one.points, []) }
            let cut = first + observe * (last - first)
            return (one.points.filter { $0.time <= cut }, one.points.filter { $0.time > cut })
        }
        var trainingPoints = [LatentODEData.Point]()
        var cutoffs = [String: Double]()
        for (index, one) in kept.enumerated() where !testIndices.contains(index) {
            trainingPoints += self.training == .seen ? parts(one).seen : one.points
            cutoffs[one.name] = parts(one).seen.last?.time ?? -.infinity
        }
        var training: LatentODEData
        do { training = try LatentODEData(points: trainingPoints) } catch {
            throw Failure(option: "data", message: "\(error)")
        }
        if self.training == .forecast {
            let names = training.names
            training = training.encodingOnly { cutoffs[names[$0]] ?? .infinity }
        }
        let evaluated = holdout > 0 ? kept.indices.filter { testIndices.contains($0) } : Array(kept.indices)
        let evaluation = evaluated.map { index in
            let (seen, unseen) = parts(kept[index])
            return (kept[index].name, seen, unseen)
        }
        return Prepared(training: training, evaluation: evaluation, heldOut: holdout > 0, extrapolates: observe < 1, valueNames: valueNames, scales: scales)
    }
}
