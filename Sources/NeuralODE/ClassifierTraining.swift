import Foundation
import Learning
import ODE

/// Minibatch training of a `DepthClassifier`: each epoch shuffles the training samples with a
/// seeded generator, takes them `batchSize` at a time (the last batch may be smaller), and moves
/// the parameters with the optimiser after each batch; after each epoch the accuracy on the
/// training and test samples is measured.
public struct ClassifierTraining: Sendable {
    public var epochs: Int
    public var batchSize: Int
    public var optimizer: OptimizerKind
    public var learningRate: Double
    /// Seed of the shuffles.
    public var seed: UInt64

    /// Settings.
    public init(epochs: Int, batchSize: Int, optimizer: OptimizerKind = .adam, learningRate: Double = 3e-3, seed: UInt64 = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.seed = seed
    }

    /// One epoch of a run.
    public struct Epoch: Sendable, Equatable {
        /// The mean training loss over the epoch's batches.
        public var loss: Double
        public var trainAccuracy: Double
        public var testAccuracy: Double
        /// Mean field evaluations per forward pass (0 without a field) and per backward pass.
        public var forwardEvaluations: Double
        public var backwardEvaluations: Double
        /// Wall time of the epoch's training (the accuracy measurements not included).
        public var seconds: Double
    }

    /// What a run produced.
    public struct Result: Sendable {
        public var epochs: [Epoch] = []
        /// The test samples' predicted classes after the last epoch.
        public var testPredictions: [Int] = []
    }

    /// Trains `classifier` in place; `progress(epoch, batch, batches)` is called after every batch
    /// and returns whether to go on (`false` stops with a failure naming the epoch).
    public func train<Scalar: NetworkScalar>(
        _ classifier: DepthClassifier<Scalar>, train: LabelledData, test: LabelledData,
        progress: (Int, Int, Int) -> Bool = { _, _, _ in true }
    ) throws(TrainingFailure) -> Result {
        var generator = SeededGenerator(seed: seed)
        var optimizer = self.optimizer.make(count: classifier.parameterCount, learningRate: learningRate, epsilon: 1e-8)
        var gradient = [Double](repeating: 0, count: classifier.parameterCount)
        var order = Array(0..<train.count)
        let d = train.featureCount
        var features = [Double](repeating: 0, count: batchSize * d)
        var labels = [Int](repeating: 0, count: batchSize)
        let batches = (train.count + batchSize - 1) / batchSize
        var result = Result()
        let clock = ContinuousClock()
        for epoch in 1...max(epochs, 1) where epochs > 0 {
            let began = clock.now
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(i, Int(generator.next(upperBound: UInt64(i + 1))))
            }
            var lossSum = 0.0, forward = 0, backward = 0
            for b in 0..<batches {
                let start = b * batchSize, size = min(batchSize, train.count - start)
                for s in 0..<size {
                    let index = order[start + s]
                    labels[s] = train.labels[index]
                    for j in 0..<d { features[s * d + j] = train.features[index * d + j] }
                }
                let step: DepthClassifier<Scalar>.BatchResult
                do throws(SolveFailure) {
                    step = try classifier.lossAndGradient(features: features[0..<(size * d)], labels: labels[0..<size], batch: size, gradient: &gradient)
                } catch {
                    throw TrainingFailure("epoch \(epoch), batch \(b + 1): \(error.message)")
                }
                guard step.loss.isFinite, gradient.allSatisfy(\.isFinite) else {
                    throw TrainingFailure("epoch \(epoch), batch \(b + 1): the loss or its gradient is not finite; lower lr")
                }
                optimizer.step(parameters: &classifier.parameters, gradient: gradient)
                lossSum += step.loss * Double(size)
                forward += step.forwardEvaluations
                backward += step.backwardEvaluations
                if !progress(epoch, b + 1, batches) { throw TrainingFailure("epoch \(epoch): stopped on request") }
            }
            let seconds = (clock.now - began).inSeconds
            let trainScore = try Self.evaluate(classifier, on: train)
            let testScore = try Self.evaluate(classifier, on: test)
            result.epochs.append(Epoch(loss: lossSum / Double(train.count), trainAccuracy: trainScore.accuracy, testAccuracy: testScore.accuracy,
                                       forwardEvaluations: Double(forward) / Double(batches), backwardEvaluations: Double(backward) / Double(batches),
                                       seconds: seconds))
            if epoch == epochs { result.testPredictions = testScore.predictions }
        }
        if epochs == 0 { result.testPredictions = try Self.evaluate(classifier, on: test).predictions }
        return result
    }

    /// A classifier's accuracy on `data`, its predictions and its mean field evaluations per
    /// forward pass (of batches of the classifier's largest size); `solve` replaces the ODE-Net's solver.
    public static func evaluate<Scalar: NetworkScalar>(
        _ classifier: DepthClassifier<Scalar>, on data: LabelledData, solve: ODESolve? = nil
    ) throws(TrainingFailure) -> (accuracy: Double, predictions: [Int], evaluations: Double, loss: Double) {
        var predictions = [Int](repeating: 0, count: data.count)
        var correct = 0, evaluations = 0, batches = 0, loss = 0.0
        let d = data.featureCount, size = classifier.maximumBatch
        var start = 0
        while start < data.count {
            let count = min(size, data.count - start)
            let outcome: DepthClassifier<Scalar>.BatchResult
            do throws(SolveFailure) {
                let answer = try classifier.predict(features: data.features[(start * d)..<((start + count) * d)],
                                                    labels: data.labels[start..<(start + count)], batch: count, solve: solve)
                outcome = answer.result
                for i in 0..<count { predictions[start + i] = answer.predictions[i] }
            } catch {
                throw TrainingFailure("evaluation: \(error.message)")
            }
            correct += outcome.correct
            evaluations += outcome.forwardEvaluations
            loss += outcome.loss * Double(count)
            batches += 1
            start += count
        }
        return (Double(correct) / Double(max(data.count, 1)), predictions, Double(evaluations) / Double(max(batches, 1)),
                loss / Double(max(data.count, 1)))
    }
}
