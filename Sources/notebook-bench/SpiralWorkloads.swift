import Foundation
import Learning
import NeuralODE
import ODE

/// The neural-ODE workloads: torchdiffeq's `ode_demo.py` with its defaults (2 → 50 → 2 tanh network
/// on y³, batches of 20 windows of 10 samples, dopri5 at rtol 1e-7 / atol 1e-9, RMSprop lr 1e-3),
/// timed per training iteration over a whole run.
enum SpiralWorkloads {
    /// Iterations of one timed run (the 2000; `NOTEBOOK_BENCH_SPIRAL_ITERATIONS` shortens it).
    static var iterations: Int {
        Int(ProcessInfo.processInfo.environment["NOTEBOOK_BENCH_SPIRAL_ITERATIONS"] ?? "") ?? 2000
    }

    /// Seeds whose final errors are reported (`NOTEBOOK_BENCH_SPIRAL_SEEDS`, default 1); the time
    /// is that of seed 0, the error the median over the seeds, as the peer script reports them.
    static var seeds: Int {
        max(1, Int(ProcessInfo.processInfo.environment["NOTEBOOK_BENCH_SPIRAL_SEEDS"] ?? "") ?? 1)
    }

    static var all: [Workload] {
        [
            workload("spiral-iteration", gradient: .backprop),
            workload("spiral-iteration-adjoint", gradient: .adjoint(AdjointOptions())),
        ]
    }

    static func workload(_ name: String, gradient: GradientMethod) -> Workload {
        Workload(name: name, runsOnce: true) {
            let times = (0..<1000).map { 25 * Double($0) / 999 }
            // The truth at tight tolerances (the peer script uses DOP853 at 1e-12).
            let truth = try AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-10, atol: 1e-12))
                .solve(SeedDynamics.cubic.field(initialState: [2, 0], seed: 0), initialState: [2, 0], from: 0, to: 25, saveAt: .times(times))
            let data = Trajectory(times: times, states: truth.states, dimension: 2)
            func train(seed: UInt64) throws -> TrainingResult {
                let network = MultilayerPerceptron<Float>(widths: [2, 50, 2], activation: .tanh,
                                                          initialisation: .normal(standardDeviation: 0.1), seed: seed)
                let training = NeuralODETraining(
                    iterations: iterations, integrator: .adaptive(AdaptiveSolver(tableau: .dopri5, controller: .integral(rtol: 1e-7, atol: 1e-9))),
                    gradient: gradient, testEvery: 0, snapshots: 0, seed: seed &+ 1)
                return try training.train(NeuralField(network: network, batch: 1, input: .cube), on: data)
            }
            let result = try train(seed: 0)
            var errors = [result.finalError]
            for seed in 1..<UInt64(seeds) { errors.append(try train(seed: seed).finalError) }
            errors.sort()
            let medianError = errors[errors.count / 2]
            let sorted = result.history.map(\.seconds).sorted()
            let forward = result.history.map(\.forwardEvaluations).reduce(0, +) / max(result.history.count, 1)
            let backward = result.history.map(\.backwardEvaluations).reduce(0, +) / max(result.history.count, 1)
            var outcome = Workload.Outcome(functionEvaluations: forward, steps: result.history.count, check: medianError)
            outcome.perIteration = (median: result.medianSecondsPerIteration, minimum: sorted.first ?? 0)
            outcome.extra = [("nfe_backward", Double(backward)), ("final_mae", medianError)]
            return outcome
        }
    }
}
