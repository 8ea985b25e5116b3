import Expressions
import Foundation
import ODE

/// `{ode}`: any ODE system written as equations in the notebook, solved with the solver of the
/// block's choice (fixed-step, adaptive, or stiff with the exact symbolic Jacobian).
public struct OdeKind: ExperimentKind {
    public static let name = "ode"
    public static let summary = "an ODE system written as equations, solved with a fixed-step, adaptive or stiff method"

    static let equations = Option<[NamedValue<String>]>.expressions(
        "equations", "map from state name to right-hand side, e.g. x: sigma*(y - x); functions " + Function.writableNames + " (required)")
    static let params = Option<[NamedValue<Double>]>.namedNumbers("params", "map from parameter name to value")
    static let initial = Option<[NamedValue<Double>]>.namedNumbers("initial", "map from state name to initial value (every state)")

    public static let options: [OptionSpec] =
        [equations.spec, params.spec, initial.spec] + SystemOptionSet.specs(solver: "dopri5", stepSize: nil, steps: nil)

    let experiment: SystemExperiment<ExpressionField>

    /// Compiles the equations, checks the initial state and the solver options, and evaluates the
    /// right-hand side once at t_start so that a division by zero is caught before running.
    public init(options: ResolvedOptions, context: BlockContext) throws(OptionError) {
        let written = options[Self.equations]
        guard !written.isEmpty else {
            throw OptionError("'equations' is required: a map from each state to its right-hand side, e.g. x: -k*x",
                              at: SourcePosition(line: options.line(of: "equations")))
        }
        let states = written.map(\.name)
        let parameters = options[Self.params]
        let system: EquationSystem
        do {
            system = try EquationSystem(states: states, equations: written.map { ($0.name, $0.value) },
                                        parameters: parameters.map(\.name))
        } catch {
            throw Self.locate(error, options: options)
        }
        let initialValues = options[Self.initial]
        var initialState = [Double]()
        let initialByName = Dictionary(initialValues.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let stateSet = Set(states)
        for state in states {
            guard let value = initialByName[state] else {
                throw OptionError("'initial' has no value for state '\(state)' (every state needs one)",
                                  at: options.position(of: initialValues.isEmpty ? "initial" : "initial.\(initialValues[0].name)"))
            }
            initialState.append(value.value)
        }
        if let extra = initialValues.first(where: { !stateSet.contains($0.name) }) {
            throw OptionError("'initial' names '\(extra.name)', which has no equation" + Suggestion.didYouMean(extra.name, in: states),
                              at: options.position(of: "initial.\(extra.name)"))
        }
        let values = parameters.map(\.value)
        let start = options[SystemOptionSet.startTime]
        if let (state, error) = system.firstNonFinite(t: start, state: initialState, parameters: values) {
            throw Self.located(error, state: state, message: error.message, options: options)
        }
        experiment = try SystemExperiment(
            field: ExpressionField(system: system, parameters: values), stateNames: states, initialState: initialState,
            options: options, context: context, title: "Solution", parameterNames: parameters.map(\.name))
    }

    /// The observations' CSV file, when `data` names one.
    public var inputFiles: [URL] { experiment.inputFiles }

    /// Steps × states, times the epochs of a fit and the settings of a comparison.
    public var estimatedCost: Double { experiment.estimatedCost }

    /// The final states, the solve's counts, and those of the comparison and the fit when asked.
    public var metricNames: [String] { experiment.metricNames }

    /// Solves (or fits) and builds the artifacts.
    public func run(monitor: RunMonitor) throws(BlockFailure) -> Artifacts {
        try experiment.run(monitor: monitor)
    }

    /// An equation error at the line of that equation, with the expression and a caret under the problem.
    static func locate(_ error: EquationError, options: ResolvedOptions) -> OptionError {
        guard let expression = error.expressionError else {
            return OptionError(error.message, at: options.position(of: "equations.\(error.state)"))
        }
        return located(expression, state: error.state, message: expression.message, options: options)
    }

    static func located(_ error: ExpressionError, state: String, message: String, options: ResolvedOptions) -> OptionError {
        let prefix = "    \(state): "
        let shown = error.excerpt()
        let caret = String(repeating: " ", count: prefix.count + shown.column - 1) + "^" + String(repeating: "~", count: max(shown.length - 1, 0))
        return OptionError("in the equation for '\(state)': \(message)\n\(prefix)\(shown.text)\n\(caret)",
                           at: options.position(of: "equations.\(state)"))
    }
}
