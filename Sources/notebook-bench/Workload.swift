import Foundation
import Learning
import BatchSolvers
import ODE

/// One benchmark workload: a name (as the issues give it) and a body that returns the work done.
struct Workload {
    /// What one run did, for the report and for checking the answer.
    struct Outcome {
        var functionEvaluations: Int
        var steps: Int
        /// A value to compare against a reference (the final x1), so a broken solver is visible.
        var check: Double
        /// For a training run: the median and minimum time of one iteration, reported instead of the run's.
        var perIteration: (median: Double, minimum: Double)? = nil
        /// Further figures for the JSON line.
        var extra: [(String, Double)] = []

        init(functionEvaluations: Int, steps: Int, check: Double) {
            self.functionEvaluations = functionEvaluations
            self.steps = steps
            self.check = check
        }

        /// A solve's counts, with the value to check.
        init(_ statistics: SolveStatistics, check: Double) {
            self.init(functionEvaluations: statistics.functionEvaluations, steps: statistics.steps, check: check)
        }
    }

    let name: String
    /// A variant of a workload that reports several rows under one name (a method, a size).
    var variant: String? = nil
    /// Whether the peak memory of one run is measured too (in a child process).
    var measuresMemory = false
    /// A long run (a training) timed once, per iteration, without a warm-up run.
    var runsOnce = false
    let run: () throws -> Outcome

    /// The name and the variant, as the text table shows them.
    var label: String { variant.map { "\(name) \($0)" } ?? name }
}

/// The source articles' competition model and the workloads of the solver issue.
enum CompetitionWorkloads {
    static let model = CompetitionModel(r1: 0.1, r2: 0.3, a1: 1e-4, a2: 2e-4, iN1: 0.002, iN2: 0.003)
    static let initialState: [Double] = [100, 150]

    /// 10,000 initial conditions x0 · U(0.5, 1.5) per component, from a fixed seed.
    static let batchInitialStates: [Double] = {
        var generator = SplitMix64(seed: 0)
        var states = [Double]()
        states.reserveCapacity(20_000)
        for _ in 0..<10_000 {
            for component in initialState {
                states.append(component * (0.5 + generator.nextUnitInterval()))
            }
        }
        return states
    }()

    static var all: [Workload] {
        // The controller of diffrax's default PIDController (integral only, safety 0.9, factors
        // 0.2...10), so that both take the same steps; notebook's own default adds Hairer's β = 0.04.
        var controller = StepSizeController(rtol: 1e-8, atol: 1e-10)
        controller.beta = 0
        let dopri5 = AdaptiveSolver(tableau: .dopri5, controller: controller)
        return [
            Workload(name: "competition-euler") {
                let solution = try FixedStepSolver(tableau: .euler, stepSize: 0.1, steps: 1000, saving: .stepIndices([1000]))
                    .solve(model, initialState: initialState)
                return .init(solution.statistics, check: solution.finalState.first!)
            },
            Workload(name: "competition-dopri5") {
                let solution = try dopri5.solve(model, initialState: initialState, from: 0, to: 100, saveAt: .final)
                return .init(solution.statistics, check: solution.finalState.first!)
            },
            // The final states of 10,000 trajectories: component-major, sixteen trajectories per core
            // at a time in vector registers through all 1000 steps.
            Workload(name: "competition-euler-batch10k") {
                let finals = CompetitionEulerBatch(model: model, stepSize: 0.1, steps: 1000).finalStates(from: batchInitialStates)
                return .init(functionEvaluations: 1000, steps: 1000, check: finals[0])
            },
            // The same through the generic fixed-step solver on the batch as one system (one core).
            Workload(name: "competition-euler-batch10k", variant: "generic") {
                let batch = BatchedField(model, count: 10_000)
                let solution = try FixedStepSolver(tableau: .euler, stepSize: 0.1, steps: 1000, saving: .stepIndices([1000]))
                    .solve(batch, initialState: batchInitialStates)
                return .init(solution.statistics, check: solution.finalState.first!)
            },
            // The batch as one system with one shared step (diffrax's "batch as one system").
            Workload(name: "competition-dopri5-batch10k") {
                let result = try SharedStepBatchSolver(solver: dopri5).solve(model, initialStates: batchInitialStates, from: 0, to: 100)
                return .init(result.statistics, check: result.finalStates[0])
            },
            Workload(name: "competition-euler-float32") {
                let solution = try FixedStepSolver(tableau: .euler, stepSize: 0.1, steps: 1000, saving: .stepIndices([1000]))
                    .solve(FloatCompetitionModel(), initialState: [Float(100), 150])
                return .init(solution.statistics, check: solution.finalState.first!)
            },
            Workload(name: "competition-dopri5-float32") {
                var single = StepSizeController(rtol: 1e-5, atol: 1e-5)
                single.beta = 0
                let solution = try AdaptiveSolver(tableau: .dopri5, controller: single)
                    .solve(FloatCompetitionModel(), initialState: [Float(100), 150], from: 0, to: 100, saveAt: .final)
                return .init(solution.statistics, check: solution.finalState.first!)
            },
            // Each trajectory with its own steps, spread over the cores (diffrax's jax.vmap).
            Workload(name: "competition-dopri5-batch10k-each") {
                let result = try BatchSolver(solver: dopri5).solveEach(model, initialStates: batchInitialStates, from: 0, to: 100)
                return .init(result.statistics, check: result.finalStates[0])
            },
        ]
    }
}

