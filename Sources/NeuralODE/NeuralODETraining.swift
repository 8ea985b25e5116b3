import Foundation
import Learning
import ODE

/// How a neural ODE's solves are integrated during training.
public enum TrainingIntegrator: Sendable {
    /// An adaptive embedded method; steps land on the sample times.
    case adaptive(AdaptiveSolver)
    /// A fixed-step method taking `stepsPerSample` steps between consecutive sample times.
    case fixed(ButcherTableau, stepsPerSample: Int)
}

extension TrainingIntegrator {
    /// The solve through `times` (sample times, evenly spaced for a fixed step).
    @inlinable
    func solve(through times: [Double]) -> ODESolve {
        switch self {
        case let .adaptive(solver):
            return ODESolve(solver)
        case let .fixed(tableau, stepsPerSample):
            let spacing = (times[times.count - 1] - times[0]) / Double(times.count - 1)
            return ODESolve(FixedStepSolver(tableau: tableau, stepSize: spacing / Double(stepsPerSample),
                                            steps: (times.count - 1) * stepsPerSample))
        }
    }
}

/// The training loop of torchdiffeq's `ode_demo.py` (Chen et al. 2018): at each iteration
/// `batchSize` windows of `batchTime` consecutive samples start at random points of the true
/// trajectory; the network's ODE is solved from each window's first state through the window's
/// times (the whole batch as one system) and the mean absolute error to the window is minimised.
public struct NeuralODETraining: Sendable {
    public var iterations: Int
    public var batchTime: Int
    public var batchSize: Int
    public var optimizer: OptimizerKind
    public var learningRate: Double
    /// The optimiser's ε (RMSprop and Adam).
    public var epsilon: Double
    public var integrator: TrainingIntegrator
    public var gradient: GradientMethod
    /// Every this many iterations (and at the end) the learned model is solved over the whole
    /// trajectory and its mean absolute error recorded; 0 never (except at the end).
    public var testEvery: Int
    /// Number of learned full trajectories kept during training, evenly spaced (the last at the end).
    public var snapshots: Int
    /// Seed of the window draws.
    public var seed: UInt64

    /// Settings with `ode_demo.py`'s defaults where it has them.
    public init(
        iterations: Int = 2000, batchTime: Int = 10, batchSize: Int = 20, optimizer: OptimizerKind = .rmsprop,
        learningRate: Double = 1e-3, epsilon: Double = 1e-8, integrator: TrainingIntegrator, gradient: GradientMethod = .backprop,
        testEvery: Int = 20, snapshots: Int = 6, seed: UInt64 = 0
    ) {
        self.iterations = iterations
        self.batchTime = batchTime
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.epsilon = epsilon
        self.integrator = integrator
        self.gradient = gradient
        self.testEvery = testEvery
        self.snapshots = snapshots
        self.seed = seed
    }

    /// Trains `model`'s network on `data`; `progress` is called after every iteration with the
    /// iteration number (from 1) and its loss, and returns whether to go on: `false` stops the
    /// training with ``TrainingFailure/stopped(after:)``.
    @inlinable
    public func train<Scalar: NetworkScalar>(
        _ model: NeuralField<Scalar>, on data: Trajectory, progress: ((Int, Double) -> Bool)? = nil
    ) throws(TrainingFailure) -> TrainingResult {
        let n = data.dimension
        guard model.network.inputWidth == n else {
            throw TrainingFailure("the network takes \(model.network.inputWidth) inputs but the data have \(n) components")
        }
        guard batchTime >= 2, batchTime < data.count else {
            throw TrainingFailure("batch_time must be at least 2 and below the number of samples (\(data.count))")
        }
        guard batchSize >= 1, batchSize <= data.count - batchTime else {
            throw TrainingFailure("batch_size must be between 1 and \(data.count - batchTime) (the number of window starts)")
        }
        if case .adjoint = gradient, case .fixed = integrator {
            throw TrainingFailure("the adjoint gradient needs an adaptive solver")
        }
        var generator = SeededGenerator(seed: seed)
        var field = model.withBatch(batchSize)
        let single = model.withBatch(1)
        var variables = model.parameters
        var optimizer = self.optimizer.make(count: variables.count, learningRate: learningRate, epsilon: epsilon)
        let windowTimes = Array(data.times[0..<batchTime])
        let snapshotIterations = Set((1...max(snapshots, 1)).map { iterations * $0 / max(snapshots, 1) }.filter { snapshots > 0 && $0 > 0 })

        var result = TrainingResult()
        result.history.reserveCapacity(iterations)
        var starts = [Int](repeating: 0, count: batchSize)
        var initialState = [Double](repeating: 0, count: batchSize * n)
        var targets = [Double](repeating: 0, count: batchTime * batchSize * n)
        var workspace = GradientWorkspace()
        let scale = 1 / Double(batchTime * batchSize * n)
        let clock = ContinuousClock()
        let trainingStart = clock.now

        func evaluate(_ iteration: Int, parameters: [Double]) throws(TrainingFailure) {
            let prediction = try predict(single.withParameters(parameters), from: Array(data.state(at: 0)), times: data.times)
            let error = data.meanAbsoluteError(to: prediction)
            result.tests.append(.init(iteration: iteration, meanAbsoluteError: error))
            if snapshotIterations.contains(iteration) { result.snapshots.append(.init(iteration: iteration, states: prediction)) }
            if iteration == iterations {
                result.prediction = prediction
                result.finalError = error
            }
        }

        for iteration in 1...max(iterations, 1) where iterations > 0 {
            let began = clock.now
            // The windows: batchSize distinct starts in 0..<(count − batchTime) (a partial Fisher–Yates shuffle).
            drawStarts(&starts, from: data.count - batchTime, generator: &generator)
            for (b, start) in starts.enumerated() {
                for i in 0..<n { initialState[b * n + i] = data.states[start * n + i] }
                for k in 0..<batchTime { for i in 0..<n { targets[(k * batchSize + b) * n + i] = data.states[(start + k) * n + i] } }
            }
            field = field.withParameters(variables)
            let loss: PointLoss = { [targets, batchSize] index, state, gradient in
                var sum = 0.0
                let base = index * batchSize * n
                for i in 0..<state.count {
                    let difference = state[i] - targets[base + i]
                    sum += abs(difference)
                    gradient[i] = difference > 0 ? scale : (difference < 0 ? -scale : 0)
                }
                return sum * scale
            }
            let step: LossGradient
            do {
                step = try lossGradient(field, initialState: initialState, times: windowTimes, loss: loss, workspace: &workspace)
            } catch {
                throw TrainingFailure("iteration \(iteration): \(error.message)")
            }
            guard step.loss.isFinite, step.parameters.allSatisfy(\.isFinite) else {
                throw TrainingFailure("iteration \(iteration): the loss or its gradient is not finite; lower lr")
            }
            optimizer.step(parameters: &variables, gradient: step.parameters)
            let elapsed = clock.now - began
            result.history.append(.init(
                loss: step.loss, forwardEvaluations: step.forwardEvaluations,
                backwardEvaluations: step.functionEvaluations - step.forwardEvaluations + step.vectorJacobianProducts,
                seconds: elapsed.inSeconds))
            if iteration == iterations || (testEvery > 0 && iteration % testEvery == 0) || snapshotIterations.contains(iteration) {
                try evaluate(iteration, parameters: variables)
            }
            if let progress, !progress(iteration, step.loss) { throw .stopped(after: iteration) }
        }
        let total = clock.now - trainingStart
        result.seconds = total.inSeconds
        result.parameters = variables
        if iterations == 0 { try evaluate(0, parameters: variables) }
        return result
    }

