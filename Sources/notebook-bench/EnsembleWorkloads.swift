import BatchSolvers
import Foundation
import ODE

/// `ode-ensemble-10k`: a 10,000-member dopri5 ensemble block run end to end by the `notebook`
/// executable (draws, solves on a 201-point grid, quantiles, figures, CSVs, report), beside the
/// pure solve of the same batch by the batch solvers (final states only), measured in this process.
///
/// The members start from x0 · U(0.5, 1.5) per component, as `competition-dopri5-batch10k` does;
/// variants: `{ode}` with the equations written (`ode-each`, `ode-shared`) and the built-in
/// `{species}` model (`species-each`).
enum EnsembleWorkloads {
    static let members = 10_000
    static let repeats = 3

    static var all: [Workload] {
        let ensemble = "ensemble: {n: \(members), initial: {x1: uniform(50, 150), x2: uniform(75, 225)}, seed: 1}"
        let tolerances = "t_end: 100\nrtol: 1e-8\natol: 1e-10"
        let ode = """
            equations:
              x1: r1*x1*(1 - iN1*x1) - a1*x1*x2
              x2: r2*x2*(1 - iN2*x2) - a2*x1*x2
            params: {r1: 0.1, r2: 0.3, a1: 1e-4, a2: 2e-4, iN1: 0.002, iN2: 0.003}
            initial: {x1: 100, x2: 150}
            """
        return [
            workload(variant: "ode-each", block: "```{ode}\n\(ode)\n\(tolerances)\n\(ensemble)\n```\n", shared: false),
            workload(variant: "ode-shared", block: "```{ode}\n\(ode)\n\(tolerances)\n\(ensemble)\nensemble_step: shared\n```\n", shared: true),
            workload(variant: "species-each", block: "```{species}\nsolver: dopri5\n\(tolerances)\n\(ensemble)\n```\n", shared: false),
        ]
    }

    /// The pure batch solve (seconds, the fastest of `repeats`) with the batch solver the variant's step mode matches.
    static func pureSolve(shared: Bool) throws -> Double {
        var controller = StepSizeController(rtol: 1e-8, atol: 1e-10)
        controller.beta = 0
        let dopri5 = AdaptiveSolver(tableau: .dopri5, controller: controller)
        let clock = ContinuousClock()
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = clock.now
            if shared {
                _ = try SharedStepBatchSolver(solver: dopri5).solve(CompetitionWorkloads.model, initialStates: CompetitionWorkloads.batchInitialStates,
                                                                    from: 0, to: 100)
            } else {
                _ = try BatchSolver(solver: dopri5).solveEach(CompetitionWorkloads.model, initialStates: CompetitionWorkloads.batchInitialStates,
                                                              from: 0, to: 100)
            }
            let elapsed = clock.now - start
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        return best
    }

    static func workload(variant: String, block: String, shared: Bool) -> Workload {
        Workload(name: "ode-ensemble-10k", variant: variant, runsOnce: true) {
            let text = "# Ensemble\n\n" + block
            var times = [Double]()
            for _ in 0..<repeats {
                times.append(try SweepWorkloads.inScratch(text, as: "ensemble.md") { folder in
                    try SweepWorkloads.run(["run", "ensemble.md", "--no-cache", "--quiet", "--jobs", "1", "-o", "out"], in: folder)
                })
            }
            let sorted = times.sorted()
            let solve = try pureSolve(shared: shared)
            var outcome = Workload.Outcome(functionEvaluations: 0, steps: members, check: 0)
            outcome.perIteration = (sorted[sorted.count / 2], sorted[0])
            outcome.extra = [("members", Double(members)), ("pure_solve_s", solve), ("ratio_to_pure_solve", sorted[sorted.count / 2] / solve)]
            return outcome
        }
    }
}
