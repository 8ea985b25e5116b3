import Foundation
import ODE
import Plot
import Testing
@testable import Experiments

@Suite("Work–precision diagrams")
struct WorkPrecisionLookTests {
    @Test("A solver keeps its colour and marker in every diagram, and no two solvers look the same; the line tells the family")
    func stableLooks() throws {
        let names = SolverCatalog.all.map(\.name)
        var seen = [String: String]()
        for name in names {
            let (color, style) = SolverLook.of(name)
            let again = SolverLook.of(name)
            #expect(again.0 == color && again.1 == style, "\(name)")
            guard case let .lineAndMarkers(_, dash, marker, _) = style else {
                Issue.record("\(name) is drawn without markers")
                continue
            }
            let key = "\(color) \(dash) \(marker)"
            #expect(seen[key] == nil, "\(name) looks like \(seen[key] ?? "")")
            seen[key] = name
            switch SolverCatalog.named(name)?.family {
            case .fixedStep?: #expect(dash == .dashed, "\(name)")
            case .adaptive?: #expect(dash == .solid, "\(name)")
            case .stiff?: #expect(dash == .dotted, "\(name)")
            case nil: Issue.record("\(name) is not in the catalog")
            }
        }
    }
}
