import Foundation
import Learning
import NeuralODE
import ODE

/// The `{odenet}` workload: a block's default ODE-Net (64 → 32 input layer, f(t, h) 33 → 32 → 32 tanh
/// integrated by rk4 in 4 steps, 32 → 10 read-out; Adam lr 2e-3, batches of 64, 40 epochs) on the
/// digits' seeded 80/20 split (seed 0), timed per epoch; the accuracy it reaches is reported beside.
enum OdeNetWorkloads {
    /// Epochs of the timed run (the block's default 40; `NOTEBOOK_BENCH_ODENET_EPOCHS` shortens it).
    static var epochs: Int {
        Int(ProcessInfo.processInfo.environment["NOTEBOOK_BENCH_ODENET_EPOCHS"] ?? "") ?? 40
    }

    /// The digits CSV: the resource bundle beside this program (SwiftPM builds it there), else
    /// `notebooks/data/digits.csv` under the current folder.
    static func digitsFile() throws -> URL {
        let folder = Bundle.main.executableURL?.deletingLastPathComponent() ?? Bundle.main.bundleURL
        let candidates = [folder.appendingPathComponent("notebook_Experiments.resources/digits.csv"),
                          URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("notebooks/data/digits.csv")]
        guard let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0.path) }) else {
            throw BenchmarkSkip("odenet-epoch needs the digits: build notebook (its resource bundle) or run from the repository")
        }
        return found
    }

    /// The digits, pixels scaled to [0, 1] as the block scales them.
    static func digits() throws -> LabelledData {
        let text = try String(contentsOf: try digitsFile(), encoding: .utf8)
        var features = [Double](), labels = [Int]()
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",").compactMap { Double($0) }
            guard fields.count == 65 else { continue }
            features += fields[0..<64].map { $0 / 16 }
            labels.append(Int(fields[64]))
        }
        return LabelledData(features: features, labels: labels, featureCount: 64, classes: 10)
    }

    static var all: [Workload] {
        [
            Workload(name: "odenet-epoch", runsOnce: true) {
                let (train, test) = try digits().split(testFraction: 0.2, seed: 0)
                let solve = ODESolve(FixedStepSolver(tableau: .rk4, stepSize: 0.25, steps: 4))
                let classifier = DepthClassifier<Float>(body: .odenet(solve: solve, gradient: .backprop), inputs: 64, width: 32, classes: 10,
                                                        activation: .tanh, seed: 0, maximumBatch: 256)
                let training = ClassifierTraining(epochs: epochs, batchSize: 64, optimizer: .adam, learningRate: 2e-3, seed: 1)
                let result = try training.train(classifier, train: train, test: test)
                let seconds = result.epochs.map(\.seconds).sorted()
                let accuracy = result.epochs.last?.testAccuracy ?? .nan
                let forward = result.epochs.map(\.forwardEvaluations).reduce(0, +) / Double(max(result.epochs.count, 1))
                var outcome = Workload.Outcome(functionEvaluations: Int(forward.rounded()), steps: result.epochs.count, check: accuracy)
                outcome.perIteration = (median: seconds.isEmpty ? 0 : seconds[seconds.count / 2], minimum: seconds.first ?? 0)
                outcome.extra = [("test_accuracy", accuracy), ("train_accuracy", result.epochs.last?.trainAccuracy ?? .nan),
                                 ("parameters", Double(classifier.parameterCount))]
                return outcome
            },
        ]
    }
}
