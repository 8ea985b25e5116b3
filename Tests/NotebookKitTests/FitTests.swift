import Experiments
import Foundation
import ODE
import Testing
@testable import NotebookKit

private func metrics(_ artifacts: Artifacts) -> [String: Double] {
    var result = [String: Double]()
    for metric in artifacts.metrics {
        switch metric.value {
        case let .count(count): result[metric.name] = Double(count)
        case let .real(value): result[metric.name] = value
        }
    }
    return result
}

/// The competition model's generating parameters.
private let truth = ["r1": 0.1, "r2": 0.3, "a1": 1e-4, "a2": 2e-4, "iN1": 0.002, "iN2": 0.003]

/// Expects every fitted `param.<name>` within `tolerance` (relative) of the generating value.
private func expectRecovered(_ found: [String: Double], within tolerance: Double, _ label: String = "",
                             sourceLocation: SourceLocation = #_sourceLocation) {
    for (name, value) in truth {
        let fitted = found["param.\(name)"] ?? .nan
        #expect(abs(fitted - value) / value < tolerance, "\(label)\(name): \(fitted) vs \(value)", sourceLocation: sourceLocation)
    }
}

@Suite("Parameter fits")
struct FitTests {
    /// Observations made by the model itself (h = 1 recurrence) at the source article's times.
    static let syntheticData: String = {
        let truth = CompetitionModel(r1: 0.1, r2: 0.3, a1: 1e-4, a2: 2e-4, iN1: 0.002, iN2: 0.003)
        let steps = [0, 10, 15, 30, 36, 40, 42]
        let solution = try! FixedStepSolver(tableau: .euler, stepSize: 1, steps: 50).solve(truth, initialState: [100, 150])
        let x1 = steps.map { String(solution.state(at: $0).first!) }.joined(separator: ", ")
        let x2 = steps.map { String(solution.state(at: $0).last!) }.joined(separator: ", ")
        return "data:\n  t: [\(steps.map(String.init).joined(separator: ", "))]\n  x1: [\(x1)]\n  x2: [\(x2)]\n"
    }()

    @Test("A fit of noise-free synthetic data recovers the generating parameters within 1%")
    func recoversTruth() throws {
        let path = try temporaryNotebook("""
            ```{species}
            h: 1
            steps: 50
            \(Self.syntheticData)fit:
              init: {r1: 0.11, r2: 0.27, a1: 1.1e-4, a2: 1.8e-4, iN1: 0.0022, iN2: 0.0027}
              optimizer: adam
              lr: 0.01
              epochs: 4000
              positive: true
              checkpoints: 7
            ```
            """)
        let artifacts = try NotebookLoader.load([path]).get()[0].blocks[0].experiment.run(monitor: RunMonitor())
        let found = metrics(artifacts)
        expectRecovered(found, within: 0.01)
        #expect(found["loss.final"]! < found["loss.initial"]! * 1e-4)
        #expect(artifacts.figures.map(\.name).prefix(2) == ["fit", "loss"])
        #expect(artifacts.series.map(\.name).contains("loss"))
    }

    @Test("A diverging fit fails the block with advice, not the run")
    func divergence() throws {
        let path = try temporaryNotebook("""
            ```{species}
            h: 1
            steps: 50
            \(Self.syntheticData)fit:
              init: {r1: 0.2, a1: 0.001}
              optimizer: sgd
              lr: 1
              epochs: 50
            ```
            """)
        let block = try NotebookLoader.load([path]).get()[0].blocks[0]
        let outcome = BlockRunner.run(block, monitor: RunMonitor())
        #expect(!outcome.succeeded)
        #expect(outcome.failureMessage?.contains("the fit diverged at epoch") == true, "\(outcome.failureMessage ?? "")")
        #expect(outcome.failureMessage?.contains("lower lr") == true)
    }