/// The gradient workloads of the fitting issue.
enum GradientWorkloads {
    static let observations: [(step: Int, x1: Double, x2: Double)] = [
        (0, 100, 150), (10, 165, 283), (15, 197, 290), (30, 280, 276), (36, 305, 269), (40, 318, 266), (42, 324, 264),
    ]
    static let guess = CompetitionModel(r1: 0.1, r2: 0.1, a1: 0.001, a2: 0.001, iN1: 0.001, iN2: 0.001)

    static func loss(_ index: Int, _ state: UnsafeBufferPointer<Double>, _ gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let target = observations[index]
        let e1 = state[0] - target.x1, e2 = state[1] - target.x2
        gradient[0] = 2 * e1
        gradient[1] = 2 * e2
        return e1 * e1 + e2 * e2
    }

    static var all: [Workload] {
        [
            // One gradient of a 1000-step Euler solve (h = 0.1) with the loss at the source article's times.
            Workload(name: "species-gradient-euler-1000") {
                let solver = FixedStepSolver(tableau: .euler, stepSize: 0.1, steps: 1000)
                let result = try solver.gradient(guess, initialState: [100, 150], observationSteps: observations.map { $0.step * 10 },
                                                 loss: loss)
                return .init(functionEvaluations: result.functionEvaluations, steps: 1000, check: result.loss)
            },
            // The source article's fit: Adam (lr 1e-4, eps 1e-7) for 10000 epochs through the h = 1, 50-step recurrence.
            Workload(name: "species-fit-adam") {
                let solver = FixedStepSolver(tableau: .euler, stepSize: 1, steps: 50)
                var parameters = guess.parameters
                var adam = Adam(count: parameters.count, learningRate: 1e-4, epsilon: 1e-7)
                var last = 0.0, evaluations = 0
                let steps = observations.map(\.step), start: [Double] = [100, 150]
                var workspace = GradientWorkspace()
                for _ in 0..<10_000 {
                    let result = try solver.gradient(guess.withParameters(parameters), initialState: start,
                                                     observationSteps: steps, loss: loss, workspace: &workspace)
                    evaluations += result.functionEvaluations
                    last = result.loss
                    adam.step(parameters: &parameters, gradient: result.parameters)
                }
                return .init(functionEvaluations: evaluations, steps: 10_000, check: last)
            },
        ] + adjointVersusBackprop
    }

    /// One gradient of the loss at the source article's observation times (scaled to t = 0...100) through
    /// dopri5 with the step bounded so that the solve takes `steps` steps: backprop keeps every
    /// step, the back-solving adjoint keeps nothing, the interpolating adjoint keeps the states.
    static var adjointVersusBackprop: [Workload] {
        let times = observations.map { Double($0.step) * 100 / 42 }
        let scaled: PointLoss = { index, state, gradient in loss(index, state, gradient) }
        return [10_000, 100_000].flatMap { steps -> [Workload] in
            var controller = StepSizeController(rtol: 1e-6, atol: 1e-6)
            controller.maximumStep = 100 / Double(steps)
            controller.maximumSteps = 2 * steps
            let solver = AdaptiveSolver(tableau: .dopri5, controller: controller)
            let size = steps == 10_000 ? "1e4" : "1e5"
            func outcome(_ result: LossGradient) -> Workload.Outcome {
                .init(functionEvaluations: result.functionEvaluations, steps: steps, check: result.parameters[0])
            }
            return [
                Workload(name: "ode-gradient-adjoint-vs-backprop", variant: "backprop-\(size)", measuresMemory: true) {
                    outcome(try solver.gradient(guess, initialState: [100, 150], from: 0, observationTimes: times, loss: scaled))
                },
                Workload(name: "ode-gradient-adjoint-vs-backprop", variant: "adjoint-\(size)", measuresMemory: true) {
                    outcome(try solver.adjointGradient(guess, initialState: [100, 150], from: 0, observationTimes: times, loss: scaled))
                },
                Workload(name: "ode-gradient-adjoint-vs-backprop", variant: "adjoint-interpolate-\(size)", measuresMemory: true) {
                    outcome(try solver.adjointGradient(guess, initialState: [100, 150], from: 0, observationTimes: times, loss: scaled,
                                                       options: AdjointOptions(state: .interpolate)))
                },
            ]
        }
    }
}

/// The competition model in single precision (the source article's parameters).
struct FloatCompetitionModel: VectorField {
    var dimension: Int { 2 }
    @inline(__always)
    func evaluate(t: Float, state: UnsafeBufferPointer<Float>, derivative: UnsafeMutableBufferPointer<Float>) {
        let x1 = state[0], x2 = state[1]
        derivative[0] = 0.1 * x1 * (1 - 0.002 * x1) - 1e-4 * x1 * x2
        derivative[1] = 0.3 * x2 * (1 - 0.003 * x2) - 2e-4 * x1 * x2
    }
}

/// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014): a small seeded generator, the same sequence on
/// every machine.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A uniform value in [0, 1) with 53 random bits.
    mutating func nextUnitInterval() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
