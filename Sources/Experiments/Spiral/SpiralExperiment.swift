import BlockResults
import Foundation
import Learning
import NeuralODE
import ODE
import Plot

/// A checked `{spiral}` block: the true system, the network's shape and the training settings.
struct SpiralExperiment: Sendable {
    let truth: any VectorField<Double>
    let stateNames: [String]
    let initialState: [Double]
    let times: [Double]
    let widths: [Int]
    let activation: Activation
    let input: NeuralField<Float>.Input
    let singlePrecision: Bool
    let initialisation: Initialisation
    let seed: UInt64
    let training: NeuralODETraining

    func run(monitor: RunMonitor) throws(BlockFailure) -> Artifacts {
        let data = try makeData()
        return singlePrecision ? try train(Float.self, data: data, monitor: monitor) : try train(Double.self, data: data, monitor: monitor)
    }

    /// The true trajectory at the sample times (dopri5 at tight tolerances).
    func makeData() throws(BlockFailure) -> Trajectory {
        let solver = AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-10, atol: 1e-12))
        do {
            let solution = try solver.solve(truth, initialState: initialState, from: times[0], to: times[times.count - 1], saveAt: .times(times))
            return Trajectory(times: times, states: solution.states, dimension: stateNames.count)
        } catch {
            throw BlockFailure("the true system could not be solved: \(error.message(stateNames: stateNames))")
        }
    }

    func train<Scalar: NetworkScalar>(_ type: Scalar.Type, data: Trajectory, monitor: RunMonitor) throws(BlockFailure) -> Artifacts {
        let network = MultilayerPerceptron<Scalar>(widths: widths, activation: activation, initialisation: initialisation, seed: seed)
        let model = NeuralField(network: network, batch: 1, input: NeuralField<Scalar>.Input(rawValue: input.rawValue)!)
        let result: TrainingResult
        let iterations = training.iterations
        do {
            result = try training.train(model, on: data) { iteration, _ in monitor.report(done: iteration, total: iterations, unit: "iterations") }
        } catch { throw BlockFailure("training failed at \(error.message)") }
        let learned = model.withParameters(result.parameters)
        return artifacts(data: data, result: result, learnedField: { state in
            var derivative = [Double](repeating: 0, count: state.count)
            state.withUnsafeBufferPointer { y in derivative.withUnsafeMutableBufferPointer { learned.evaluate(t: 0, state: y, derivative: $0) } }
            return derivative
        })
    }

    /// The metrics of a run, in the order it reports them.
    static let metricNames = ["loss.final", "loss.batch_final", "nfe.forward", "nfe.backward", "seconds_per_iteration", "iterations",
                              "parameters"]

    /// Figures, tables, CSVs and metrics of a finished training run.
    func artifacts(data: Trajectory, result: TrainingResult, learnedField: ([Double]) -> [Double]) -> Artifacts {
        var artifacts = Artifacts()
        let n = stateNames.count
        let figures = SpiralFigures(stateNames: stateNames, data: data)
        artifacts.figures.append(NamedFigure(name: "time", caption: "True (solid) and learned (dashed) trajectories against time",
                                             figure: figures.time(learned: result.prediction), data: "trajectories"))
        artifacts.figures.append(NamedFigure(name: "phase", caption: "Phase portrait: the true trajectory and the learned one",
                                             figure: figures.phase(learned: result.prediction), data: "trajectories"))
        let grid = figures.grid(side: 17)
        /// The true field over the grid at time `t`, other states at their initial values.
        func trueField(at t: Double) -> [[Double]] {
            grid.map { point -> [Double] in
                var state = initialState
                state[0] = point.0
                state[1] = point.1
                var derivative = [Double](repeating: 0, count: n)
                state.withUnsafeBufferPointer { y in derivative.withUnsafeMutableBufferPointer { truth.evaluate(t: t, state: y, derivative: $0) } }
                return derivative
            }
        }
        let startField = trueField(at: times[0])
        let learnedVectors = grid.map { point -> [Double] in
            var state = initialState
            state[0] = point.0
            state[1] = point.1
            return learnedField(state)
        }
        artifacts.figures.append(NamedFigure(
            name: "field", caption: "The true vector field, the learned one and the size of their difference over the data's bounding box"
                + " (arrows of one length, coloured by |f|)"
                + (n > 2 ? "; other states held at their initial values" : "") + (truthDependsOnTime ? "; the true field at t = t_start" : ""),
            figure: figures.field(grid: grid, truth: startField, learned: learnedVectors), data: "field"))
        if truthDependsOnTime {
            // A field that changes with t, at the start, the middle and the end of the data.
            let moments = [times[0], times[times.count / 2], times[times.count - 1]]
            artifacts.figures.append(NamedFigure(
                name: "field-times", caption: "The true vector field at three times (it depends on t; the learned field does not)",
                figure: figures.fieldOverTime(grid: grid, moments: moments.map { ($0, trueField(at: $0)) })))
        }
        if !result.snapshots.isEmpty {
            artifacts.figures.append(NamedFigure(name: "snapshots", caption: "The learned trajectory (dashed) against the truth as training goes",
                                                 figure: figures.snapshots(result.snapshots), data: "trajectories"))
        }
        if !result.history.isEmpty {
            artifacts.figures.append(NamedFigure(name: "loss", caption: "Batch loss per iteration and full-trajectory error at the test iterations",
                                                 figure: SpiralFigures.loss(result), data: "history"))
            artifacts.figures.append(NamedFigure(name: "nfe", caption: "Function evaluations per iteration (with the adjoint: in all, against backprop's)",
                                                 figure: SpiralFigures.evaluations(result, adjoint: { if case .adjoint = training.gradient { true } else { false } }()), data: "history"))
        }

        artifacts.series.append(NumericTable(
            name: "history", columns: ["iteration", "loss", "nfe_forward", "nfe_backward"],
            rows: result.history.enumerated().map { [Double($0.offset + 1), $0.element.loss, Double($0.element.forwardEvaluations), Double($0.element.backwardEvaluations)] }))
        artifacts.series.append(NumericTable(
            name: "trajectories", columns: ["t"] + stateNames.map { "true_\($0)" } + stateNames.map { "learned_\($0)" },
            rows: (0..<data.count).map { k in [data.times[k]] + Array(data.state(at: k)) + Array(result.prediction[(k * n)..<((k + 1) * n)]) }))
        artifacts.series.append(NumericTable(name: "tests", columns: ["iteration", "mean_abs_error"],
                                             rows: result.tests.map { [Double($0.iteration), $0.meanAbsoluteError] }))
        artifacts.series.append(NumericTable(
            name: "field", columns: [stateNames[0], stateNames[1], "true_d\(stateNames[0])", "true_d\(stateNames[1])",
                                     "learned_d\(stateNames[0])", "learned_d\(stateNames[1])"],
            rows: grid.indices.map { [grid[$0].0, grid[$0].1, startField[$0][0], startField[$0][1], learnedVectors[$0][0], learnedVectors[$0][1]] }))

        artifacts.lossCurve = LossCurve(step: "iteration", quantity: "batch loss", values: result.history.map(\.loss))
        let iterations = max(result.history.count, 1)
        let values: [MetricValue] = [
            .real(result.finalError), .real(result.history.last?.loss ?? .nan),
            .real(Double(result.history.map(\.forwardEvaluations).reduce(0, +)) / Double(iterations)),
            .real(Double(result.history.map(\.backwardEvaluations).reduce(0, +)) / Double(iterations)),
            .real(result.medianSecondsPerIteration), .count(result.history.count), .count(result.parameters.count),
        ]
        artifacts.metrics = zip(Self.metricNames, values).map { Metric($0, $1) }
        artifacts.tables.append(ResultTable(
            title: "Training", columns: ["", "value"],
            rows: [
                ["network", widths.map(String.init).joined(separator: " → ") + " (\(activation.rawValue), \(singlePrecision ? "float32" : "float64"))"],
                ["full-trajectory mean absolute error", String(format: "%.4g", result.finalError)],
                ["median time per iteration", String(format: "%.3g ms", result.medianSecondsPerIteration * 1e3)],
                ["mean NFE per iteration (forward / backward)", String(format: "%.1f / %.1f",
                    Double(result.history.map(\.forwardEvaluations).reduce(0, +)) / Double(iterations),
                    Double(result.history.map(\.backwardEvaluations).reduce(0, +)) / Double(iterations))],
            ]))
        artifacts.log.append(String(format: "trained %d iterations in %.2f s; final full-trajectory MAE %.4g", result.history.count, result.seconds, result.finalError))
        return artifacts
    }

    /// Iterations × batch × batch length × the network's weights × about 50 evaluations a solve.
    var estimatedCost: Double {
        let weights = zip(widths, widths.dropFirst()).map { Double($0 * $1) }.reduce(0, +)
        return Double(training.iterations) * Double(training.batchSize) * Double(training.batchTime) * weights * 50
    }

    /// Whether the true field changes with t (then the quiver shows it at t_start).
    var truthDependsOnTime: Bool {
        var a = [Double](repeating: 0, count: stateNames.count), b = a
        let y = initialState.map { $0 + 0.3 }
        y.withUnsafeBufferPointer { state in
            a.withUnsafeMutableBufferPointer { truth.evaluate(t: times[0], state: state, derivative: $0) }
            b.withUnsafeMutableBufferPointer { truth.evaluate(t: times[times.count - 1], state: state, derivative: $0) }
        }
        return a != b
    }
}