    @Test("A fit needs observations and a fixed-step solver; init names parameters")
    func validation() throws {
        func problems(_ body: String) throws -> [String] {
            let path = try temporaryNotebook("```{species}\n\(body)\n```\n")
            guard case let .failure(found) = NotebookLoader.load([path]) else { return [] }
            return found.all.map(\.message)
        }
        #expect(try problems("fit: {epochs: 10}").first?.hasPrefix("'fit' needs observations") == true)
        #expect(try problems("solver: rodas4\nt_end: 42\n\(Self.syntheticData)fit: {epochs: 10}").first?.hasPrefix("'fit' backpropagates through explicit") == true)
        #expect(try problems("h: 1\nsteps: 50\n\(Self.syntheticData)fit:\n  init: {r3: 1}").first == "'fit.init' names 'r3', which is not a parameter; did you mean 'r1'?")
        #expect(try problems("h: 1\nsteps: 50\n\(Self.syntheticData)fit:\n  gradient: adjoint").first?.hasPrefix("'fit.gradient: adjoint' solves the adjoint ODE backwards") == true)
        #expect(try problems("solver: dopri5\nt_end: 42\n\(Self.syntheticData)fit:\n  checkpoints: 5").first == "'fit.checkpoints' applies to backprop through a fixed-step solve")
    }
}

@Suite("Fits through adaptive solves")
struct AdaptiveFitTests {
    @Test("dopri5 with Levenberg–Marquardt fits the ODE whose solution made the data")
    func adaptiveFit() throws {
        // Observations of the exact ODE (tight dopri5), fitted through dopri5 steps landing on the observation times.
        let truth = CompetitionModel(r1: 0.1, r2: 0.3, a1: 1e-4, a2: 2e-4, iN1: 0.002, iN2: 0.003)
        let times: [Double] = [0, 10, 15, 30, 36, 40, 42]
        let exact = try AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-12, atol: 1e-12))
            .solve(truth, initialState: [100, 150], from: 0, to: 42, saveAt: .times(times))
        let x1 = (0..<7).map { String(exact.state(at: $0).first!) }.joined(separator: ", ")
        let x2 = (0..<7).map { String(exact.state(at: $0).last!) }.joined(separator: ", ")
        let path = try temporaryNotebook("""
            ```{species}
            solver: dopri5
            t_end: 42
            rtol: 1e-10
            atol: 1e-10
            data:
              t: [0, 10, 15, 30, 36, 40, 42]
              x1: [\(x1)]
              x2: [\(x2)]
            fit:
              init: {r1: 0.12, r2: 0.25, a1: 1.3e-4, a2: 1.6e-4, iN1: 0.0024, iN2: 0.0026}
              optimizer: levenberg-marquardt
              epochs: 100
              positive: true
            ```
            """)
        let artifacts = try NotebookLoader.load([path]).get()[0].blocks[0].experiment.run(monitor: RunMonitor())
        let found = metrics(artifacts)
        expectRecovered(found, within: 1e-3)
        // The same fit with the continuous adjoint.
        let adjointPath = try temporaryNotebook(try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "  positive: true", with: "  positive: true\n  gradient: adjoint"))
        let adjointArtifacts = try NotebookLoader.load([adjointPath]).get()[0].blocks[0].experiment.run(monitor: RunMonitor())
        let adjointFound = metrics(adjointArtifacts)
        expectRecovered(adjointFound, within: 1e-3, "adjoint ")
    }
}

@Suite("L-BFGS fits")
struct LBFGSFitTests {
    @Test("L-BFGS recovers noise-free parameters within 1%")
    func recovers() throws {
        let path = try temporaryNotebook("""
            ```{species}
            h: 1
            steps: 50
            \(FitTests.syntheticData)fit:
              init: {r1: 0.12, r2: 0.25, a1: 1.3e-4, a2: 1.6e-4, iN1: 0.0024, iN2: 0.0026}
              optimizer: lbfgs
              epochs: 300
              positive: true
            ```
            """)
        let artifacts = try NotebookLoader.load([path]).get()[0].blocks[0].experiment.run(monitor: RunMonitor())
        let found = metrics(artifacts)
        expectRecovered(found, within: 0.01)
    }
}

@Suite("Levenberg–Marquardt fits")
struct LevenbergMarquardtFitTests {
    @Test("Levenberg–Marquardt recovers noise-free parameters within 1% in a few iterations")
    func recovers() throws {
        let path = try temporaryNotebook("""
            ```{species}
            h: 1
            steps: 50
            \(FitTests.syntheticData)fit:
              init: {r1: 0.12, r2: 0.25, a1: 1.3e-4, a2: 1.6e-4, iN1: 0.0024, iN2: 0.0026}
              optimizer: levenberg-marquardt
              epochs: 100
              positive: true
            ```
            """)
        let artifacts = try NotebookLoader.load([path]).get()[0].blocks[0].experiment.run(monitor: RunMonitor())
        expectRecovered(metrics(artifacts), within: 0.01)
    }
}
