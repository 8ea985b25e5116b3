import Foundation
import Learning
import ODE
import Testing
@testable import NeuralODE

/// The true trajectory of `dynamics` from `y0` at `count` evenly spaced times up to `end`.
func truth(_ dynamics: SeedDynamics, y0: [Double] = [2, 0], end: Double = 25, count: Int = 1000) throws -> Trajectory {
    let times = (0..<count).map { end * Double($0) / Double(count - 1) }
    let solver = AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-9, atol: 1e-11))
    let solution = try solver.solve(dynamics.field(initialState: y0, seed: 0), initialState: y0, from: 0, to: end, saveAt: .times(times))
    return Trajectory(times: times, states: solution.states, dimension: 2)
}

@Suite("Neural vector fields")
struct NeuralFieldTests {
    @Test("The field's VJPs match central differences, through the cube and the network", arguments: NeuralField<Double>.Input.allCases)
    func vectorJacobianProducts(input: NeuralField<Double>.Input) {
        let network = MultilayerPerceptron<Double>(widths: [2, 7, 2], activation: .tanh, initialisation: .normal(standardDeviation: 0.5), seed: 3)
        let field = NeuralField(network: network, batch: 3, input: input)
        let state: [Double] = [0.3, -0.7, 1.1, 0.2, -0.4, 0.9], v: [Double] = [0.5, -1, 0.25, 2, -0.3, 0.8]
        var stateCotangent = [Double](repeating: 0, count: 6), theta = [Double](repeating: 0, count: field.parameterCount)
        state.withUnsafeBufferPointer { y in
            v.withUnsafeBufferPointer { c in
                stateCotangent.withUnsafeMutableBufferPointer { g in
                    theta.withUnsafeMutableBufferPointer { field.vectorJacobianProducts(t: 0, state: y, cotangent: c, stateCotangent: g, addingTo: $0) }
                }
            }
        }
        func projected(_ field: NeuralField<Double>, _ state: [Double]) -> Double {
            var derivative = [Double](repeating: 0, count: 6)
            state.withUnsafeBufferPointer { y in derivative.withUnsafeMutableBufferPointer { field.evaluate(t: 0, state: y, derivative: $0) } }
            return zip(derivative, v).map { $0 * $1 }.reduce(0, +)
        }
        let h = 1e-6
        for i in 0..<6 {
            var up = state, down = state
            up[i] += h
            down[i] -= h
            let numeric = (projected(field, up) - projected(field, down)) / (2 * h)
            #expect(abs(numeric - stateCotangent[i]) < 1e-7 * max(1, abs(numeric)), "state \(i)")
        }
        for k in stride(from: 0, to: field.parameterCount, by: 3) {
            var up = field.parameters, down = field.parameters
            up[k] += h
            down[k] -= h
            let numeric = (projected(field.withParameters(up), state) - projected(field.withParameters(down), state)) / (2 * h)
            #expect(abs(numeric - theta[k]) < 1e-7 * max(1, abs(numeric)), "parameter \(k)")
        }
    }
}

@Suite("Neural vector fields on two threads")
struct SplitNeuralFieldTests {
    /// A batch large enough to run in two halves, one on the helper thread.
    static let batch = 600

    static func values(_ count: Int, seed: Double) -> [Double] { (0..<count).map { sin(Double($0) * 0.37 + seed) * 1.5 } }

    @Test("Evaluations and products of a split batch equal the network's, per sample and summed in halves",
          arguments: NeuralField<Float>.Input.allCases)
    func halvesAgreeWithTheNetwork(input: NeuralField<Float>.Input) {
        let network = MultilayerPerceptron<Float>(widths: [4, 20, 20, 4], activation: .elu, initialisation: .fanInUniform, seed: 7)
        let field = NeuralField(network: network, batch: Self.batch, input: input)
        let n = Self.batch * 4
        let state = Self.values(n, seed: 0.1), v = Self.values(n, seed: 2.3)
        // The network alone on g(y), in one pass.
        let g = state.map { Float(input == .cube ? $0 * $0 * $0 : $0) }
        let expected = network(g)
        let (expectedInput, expectedParameters) = network.vectorJacobianProducts(at: g, cotangent: v.map { Float($0) })
        var derivative = [Double](repeating: .nan, count: n), keptDerivative = derivative
        var stateCotangent = [Double](repeating: .nan, count: n), keptCotangent = stateCotangent
        var theta = [Double](repeating: 0, count: field.parameterCount), keptTheta = theta
        state.withUnsafeBufferPointer { y in
            v.withUnsafeBufferPointer { c in
                derivative.withUnsafeMutableBufferPointer { field.evaluate(t: 0, state: y, derivative: $0) }
                keptDerivative.withUnsafeMutableBufferPointer { field.evaluate(t: 0, state: y, derivative: $0, keepingAs: 2) }
                stateCotangent.withUnsafeMutableBufferPointer { gy in
                    theta.withUnsafeMutableBufferPointer { field.vectorJacobianProducts(t: 0, state: y, cotangent: c, stateCotangent: gy, addingTo: $0) }
                }
                keptCotangent.withUnsafeMutableBufferPointer { gy in
                    keptTheta.withUnsafeMutableBufferPointer {
                        field.vectorJacobianProducts(kept: 2, t: 0, state: y, cotangent: c, stateCotangent: gy, addingTo: $0)
                    }
                }
            }
        }
        for i in 0..<n {
            // A sample's value does not depend on the split.
            #expect(derivative[i] == Double(expected[i]) && keptDerivative[i] == derivative[i], "derivative \(i)")
            let factor = input == .cube ? 3 * state[i] * state[i] : 1
            #expect(abs(stateCotangent[i] - Double(expectedInput[i]) * factor) <= 1e-6 * max(1, abs(stateCotangent[i])), "state cotangent \(i)")
            #expect(keptCotangent[i] == stateCotangent[i], "kept state cotangent \(i)")
        }
        // The parameter sums add the halves in another order than one pass: equal to float rounding.
        for k in 0..<field.parameterCount {
            let scale = max(1, abs(Double(expectedParameters[k])))
            #expect(abs(theta[k] - Double(expectedParameters[k])) <= 2e-4 * scale, "parameter \(k)")
            #expect(keptTheta[k] == theta[k], "kept parameter \(k)")
        }
    }
}

