/// One built-in ODE solver as users see it: its name, a one-line summary, and properties read from
/// its coefficients (order, error estimate, dense output), so that help text, option choices and
/// the README table are generated from the same place and cannot disagree with the method.
///
/// Descriptions are made once, in `SolverCatalog.all`, and consulted when options are read, never
/// inside a solve.
public struct SolverDescription: Sendable, Equatable {
    /// How the solver works, with the coefficients it runs.
    public enum Method: Sendable, Equatable {
        /// An explicit Runge–Kutta method: fixed-step, or adaptive when it has embedded weights.
        case explicit(ButcherTableau)
        /// A linearly implicit (Rosenbrock) method for stiff problems.
        case rosenbrock(RosenbrockMethod)
    }

    /// The three kinds of solver a notebook can choose, as help text names them.
    public enum Family: String, Sendable, CaseIterable {
        /// Explicit, a fixed step `h` (no error estimate).
        case fixedStep = "fixed-step"
        /// Explicit with an embedded error estimate: the step adapts to `rtol` / `atol`.
        case adaptive
        /// Rosenbrock: adaptive, linearly implicit, uses the Jacobian.
        case stiff
    }

    /// The coefficients.
    public let method: Method
    /// One line for help text and the README: the method's origin and what sets it apart.
    public let summary: String

    /// Describes an explicit Runge–Kutta method.
    public init(_ tableau: ButcherTableau, _ summary: String) {
        self.method = .explicit(tableau)
        self.summary = summary
    }

    /// Describes a Rosenbrock method.
    public init(_ method: RosenbrockMethod, _ summary: String) {
        self.method = .rosenbrock(method)
        self.summary = summary
    }

    /// The name notebooks write (`solver: dopri5`).
    public var name: String {
        switch method {
        case let .explicit(tableau): tableau.name
        case let .rosenbrock(method): method.name
        }
    }

    /// Fixed-step, adaptive or stiff.
    public var family: Family {
        switch method {
        case let .explicit(tableau): tableau.isAdaptive ? .adaptive : .fixedStep
        case .rosenbrock: .stiff
        }
    }

    /// The explicit tableau, if the solver is explicit.
    public var tableau: ButcherTableau? {
        if case let .explicit(tableau) = method { return tableau }
        return nil
    }

    /// The Rosenbrock coefficients, if the solver is stiff.
    public var rosenbrockMethod: RosenbrockMethod? {
        if case let .rosenbrock(method) = method { return method }
        return nil
    }

    /// Order of accuracy of the solution.
    public var order: Int {
        switch method {
        case let .explicit(tableau): tableau.order
        case let .rosenbrock(method): method.order
        }
    }

    /// Orders of the embedded solutions that estimate the error (empty for fixed-step methods;
    /// two for DOP853's combined estimate).
    public var embeddedOrders: [Int] {
        switch method {
        case let .explicit(tableau): [tableau.embeddedOrder, tableau.secondaryOrder].compactMap { $0 }
        case let .rosenbrock(method): [method.embeddedOrder]
        }
    }

    /// Whether the step size adapts to an embedded error estimate.
    public var isAdaptive: Bool { !embeddedOrders.isEmpty }

    /// Whether the method is meant for stiff problems (linearly implicit).
    public var isStiff: Bool { family == .stiff }

    /// Whether a solve evaluates the Jacobian ∂f/∂y (and ∂f/∂t) of the vector field.
    public var needsJacobian: Bool { isStiff }

    /// Order of the interpolant that gives `t_eval` values between steps, `nil` when outputs must
    /// fall on the steps (fixed-step methods). Cubic Hermite interpolation has order 3.
    public var denseOutputOrder: Int? {
        switch method {
        case let .explicit(tableau): tableau.isAdaptive ? tableau.denseOrder : nil
        case .rosenbrock: 3
        }
    }

    /// First same as last: the last stage is the next step's first (one evaluation saved per step).
    public var isFSAL: Bool { tableau?.isFSAL ?? false }

    /// The order as tables write it: `4`, `5(4)`, `8(5,3)`.
    public var orderText: String {
        embeddedOrders.isEmpty ? "\(order)" : "\(order)(" + embeddedOrders.map(String.init).joined(separator: ",") + ")"
    }
}
