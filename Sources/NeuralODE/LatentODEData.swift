import Foundation
import Learning

/// Time series for a latent ODE: `seriesCount` series on one increasing time grid `times`
/// (the union of the series' own times), with a mask marking where each series was observed.
///
/// **Layouts** (those of `RecognitionRNN` and `Gaussian`): `observations` is
/// `seriesCount × steps × width`, series-major (series b's value k at time index t at
/// `(b·steps + t)·width + k`, 0 where the series has no observation); `mask` is
/// `seriesCount × steps` (series b at time index t at `b·steps + t`), 1 observed, 0 missing.
///
/// A latent ODE integrates every series from `times[0]`, so a series that starts later has its
/// latent state at `times[0]` inferred from its later observations.
public struct LatentODEData: Sendable, Equatable {
    /// The time grid, strictly increasing.
    public let times: [Double]
    /// Values per observation.
    public let width: Int
    /// One name per series.
    public let names: [String]
    /// `seriesCount × steps × width`, series-major.
    public let observations: [Double]
    /// `seriesCount × steps`, 1 observed, 0 missing.
    public let mask: [Double]
    /// What the recognition network reads, when it is less than what the likelihood scores
    /// (`seriesCount × steps`, 1 read): training to forecast, the encoder reads the first part of
    /// each series and the decoder is scored on all of it (Rubanova, Chen & Duvenaud, "Latent ODEs
    /// for Irregularly-Sampled Time Series", NeurIPS 2019, the extrapolation setting). `nil`: `mask`.
    public private(set) var encoderMask: [Double]?

    /// The number of series.
    public var seriesCount: Int { names.count }
    /// The number of grid times.
    public var steps: Int { times.count }

    /// Data from its parts (shapes as documented; `mask` entries 0 or 1).
    public init(times: [Double], width: Int, names: [String], observations: [Double], mask: [Double]) {
        precondition(width > 0, "observations need a positive width")
        precondition(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "the time grid must increase strictly")
        precondition(observations.count == names.count * times.count * width, "observations need \(names.count) × \(times.count) × \(width) values")
        precondition(mask.count == names.count * times.count, "the mask needs \(names.count) × \(times.count) values")
        precondition(mask.allSatisfy { $0 == 0 || $0 == 1 }, "mask entries are 0 or 1")
        self.times = times
        self.width = width
        self.names = names
        self.observations = observations
        self.mask = mask
    }

    /// One observation of one series.
    public struct Point: Sendable, Equatable {
        /// The series it belongs to.
        public var series: String
        /// Its time.
        public var time: Double
        /// Its values.
        public var values: [Double]

        /// A point.
        public init(series: String, time: Double, values: [Double]) {
            self.series = series
            self.time = time
            self.values = values
        }
    }

    /// Why points or a table could not become data.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// No points at all.
        case empty
        /// A point whose width differs from the first point's.
        case inconsistentWidth(series: String, time: Double, expected: Int, found: Int)
        /// Two points of one series at one time.
        case duplicate(series: String, time: Double)
        /// A time or value that is not finite.
        case notFinite(series: String, time: Double)

