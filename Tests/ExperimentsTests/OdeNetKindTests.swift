import Foundation
import NeuralODE
import Testing
@testable import Experiments

private func node(_ text: String) -> OptionNode { .scalar(text, plain: true, position: SourcePosition(line: 2)) }
private func mapping(_ entries: [(String, OptionNode)]) -> OptionNode {
    .mapping(entries.map { OptionEntry(key: $0.0, keyPosition: SourcePosition(line: 2), value: $0.1) }, position: SourcePosition(line: 2))
}

/// An `{odenet}` block of the given options (each key on its own line from line 2).
private func odenet(_ entries: [(String, OptionNode)], directory: URL = FileManager.default.temporaryDirectory) throws -> OdeNetKind {
    let block = OptionNode.mapping(entries.enumerated().map { index, entry in
        OptionEntry(key: entry.0, keyPosition: SourcePosition(line: index + 2), value: entry.1)
    }, position: SourcePosition(line: 2))
    let options = try OdeNetKind.schema.decode(block, blockLine: 1, defaults: ["id": .text("net")])
    return try OdeNetKind(options: options, context: BlockContext(notebookDirectory: directory, blockID: "net"))
}

/// The message of the error the block's options give.
private func problem(_ entries: [(String, OptionNode)], directory: URL = FileManager.default.temporaryDirectory) -> String? {
    do {
        _ = try odenet(entries, directory: directory)
        return nil
    } catch let error as OptionErrors {
        return error.errors.map(\.message).joined(separator: "; ")
    } catch let error as OptionError {
        return error.message
    } catch {
        return "\(error)"
    }
}

private func metric(_ artifacts: Artifacts, _ name: String) -> Double? {
    guard let metric = artifacts.metrics.first(where: { $0.name == name }) else { return nil }
    switch metric.value {
    case let .count(count): return Double(count)
    case let .real(value): return value
    }
}

