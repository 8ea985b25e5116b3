import Foundation
import Testing
@testable import ODE

@Suite("Solver catalog")
struct SolverCatalogTests {
    /// The names of the tableaus and Rosenbrock methods declared in Sources/ODE, read from the source
    /// (`builtIn(name: "...")`, `RosenbrockMethod(name: "...")`), so a method declared but not
    /// registered fails here.
    static func declaredNames() throws -> Set<String> {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/ODE")
        var names = Set<String>()
        let pattern = try NSRegularExpression(pattern: #"(?:builtIn|RosenbrockMethod)\(\s*name:\s*"([^"]+)""#)
        for file in try FileManager.default.contentsOfDirectory(atPath: sources.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                names.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        return names
    }

    @Test("every tableau and Rosenbrock method declared in Sources/ODE is registered, once")
    func complete() throws {
        let declared = try Self.declaredNames()
        #expect(declared.count >= 9, "could not read the declarations: \(declared)")
        #expect(Set(SolverCatalog.names) == declared)
        #expect(Set(SolverCatalog.names).count == SolverCatalog.all.count, "names are unique")
    }

    @Test("the fixed-step, adaptive and Rosenbrock lists are the catalog's, in its order")
    func derivedLists() {
        #expect(ButcherTableau.fixedStepMethods.map(\.name) == SolverCatalog.names(in: .fixedStep))
        #expect(ButcherTableau.adaptiveMethods.map(\.name) == SolverCatalog.names(in: .adaptive))
        #expect(RosenbrockMethod.all.map(\.name) == SolverCatalog.names(in: .stiff))
        #expect(ButcherTableau.explicitMethods.count + RosenbrockMethod.all.count == SolverCatalog.all.count)
        // Families appear in the order help text lists them.
        let families = SolverCatalog.all.map(\.family)
        #expect(families == families.sorted { SolverDescription.Family.allCases.firstIndex(of: $0)! < SolverDescription.Family.allCases.firstIndex(of: $1)! })
        for solver in SolverCatalog.all {
            #expect(!solver.summary.isEmpty && !solver.summary.contains("\n"), "\(solver.name): one-line summary")
        }
    }

    @Test("each solver's properties agree with its coefficients", arguments: SolverCatalog.all.map(\.name))
    func properties(name: String) throws {
        let solver = try #require(SolverCatalog.named(name))
        switch solver.method {
        case let .explicit(tableau):
            #expect(solver.isAdaptive == (tableau.embeddedWeights != nil))
            #expect(solver.family == (tableau.embeddedWeights != nil ? .adaptive : .fixedStep))
            #expect(!solver.isStiff && !solver.needsJacobian)
            #expect((solver.denseOutputOrder == nil) == (tableau.embeddedWeights == nil))
            // The orders claimed hold by the rooted-tree conditions (and no higher for the solution).
            let top = tableau.order + 1
            #expect(OrderConditions.order(of: tableau, weights: tableau.b, checkingUpTo: top, tolerance: 1e-10) == tableau.order)
            let weights = [tableau.embeddedWeights, tableau.secondaryWeights].compactMap { $0 }
            #expect(weights.count == solver.embeddedOrders.count, "one embedded order per set of embedded weights")
            for (w, order) in zip(weights, solver.embeddedOrders) {
                #expect(OrderConditions.order(of: tableau, weights: w, checkingUpTo: order, tolerance: 1e-10) >= order)
            }
        case let .rosenbrock(method):
            #expect(solver.isAdaptive && solver.isStiff && solver.needsJacobian && solver.family == .stiff)
            #expect(solver.embeddedOrders == [method.embeddedOrder] && solver.order == method.order)
            #expect(solver.denseOutputOrder == 3, "Hermite interpolation")
        }
    }

    @Test("help text and order labels are generated from the catalog")
    func generatedText() {
        #expect(SolverCatalog.listing([.fixedStep, .adaptive, .stiff])
            == "fixed-step euler, midpoint, heun, rk4; adaptive bosh3, dopri5, tsit5, dop853; stiff rodas4")
        #expect(SolverCatalog.phrase(.adaptive) == "bosh3, dopri5, tsit5 or dop853")
        #expect(SolverCatalog.named("dop853")?.orderText == "8(5,3)")
        #expect(SolverCatalog.named("rk4")?.orderText == "4")
        #expect(SolverCatalog.named("rodas4")?.orderText == "4(3)")
    }
}