        public var description: String {
            switch self {
            case .empty: return "no observations"
            case .inconsistentWidth(let series, let time, let expected, let found):
                return "series \(series) at t = \(time) has \(found) values, the others \(expected)"
            case .duplicate(let series, let time): return "series \(series) has two observations at t = \(time)"
            case .notFinite(let series, let time): return "series \(series) at t = \(time) has a value that is not finite"
            }
        }
    }

    /// The series of `points`, in the order of their first point, on the union of their times
    /// (sorted; two times are one grid time when equal as `Double`s). The points of a series
    /// need not be in time order; a series may have any number of points on its own times.
    public init(points: [Point]) throws(Failure) {
        guard let first = points.first else { throw .empty }
        let width = first.values.count
        guard width > 0 else { throw .inconsistentWidth(series: first.series, time: first.time, expected: 1, found: 0) }
        var seriesIndex = [String: Int](), names = [String]()
        var timeSet = Set<Double>()
        for point in points {
            guard point.values.count == width else {
                throw .inconsistentWidth(series: point.series, time: point.time, expected: width, found: point.values.count)
            }
            guard point.time.isFinite, point.values.allSatisfy(\.isFinite) else { throw .notFinite(series: point.series, time: point.time) }
            if seriesIndex[point.series] == nil {
                seriesIndex[point.series] = names.count
                names.append(point.series)
            }
            timeSet.insert(point.time == 0 ? 0 : point.time)  // −0 and 0 are one time
        }
        let times = timeSet.sorted()
        var timeIndex = [Double: Int]()
        for (index, time) in times.enumerated() { timeIndex[time] = index }
        let steps = times.count
        var observations = [Double](repeating: 0, count: names.count * steps * width)
        var mask = [Double](repeating: 0, count: names.count * steps)
        for point in points {
            let b = seriesIndex[point.series]!, t = timeIndex[point.time == 0 ? 0 : point.time]!
            guard mask[b * steps + t] == 0 else { throw .duplicate(series: point.series, time: point.time) }
            mask[b * steps + t] = 1
            for k in 0..<width { observations[(b * steps + t) * width + k] = point.values[k] }
        }
        self.init(times: times, width: width, names: names, observations: observations, mask: mask)
    }

    /// The observed points of series `index`: their times and their values (`count × width`).
    public func series(_ index: Int) -> (times: [Double], values: [Double]) {
        var seriesTimes = [Double](), values = [Double]()
        for t in 0..<steps where mask[index * steps + t] != 0 {
            seriesTimes.append(times[t])
            values.append(contentsOf: observations[((index * steps + t) * width)..<((index * steps + t + 1) * width)])
        }
        return (seriesTimes, values)
    }

    /// The number of observed points of series `index`.
    public func observedCount(_ index: Int) -> Int {
        (0..<steps).reduce(0) { $0 + (mask[index * steps + $1] != 0 ? 1 : 0) }
    }

    /// The series at `indices`, in that order, on the same time grid.
    public func selecting(_ indices: [Int]) -> LatentODEData {
        var observations = [Double](), mask = [Double](), encoderMask = [Double]()
        observations.reserveCapacity(indices.count * steps * width)
        mask.reserveCapacity(indices.count * steps)
        for b in indices {
            observations.append(contentsOf: self.observations[(b * steps * width)..<((b + 1) * steps * width)])
            mask.append(contentsOf: self.mask[(b * steps)..<((b + 1) * steps)])
            if let read = self.encoderMask { encoderMask.append(contentsOf: read[(b * steps)..<((b + 1) * steps)]) }
        }
        var selected = LatentODEData(times: times, width: width, names: indices.map { names[$0] }, observations: observations, mask: mask)
        if self.encoderMask != nil { selected.encoderMask = encoderMask }
        return selected
    }

    /// These data with the encoder reading, of each series, only its observations at times up to
    /// `cutoff(series)` (the likelihood still scores them all).
    public func encodingOnly(upTo cutoff: (Int) -> Double) -> LatentODEData {
        var copy = self
        var read = mask
        for b in 0..<seriesCount {
            let limit = cutoff(b)
            for t in 0..<steps where times[t] > limit { read[b * steps + t] = 0 }
        }
        copy.encoderMask = read
        return copy
    }
}

/// The noisy two-dimensional spirals of torchdiffeq's `latent_ode.py` (`generate_spiral2d`),
/// drawn from a `SeededGenerator`.
///
/// On `originalTimes` = `totalPoints` evenly spaced times from `start` to `stop` (numpy's
/// `linspace`), the two ground-truth curves are
/// - clockwise: z = stop + 1 − t, r = a + 50·b/z, (x, y) = (r cos z − 5, r sin z);
/// - counter-clockwise: z = t, r = a + b·z, (x, y) = (r cos z + 5, r sin z).
///
/// Each of the `spiralCount` series draws, in this order: a start index uniform on
/// `samplePoints ..< totalPoints − samplePoints` (one `nextUniform`), its direction
/// (counter-clockwise when a `nextUniform` exceeds ½, as `npr.rand() > .5`), then
/// `samplePoints × 2` normals (point by point, x then y) scaled by `noiseStandardDeviation` and
/// added to the `samplePoints` consecutive curve points from the start index. Every series is
/// then observed on `sampleTimes` = the first `samplePoints` original times (from `start`,
/// whatever its start index), as the example integrates its latent ODE on `samp_ts`.
public struct SpiralData: Sendable, Equatable {
    /// The generator's settings; the defaults are the example's `__main__` values.
    public struct Configuration: Sendable, Equatable {
        /// Series (`nspiral`).
        public var spiralCount: Int
        /// Points per ground-truth curve (`ntotal`).
        public var totalPoints: Int
        /// Points per series (`nsample`).
        public var samplePoints: Int
        /// The first time / angle (`start`).
        public var start: Double
        /// The last time / angle (`stop`).
        public var stop: Double
        /// The observation noise (`noise_std`).
        public var noiseStandardDeviation: Double
        /// The spirals' `a`.
        public var a: Double
        /// The spirals' `b`.
        public var b: Double

