import BlockResults
import Foundation
import Learning
import NeuralODE
import ODE
import Plot

/// A checked `{odenet}` block: the model, the split data and the training settings.
struct OdeNetExperiment: Sendable {
    /// The network's middle, as the block chose it.
    enum Model: Sendable {
        case odenet(solve: ODESolve, gradient: GradientMethod, description: String)
        case resnet(blocks: Int)
        case mlp(hidden: Int)

        func body<Scalar: NetworkScalar>(_: Scalar.Type) -> DepthClassifier<Scalar>.Body {
            switch self {
            case let .odenet(solve, gradient, _): .odenet(solve: solve, gradient: gradient)
            case let .resnet(blocks): .resnet(blocks: blocks)
            case let .mlp(hidden): .mlp(hidden: hidden)
            }
        }
    }

    /// What the study evaluates.
    struct Study: Sendable {
        var steps: [Int]
        var tolerances: [Double]
    }

    let model: Model
    let train: LabelledData
    let test: LabelledData
    let classNames: [Int]
    let width: Int
    let activation: Activation
    let singlePrecision: Bool
    let training: ClassifierTraining
    let seed: UInt64
    let dataFile: URL?
    let dataName: String
    let study: Study?

    /// The parameters of a model: `(in+1)·W` for the input layer, `(W+2)·W + (W+1)·W` for the
    /// ODE-Net's field, `K·2(W+1)·W` for K residual blocks, `(W+1)·C` for the read-out; an MLP
    /// `(in+1)·H + (H+1)·C`.
    static func parameterCount(model: Model, inputs: Int, width w: Int, classes c: Int) -> Int {
        switch model {
        case .odenet: (inputs + 1) * w + (w + 2) * w + (w + 1) * w + (w + 1) * c
        case let .resnet(blocks): (inputs + 1) * w + blocks * 2 * (w + 1) * w + (w + 1) * c
        case let .mlp(hidden): (inputs + 1) * hidden + (hidden + 1) * c
        }
    }

    /// The hidden width of the MLP whose parameter count is nearest the ODE-Net's of width `width`.
    static func matchingHidden(inputs: Int, width: Int, classes: Int) -> Int {
        let target = Double(parameterCount(model: .resnet(blocks: 0), inputs: inputs, width: width, classes: classes) + (2 * width + 3) * width)
        return max(1, Int(((target - Double(classes)) / Double(inputs + 1 + classes)).rounded()))
    }

    /// The metrics of a run without the study, in the order it reports them.
    static let metricNames = ["test_accuracy", "train_accuracy", "parameters", "nfe", "seconds_per_epoch", "loss.final"]

    /// The study's metric names for `study`.
    static func studyMetricNames(_ study: Study) -> [String] {
        study.steps.flatMap { ["study.euler_k\($0).test_accuracy", "study.euler_k\($0).test_loss", "study.euler_k\($0).nfe"] }
            + study.tolerances.flatMap {
                ["study.dopri5_\(toleranceName($0)).test_accuracy", "study.dopri5_\(toleranceName($0)).test_loss", "study.dopri5_\(toleranceName($0)).nfe"]
            }
            + study.steps.flatMap { ["study.resnet_k\($0).test_accuracy", "study.resnet_k\($0).parameters"] }
    }

    /// `1e-03` for 0.001.
    static func toleranceName(_ value: Double) -> String { String(format: "%.0e", value) }

    /// Every metric a run of this block reports.
    var metricNames: [String] { Self.metricNames + (study.map(Self.studyMetricNames) ?? []) }

    var parameterCount: Int { Self.parameterCount(model: model, inputs: train.featureCount, width: width, classes: train.classes) }

    /// The largest batch a classifier holds (evaluation runs in batches of this size).
    var maximumBatch: Int { max(training.batchSize, 256) }

    func run(monitor: RunMonitor) throws(BlockFailure) -> Artifacts {
        singlePrecision ? try run(Float.self, monitor: monitor) : try run(Double.self, monitor: monitor)
    }

