import Foundation
import Learning
import NeuralODE
import ODE

/// The latent-ODE workload: torchdiffeq's `latent_ode.py` with its defaults (latent 4, hidden 20,
/// RNN hidden 25, 1000 spirals of 100 noisy samples, dopri5 at torchdiffeq's default tolerances,
/// Adam lr 0.01), timed per training iteration.
enum LatentWorkloads {
    /// Iterations of one timed run (the 300; `NOTEBOOK_BENCH_LATENT_ITERATIONS` changes it).
    static var iterations: Int {
        Int(ProcessInfo.processInfo.environment["NOTEBOOK_BENCH_LATENT_ITERATIONS"] ?? "") ?? 300
    }

    /// Points of the spiral grid: the example's `generate_spiral2d` default of 500 (its `__main__`
    /// sets 1000 but does not pass it on), as the peer script uses.
    static var totalPoints: Int {
        Int(ProcessInfo.processInfo.environment["NOTEBOOK_BENCH_LATENT_NTOTAL"] ?? "") ?? 500
    }

    /// A folder with the peer script's problem (`NOTEBOOK_BENCH_LATENT_PROBLEM`): the same data,
    /// initial weights and reparameterisation noise the peers train from, so that the loss curves
    /// of the side-by-side run compare like with like.
    static var sharedProblem: URL? {
        ProcessInfo.processInfo.environment["NOTEBOOK_BENCH_LATENT_PROBLEM"].map { URL(fileURLWithPath: $0) }
    }

    /// The mean loss over six consecutive windows of the iterations, named by their 1-based ranges
    /// ("1_50", …), as the peer script reports them: loss curves that compare across
    /// implementations although single iterations drift apart.
    static func lossWindows(_ losses: [Double], count: Int = 6) -> [(name: String, mean: Double)] {
        let n = losses.count
        let bounds = (0...count).map { Int((Double($0 * n) / Double(count)).rounded()) }
        return zip(bounds, bounds.dropFirst()).compactMap { low, high in
            high > low ? ("\(low + 1)_\(high)", losses[low..<high].reduce(0, +) / Double(high - low)) : nil
        }
    }

    static var all: [Workload] {
        [
            Workload(name: "latent-ode-iteration", runsOnce: true) {
                var model = LatentODEModel<Float>(seed: 0)
                var training = LatentODETraining(
                    iterations: iterations, learningRate: 0.01,
                    integrator: AdaptiveSolver(tableau: .dopri5, controller: .integral(rtol: 1e-7, atol: 1e-9)), seed: 0)
                let data: LatentODEData
                if let folder = sharedProblem {
                    let problem = try SharedLatentProblem(folder: folder, spirals: 1000, samples: 100, observationWidth: 2)
                    data = problem.data
                    guard problem.parameters.count == model.parameterCount else {
                        throw SharedLatentProblem.Unreadable(description: "params.bin has \(problem.parameters.count) values; the model has \(model.parameterCount)")
                    }
                    model.parameters = problem.parameters
                    training.presetNoise = problem.noise
                } else {
                    data = SpiralData(configuration: .init(spiralCount: 1000, totalPoints: totalPoints, samplePoints: 100,
                                                           noiseStandardDeviation: 0.3, a: 0, b: 0.3), seed: 0).data
                }
                let result = try training.train(model, on: data)
                let sorted = result.history.map(\.seconds).sorted()
                let count = max(result.history.count, 1)
                var outcome = Workload.Outcome(functionEvaluations: result.history.map(\.forwardEvaluations).reduce(0, +) / count,
                                               steps: result.history.count, check: result.history.last?.loss ?? .nan)
                outcome.perIteration = (median: result.medianSecondsPerIteration, minimum: sorted.first ?? 0)
                outcome.extra = [("nfe_backward", Double(result.history.map(\.backwardEvaluations).reduce(0, +) / count)),
                                 ("loss_first", result.history.first?.loss ?? .nan), ("loss_last", result.history.last?.loss ?? .nan),
                                 ("shared_problem", sharedProblem == nil ? 0 : 1)]
                outcome.extra += lossWindows(result.history.map(\.loss)).map { ("loss_mean_\($0.name)", $0.mean) }
                return outcome
            },
        ]
    }
}
