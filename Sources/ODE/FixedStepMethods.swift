extension ButcherTableau {
    /// The explicit Euler method, order 1 (Euler, *Institutionum calculi integralis*, 1768).
    ///
    /// `y_{n+1} = y_n + h f(t_n, y_n)`: the recurrence the source articles read as an RNN.
    public static let euler = builtIn(name: "euler", order: 1, c: [0], a: [[]], b: [1])

    /// The explicit midpoint method, order 2 (Runge, *Math. Ann.* 46, 1895).
    public static let midpoint = builtIn(name: "midpoint", order: 2, c: [0, 0.5], a: [[], [0.5]], b: [0, 1])

    /// Heun's method (explicit trapezoid), order 2 (Heun, *Z. Math. Phys.* 45, 1900).
    public static let heun = builtIn(name: "heun", order: 2, c: [0, 1], a: [[], [1]], b: [0.5, 0.5])

    /// The classical fourth-order Runge–Kutta method (Kutta, *Z. Math. Phys.* 46, 1901).
    public static let rk4 = builtIn(
        name: "rk4", order: 4,
        c: [0, 0.5, 0.5, 1],
        a: [[], [0.5], [0, 0.5], [0, 0, 1]],
        b: [1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6]
    )

    /// Every built-in fixed-step method, in the order of `SolverCatalog.all` (where they are registered).
    public static let fixedStepMethods: [ButcherTableau] = SolverCatalog.tableaus(in: .fixedStep)

    /// The built-in fixed-step method called `name`, if any.
    public static func fixedStep(named name: String) -> ButcherTableau? {
        fixedStepMethods.first { $0.name == name }
    }

    /// Builds a built-in tableau. Their consistency is checked by the test suite, so a failure
    /// here is a programming error in the tableau files.
    static func builtIn(
        name: String, order: Int, c: [Double], a: [[Double]], b: [Double],
        embeddedWeights: [Double]? = nil, embeddedOrder: Int? = nil, denseOutput: [[Double]]? = nil, denseOrder: Int? = nil,
        secondaryWeights: [Double]? = nil, secondaryOrder: Int? = nil, extendedDense: ExtendedDenseOutput? = nil
    ) -> ButcherTableau {
        do {
            return try ButcherTableau(name: name, order: order, c: c, a: a, b: b, embeddedWeights: embeddedWeights,
                                      embeddedOrder: embeddedOrder, denseOutput: denseOutput, denseOrder: denseOrder,
                                      secondaryWeights: secondaryWeights, secondaryOrder: secondaryOrder, extendedDense: extendedDense)
        } catch {
            fatalError(error.description)
        }
    }
}
