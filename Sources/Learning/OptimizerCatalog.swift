/// Every optimiser a notebook can name, registered once with its summary: the option choices of
/// `{spiral}`, `{latent-ode}` and `fit:`, their help text and the README's optimiser table derive
/// from `all`. Adding a first-order optimiser is one file (the `Optimizer` and its `OptimizerKind`
/// static) plus one line here.
public enum OptimizerCatalog {
    /// Every optimiser, first-order first (the order of option choices and help text).
    public static let all: [OptimizerDescription] = [
        OptimizerDescription(.firstOrder(.sgd), "gradient descent, heavy-ball momentum 0.9 as in PyTorch"),
        OptimizerDescription(.firstOrder(.rmsprop), "RMSprop as PyTorch defines it, decay 0.99"),
        OptimizerDescription(.firstOrder(.adam), "Adam as Keras writes it, β₁ 0.9, β₂ 0.999"),
        OptimizerDescription(.lbfgs, "limited-memory BFGS, strong-Wolfe line search; epochs = iterations"),
        OptimizerDescription(.levenbergMarquardt, "damped Gauss–Newton on the residuals; epochs = iterations"),
    ]

    /// The optimiser called `name`.
    public static func named(_ name: String) -> OptimizerDescription? {
        all.first { $0.name == name }
    }

    /// Every name, in catalog order.
    public static var names: [String] { all.map(\.name) }

    /// The first-order kinds, in catalog order.
    public static var firstOrderKinds: [OptimizerKind] { all.compactMap(\.firstOrderKind) }

    /// Help text naming each optimiser of `descriptions` with its summary:
    /// `sgd (gradient descent ...), rmsprop (...) or adam (...)`.
    public static func listing(_ descriptions: [OptimizerDescription]) -> String {
        let words = descriptions.map { "\($0.name) (\($0.summary))" }
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " or " + words[words.count - 1]
    }
}
