import Testing
@testable import ODE

@Suite("Butcher tableaus")
struct ButcherTableauTests {
    @Test("Built-in tableaus are consistent")
    func builtIns() throws {
        for tableau in ButcherTableau.fixedStepMethods {
            _ = try ButcherTableau(name: tableau.name, order: tableau.order, c: tableau.c, a: tableau.a, b: tableau.b)
        }
        #expect(ButcherTableau.fixedStep(named: "rk4")?.stages == 4)
        #expect(ButcherTableau.fixedStep(named: "nope") == nil)
    }

    @Test("Rows of a must sum to c")
    func rowSums() {
        #expect(throws: TableauError.self) {
            try ButcherTableau(name: "bad", order: 2, c: [0, 0.5], a: [[], [0.4]], b: [0, 1])
        }
    }

    @Test("Weights must sum to one")
    func weights() {
        #expect(throws: TableauError.self) {
            try ButcherTableau(name: "bad", order: 1, c: [0], a: [[]], b: [0.9])
        }
    }

    @Test("Implicit shapes are rejected")
    func explicitShape() {
        #expect(throws: TableauError.self) {
            try ButcherTableau(name: "bad", order: 1, c: [0, 1], a: [[0], [1]], b: [0.5, 0.5])
        }
    }
}

@Suite("Order conditions")
struct OrderConditionTests {
    @Test("Rooted trees are counted correctly up to order 8")
    func treeCounts() {
        let trees = OrderConditions.trees(upTo: 8)
        let counts = (1...8).map { order in trees.filter { $0.order == order }.count }
        #expect(counts == [1, 1, 2, 4, 9, 20, 48, 115])
    }

    @Test("Every explicit method satisfies the order conditions of its order, and not the next",
          arguments: ButcherTableau.explicitMethods)
    func methodOrder(tableau: ButcherTableau) {
        let measured = OrderConditions.order(of: tableau, weights: tableau.b, checkingUpTo: tableau.order + 1)
        #expect(measured == tableau.order, "\(tableau.name): conditions hold to order \(measured)")
    }

    @Test("Embedded weights have their stated order", arguments: ButcherTableau.adaptiveMethods)
    func embeddedOrder(tableau: ButcherTableau) throws {
        let weights = try #require(tableau.embeddedWeights)
        let order = try #require(tableau.embeddedOrder)
        let measured = OrderConditions.order(of: tableau, weights: weights, checkingUpTo: order + 1, tolerance: 1e-12)
        #expect(measured == order, "\(tableau.name) embedded: order \(measured)")
    }

    @Test("FSAL is detected where the last stage is the new solution")
    func fsal() {
        #expect(ButcherTableau.dopri5.isFSAL)
        #expect(ButcherTableau.tsit5.isFSAL)
        #expect(ButcherTableau.bosh3.isFSAL)
        #expect(!ButcherTableau.rk4.isFSAL)
    }
}