@Suite("{odenet} kind")
struct OdeNetKindTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("The bundled digits: 1797 images of 64 pixels in 0...1, 10 classes; the same file as notebooks/data/digits.csv")
    func digits() throws {
        let url = try #require(ClassificationTable.bundledDigits(), "the digits resource is found beside the test binary")
        let bundled = try Data(contentsOf: url)
        #expect(bundled == (try Data(contentsOf: Self.repository.appendingPathComponent("notebooks/data/digits.csv"))))
        let block = try odenet([("model", node("odenet"))])
        let experiment = try #require(block.experiment)
        #expect(experiment.train.count + experiment.test.count == 1797)
        #expect(experiment.train.featureCount == 64 && experiment.train.classes == 10)
        #expect(experiment.test.count == 359 || experiment.test.count == 360)
        #expect(experiment.classNames == Array(0...9))
        let all = experiment.train.features + experiment.test.features
        #expect(all.min() == 0 && all.max() == 1)
        #expect(Set(experiment.train.labels + experiment.test.labels) == Set(0...9))
    }

    @Test("The split is fixed by the seed: the same seed gives the same split, another seed another")
    func splitFollowsSeed() throws {
        let a = try #require(try odenet([("seed", node("3"))]).experiment), b = try #require(try odenet([("seed", node("3"))]).experiment)
        let c = try #require(try odenet([("seed", node("4"))]).experiment)
        #expect(a.test == b.test && a.train == b.train)
        #expect(a.test != c.test)
        #expect(a.test.count == c.test.count)
    }

    @Test("A few epochs of the ODE-Net beat chance (0.1) by far more than a broken gradient could; metrics as declared")
    func shortTraining() throws {
        let block = try odenet([("model", node("odenet")), ("epochs", node("4"))])
        let artifacts = try block.run(monitor: RunMonitor())
        #expect(artifacts.metrics.map(\.name) == block.metricNames)
        let accuracy = try #require(metric(artifacts, "test_accuracy"))
        #expect(accuracy >= 0.8, "test accuracy \(accuracy) after 4 epochs")
        #expect(metric(artifacts, "nfe") == 16)
        #expect(metric(artifacts, "parameters") == 4554)
        #expect(artifacts.figures.map(\.name) == ["curves", "confusion"])
    }

    @Test("The study reports the metrics it declares and draws its two figures")
    func study() throws {
        let block = try odenet([("epochs", node("1")), ("width", node("6")), ("study", node("true")),
                                ("study_steps", .sequence([node("1"), node("2")], position: SourcePosition(line: 2))),
                                ("study_rtol", node("0.01"))])
        let artifacts = try block.run(monitor: RunMonitor())
        #expect(artifacts.metrics.map(\.name) == block.metricNames)
        #expect(block.metricNames.contains("study.euler_k2.test_accuracy") && block.metricNames.contains("study.dopri5_1e-02.nfe")
                && block.metricNames.contains("study.resnet_k1.parameters"))
        #expect(metric(artifacts, "study.euler_k2.nfe") == 2)
        #expect(artifacts.figures.map(\.name) == ["curves", "confusion", "speed-accuracy", "depth-parameters"])
    }

    @Test("The MLP baseline has about the ODE-Net's parameter count")
    func mlpMatchesParameters() throws {
        let ode = try #require(try odenet([("model", node("odenet"))]).experiment).parameterCount
        let mlp = try #require(try odenet([("model", node("mlp"))]).experiment).parameterCount
        #expect(abs(Double(mlp - ode)) / Double(ode) < 0.02, "\(mlp) against \(ode)")
    }

    @Test("Bad inputs give exact messages")
    func badInputs() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("odenet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "a,b,class\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n".write(to: folder.appendingPathComponent("nolabel.csv"), atomically: true, encoding: .utf8)
        try "a,b,label\n1,2,0\n3,4,1.5\n5,6,0\n7,8,1\n".write(to: folder.appendingPathComponent("fractional.csv"), atomically: true, encoding: .utf8)
        try "a,b,label\n1,2,3\n3,4,7\n5,6,3\n7,8,7\n9,1,3\n".write(to: folder.appendingPathComponent("sparse.csv"), atomically: true, encoding: .utf8)
        func csv(_ name: String) -> (String, OptionNode) { ("data", mapping([("csv", node(name))])) }

        #expect(problem([("model", node("transformer"))], directory: folder)
                == "'model' in {odenet} block 'net' must be one of odenet, resnet, mlp, not 'transformer'")
        #expect(problem([csv("nolabel.csv")], directory: folder) == "'nolabel.csv' has no 'label' column (columns: a, b, class)")
        #expect(problem([csv("fractional.csv")], directory: folder)
                == "'fractional.csv': label 2 is 1.5, not a whole number; labels name classes")
        #expect(problem([("model", node("resnet")), ("solver", node("dopri5"))], directory: folder)
                == "'solver' applies to model: odenet (a resnet has no solver)")
        #expect(problem([("gradient", node("adjoint"))], directory: folder)
                == "'gradient: adjoint' solves the adjoint ODE backwards with an adaptive solver: choose bosh3, dopri5, tsit5 or dop853")
        #expect(problem([("test_fraction", node("1"))], directory: folder)
                == "'test_fraction' must be below 1 (it is the share of samples held out)")
        #expect(problem([("study_rtol", .sequence([node("0.001"), node("0.0012")], position: SourcePosition(line: 2)))], directory: folder)
                == "'study_rtol' values must differ in their first digit and exponent (they name metrics as 1e-03, 1e-03)")
        // Any integer labels are classes in sorted order.
        let sparse = try #require(try odenet([csv("sparse.csv"), ("test_fraction", node("0.4"))], directory: folder).experiment)
        #expect(sparse.classNames == [3, 7] && sparse.train.classes == 2)
        #expect(Set(sparse.train.labels + sparse.test.labels) == [0, 1])
    }
}