    /// One training run of `model`, reporting its minibatches to `monitor` under `unit`.
    func trainModel<Scalar: NetworkScalar>(_ type: Scalar.Type, _ model: Model, monitor: RunMonitor, unit: String)
        throws(BlockFailure) -> (classifier: DepthClassifier<Scalar>, result: ClassifierTraining.Result) {
        let classifier = DepthClassifier<Scalar>(body: model.body(Scalar.self), inputs: train.featureCount, width: width, classes: train.classes,
                                                 activation: activation, seed: seed, maximumBatch: maximumBatch)
        let epochs = training.epochs
        do {
            let result = try training.train(classifier, train: train, test: test) { epoch, batch, batches in
                monitor.report(done: (epoch - 1) * batches + batch, total: epochs * batches, unit: unit)
            }
            return (classifier, result)
        } catch {
            throw BlockFailure("training failed at \(error.message)")
        }
    }

    func run<Scalar: NetworkScalar>(_ type: Scalar.Type, monitor: RunMonitor) throws(BlockFailure) -> Artifacts {
        let (classifier, result) = try trainModel(Scalar.self, model, monitor: monitor, unit: "minibatches")
        var artifacts = artifacts(result: result, parameters: classifier.parameterCount)
        if let study, case .odenet = model {
            try runStudy(study, classifier: classifier, trained: result, monitor: monitor, into: &artifacts)
        }
        return artifacts
    }

    /// Mean field evaluations per training forward pass over the run (ResNet: its K blocks; MLP: 0).
    func evaluationsPerPass(_ result: ClassifierTraining.Result) -> Double {
        switch model {
        case .odenet: result.epochs.isEmpty ? 0 : result.epochs.map(\.forwardEvaluations).reduce(0, +) / Double(result.epochs.count)
        case let .resnet(blocks): Double(blocks)
        case .mlp: 0
        }
    }

    var modelDescription: String {
        switch model {
        case let .odenet(_, gradient, description):
            "ODE-Net, f(t, h) = W2 \(activation.rawValue)(W1 [h; t] + b1) + b2 over t in [0, 1] by \(description), "
                + (gradient == .backprop ? "backprop through the steps" : "continuous adjoint")
        case let .resnet(blocks): "ResNet of \(blocks) block\(blocks == 1 ? "" : "s"), h + W2 \(activation.rawValue)(W1 h + b1) + b2 with weights per block"
        case let .mlp(hidden): "MLP \(train.featureCount) → \(hidden) (\(activation.rawValue)) → \(train.classes)"
        }
    }

    /// Figures, tables, CSVs and metrics of the training run.
    func artifacts(result: ClassifierTraining.Result, parameters: Int) -> Artifacts {
        var artifacts = Artifacts()
        let epochs = result.epochs
        let last = epochs.last
        let seconds = epochs.map(\.seconds).sorted()
        let median = seconds.isEmpty ? 0 : seconds[seconds.count / 2]
        let nfe = evaluationsPerPass(result)
        let confusion = OdeNetFigures.confusion(labels: test.labels, predictions: result.testPredictions, classes: train.classes)
        let figures = OdeNetFigures(classNames: classNames)
        if !epochs.isEmpty {
            artifacts.figures.append(NamedFigure(name: "curves", caption: "Training loss per epoch (mean over its minibatches), and the accuracy on the training and test samples after each epoch",
                                                 figure: figures.curves(epochs), data: "history"))
        }
        artifacts.figures.append(NamedFigure(
            name: "confusion", caption: "Confusion matrix on the \(test.count) test samples (rows: true class, columns: predicted; counts in the cells)",
            figure: figures.confusion(confusion), data: "confusion"))
        artifacts.series.append(NumericTable(
            name: "history", columns: ["epoch", "loss", "train_accuracy", "test_accuracy", "nfe_forward", "nfe_backward", "seconds"],
            rows: epochs.enumerated().map { [Double($0.offset + 1), $0.element.loss, $0.element.trainAccuracy, $0.element.testAccuracy,
                                             $0.element.forwardEvaluations, $0.element.backwardEvaluations, $0.element.seconds] }))
        artifacts.series.append(NumericTable(
            name: "confusion", columns: ["true"] + classNames.map { "predicted_\($0)" },
            rows: confusion.enumerated().map { [Double(classNames[$0.offset])] + $0.element.map(Double.init) }))
        artifacts.lossCurve = LossCurve(step: "epoch", quantity: "training loss", values: epochs.map(\.loss))
        let values: [MetricValue] = [
            .real(last?.testAccuracy ?? .nan), .real(last?.trainAccuracy ?? .nan), .count(parameters), .real(nfe), .real(median),
            .real(last?.loss ?? .nan),
        ]
        artifacts.metrics = zip(Self.metricNames, values).map { Metric($0, $1) }
        artifacts.tables.append(ResultTable(
            title: "Training", columns: ["", "value"],
            rows: [
                ["model", modelDescription],
                ["network", "\(train.featureCount) → \(width) (input layer) … → \(train.classes) (read-out), \(singlePrecision ? "float32" : "float64")"],
                ["parameters", "\(parameters)"],
                ["data", "\(dataName): \(train.count) training and \(test.count) test samples, \(train.featureCount) features, \(train.classes) classes"],
                ["test accuracy", last.map { String(format: "%.2f%%", $0.testAccuracy * 100) } ?? "–"],
                ["train accuracy", last.map { String(format: "%.2f%%", $0.trainAccuracy * 100) } ?? "–"],
                ["field evaluations per forward pass", String(format: "%.1f", nfe)],
                ["median time per epoch", String(format: "%.3g s", median)],
            ]))
        artifacts.log.append(String(format: "trained %d epochs of %d samples; test accuracy %.4f, median epoch %.3f s", epochs.count, train.count,
                                    last?.testAccuracy ?? .nan, median))
        return artifacts
    }

