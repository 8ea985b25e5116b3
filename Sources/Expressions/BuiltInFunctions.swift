import Foundation

/// The built-in functions, each evaluated inline by a tape instruction of its own.
extension Function {
    /// `sin`, as notebooks call it.
    public static let sin: Function = Function("sin", summary: "sine (radians)", derivative: "cos(x)", opcode: .sin,
                                     evaluate: { x, _ in Foundation.sin(x) },
                                     differentiate: { x, _, dx, _ in .mul(.apply(.cos, [x]), dx) })
    /// `cos`, as notebooks call it.
    public static let cos: Function = Function("cos", summary: "cosine (radians)", derivative: "-sin(x)", opcode: .cos,
                                     evaluate: { x, _ in Foundation.cos(x) },
                                     differentiate: { x, _, dx, _ in .neg(.mul(.apply(.sin, [x]), dx)) })
    /// `tan`, as notebooks call it.
    public static let tan: Function = Function("tan", summary: "tangent (radians)", derivative: "1 + tan(x)^2", opcode: .tan,
                                     evaluate: { x, _ in Foundation.tan(x) },
                                     differentiate: { x, _, dx, _ in .mul(.add(.one, .pow(.apply(.tan, [x]), .num(2))), dx) })
    /// `exp`, as notebooks call it.
    public static let exp: Function = Function("exp", summary: "eˣ", derivative: "exp(x)", opcode: .exp,
                                     evaluate: { x, _ in Foundation.exp(x) },
                                     differentiate: { x, _, dx, _ in .mul(.apply(.exp, [x]), dx) })
    /// `log`, as notebooks call it.
    public static let log: Function = Function("log", summary: "natural logarithm", derivative: "1/x", opcode: .log,
                                     evaluate: { x, _ in Foundation.log(x) },
                                     differentiate: { x, _, dx, _ in .div(dx, x) })
    /// `sqrt`, as notebooks call it.
    public static let sqrt: Function = Function("sqrt", summary: "square root", derivative: "1/(2*sqrt(x))", opcode: .sqrt,
                                      evaluate: { x, _ in x.squareRoot() },
                                      differentiate: { x, _, dx, _ in .div(dx, .mul(.num(2), .apply(.sqrt, [x]))) })
    /// `tanh`, as notebooks call it.
    public static let tanh: Function = Function("tanh", summary: "hyperbolic tangent", derivative: "1 - tanh(x)^2", opcode: .tanh,
                                      evaluate: { x, _ in Foundation.tanh(x) },
                                      differentiate: { x, _, dx, _ in .mul(.sub(.one, .pow(.apply(.tanh, [x]), .num(2))), dx) })
    /// `abs`, as notebooks call it.
    public static let abs: Function = Function("abs", summary: "absolute value", derivative: "sign(x)", opcode: .abs,
                                     evaluate: { x, _ in Swift.abs(x) },
                                     differentiate: { x, _, dx, _ in .mul(.apply(.sign, [x]), dx) })
    /// `sigmoid`, as notebooks call it.
    public static let sigmoid: Function = Function("sigmoid", summary: "logistic 1/(1 + e⁻ˣ), without overflow",
                                         derivative: "sigmoid(x)*(1 - sigmoid(x))", opcode: .sigmoid,
                                         evaluate: { x, _ in Kernels.sigmoid(x) },
                                         differentiate: { x, _, dx, _ in
                                             let s = Expression.apply(.sigmoid, [x])
                                             return .mul(.mul(s, .sub(.one, s)), dx)
                                         })
    // min picks x when x <= y; max picks x when y <= x.
    /// `min`, as notebooks call it.
    public static let min: Function = Function("min", arity: 2, summary: "the smaller of two values",
                                     derivative: "1 for the smaller argument, 0 for the other", opcode: .min,
                                     evaluate: { x, y in Swift.min(x, y) },
                                     differentiate: { x, y, dx, dy in .choose(x, y, dx, dy) })
    /// `max`, as notebooks call it.
    public static let max: Function = Function("max", arity: 2, summary: "the larger of two values",
                                     derivative: "1 for the larger argument, 0 for the other", opcode: .max,
                                     evaluate: { x, y in Swift.max(x, y) },
                                     differentiate: { x, y, dx, dy in .choose(y, x, dx, dy) })
    /// `pow`, as notebooks call it.
    public static let pow: Function = Function("pow", arity: 2, summary: "pow(x, y) = x^y", derivative: "y*x^(y - 1) and log(x)*x^y",
                                     opcode: .pow, evaluate: { x, y in Foundation.pow(x, y) },
                                     differentiate: { x, y, dx, dy in Expression.powerDerivative(x, y, dx, dy) })
    /// sign(x) ∈ {-1, 0, 1}; produced by differentiation only, not accepted by the parser.
    public static let sign: Function = Function("sign", summary: "−1, 0 or 1 (appears in derivatives only)", derivative: "0", writable: false,
                                      opcode: .sign, evaluate: { x, _ in Kernels.sign(x) },
                                      differentiate: { _, _, _, _ in .zero })
}
