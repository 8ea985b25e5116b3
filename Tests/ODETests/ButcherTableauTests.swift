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
