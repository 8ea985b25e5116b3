import Learning
import ODE
import Testing
@testable import NeuralODE

@Suite("Depth classifiers: ResNet, ODE-Net, MLP")
struct DepthClassifierTests {
    static let inputs = 5, width = 4, classes = 3, batch = 6

    /// A small seeded batch: features N(0, 1), labels cycling through the classes.
    static func batchData() -> (features: [Double], labels: [Int]) {
        var generator = SeededGenerator(seed: 42)
        return (generator.normals(count: batch * inputs), (0..<batch).map { $0 % classes })
    }

    static func classifier(_ body: DepthClassifier<Double>.Body, seed: UInt64 = 7) -> DepthClassifier<Double> {
        DepthClassifier<Double>(body: body, inputs: inputs, width: width, classes: classes, activation: .tanh, seed: seed, maximumBatch: batch)
    }

    static func loss(_ classifier: DepthClassifier<Double>, _ parameters: [Double]) throws -> Double {
        let (features, labels) = batchData()
        classifier.parameters = parameters
        return try classifier.predict(features: features[...], labels: labels[...], batch: batch).result.loss
    }

    static func gradient(_ classifier: DepthClassifier<Double>) throws -> (loss: Double, gradient: [Double]) {
        let (features, labels) = batchData()
        var gradient = [Double](repeating: 0, count: classifier.parameterCount)
        let result = try classifier.lossAndGradient(features: features[...], labels: labels[...], batch: batch, gradient: &gradient)
        return (result.loss, gradient)
    }

    /// The largest difference between the gradient and central differences, relative to the gradient's largest entry.
    static func finiteDifferenceError(_ classifier: DepthClassifier<Double>) throws -> Double {
        let theta = classifier.parameters
        let (_, exact) = try gradient(classifier)
        let h = 1e-6
        var worst = 0.0
        for k in theta.indices {
            var up = theta, down = theta
            up[k] += h
            down[k] -= h
            let numeric = (try loss(classifier, up) - loss(classifier, down)) / (2 * h)
            worst = max(worst, abs(numeric - exact[k]))
        }
        classifier.parameters = theta
        return worst / max(exact.map(abs).max() ?? 1, 1e-12)
    }

    @Test("A ResNet's gradient (two residual blocks, input layer, read-out) matches central differences")
    func residualGradient() throws {
        let resnet = Self.classifier(.resnet(blocks: 2))
        #expect(resnet.parameterCount == (Self.inputs + 1) * Self.width + 2 * 2 * (Self.width + 1) * Self.width + (Self.width + 1) * Self.classes)
        #expect(try Self.finiteDifferenceError(resnet) < 1e-6)
    }

    @Test("An ODE-Net's gradient by backprop through rk4 matches central differences; so does an MLP's")
    func odenetGradient() throws {
        let solve = ODESolve(FixedStepSolver(tableau: .rk4, stepSize: 0.25, steps: 4))
        #expect(try Self.finiteDifferenceError(Self.classifier(.odenet(solve: solve, gradient: .backprop))) < 1e-6)
        #expect(try Self.finiteDifferenceError(Self.classifier(.mlp(hidden: 7))) < 1e-6)
    }

    @Test("The ODE-Net with Euler at K steps is a weight-tied ResNet of K blocks f_k(h) = (1/K) f(t_k, h)", arguments: [1, 3, 8])
    func eulerIsResNet(steps: Int) throws {
        let w = Self.width
        let odenet = Self.classifier(.odenet(solve: ODESolve(FixedStepSolver(tableau: .euler, stepSize: 1 / Double(steps), steps: steps)),
                                             gradient: .backprop))
        let resnet = Self.classifier(.resnet(blocks: steps), seed: 99)
        // The ODE-Net's pieces: input layer, f's [W1 | w_t] (w × (w + 1)), b1, W2 (w × w), b2, read-out.
        let p = odenet.parameters
        let inputCount = (Self.inputs + 1) * w
        let field = Array(odenet.middleParameters())
        let w1 = field[0..<(w * (w + 1))], b1 = field[(w * (w + 1))..<(w * (w + 2))]
        let w2 = field[(w * (w + 2))..<(w * (w + 2) + w * w)], b2 = field[(w * (w + 2) + w * w)...]
        var tied = Array(p[0..<inputCount])
        for k in 0..<steps {
            let t = Double(k) / Double(steps)
            for o in 0..<w { for i in 0..<w { tied.append(w1[w1.startIndex + o * (w + 1) + i]) } }
            for o in 0..<w { tied.append(b1[b1.startIndex + o] + w1[w1.startIndex + o * (w + 1) + w] * t) }
            tied += w2.map { $0 / Double(steps) }
            tied += b2.map { $0 / Double(steps) }
        }
        tied += p[(p.count - (w + 1) * Self.classes)...]
        #expect(tied.count == resnet.parameterCount)
        resnet.parameters = tied
        let (odeLoss, odeGradient) = try Self.gradient(odenet)
        let (resLoss, resGradient) = try Self.gradient(resnet)
        #expect(abs(odeLoss - resLoss) < 1e-12 * max(1, abs(odeLoss)))
        // The input layer's and the read-out's gradients are the same numbers.
        for k in 0..<inputCount { #expect(abs(odeGradient[k] - resGradient[k]) < 1e-12) }
        let readout = (w + 1) * Self.classes
        for k in 0..<readout { #expect(abs(odeGradient[odeGradient.count - readout + k] - resGradient[resGradient.count - readout + k]) < 1e-12) }
    }

    @Test("The adjoint gradient of an ODE-Net through dopri5 agrees with backprop through the same solver")
    func adjointAgreesWithBackprop() throws {
        let solver = AdaptiveSolver(tableau: .dopri5, controller: .integral(rtol: 1e-10, atol: 1e-10))
        let backprop = Self.classifier(.odenet(solve: ODESolve(solver), gradient: .backprop))
        let adjoint = Self.classifier(.odenet(solve: ODESolve(solver), gradient: .adjoint(AdjointOptions())))
        let (lossA, a) = try Self.gradient(backprop)
        let (lossB, b) = try Self.gradient(adjoint)
        #expect(abs(lossA - lossB) < 1e-9)
        let scale = a.map(abs).max() ?? 1
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-6 * scale, "largest difference \(worst) against gradients of size \(scale)")
    }

    @Test("The seeded split is deterministic, its sizes follow the fraction, and another seed splits otherwise")
    func split() {
        let data = LabelledData(features: (0..<100).map(Double.init), labels: (0..<50).map { $0 % 5 }, featureCount: 2, classes: 5)
        let a = data.split(testFraction: 0.2, seed: 1), b = data.split(testFraction: 0.2, seed: 1), c = data.split(testFraction: 0.2, seed: 2)
        #expect(a.train == b.train && a.test == b.test)
        #expect(a.test.count == 10 && a.train.count == 40)
        #expect(a.test != c.test)
        #expect(Set(a.train.features + a.test.features) == Set(data.features))
    }
}
