import Testing
import Expressions
import Learning
import ODE
@testable import Experiments

/// Every option that chooses a solver, an optimiser or an activation offers exactly the registry's
/// names (so no kind keeps a list of its own), and its help text names each of them.
@Suite("Option choices come from the registries")
struct RegistryChoiceTests {
    /// (kind, dotted option path, choices, summary) of every choice option, nested ones included.
    static func choiceOptions() -> [(kind: String, path: String, choices: [String], summary: String)] {
        var found = [(kind: String, path: String, choices: [String], summary: String)]()
        func visit(_ kind: String, _ prefix: String, _ spec: OptionSpec, _ type: OptionType) {
            switch type {
            case let .choice(words): found.append((kind, prefix + spec.name, words, spec.summary))
            case let .list(element, _): visit(kind, prefix, spec, element)
            case let .record(fields): for field in fields { visit(kind, prefix + spec.name + ".", field, field.type) }
            default: break
            }
        }
        for kind in Kinds.all {
            for option in kind.schema.options { visit(kind.name, "", option, option.type) }
        }
        return found
    }

    static let explicitSolvers = SolverCatalog.all.filter { $0.tableau != nil }.map(\.name)
    static let firstOrder = OptimizerCatalog.all.filter(\.isFirstOrder).map(\.name)

    /// What each registry-backed option must offer.
    static let expected: [String: [String]] = [
        "ode solver": SolverCatalog.names, "ode compare": SolverCatalog.names,
        "species solver": SolverCatalog.names, "species compare": SolverCatalog.names,
        "spiral solver": explicitSolvers, "latent-ode solver": SolverCatalog.names(in: .adaptive),
        "ode fit.optimizer": OptimizerCatalog.names, "species fit.optimizer": OptimizerCatalog.names,
        "spiral optimizer": firstOrder, "latent-ode optimizer": firstOrder,
        "spiral activation": Activation.hiddenLayerChoices.map(\.rawValue),
        "odenet solver": explicitSolvers, "odenet activation": Activation.hiddenLayerChoices.map(\.rawValue),
        "latent-ode field_output": [Activation.identity, .tanh].map(\.rawValue),
    ]

    @Test("each solver, optimiser and activation option offers the registry's names and its help names them")
    func choicesAreTheRegistries() {
        let options = Self.choiceOptions()
        let registryNames = Set(SolverCatalog.names + OptimizerCatalog.names + Activation.allCases.map(\.rawValue))
        var checked = Set<String>()
        for option in options {
            let key = "\(option.kind) \(option.path)"
            guard let expected = Self.expected[key] else {
                // An option not listed here must not offer registry names from a list of its own.
                #expect(Set(option.choices).isDisjoint(with: registryNames), "\(key) offers \(option.choices): derive it from a registry and add it to `expected`")
                continue
            }
            checked.insert(key)
            #expect(option.choices == expected, "\(key)")
            // `compare` is a list of solvers; its summary need not repeat them all.
            if !option.path.hasSuffix("compare") {
                for name in expected { #expect(option.summary.contains(name), "\(key)'s summary names \(name): \(option.summary)") }
            }
        }
        #expect(checked == Set(Self.expected.keys), "options not found: \(Set(Self.expected.keys).subtracting(checked))")
    }

    @Test("the equations option names every writable function")
    func functionsInHelp() throws {
        let equations = try #require(OdeKind.schema.options.first { $0.name == "equations" })
        #expect(equations.summary.contains(Function.writableNames))
    }
}
