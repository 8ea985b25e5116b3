/// One optimiser as users see it: its name, a one-line summary, and what it needs, so that option
/// choices, help text and the README are generated from one place (`OptimizerCatalog.all`).
public struct OptimizerDescription: Sendable, Equatable {
    /// What runs when the optimiser is chosen; a fit dispatches on this case.
    public enum Algorithm: Sendable, Equatable {
        /// A first-order method stepping along the gradient of the loss (one evaluation per epoch).
        case firstOrder(OptimizerKind)
        /// Limited-memory BFGS with a Wolfe line search on the loss (`LBFGS`).
        case lbfgs
        /// Levenberg–Marquardt on the residuals and their Jacobian (`LevenbergMarquardt`).
        case levenbergMarquardt
    }

    /// What runs.
    public let algorithm: Algorithm
    /// One line for help text and the README.
    public let summary: String

    /// Describes an optimiser.
    public init(_ algorithm: Algorithm, _ summary: String) {
        self.algorithm = algorithm
        self.summary = summary
    }

    /// The name notebooks write (`optimizer: adam`).
    public var name: String {
        switch algorithm {
        case let .firstOrder(kind): kind.rawValue
        case .lbfgs: "lbfgs"
        case .levenbergMarquardt: "levenberg-marquardt"
        }
    }

    /// Whether it steps along the gradient with a learning rate, one gradient per epoch (usable by
    /// every training, not only by parameter fits).
    public var isFirstOrder: Bool {
        if case .firstOrder = algorithm { return true }
        return false
    }

    /// Whether it needs the residuals and their Jacobian rather than only the loss and its gradient.
    public var needsResiduals: Bool { algorithm == .levenbergMarquardt }

    /// Whether each iteration searches along a direction (several evaluations per iteration).
    public var usesLineSearch: Bool { algorithm == .lbfgs }

    /// The first-order kind, if it is one.
    public var firstOrderKind: OptimizerKind? {
        if case let .firstOrder(kind) = algorithm { return kind }
        return nil
    }
}
