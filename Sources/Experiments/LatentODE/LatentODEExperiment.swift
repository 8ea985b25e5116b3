import BlockResults
import Foundation
import Learning
import NeuralODE
import ODE
import Plot

/// A checked `{latent-ode}` block: its series (generated spirals or the user's), the model's sizes
/// and the training settings.
struct LatentODEExperiment: Sendable {
    /// The metrics of a run, in the order it reports them.
    static let metricNames = ["loss.final", "seconds_per_iteration", "nfe.forward", "nfe.backward", "iterations",
                              "series", "parameters"]

    let data: LatentODEData
    /// The generating spirals, when the data are generated (their true curves are drawn).
    let spirals: SpiralData?
    /// The series evaluated after training (held out, or seen only in part), when the block
    /// prepares its series; `nil`: the figures show training series.
    let evaluation: SeriesPreparation.Prepared?
    let latentWidth: Int
    let hidden: Int
    let rnnHidden: Int
    /// The latent field's last activation.
    let fieldOutput: Activation
    let singlePrecision: Bool
    let seed: UInt64
    let show: Int
    let solver: AdaptiveSolver
    let training: LatentODETraining

    /// Iterations × series per iteration × time steps × the networks' weights (a hundred
    /// evaluations of the latent field per step's span, the RNN once per step).
    var estimatedCost: Double {
        let series = Double(training.batchSize ?? data.seriesCount)
        let field = Double(latentWidth * hidden + hidden * hidden + hidden * latentWidth)
        let rnn = Double((data.width + rnnHidden) * rnnHidden)
        return Double(training.iterations) * series * (Double(data.steps) * rnn + 300 * field)
    }

    func run(monitor: RunMonitor) throws(BlockFailure) -> Artifacts {
        singlePrecision ? try train(Float.self, monitor: monitor) : try train(Double.self, monitor: monitor)
    }

    func train<Scalar: NetworkScalar>(_ type: Scalar.Type, monitor: RunMonitor) throws(BlockFailure) -> Artifacts {
        let model = LatentODEModel<Scalar>(observationWidth: data.width, latentWidth: latentWidth, hidden: hidden, rnnHidden: rnnHidden,
                                           fieldOutput: fieldOutput, seed: seed)
        let result: LatentODETraining.Result
        let iterations = training.iterations
        do {
            result = try training.train(model, on: data) { iteration, _ in monitor.report(done: iteration, total: iterations, unit: "iterations") }
        } catch { throw BlockFailure("training failed at \(error.message)") }
        var trained = model
        trained.parameters = result.parameters
        let views: [SeriesView]
        var scores = [Metric]()
        var notes = [String]()
        if let evaluation {
            (views, scores, notes) = evaluate(trained, on: evaluation)
        } else {
            do { views = try seriesViews(trained) } catch {
                throw BlockFailure("the trained model's latent solve failed: \(error.message); try tighter rtol or fewer iterations")
            }
        }
        var artifacts = artifacts(result: result, views: views, parameterCount: model.parameterCount)
        artifacts.metrics += scores
        artifacts.log += notes
        return artifacts
    }