    /// The articles' claim measured: the trained ODE-Net evaluated with Euler at each K and with
    /// dopri5 at each tolerance (accuracy against evaluations), and a ResNet trained at each K
    /// (accuracy against parameters).
    func runStudy<Scalar: NetworkScalar>(_ study: Study, classifier: DepthClassifier<Scalar>, trained: ClassifierTraining.Result,
                                         monitor: RunMonitor, into artifacts: inout Artifacts) throws(BlockFailure) {
        var euler = [OdeNetFigures.Point](), adaptive = [OdeNetFigures.Point](), resnets = [OdeNetFigures.Point]()
        var metrics = [Metric]()
        let total = study.steps.count * 2 + study.tolerances.count
        var done = 0
        func advance() throws(BlockFailure) {
            done += 1
            if !monitor.report(done: done, total: total, unit: "study evaluations and trainings") {
                throw BlockFailure("the study stopped after \(done) of \(total) evaluations and trainings")
            }
        }
        let asTrained: (accuracy: Double, predictions: [Int], evaluations: Double, loss: Double)
        do {
            asTrained = try ClassifierTraining.evaluate(classifier, on: test)
            for k in study.steps {
                let solve = ODESolve(FixedStepSolver(tableau: .euler, stepSize: 1 / Double(k), steps: k))
                let score = try ClassifierTraining.evaluate(classifier, on: test, solve: solve)
                euler.append(.init(label: "K = \(k)", x: score.evaluations, accuracy: score.accuracy, loss: score.loss))
                metrics += [Metric("study.euler_k\(k).test_accuracy", .real(score.accuracy)), Metric("study.euler_k\(k).test_loss", .real(score.loss)),
                            Metric("study.euler_k\(k).nfe", .real(score.evaluations))]
                try advance()
            }
            for rtol in study.tolerances {
                let solve = ODESolve(AdaptiveSolver(tableau: .dopri5, controller: .integral(rtol: rtol, atol: rtol / 10)))
                let score = try ClassifierTraining.evaluate(classifier, on: test, solve: solve)
                adaptive.append(.init(label: "rtol " + Self.toleranceName(rtol), x: score.evaluations, accuracy: score.accuracy, loss: score.loss))
                metrics += [Metric("study.dopri5_\(Self.toleranceName(rtol)).test_accuracy", .real(score.accuracy)),
                            Metric("study.dopri5_\(Self.toleranceName(rtol)).test_loss", .real(score.loss)),
                            Metric("study.dopri5_\(Self.toleranceName(rtol)).nfe", .real(score.evaluations))]
                try advance()
            }
        } catch let failure as BlockFailure {
            throw failure
        } catch {
            throw BlockFailure("the study's evaluation failed: \(error)")
        }
        for k in study.steps {
            let (resnet, result) = try trainModel(Scalar.self, .resnet(blocks: k), monitor: monitor, unit: "study: resnet K = \(k) minibatches")
            let accuracy = result.epochs.last?.testAccuracy ?? .nan
            let loss: Double
            do { loss = try ClassifierTraining.evaluate(resnet, on: test).loss } catch { throw BlockFailure("the study's ResNet evaluation failed: \(error.message)") }
            resnets.append(.init(label: "K = \(k)", x: Double(resnet.parameterCount), accuracy: accuracy, loss: loss))
            metrics += [Metric("study.resnet_k\(k).test_accuracy", .real(accuracy)), Metric("study.resnet_k\(k).parameters", .count(resnet.parameterCount))]
            try advance()
        }
        let trainedNFE = evaluationsPerPass(trained)
        let trainedAccuracy = asTrained.accuracy
        let figures = OdeNetFigures(classNames: classNames)
        artifacts.figures.append(NamedFigure(
            name: "speed-accuracy",
            caption: "One trained ODE-Net evaluated at other depths: test accuracy (left) and test cross-entropy (right) against field evaluations per forward pass, Euler at K steps and dopri5 at several tolerances (the triangle: as trained)",
            figure: figures.speedAccuracy(euler: euler, adaptive: adaptive, trained: (trainedNFE, trainedAccuracy, asTrained.loss)), data: "study"))
        artifacts.figures.append(NamedFigure(
            name: "depth-parameters",
            caption: "Test accuracy against parameters: a ResNet trained at each K (parameters grow with K) and the one ODE-Net (its parameters do not)",
            figure: figures.parameters(resnets: resnets, odenet: (Double(classifier.parameterCount), trainedAccuracy)), data: "study"))
        artifacts.series.append(NumericTable(
            name: "study", columns: ["model", "k", "rtol", "nfe", "parameters", "test_accuracy", "test_loss"],
            rows: zip(study.steps, euler).map { [0, Double($0), .nan, $1.x, Double(classifier.parameterCount), $1.accuracy, $1.loss] }
                + zip(study.tolerances, adaptive).map { [1, .nan, $0, $1.x, Double(classifier.parameterCount), $1.accuracy, $1.loss] }
                + zip(study.steps, resnets).map { [2, Double($0), .nan, Double($0), $1.x, $1.accuracy, $1.loss] }))
        artifacts.tables.append(ResultTable(
            title: "Study: depth as a step size", columns: ["model", "evaluation", "NFE per pass", "parameters", "test accuracy", "test loss"],
            rows: zip(study.steps, euler).map { ["ODE-Net (trained)", "euler, K = \($0)", String(format: "%.1f", $1.x), "\(classifier.parameterCount)",
                                                 String(format: "%.2f%%", $1.accuracy * 100), String(format: "%.4f", $1.loss)] }
                + zip(study.tolerances, adaptive).map { ["ODE-Net (trained)", "dopri5, rtol \(Self.toleranceName($0))", String(format: "%.1f", $1.x),
                                                         "\(classifier.parameterCount)", String(format: "%.2f%%", $1.accuracy * 100), String(format: "%.4f", $1.loss)] }
                + zip(study.steps, resnets).map { ["ResNet trained at K = \($0)", "\($0) blocks", "\($0)", "\(Int($1.x))",
                                                   String(format: "%.2f%%", $1.accuracy * 100), String(format: "%.4f", $1.loss)] }))
        artifacts.metrics += metrics
        artifacts.log.append("study: model column of data/<id>-study.csv is 0 for the ODE-Net with euler, 1 with dopri5, 2 for the ResNets")
    }

    /// Epochs × samples × parameters × the evaluations of a pass, and the study's trainings.
    var estimatedCost: Double {
        let passes: Double
        switch model {
        case let .odenet(solve, _, _):
            if case let .constant(_, steps) = solve.stepping { passes = Double(4 * steps) } else { passes = 60 }
        case let .resnet(blocks): passes = Double(blocks)
        case .mlp: passes = 1
        }
        var cost = Double(training.epochs) * Double(train.count) * Double(parameterCount) * passes
        if let study { cost += Double(training.epochs) * Double(train.count) * Double(parameterCount) * Double(study.steps.reduce(0, +)) }
        return cost
    }
}