        /// A configuration; the defaults are the example's.
        public init(spiralCount: Int = 1000, totalPoints: Int = 1000, samplePoints: Int = 100, start: Double = 0, stop: Double = 6 * Double.pi,
                    noiseStandardDeviation: Double = 0.3, a: Double = 0, b: Double = 0.3) {
            self.spiralCount = spiralCount
            self.totalPoints = totalPoints
            self.samplePoints = samplePoints
            self.start = start
            self.stop = stop
            self.noiseStandardDeviation = noiseStandardDeviation
            self.a = a
            self.b = b
        }
    }

    /// The settings the data was drawn with.
    public let configuration: Configuration
    /// `totalPoints` times from `start` to `stop` (`orig_ts`).
    public let originalTimes: [Double]
    /// The clockwise curve, `totalPoints × 2`.
    public let clockwise: [Double]
    /// The counter-clockwise curve, `totalPoints × 2`.
    public let counterClockwise: [Double]
    /// Each series' first index into the curve.
    public let startIndices: [Int]
    /// Whether each series follows the counter-clockwise curve.
    public let isCounterClockwise: [Bool]
    /// The noisy observations (`samp_trajs`), `spiralCount × samplePoints × 2`, series-major.
    public let observations: [Double]

    /// Spirals drawn from a generator seeded with `seed`.
    public init(configuration: Configuration = Configuration(), seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        self.init(configuration: configuration, generator: &generator)
    }

    /// Spirals drawn from `generator` (in the documented order).
    public init(configuration c: Configuration = Configuration(), generator: inout SeededGenerator) {
        precondition(c.spiralCount >= 0, "a negative number of spirals")
        precondition(c.samplePoints > 0 && c.totalPoints > 2 * c.samplePoints,
                     "the curve needs more than twice the sampled points (\(c.totalPoints) ≤ 2 × \(c.samplePoints))")
        precondition(c.noiseStandardDeviation >= 0, "a negative noise")
        configuration = c
        let n = c.totalPoints
        let step = (c.stop - c.start) / Double(n - 1)
        let times = (0..<n).map { $0 == n - 1 ? c.stop : c.start + Double($0) * step }
        originalTimes = times
        var cw = [Double](repeating: 0, count: 2 * n), cc = [Double](repeating: 0, count: 2 * n)
        for (i, t) in times.enumerated() {
            let zw = c.stop + 1 - t, rw = c.a + c.b * 50 / zw
            cw[2 * i] = rw * cos(zw) - 5
            cw[2 * i + 1] = rw * sin(zw)
            let rc = c.a + c.b * t
            cc[2 * i] = rc * cos(t) + 5
            cc[2 * i + 1] = rc * sin(t)
        }
        clockwise = cw
        counterClockwise = cc
        let window = c.samplePoints, choices = n - 2 * window
        var starts = [Int](), directions = [Bool]()
        var observations = [Double]()
        starts.reserveCapacity(c.spiralCount)
        directions.reserveCapacity(c.spiralCount)
        observations.reserveCapacity(c.spiralCount * window * 2)
        for _ in 0..<c.spiralCount {
            let start = window + min(Int(generator.nextUniform() * Double(choices)), choices - 1)
            let counter = generator.nextUniform() > 0.5
            starts.append(start)
            directions.append(counter)
            let curve = counter ? cc : cw
            for i in start..<(start + window) {
                for k in 0..<2 { observations.append(curve[2 * i + k] + c.noiseStandardDeviation * generator.nextNormal()) }
            }
        }
        startIndices = starts
        isCounterClockwise = directions
        self.observations = observations
    }

    /// The first `samplePoints` original times (`samp_ts`), on which every series is observed.
    public var sampleTimes: [Double] { Array(originalTimes.prefix(configuration.samplePoints)) }

    /// Series `index`'s whole ground-truth curve (`orig_trajs[index]`), `totalPoints × 2`.
    public func trueTrajectory(_ index: Int) -> [Double] {
        isCounterClockwise[index] ? counterClockwise : clockwise
    }

    /// Series `index`'s noise-free window, `samplePoints × 2`.
    public func trueSamples(_ index: Int) -> [Double] {
        let start = startIndices[index]
        return Array(trueTrajectory(index)[(2 * start)..<(2 * (start + configuration.samplePoints))])
    }

    /// The observations as latent-ODE data on `sampleTimes`, every point observed; series are named
    /// `cw<i>` or `ccw<i>` by direction.
    public var data: LatentODEData {
        LatentODEData(times: sampleTimes, width: 2,
                      names: isCounterClockwise.enumerated().map { ($0.element ? "ccw" : "cw") + String($0.offset) },
                      observations: observations,
                      mask: [Double](repeating: 1, count: configuration.spiralCount * configuration.samplePoints))
    }
}