    /// The trained model on the evaluation series: each series' seen part encoded (posterior
    /// means), the latent ODE solved from the grid's first time through all its times, decoded;
    /// the reconstruction error over the seen points (`test.rmse`, for held-out series) and the
    /// extrapolation error over the unseen ones. A latent solve that fails (the extrapolation
    /// runs off to infinity) makes the errors infinite and is said in the log.
    func evaluate<Scalar: NetworkScalar>(_ model: LatentODEModel<Scalar>, on prepared: SeriesPreparation.Prepared)
        -> (views: [SeriesView], metrics: [Metric], log: [String]) {
        let evaluation = prepared.evaluation
        var notes = [String]()
        let seenData: LatentODEData
        do { seenData = try LatentODEData(points: evaluation.flatMap(\.seen)) } catch {
            return ([], [], ["the evaluation series could not be gathered: \(error)"])
        }
        let posterior = model.encode(seenData)
        let t0 = seenData.times[0], l = latentWidth, w = data.width
        var seenSquares = 0.0, seenCount = 0, unseenSquares = 0.0, unseenCount = 0, unseenMax = 0.0, persistenceSquares = 0.0
        var diverged = 0
        var views = [SeriesView]()
        func grid(_ from: Double, _ to: Double, _ count: Int) -> [Double] { (0..<count).map { from + (to - from) * Double($0) / Double(count - 1) } }
        for (i, series) in evaluation.enumerated() {
            guard let index = seenData.names.firstIndex(of: series.name) else { continue }
            let z0 = Array(posterior[(index * 2 * l)..<(index * 2 * l + l)])
            func path(_ times: [Double]) throws(SolveFailure) -> (times: [Double], values: [Double], latents: [Double]) {
                let latents = try model.latentTrajectories(from: z0, times: times, solver: solver)
                return (times, model.decode(latents), latents)
            }
            let points = series.seen + series.unseen
            let atStart = points.filter { $0.time <= t0 }.count
            let times = [t0] + points.map(\.time).filter { $0 > t0 }
            do {
                let decoded = try path(times).values
                for (k, point) in points.enumerated() {
                    let row = point.time > t0 ? 1 + k - atStart : 0
                    for j in 0..<w {
                        let error = decoded[row * w + j] - point.values[j]
                        if k < series.seen.count { seenSquares += error * error; seenCount += 1 } else {
                            unseenSquares += error * error; unseenCount += 1; unseenMax = max(unseenMax, abs(error))
                            // The naive forecast: the last seen value held.
                            let held = (series.seen.last?.values[j] ?? 0) - point.values[j]
                            persistenceSquares += held * held
                        }
                    }
                }
            } catch {
                diverged += 1
                if diverged == 1 { notes.append("series \(series.name): the latent solve failed (\(error.message))") }
            }
            guard i < show else { continue }
            let seenEnd = series.seen.last?.time ?? t0, end = points.last?.time ?? seenEnd
            func attempt(_ times: [Double]) -> (times: [Double], values: [Double], latents: [Double]) {
                (try? path(times)) ?? ([], [], [])
            }
            views.append(SeriesView(
                index: i, name: "series \(series.name)", observed: series.seen.map { ($0.time, $0.values) },
                truth: series.unseen.isEmpty && spirals == nil ? nil : points.flatMap { Array($0.values.prefix(2)) },
                reconstruction: attempt(grid(t0, seenEnd, 400)), forward: attempt(grid(t0, end, 600)),
                backward: ([], [], []), windowEnd: seenEnd, unseen: series.unseen.map { ($0.time, $0.values) }))
        }
        if diverged > 0 { notes.append("the latent solve failed for \(diverged) of \(evaluation.count) series: their errors count as infinite") }
        var metrics = [Metric]()
        if prepared.heldOut {
            metrics.append(Metric("test.rmse", .real(diverged > 0 ? .infinity : (seenSquares / Double(max(seenCount, 1))).squareRoot())))
        }
        if prepared.extrapolates {
            let rmse = unseenCount == 0 ? Double.nan : (unseenSquares / Double(unseenCount)).squareRoot()
            metrics.append(Metric("extrapolation.rmse", .real(diverged > 0 ? .infinity : rmse)))
            metrics.append(Metric("extrapolation.max_abs_error", .real(diverged > 0 ? .infinity : unseenCount == 0 ? .nan : unseenMax)))
            metrics.append(Metric("extrapolation.persistence_rmse", .real(unseenCount == 0 ? .nan : (persistenceSquares / Double(unseenCount)).squareRoot())))
        }
        return (views, metrics, notes)
    }

    /// What the figures show of one series: its observations, the reconstruction over the
    /// observed window, and the extrapolations, with the latent path behind them.
    struct SeriesView {
        var index: Int
        var name: String
        var observed: [(t: Double, values: [Double])]
        var truth: [Double]?
        var reconstruction: (times: [Double], values: [Double], latents: [Double])
        var forward: (times: [Double], values: [Double], latents: [Double])
        var backward: (times: [Double], values: [Double], latents: [Double])
        /// The end of the window the model saw: the forward path beyond it is an extrapolation.
        var windowEnd: Double
        /// The points of the series the model did not see (those it is to predict).
        var unseen: [(t: Double, values: [Double])] = []
    }

