extension Function {
    /// One line for help text and the README: what the function computes. The `switch` is the
    /// functions' registry: a new case does not compile until it is described here.
    public var summary: String {
        switch self {
        case .sin: "sine (radians)"
        case .cos: "cosine (radians)"
        case .tan: "tangent (radians)"
        case .exp: "eˣ"
        case .log: "natural logarithm"
        case .sqrt: "square root"
        case .tanh: "hyperbolic tangent"
        case .abs: "absolute value"
        case .sigmoid: "logistic 1/(1 + e⁻ˣ), without overflow"
        case .min: "the smaller of two values"
        case .max: "the larger of two values"
        case .pow: "pow(x, y) = x^y"
        case .sign: "−1, 0 or 1 (appears in derivatives only)"
        }
    }

    /// The derivative the symbolic differentiation uses, written in the expression language with
    /// `x` (and `y`) for the arguments: d f(x)/dx for one argument, the partials otherwise.
    public var derivative: String {
        switch self {
        case .sin: "cos(x)"
        case .cos: "-sin(x)"
        case .tan: "1 + tan(x)^2"
        case .exp: "exp(x)"
        case .log: "1/x"
        case .sqrt: "1/(2*sqrt(x))"
        case .tanh: "1 - tanh(x)^2"
        case .abs: "sign(x)"
        case .sigmoid: "sigmoid(x)*(1 - sigmoid(x))"
        case .min: "1 for the smaller argument, 0 for the other"
        case .max: "1 for the larger argument, 0 for the other"
        case .pow: "y*x^(y - 1) and log(x)*x^y"
        case .sign: "0"
        }
    }

    /// The writable functions as help text lists them: `sin cos tan ... pow`.
    public static var writableNames: String { writable.map(\.rawValue).joined(separator: " ") }
}