    /// Draws `starts.count` distinct integers from `0..<range`, in draw order.
    @inlinable
    func drawStarts(_ starts: inout [Int], from range: Int, generator: inout SeededGenerator) {
        // Floyd's algorithm would avoid the pool; the pool keeps the draw order simple and documented.
        var pool = Array(0..<range)
        for b in 0..<starts.count {
            let j = b + Int(generator.next(upperBound: UInt64(range - b)))
            pool.swapAt(b, j)
            starts[b] = pool[b]
        }
    }

    /// The loss and its gradient for one batch of windows.
    @inlinable
    func lossGradient<Scalar: NetworkScalar>(
        _ field: NeuralField<Scalar>, initialState: [Double], times: [Double], loss: PointLoss, workspace: inout GradientWorkspace
    ) throws(SolveFailure) -> LossGradient {
        try integrator.solve(through: times).gradient(field, initialState: initialState, from: times[0], observationTimes: times,
                                                      loss: loss, by: gradient, workspace: &workspace)
    }

    /// The learned model's trajectory from `state` at `times[0]`, sampled at `times`.
    @inlinable
    public func predict<Scalar: NetworkScalar>(_ field: NeuralField<Scalar>, from state: [Double], times: [Double]) throws(TrainingFailure) -> [Double] {
        do {
            return try integrator.solve(through: times)
                .solve(field, initialState: state, from: times[0], to: times[times.count - 1], saveAt: .times(times)).states
        } catch {
            throw TrainingFailure("the learned model's solve failed: \(error.message)")
        }
    }
}

/// What a training run produced.
public struct TrainingResult: Sendable {
    /// One training iteration.
    public struct Iteration: Sendable, Equatable {
        public var loss: Double
        public var forwardEvaluations: Int
        public var backwardEvaluations: Int
        public var seconds: Double

        @inlinable
        public init(loss: Double, forwardEvaluations: Int, backwardEvaluations: Int, seconds: Double) {
            self.loss = loss
            self.forwardEvaluations = forwardEvaluations
            self.backwardEvaluations = backwardEvaluations
            self.seconds = seconds
        }
    }

    /// A full-trajectory evaluation of the learned model.
    public struct Test: Sendable, Equatable {
        public var iteration: Int
        public var meanAbsoluteError: Double

        @inlinable
        public init(iteration: Int, meanAbsoluteError: Double) {
            self.iteration = iteration
            self.meanAbsoluteError = meanAbsoluteError
        }
    }

    /// The learned trajectory at one iteration.
    public struct Snapshot: Sendable, Equatable {
        public var iteration: Int
        /// Time-major states at the data's times.
        public var states: [Double]

        @inlinable
        public init(iteration: Int, states: [Double]) {
            self.iteration = iteration
            self.states = states
        }
    }

    /// The learned parameters.
    public var parameters: [Double] = []
    public var history: [Iteration] = []
    public var tests: [Test] = []
    public var snapshots: [Snapshot] = []
    /// The learned trajectory at the end, at the data's times.
    public var prediction: [Double] = []
    /// Its mean absolute error to the data.
    public var finalError = Double.nan
    /// Wall time of the whole run (iterations and tests).
    public var seconds = 0.0

    /// An empty result, filled by the training loop.
    @inlinable
    public init() {}

    /// The median wall time of one iteration.
    public var medianSecondsPerIteration: Double {
        medianSeconds(history.map(\.seconds))
    }
}

/// A training run that could not go on.
public struct TrainingFailure: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }

    /// The training was asked to stop by its progress callback after `iteration` iterations.
    @inlinable
    public static func stopped(after iteration: Int) -> TrainingFailure {
        TrainingFailure("iteration \(iteration): stopped on request")
    }
}
