import Foundation

/// A binary operator of the `{ode}` expression language.
public enum BinaryOperator: String, Sendable, CaseIterable {
    /// `a + b`
    case add = "+"
    /// `a - b`
    case subtract = "-"
    /// `a * b`
    case multiply = "*"
    /// `a / b`
    case divide = "/"
    /// `a ^ b` (right-associative, binds tighter than unary minus)
    case power = "^"
}

/// The scalar kernels shared by the tree walk and the compiled tape, so both agree bit for bit.
enum Kernels {
    /// 1/(1+exp(-x)), written so that it never overflows: for x < 0 it uses exp(x)/(1+exp(x)).
    @inline(__always)
    static func sigmoid(_ x: Double) -> Double {
        if x >= 0 {
            return 1 / (1 + Foundation.exp(-x))
        }
        let z = Foundation.exp(x)
        return z / (1 + z)
    }

    /// -1, 0 or 1 (NaN stays NaN).
    @inline(__always)
    static func sign(_ x: Double) -> Double {
        x > 0 ? 1 : (x < 0 ? -1 : (x == 0 ? 0 : x))
    }

    /// `a <= b ? whenTrue : otherwise` (the derivative of min and max).
    @inline(__always)
    static func select(_ a: Double, _ b: Double, _ whenTrue: Double, _ otherwise: Double) -> Double {
        a <= b ? whenTrue : otherwise
    }

    /// x^n for a small integer n, by repeated squaring (what the tape uses for constant integer exponents).
    @inline(__always)
    static func powInt(_ x: Double, _ n: Int32) -> Double {
        var e = n < 0 ? -Int(n) : Int(n)
        var base = x
        var result = 1.0
        while e > 0 {
            if e & 1 == 1 { result *= base }
            e >>= 1
            if e > 0 { base *= base }
        }
        return n < 0 ? 1 / result : result
    }

    /// The binary operators.
    @inline(__always)
    static func binary(_ op: BinaryOperator, _ a: Double, _ b: Double) -> Double {
        switch op {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        case .divide: a / b
        case .power: Foundation.pow(a, b)
        }
    }
}

/// An expression tree of the `{ode}` language, with the source range of every parsed node.
///
/// Ranges are 0-based half-open ranges of `Character` offsets into the text the parser read;
/// nodes built by differentiation or simplification have no range (`nil`). Equality (`==`)
/// compares structure and values only, never ranges. `select` nodes (`a <= b ? p : q`) and the
/// `sign` function only come out of differentiation (of min/max and abs).
public indirect enum Expression: Sendable, Equatable {
    /// A number literal.
    case number(Double, range: Range<Int>?)
    /// A name: a state, a parameter, `t`, or the constants `pi` and `e`.
    case name(String, range: Range<Int>?)
    /// Unary minus.
    case negate(Expression, range: Range<Int>?)
    /// `lhs op rhs`.
    case binary(BinaryOperator, Expression, Expression, range: Range<Int>?)
    /// `function(arguments...)`.
    case call(Function, [Expression], range: Range<Int>?)
    /// `lhs <= rhs ? whenTrue : otherwise` — only produced by differentiating min and max.
    case select(lhs: Expression, rhs: Expression, whenTrue: Expression, otherwise: Expression)

    /// The node's source range (0-based, half-open, in characters), if it came from the parser.
    public var range: Range<Int>? {
        switch self {
        case .number(_, let r), .name(_, let r), .negate(_, let r), .binary(_, _, _, let r), .call(_, _, let r): r
        case .select: nil
        }
    }

    /// The same node with another source range.
    func withRange(_ r: Range<Int>?) -> Expression {
        switch self {
        case .number(let v, _): .number(v, range: r)
        case .name(let n, _): .name(n, range: r)
        case .negate(let a, _): .negate(a, range: r)
        case .binary(let op, let a, let b, _): .binary(op, a, b, range: r)
        case .call(let f, let args, _): .call(f, args, range: r)
        case .select: self
        }
    }

    /// Structural equality that ignores source ranges.
    public static func == (lhs: Expression, rhs: Expression) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a, _), .number(let b, _)): a == b || (a.isNaN && b.isNaN)
        case (.name(let a, _), .name(let b, _)): a == b
        case (.negate(let a, _), .negate(let b, _)): a == b
        case (.binary(let o1, let a1, let b1, _), .binary(let o2, let a2, let b2, _)): o1 == o2 && a1 == a2 && b1 == b2
        case (.call(let f1, let x1, _), .call(let f2, let x2, _)): f1 == f2 && x1 == x2
        case (.select(let a1, let b1, let p1, let q1), .select(let a2, let b2, let p2, let q2)):
            a1 == a2 && b1 == b2 && p1 == p2 && q1 == q2
        default: false
        }
    }

    /// Every name the expression mentions, each with the range of its first use, in reading order.
    public var names: [(name: String, range: Range<Int>?)] {
        var seen = Set<String>()
        var result: [(name: String, range: Range<Int>?)] = []
        visit { node in
            if case .name(let n, let r) = node, seen.insert(n).inserted { result.append((n, r)) }
        }
        return result
    }

    /// Calls `body` on every node, parents before children, left to right.
    public func visit(_ body: (Expression) -> Void) {
        body(self)
        switch self {
        case .number, .name: break
        case .negate(let a, _): a.visit(body)
        case .binary(_, let a, let b, _): a.visit(body); b.visit(body)
        case .call(_, let args, _): for a in args { a.visit(body) }
        case .select(let a, let b, let p, let q): a.visit(body); b.visit(body); p.visit(body); q.visit(body)
        }
    }

    /// The value of a number literal, if the node is one.
    public var constantValue: Double? {
        if case .number(let v, _) = self { return v }
        return nil
    }

    /// Evaluates the tree by walking it (slow; for checks and tests). `value` gives each name's value;
    /// the constants `pi` and `e` must be supplied by it too if they are meant as constants
    /// (see `EquationSystem`, which does this).
    public func evaluate(_ value: (String) -> Double) -> Double {
        switch self {
        case .number(let v, _): return v
        case .name(let n, _): return value(n)
        case .negate(let a, _): return -a.evaluate(value)
        case .binary(let op, let a, let b, _): return Kernels.binary(op, a.evaluate(value), b.evaluate(value))
        case .call(let f, let args, _):
            let x = args[0].evaluate(value)
            return f.apply(x, args.count > 1 ? args[1].evaluate(value) : 0)
        case .select(let a, let b, let p, let q):
            return Kernels.select(a.evaluate(value), b.evaluate(value), p.evaluate(value), q.evaluate(value))
        }
    }
}
