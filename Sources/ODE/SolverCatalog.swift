/// Every built-in ODE solver, registered once with its summary: the fixed-step, adaptive and
/// Rosenbrock lists (`ButcherTableau.fixedStepMethods`, `.adaptiveMethods`, `RosenbrockMethod.all`),
/// the notebook option choices, their help text and the README's solver table all derive from
/// `all`. Adding a method is one file with its coefficients plus one line here.
public enum SolverCatalog {
    /// Every solver, fixed-step first, then adaptive, then stiff (the order of help text and tables).
    public static let all: [SolverDescription] = [
        SolverDescription(.euler, "explicit Euler, the source article's recurrence: an ODE read as an RNN"),
        SolverDescription(.midpoint, "explicit midpoint rule (Runge)"),
        SolverDescription(.heun, "Heun's method, the explicit trapezoid"),
        SolverDescription(.rk4, "classical Runge–Kutta (Kutta)"),
        SolverDescription(.bosh3, "Bogacki–Shampine, Hermite dense output"),
        SolverDescription(.dopri5, "Dormand–Prince, Shampine's dense output"),
        SolverDescription(.tsit5, "Tsitouras 2011, its own interpolant"),
        SolverDescription(.dop853, "Dormand–Prince with Hairer's combined error estimate and dense output"),
        SolverDescription(RosenbrockMethod.rodas4, "Rosenbrock, L-stable, exact symbolic Jacobian, one LU per step"),
    ]

    /// The solver called `name`.
    public static func named(_ name: String) -> SolverDescription? {
        all.first { $0.name == name }
    }

    /// The names of every solver, in catalog order.
    public static var names: [String] { all.map(\.name) }

    /// The names of the solvers of `family`, in catalog order.
    public static func names(in family: SolverDescription.Family) -> [String] {
        all.filter { $0.family == family }.map(\.name)
    }

    /// The explicit tableaus of `family` (empty for `.stiff`).
    public static func tableaus(in family: SolverDescription.Family) -> [ButcherTableau] {
        all.filter { $0.family == family }.compactMap(\.tableau)
    }

    /// Help text naming the solvers of each family in turn:
    /// `fixed-step euler, midpoint, heun, rk4; adaptive bosh3, ...`.
    public static func listing(_ families: [SolverDescription.Family]) -> String {
        families.map { $0.rawValue + " " + names(in: $0).joined(separator: ", ") }.joined(separator: "; ")
    }

    /// The solvers of `family` as a phrase: `bosh3, dopri5, tsit5 or dop853`.
    public static func phrase(_ family: SolverDescription.Family, conjunction: String = "or") -> String {
        let words = names(in: family)
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " \(conjunction) " + words[words.count - 1]
    }
}
