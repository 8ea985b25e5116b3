import Testing
@testable import Learning

@Suite("Optimizer catalog")
struct OptimizerCatalogTests {
    @Test("names are unique, first-order first, and the first-order kinds are OptimizerKind's cases")
    func complete() {
        let names = OptimizerCatalog.names
        #expect(Set(names).count == names.count)
        #expect(names == ["sgd", "rmsprop", "adam", "lbfgs", "levenberg-marquardt"])
        let firstOrder = OptimizerCatalog.all.map(\.isFirstOrder)
        #expect(firstOrder == firstOrder.sorted { $0 && !$1 }, "first-order optimisers come first")
        #expect(OptimizerKind.allCases.map(\.rawValue) == OptimizerCatalog.all.filter(\.isFirstOrder).map(\.name))
        for kind in OptimizerKind.allCases { #expect(OptimizerKind(rawValue: kind.rawValue) == kind) }
        #expect(OptimizerKind(rawValue: "lbfgs") == nil, "second-order methods are not first-order kinds")
        #expect(OptimizerKind(rawValue: "nope") == nil)
        for optimizer in OptimizerCatalog.all {
            #expect(!optimizer.summary.isEmpty && !optimizer.summary.contains("\n"), "\(optimizer.name): one-line summary")
        }
    }

    @Test("properties follow the algorithm")
    func properties() throws {
        #expect(OptimizerCatalog.all.filter(\.needsResiduals).map(\.name) == ["levenberg-marquardt"])
        #expect(OptimizerCatalog.all.filter(\.usesLineSearch).map(\.name) == ["lbfgs"])
        #expect(try #require(OptimizerCatalog.named("adam")).algorithm == .firstOrder(.adam))
        #expect(try #require(OptimizerCatalog.named("levenberg-marquardt")).algorithm == .levenbergMarquardt)
    }

    @Test("each first-order kind makes its optimiser with the given settings")
    func factories() {
        let sgd = OptimizerKind.sgd.make(count: 2, learningRate: 0.5, epsilon: 1e-3, momentum: 0.25)
        #expect((sgd as? GradientDescent).map { $0.learningRate == 0.5 && $0.momentum == 0.25 } == true)
        let rmsprop = OptimizerKind.rmsprop.make(count: 2, learningRate: 0.5, epsilon: 1e-3)
        #expect((rmsprop as? RMSProp).map { $0.learningRate == 0.5 && $0.epsilon == 1e-3 } == true)
        let adam = OptimizerKind.adam.make(count: 2, learningRate: 0.5, epsilon: 1e-3)
        #expect((adam as? Adam).map { $0.learningRate == 0.5 && $0.epsilon == 1e-3 } == true)
    }

    @Test("activations: one-line summaries, hidden-layer choices are all but identity")
    func activations() {
        #expect(Activation.hiddenLayerChoices.map(\.rawValue) == ["tanh", "relu", "elu", "softplus", "sigmoid"])
        for activation in Activation.allCases { #expect(!activation.summary.isEmpty && !activation.summary.contains("\n")) }
    }

    @Test("Each first-order kind says how many state vectors it keeps, as its optimiser does")
    func stateVectors() {
        #expect(OptimizerKind.adam.stateVectors == 2)  // first and second moments
        #expect(OptimizerKind.rmsprop.stateVectors == 1)  // mean square
        #expect(OptimizerKind.sgd.stateVectors == 1)  // velocity
    }
}