@Suite("Neural ODE training")
struct TrainingTests {
    static let tight = AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-10, atol: 1e-12))

    @Test("A training step's gradient matches central differences of the batch loss", arguments: [false, true])
    func trainingStepGradient(adjoint: Bool) throws {
        let data = try truth(.cubic, count: 200)
        let network = MultilayerPerceptron<Double>(widths: [2, 5, 2], activation: .tanh, initialisation: .normal(standardDeviation: 0.3), seed: 1)
        let training = NeuralODETraining(iterations: 1, batchTime: 4, batchSize: 3, integrator: .adaptive(Self.tight),
                                         gradient: adjoint ? .adjoint(AdjointOptions()) : .backprop)
        let field = NeuralField(network: network, batch: 3, input: .cube)
        let starts = [5, 40, 120]
        let times = Array(data.times[0..<4])
        var initial = [Double](), targets = [Double]()
        for start in starts { initial += data.state(at: start) }
        for k in 0..<4 { for start in starts { targets += data.state(at: start + k) } }
        let count = Double(targets.count)
        let loss: PointLoss = { index, state, gradient in
            var sum = 0.0
            for i in 0..<state.count {
                let d = state[i] - targets[index * state.count + i]
                sum += abs(d)
                gradient[i] = d > 0 ? 1 / count : (d < 0 ? -1 / count : 0)
            }
            return sum / count
        }
        var workspace = GradientWorkspace()
        let exact = try training.lossGradient(field, initialState: initial, times: times, loss: loss, workspace: &workspace)
        let h = 1e-6
        for k in stride(from: 0, to: field.parameterCount, by: 2) {
            var up = field.parameters, down = field.parameters
            up[k] += h
            down[k] -= h
            let plus = try training.lossGradient(field.withParameters(up), initialState: initial, times: times, loss: loss, workspace: &workspace).loss
            let minus = try training.lossGradient(field.withParameters(down), initialState: initial, times: times, loss: loss, workspace: &workspace).loss
            let numeric = (plus - minus) / (2 * h)
            #expect(abs(numeric - exact.parameters[k]) < 1e-6 * max(1e-3, abs(numeric)) + 1e-9, "parameter \(k): \(numeric) vs \(exact.parameters[k])")
        }
    }

    @Test("Training on the linear spiral lowers the full-trajectory error well below the untrained model's")
    func learnsLinearSpiral() throws {
        let data = try truth(.linear, count: 400)
        let network = MultilayerPerceptron<Float>(widths: [2, 16, 2], activation: .tanh, initialisation: .normal(standardDeviation: 0.1), seed: 0)
        let solver = AdaptiveSolver(tableau: .bosh3, controller: StepSizeController(rtol: 1e-5, atol: 1e-7))
        let training = NeuralODETraining(iterations: 150, batchTime: 10, batchSize: 10, learningRate: 1e-2,
                                         integrator: .adaptive(solver), testEvery: 0, snapshots: 0)
        let model = NeuralField(network: network, batch: 1, input: .raw)
        let untrained = data.meanAbsoluteError(to: try training.predict(model, from: [2, 0], times: data.times))
        let result = try training.train(model, on: data)
        #expect(result.finalError < 0.3 * untrained, "\(result.finalError) vs untrained \(untrained)")
        let early = result.history.prefix(20).map(\.loss).reduce(0, +) / 20, late = result.history.suffix(20).map(\.loss).reduce(0, +) / 20
        #expect(late < 0.3 * early, "batch loss \(early) → \(late)")
    }

    @Test("The same seed gives the same loss history; another seed another")
    func reproducible() throws {
        let data = try truth(.cubic, count: 300)
        let network = MultilayerPerceptron<Float>(widths: [2, 16, 2], activation: .tanh, initialisation: .normal(standardDeviation: 0.1), seed: 0)
        let solver = AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-6, atol: 1e-8))
        func run(_ seed: UInt64) throws -> [Double] {
            try NeuralODETraining(iterations: 15, batchSize: 8, integrator: .adaptive(solver), testEvery: 5, seed: seed)
                .train(NeuralField(network: network, batch: 1, input: .cube), on: data).history.map(\.loss)
        }
        let first = try run(7)
        #expect(try run(7) == first)
        #expect(try run(8) != first)
    }

    @Test("Fixed-step training takes the sample spacing in equal steps")
    func fixedStep() throws {
        let data = try truth(.linear, count: 300)
        let network = MultilayerPerceptron<Double>(widths: [2, 8, 2], activation: .tanh, initialisation: .normal(standardDeviation: 0.1), seed: 0)
        let training = NeuralODETraining(iterations: 5, batchSize: 4, integrator: .fixed(.rk4, stepsPerSample: 2), testEvery: 0, snapshots: 2)
        let result = try training.train(NeuralField(network: network, batch: 1, input: .raw), on: data)
        #expect(result.history.allSatisfy { $0.forwardEvaluations == 9 * 2 * 4 })
        #expect(result.snapshots.map(\.iteration) == [2, 5])
        #expect(result.prediction.count == data.states.count)
    }
}
