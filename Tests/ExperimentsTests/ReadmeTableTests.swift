import Foundation
import Testing
import Expressions
import Learning
import ODE

/// The README's tables of solvers and optimisers, and its list of expression functions, are the
/// registries' (`SolverCatalog`, `OptimizerCatalog`, `Function.writable`), generated here and
/// compared: on a mismatch the test prints the table to paste.
@Suite("README tables agree with the registries")
struct ReadmeTableTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func readme() throws -> String {
        try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    }

    /// The Markdown table whose header line is `header`, through its last row.
    static func table(startingWith header: String, in text: String) -> String? {
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: header) else { return nil }
        return lines[start...].prefix { $0.hasPrefix("|") }.joined(separator: "\n")
    }

    static let solverHeader = "| solver | kind | order | dense output | FSAL | Jacobian | notes |"

    /// The solver table, one row per registered solver.
    static func solverTable() -> String {
        var rows = [solverHeader, "|---|---|---|---|---|---|---|"]
        for solver in SolverCatalog.all {
            let kind = switch solver.family {
            case .fixedStep: "fixed step"
            case .adaptive: "adaptive"
            case .stiff: "stiff"
            }
            var dense = "—"
            if let order = solver.denseOutputOrder {
                let hermite = solver.tableau.map { $0.denseOutput == nil && $0.extendedDense == nil } ?? true
                dense = hermite ? "Hermite, order \(order)" : "order \(order)"
            }
            rows.append("| `\(solver.name)` | \(kind) | \(solver.orderText) | \(dense) | \(solver.isFSAL ? "yes" : "") | \(solver.needsJacobian ? "yes" : "") | \(solver.summary) |")
        }
        return rows.joined(separator: "\n")
    }

    static let optimizerHeader = "| optimizer | first order | line search | needs residuals | notes |"

    /// The optimiser table, one row per registered optimiser.
    static func optimizerTable() -> String {
        var rows = [optimizerHeader, "|---|---|---|---|---|"]
        for optimizer in OptimizerCatalog.all {
            rows.append("| `\(optimizer.name)` | \(optimizer.isFirstOrder ? "yes" : "") | \(optimizer.usesLineSearch ? "yes" : "") | \(optimizer.needsResiduals ? "yes" : "") | \(optimizer.summary) |")
        }
        return rows.joined(separator: "\n")
    }

    @Test("the solver tables of README.md and docs/format.md are the catalog's")
    func solvers() throws {
        let found = Self.table(startingWith: Self.solverHeader, in: try Self.readme())
        #expect(found == Self.solverTable(), "README.md's solver table is out of date; it should read:\n\(Self.solverTable())")
        let format = try String(contentsOf: Self.root.appendingPathComponent("docs/format.md"), encoding: .utf8)
        #expect(Self.table(startingWith: Self.solverHeader, in: format) == Self.solverTable(),
                "docs/format.md's solver table is out of date; it should read:\n\(Self.solverTable())")
    }

    @Test("the optimizer table is the catalog's, and the fit example lists every optimizer")
    func optimizers() throws {
        let text = try Self.readme()
        let found = Self.table(startingWith: Self.optimizerHeader, in: text)
        #expect(found == Self.optimizerTable(), "README.md's optimizer table is out of date; it should read:\n\(Self.optimizerTable())")
        #expect(text.contains("# " + OptimizerCatalog.names.joined(separator: " | ")), "the `optimizer:` comment of the fit example")
    }

    @Test("README and docs/format.md list exactly the writable expression functions")
    func functions() throws {
        let names = Function.writableNames
        #expect(try Self.readme().contains("`\(names)`"))
        let format = try String(contentsOf: Self.root.appendingPathComponent("docs/format.md"), encoding: .utf8)
        #expect(format.contains("`\(names)`"))
    }
}
