import Learning

/// Labelled samples for classification: `count × featureCount` features, row-major, and one
/// class index `0..<classes` per sample.
public struct LabelledData: Sendable, Equatable {
    /// Features, sample-major.
    public var features: [Double]
    /// Class indices.
    public var labels: [Int]
    /// Features per sample.
    public let featureCount: Int
    /// Number of classes (labels lie in `0..<classes`).
    public let classes: Int

    /// Samples from features and labels.
    public init(features: [Double], labels: [Int], featureCount: Int, classes: Int) {
        precondition(features.count == labels.count * featureCount, "\(features.count) features for \(labels.count) samples of \(featureCount)")
        self.features = features
        self.labels = labels
        self.featureCount = featureCount
        self.classes = classes
    }

    /// The number of samples.
    public var count: Int { labels.count }

    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> LabelledData {
        var selected = [Double]()
        selected.reserveCapacity(indices.count * featureCount)
        for index in indices { selected += features[(index * featureCount)..<((index + 1) * featureCount)] }
        return LabelledData(features: selected, labels: indices.map { labels[$0] }, featureCount: featureCount, classes: classes)
    }

    /// A seeded split into training and test samples: the indices are shuffled by Fisher–Yates
    /// with a `SeededGenerator(seed:)` and the first `round(count · testFraction)` (at least one,
    /// and leaving one) go to the test set; both keep the shuffled order. Not stratified.
    public func split(testFraction: Double, seed: UInt64) -> (train: LabelledData, test: LabelledData) {
        var order = Array(0..<count)
        var generator = SeededGenerator(seed: seed)
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) {
                let j = Int(generator.next(upperBound: UInt64(i + 1)))
                order.swapAt(i, j)
            }
        }
        let tests = min(max(Int((Double(count) * testFraction).rounded()), 1), max(count - 1, 1))
        return (subset(Array(order[tests...])), subset(Array(order[..<tests])))
    }

    /// Each feature's mean and standard deviation over these samples (a constant feature gets 1).
    public func standardisation() -> (mean: [Double], scale: [Double]) {
        var mean = [Double](repeating: 0, count: featureCount), scale = mean
        guard count > 0 else { return (mean, scale.map { _ in 1 }) }
        for s in 0..<count { for j in 0..<featureCount { mean[j] += features[s * featureCount + j] } }
        for j in 0..<featureCount { mean[j] /= Double(count) }
        for s in 0..<count {
            for j in 0..<featureCount {
                let d = features[s * featureCount + j] - mean[j]
                scale[j] += d * d
            }
        }
        for j in 0..<featureCount {
            let deviation = (scale[j] / Double(count)).squareRoot()
            scale[j] = deviation > 1e-12 ? deviation : 1
        }
        return (mean, scale)
    }

    /// The samples with every feature mapped to `(x − mean) / scale`.
    public func transformed(mean: [Double], scale: [Double]) -> LabelledData {
        var result = self
        for s in 0..<count {
            for j in 0..<featureCount { result.features[s * featureCount + j] = (features[s * featureCount + j] - mean[j]) / scale[j] }
        }
        return result
    }
}
