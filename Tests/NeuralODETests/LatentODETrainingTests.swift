import Learning
import ODE
import Testing
@testable import NeuralODE

@Suite("Latent-ODE training")
struct LatentODETrainingTests {
    static let tight = AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-12, atol: 1e-12))

    static func smallData(series: Int, seed: UInt64 = 3) -> LatentODEData {
        SpiralData(configuration: .init(spiralCount: series, totalPoints: 120, samplePoints: 6, noiseStandardDeviation: 0.3), seed: seed).data
    }

    @Test("One iteration's ELBO gradient matches central differences on a tiny model", arguments: [false, true])
    func gradientMatchesFiniteDifferences(adjoint: Bool) throws {
        let data = Self.smallData(series: 3)
        let model = LatentODEModel<Double>(observationWidth: 2, latentWidth: 2, hidden: 3, rnnHidden: 4, seed: 5)
        let gradient: GradientMethod = adjoint ? .adjoint(AdjointOptions()) : .backprop
        func evaluate(_ parameters: [Double]) throws -> (Double, [Double]) {
            var copy = model
            copy.parameters = parameters
            var step = LatentODEStep(model: copy, batch: 3, steps: data.steps, observationWidth: 2)
            step.load(data, series: [0, 1, 2])
            var generator = SeededGenerator(seed: 11)
            let (record, gradient) = try step.lossAndGradient(copy, times: data.times, solver: Self.tight, gradient: gradient,
                                                              noise: 0.3, generator: &generator)
            return (record.loss, gradient)
        }
        let theta = model.parameters
        let (_, exact) = try evaluate(theta)
        #expect(exact.count == model.parameterCount)
        // The loss is a solve at tolerance 1e-12 whose steps move with θ, so the differences need a
        // step large beside that (1e-3; the truncation error is then about 1e-6).
        let h = 1e-3
        var worst = 0.0
        for k in stride(from: 0, to: theta.count, by: 3) {
            var up = theta, down = theta
            up[k] += h
            down[k] -= h
            let numeric = (try evaluate(up).0 - evaluate(down).0) / (2 * h)
            let error = abs(numeric - exact[k]) / max(abs(numeric), 1e-2)
            worst = max(worst, error)
            #expect(error < 1e-4, "parameter \(k): \(numeric) vs \(exact[k])")
        }
        #expect(worst < 1e-4)
    }

    @Test("A short training run lowers the negative ELBO well below its start; the same seed repeats it")
    func learnsAndRepeats() throws {
        let data = Self.smallData(series: 24)
        let model = LatentODEModel<Float>(latentWidth: 4, hidden: 12, rnnHidden: 12, seed: 0)
        let solver = AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-5, atol: 1e-7))
        let training = LatentODETraining(iterations: 60, learningRate: 0.01, integrator: solver, seed: 1)
        let first = try training.train(model, on: data)
        let start = first.history.prefix(3).map(\.loss).reduce(0, +) / 3, end = first.history.suffix(3).map(\.loss).reduce(0, +) / 3
        #expect(end < 0.5 * start, "negative ELBO \(start) → \(end)")
        let second = try training.train(model, on: data)
        #expect(second.history.map(\.loss) == first.history.map(\.loss))
    }

    @Test("Preset noise replaces the seeded draws: two seeds, one preset, one history; a preset of the wrong size is refused")
    func presetNoiseReplacesTheDraws() throws {
        let data = Self.smallData(series: 5)
        let model = LatentODEModel<Double>(latentWidth: 2, hidden: 4, rnnHidden: 4, seed: 2)
        let solver = AdaptiveSolver(tableau: .dopri5, controller: StepSizeController(rtol: 1e-6, atol: 1e-8))
        var generator = SeededGenerator(seed: 9)
        var noise = [Double](repeating: 0, count: 3 * 5 * 2)
        noise.withUnsafeMutableBufferPointer { generator.fillNormal($0, mean: 0, standardDeviation: 1) }
        var first = LatentODETraining(iterations: 3, integrator: solver, seed: 1)
        var second = LatentODETraining(iterations: 3, integrator: solver, seed: 2)
        let seededOnly = try first.train(model, on: data).history.map(\.loss)
        first.presetNoise = noise
        second.presetNoise = noise
        let preset = try first.train(model, on: data).history.map(\.loss)
        #expect(try second.train(model, on: data).history.map(\.loss) == preset)
        #expect(preset != seededOnly)
        second.presetNoise = Array(noise.dropLast())
        #expect(throws: TrainingFailure.self) { try second.train(model, on: data) }
    }
}