    /// Encodes the shown series (posterior means as z₀), solves the latent ODE over the observed
    /// window and half a window beyond it on each side, and decodes.
    func seriesViews<Scalar: NetworkScalar>(_ model: LatentODEModel<Scalar>) throws(SolveFailure) -> [SeriesView] {
        let indices = shownIndices
        let shown = data.selecting(indices)
        let posterior = model.encode(shown)
        let times = data.times, t0 = times[0], t1 = times[times.count - 1], window = t1 - t0
        func grid(_ from: Double, _ to: Double, _ count: Int) -> [Double] { (0..<count).map { from + (to - from) * Double($0) / Double(count - 1) } }
        var views = [SeriesView]()
        let l = latentWidth, w = data.width
        for (i, series) in indices.enumerated() {
            let z0 = Array(posterior[(i * 2 * l)..<(i * 2 * l + l)])
            func path(_ ts: [Double]) throws(SolveFailure) -> (times: [Double], values: [Double], latents: [Double]) {
                let latents = try model.latentTrajectories(from: z0, times: ts, solver: solver)
                return (ts, model.decode(latents), latents)
            }
            let observedSeries = data.series(series)
            let observed = observedSeries.times.indices.map { k in (observedSeries.times[k], Array(observedSeries.values[(k * w)..<((k + 1) * w)])) }
            views.append(SeriesView(
                index: i, name: data.names[series], observed: observed, truth: spirals?.trueTrajectory(series),
                reconstruction: try path(grid(t0, t1, 200)), forward: try path(grid(t0, t1 + window / 2, 300)),
                backward: try path(grid(t0, t0 - window / 2, 100)), windowEnd: t1))
        }
        return views
    }

    /// The series the figures show: for generated spirals the first of each direction in turn
    /// (counter-clockwise first), else the first `show`.
    var shownIndices: [Int] {
        guard let spirals else { return Array(0..<show) }
        let ccw = spirals.isCounterClockwise.indices.filter { spirals.isCounterClockwise[$0] }
        let cw = spirals.isCounterClockwise.indices.filter { !spirals.isCounterClockwise[$0] }
        var chosen = [Int]()
        var k = 0
        while chosen.count < show, k < max(ccw.count, cw.count) {
            if k < ccw.count, chosen.count < show { chosen.append(ccw[k]) }
            if k < cw.count, chosen.count < show { chosen.append(cw[k]) }
            k += 1
        }
        return chosen
    }

    /// The names of the values: the table's columns, else x, y for two values and x1, x2, ... otherwise.
    var valueNames: [String] {
        if let names = evaluation?.valueNames, names.count == data.width { return names }
        return data.width == 2 ? ["x", "y"] : (1...data.width).map { "x\($0)" }
    }

