/// A function of the `{ode}` expression language, defined in one place: its name and arity, the
/// help text, how it evaluates, how it differentiates, and (for the built-in ones) the tape
/// instruction that evaluates it without a call.
///
/// Functions are values registered in `Function.registry`; a new one is a `static let` in a file
/// of its own plus one line there (README, "Extending"). One without a tape instruction of its own
/// is evaluated by the tape's generic call instruction.
public struct Function: Sendable, Hashable, CustomStringConvertible {
    /// The name notebooks call it by.
    public let name: String
    /// The number of arguments (1 or 2).
    public let arity: Int
    /// One line for help text and the README: what the function computes.
    public let summary: String
    /// The derivative the symbolic differentiation uses, written in the expression language with
    /// `x` (and `y`) for the arguments: d f(x)/dx for one argument, the partials otherwise.
    public let derivative: String
    /// Whether a notebook may call it (`sign` only appears in derivatives).
    public let isWritable: Bool
    /// The value at `(x, y)` (`y` ignored by unary functions).
    let evaluate: @Sendable (Double, Double) -> Double
    /// The differential of `f(x, y)` from the arguments and their differentials `dx`, `dy`
    /// (`y` and `dy` are zero for unary functions).
    let differentiate: @Sendable (_ x: Expression, _ y: Expression, _ dx: Expression, _ dy: Expression) -> Expression
    /// The tape instruction that evaluates it inline, or `nil` for the generic call.
    let opcode: Opcode?

    /// Defines a function (in this module: its derivative is written with the simplifying
    /// constructors of `Expression`).
    init(_ name: String, arity: Int = 1, summary: String, derivative: String, writable: Bool = true, opcode: Opcode? = nil,
         evaluate: @escaping @Sendable (Double, Double) -> Double,
         differentiate: @escaping @Sendable (Expression, Expression, Expression, Expression) -> Expression) {
        self.name = name
        self.arity = arity
        self.summary = summary
        self.derivative = derivative
        self.isWritable = writable
        self.opcode = opcode
        self.evaluate = evaluate
        self.differentiate = differentiate
    }

    /// The registered function called `rawValue`, if any.
    public init?(rawValue: String) {
        guard let index = Self.registry.firstIndex(where: { $0.name == rawValue }) else { return nil }
        self = Self.registry[index]
    }

    /// The name.
    public var rawValue: String { name }
    public var description: String { name }

    /// Functions are the same when their names are.
    public static func == (lhs: Function, rhs: Function) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// Applies the function to one or two arguments (`y` is ignored by unary functions).
    public func apply(_ x: Double, _ y: Double = 0) -> Double { evaluate(x, y) }

    /// Its place in `registry` (what the tape's generic call instruction carries).
    var registryIndex: Int { Self.registry.firstIndex(of: self)! }

    /// Every function, writable ones first in the order docs/format.md lists them: the one
    /// registration line of a new function goes here.
    public static let registry: [Function] = [
        .sin, .cos, .tan, .exp, .log, .sqrt, .tanh, .abs, .sigmoid, .min, .max, .pow, .sinh, .cosh, .atan2, .mod, .floor,
        .sign,
    ]

    /// The functions a notebook author may call, in the order docs/format.md lists them.
    public static let writable: [Function] = registry.filter(\.isWritable)

    /// Every function, writable or not.
    public static var allCases: [Function] { registry }
}
