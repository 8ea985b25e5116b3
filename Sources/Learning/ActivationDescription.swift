extension Activation {
    /// One line for help text: σ and where it comes from. The `switch` is the activations'
    /// registry: a new case does not compile until it is described here.
    public var summary: String {
        switch self {
        case .identity: "σ(x) = x"
        case .tanh: "hyperbolic tangent"
        case .relu: "max(x, 0)"
        case .elu: "x for x > 0, eˣ − 1 otherwise"
        case .softplus: "ln(1 + eˣ)"
        case .sigmoid: "logistic 1/(1 + e⁻ˣ)"
        }
    }

    /// The activations a hidden layer may use, in declaration order (all but `identity`, which
    /// would make the network linear).
    public static let hiddenLayerChoices: [Activation] = allCases.filter { $0 != .identity }

    /// Help text naming each of `activations` with its summary: `tanh (hyperbolic tangent), ...`.
    public static func listing(_ activations: [Activation]) -> String {
        activations.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: ", ")
    }
}