    func artifacts(result: LatentODETraining.Result, views: [SeriesView], parameterCount: Int) -> Artifacts {
        var artifacts = Artifacts()
        let t0 = data.times[0], t1 = data.times[data.times.count - 1]
        artifacts.figures.append(NamedFigure(
            name: "reconstruction",
            caption: evaluation.map { prepared in
                (prepared.heldOut ? "Held-out series, not trained on: " : "Training series: ")
                    + (prepared.extrapolates ? "the points the model saw (points), the whole series (grey), the reconstruction (solid) and the prediction of the rest (dashed)"
                        : "the points the model saw (points) and its reconstruction (solid)")
            } ?? ("Observations (points), " + (spirals == nil ? "" : "the true spiral (grey), ")
                + "the reconstruction over the observed window (solid) and its extrapolation forward and backward in time (dashed)"),
            figure: LatentODEFigures.reconstructions(views, axes: valueNames), data: "reconstructions"))
        if let evaluation {
            let extrapolates = evaluation.extrapolates
            artifacts.figures.append(NamedFigure(
                name: extrapolates ? "forecast" : "time",
                caption: extrapolates
                    ? "The same series against time: the points the model saw (blue), the points it did not see (grey), the reconstruction (solid) and the prediction beyond the seen part (dashed)"
                    : "The same series against time: the points the model saw (blue) and its reconstruction (solid)",
                figure: LatentODEFigures.forecasts(views, names: valueNames, title: extrapolates ? "Forecasts of the unseen part" : "Reconstructions against time")))
        }
        if !result.history.isEmpty {
            artifacts.figures.append(NamedFigure(name: "loss", caption: "Negative ELBO per iteration", figure: LatentODEFigures.loss(result), data: "history"))
        }
        artifacts.figures.append(NamedFigure(name: "latent", caption: evaluation == nil
                                                ? "The first two latent coordinates of the shown series, from half a window before the data to half a window after"
                                                : "The first two latent coordinates of the shown series over their time span (square: the first time)",
                                             figure: LatentODEFigures.latents(views, latentWidth: latentWidth)))

        artifacts.lossCurve = LossCurve(step: "iteration", quantity: "negative ELBO", values: result.history.map(\.loss))
        artifacts.series.append(NumericTable(
            name: "history", columns: ["iteration", "loss", "elbo", "log_likelihood", "kl", "nfe_forward", "nfe_backward"],
            rows: result.history.enumerated().map { index, entry in
                [Double(index + 1), entry.loss, -entry.loss, entry.logLikelihood, entry.divergence,
                 Double(entry.forwardEvaluations), Double(entry.backwardEvaluations)]
            }))
        var rows = [[Double]]()
        for view in views {
            for part in [view.backward, view.forward] {
                for k in part.times.indices {
                    rows.append([Double(view.index), part.times[k]] + Array(part.values[(k * data.width)..<((k + 1) * data.width)])
                                + Array(part.latents[(k * latentWidth)..<((k + 1) * latentWidth)]))
                }
            }
        }
        artifacts.series.append(NumericTable(name: "reconstructions",
                                             columns: ["series", "t"] + valueNames + (1...latentWidth).map { "z\($0)" }, rows: rows))

        let count = max(result.history.count, 1)
        let last = result.history.last
        let values: [MetricValue] = [
            .real(last?.loss ?? .nan), .real(result.medianSecondsPerIteration),
            .real(Double(result.history.map(\.forwardEvaluations).reduce(0, +)) / Double(count)),
            .real(Double(result.history.map(\.backwardEvaluations).reduce(0, +)) / Double(count)),
            .count(result.history.count), .count(data.seriesCount), .count(parameterCount),
        ]
        artifacts.metrics = zip(Self.metricNames, values).map { Metric($0, $1) }
        var preparedRows = [[String]]()
        if let evaluation {
            preparedRows.append(["evaluated on", "\(evaluation.evaluation.count) \(evaluation.heldOut ? "held-out" : "training") series"
                + (evaluation.extrapolates ? ", each seen in part and the rest predicted" : "")])
            if evaluation.scales.contains(where: { $0.mean != 0 || $0.deviation != 1 }) {
                preparedRows.append(["standardised", zip(evaluation.valueNames, evaluation.scales).map { name, scale in
                    "\(name): mean \(String(format: "%.4g", scale.mean)), sd \(String(format: "%.4g", scale.deviation))"
                }.joined(separator: "; ")])
            }
        }
        artifacts.tables.append(ResultTable(title: "Training", columns: ["", "value"], rows: preparedRows + [
            ["series × times", "\(data.seriesCount) × \(data.steps), t in [\(String(format: "%.4g", t0)), \(String(format: "%.4g", t1))]"],
            ["model", "RNN \(rnnHidden) → latent \(latentWidth) → ODE MLP \(hidden) (ELU\(fieldOutput == .tanh ? ", tanh output" : "")) → decoder \(hidden) (ReLU), \(parameterCount) parameters, \(singlePrecision ? "float32" : "float64")"],
            ["negative ELBO, first → last iteration", String(format: "%.6g → %.6g", result.history.first?.loss ?? .nan, last?.loss ?? .nan)],
            ["median time per iteration", String(format: "%.3g ms", result.medianSecondsPerIteration * 1e3)],
        ]))
        artifacts.log.append(String(format: "trained %d iterations in %.2f s", result.history.count, result.seconds))
        return artifacts
    }
}
