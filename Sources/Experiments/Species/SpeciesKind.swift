import Foundation
import ODE
import Plot

/// `{species}`: the two-species competition model of the source articles. An `{ode}` whose
/// equations are built in; by default solved by the explicit Euler recurrence (the ODE read as an
/// RNN), but any solver may be chosen.
public struct SpeciesKind: ExperimentKind {
    public static let name = "species"
    public static let summary = "the two-species competition model (built-in equations; explicit Euler by default, any solver)"

    static let params = Option<[String: Double]>.numbers(
        "params", [("r1", 0.1), ("r2", 0.3), ("a1", 1e-4), ("a2", 2e-4), ("iN1", 0.002), ("iN2", 0.003)],
        "growth rates r, competition a, inverse capacities iN; keys left out keep their defaults")
    static let initial = Option<[String: Double]>.numbers(
        "initial", [("x1", 100), ("x2", 150)], "the populations at t_start")

    public static let options: [OptionSpec] =
        [params.spec, initial.spec] + SystemOptionSet.specs(solver: "euler", stepSize: 0.1, steps: 1000, phaseAspect: "equal")

    /// The state names, in order.
    static let states = ["x1", "x2"]

    let experiment: SystemExperiment<CompetitionModel>

    /// Checks the options together and loads the observations.
    public init(options: ResolvedOptions, context: BlockContext) throws(OptionError) {
        let p = options[Self.params]
        let model = CompetitionModel(r1: p["r1"]!, r2: p["r2"]!, a1: p["a1"]!, a2: p["a2"]!, iN1: p["iN1"]!, iN2: p["iN2"]!)
        let x0 = options[Self.initial]
        experiment = try SystemExperiment(
            field: model, stateNames: Self.states, initialState: Self.states.map { x0[$0]! }, options: options,
            context: context, title: "Competition model", parameterNames: ["r1", "r2", "a1", "a2", "iN1", "iN2"])
    }

    /// The observations' CSV file, when `data` names one.
    public var inputFiles: [URL] { experiment.inputFiles }

    /// Steps × states, times the epochs of a fit and the settings of a comparison.
    public var estimatedCost: Double { experiment.estimatedCost }

    /// The final populations, the solve's counts, and those of the comparison and the fit when asked.
    public var metricNames: [String] { experiment.metricNames }

    /// Solves the model (or fits it) and builds the figures, tables, CSVs and metrics.
    public func run(monitor: RunMonitor) throws(BlockFailure) -> Artifacts {
        try experiment.run(monitor: monitor)
    }
}
