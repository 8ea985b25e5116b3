import Foundation

/// Smart constructors that simplify as they build, used by differentiation.
///
/// The rules are the usual local algebraic identities (as in any computer-algebra text, e.g.
/// Cohen, *Computer Algebra and Symbolic Computation*, ch. 3): constant folding when the result
/// is finite, `0*x → 0`, `1*x → x`, `x + 0 → x`, `x - 0 → x`, `0 - x → -x`, `x/1 → x`, `x^1 → x`,
/// `x^0 → 1`, `--x → x`, `a + -b → a - b`, numeric coefficients gathered in front
/// (`2*(3*x) → 6*x`, `x*2 → 2*x`), and minus signs pulled out of products and quotients.
/// `0*x → 0` assumes x is finite, which is the convention of symbolic differentiation.
extension Expression {
    /// The tree rebuilt bottom-up with the simplifying constructors (source ranges are dropped).
    public var simplified: Expression {
        switch self {
        case .number, .name: return self.withRange(nil)
        case .negate(let a, _): return .neg(a.simplified)
        case .binary(let op, let a, let b, _): return .make(op, a.simplified, b.simplified)
        case .call(let f, let args, _): return .apply(f, args.map(\.simplified))
        case .select(let a, let b, let p, let q): return .choose(a.simplified, b.simplified, p.simplified, q.simplified)
        }
    }

    static func num(_ v: Double) -> Expression { .number(v, range: nil) }
    static let zero = num(0)
    static let one = num(1)

    var isZero: Bool { constantValue == 0 }
    var isOne: Bool { constantValue == 1 }

    static func make(_ op: BinaryOperator, _ a: Expression, _ b: Expression) -> Expression {
        switch op {
        case .add: add(a, b)
        case .subtract: sub(a, b)
        case .multiply: mul(a, b)
        case .divide: div(a, b)
        case .power: pow(a, b)
        }
    }

    /// Folds `op` on two numbers when the result is finite.
    private static func fold(_ op: BinaryOperator, _ a: Expression, _ b: Expression) -> Expression? {
        guard let x = a.constantValue, let y = b.constantValue else { return nil }
        let v = Kernels.binary(op, x, y)
        return v.isFinite ? num(v) : nil
    }

    static func neg(_ a: Expression) -> Expression {
        switch a {
        case .number(let v, _): return num(-v)
        case .negate(let x, _): return x
        case .binary(.multiply, .number(let c, _), let x, _): return mul(num(-c), x)
        case .binary(.divide, .number(let c, _), let y, _): return div(num(-c), y)
        case .binary(.subtract, let x, let y, _): return sub(y, x)
        default: return .negate(a, range: nil)
        }
    }

    static func add(_ a: Expression, _ b: Expression) -> Expression {
        if let f = fold(.add, a, b) { return f }
        if a.isZero { return b }
        if b.isZero { return a }
        if case .negate(let y, _) = b { return sub(a, y) }
        if case .number(let v, _) = b, v < 0 { return sub(a, num(-v)) }
        if case .negate(let x, _) = a { return sub(b, x) }
        return .binary(.add, a, b, range: nil)
    }

    static func sub(_ a: Expression, _ b: Expression) -> Expression {
        if let f = fold(.subtract, a, b) { return f }
        if b.isZero { return a }
        if a.isZero { return neg(b) }
        if a == b { return zero }
        if case .negate(let y, _) = b { return add(a, y) }
        if case .number(let v, _) = b, v < 0 { return add(a, num(-v)) }
        return .binary(.subtract, a, b, range: nil)
    }

    static func mul(_ a: Expression, _ b: Expression) -> Expression {
        if let f = fold(.multiply, a, b) { return f }
        if a.isZero || b.isZero { return zero }
        if a.isOne { return b }
        if b.isOne { return a }
        if a.constantValue == -1 { return neg(b) }
        if b.constantValue == -1 { return neg(a) }
        if b.constantValue != nil, a.constantValue == nil { return mul(b, a) }
        if case .negate(let x, _) = a { return neg(mul(x, b)) }
        if case .negate(let y, _) = b { return neg(mul(a, y)) }
        if let c = a.constantValue {
            // c*(d*x) → (c*d)*x
            if case .binary(.multiply, .number(let d, _), let x, _) = b { return mul(num(c * d), x) }
        }
        if case .binary(.multiply, .number(let c, _), let x, _) = a {
            // (c*x)*y → c*(x*y)
            return mul(num(c), mul(x, b))
        }
        if case .binary(.multiply, .number(let c, _), let y, _) = b {
            // x*(c*y) → c*(x*y)
            return mul(num(c), mul(a, y))
        }
        // x^m * x^n → x^(m+n) for numeric m, n (x alone counts as x^1).
        let (base1, m) = a.powerForm, (base2, n) = b.powerForm
        if let m, let n, base1 == base2 { return pow(base1, num(m + n)) }
        return .binary(.multiply, a, b, range: nil)
    }

    /// The expression as base^exponent with a numeric exponent, if it has that form (`x` is `x^1`).
    private var powerForm: (Expression, Double?) {
        if case .binary(.power, let x, .number(let m, _), _) = self { return (x, m) }
        return (self, 1)
    }

    static func div(_ a: Expression, _ b: Expression) -> Expression {
        if let f = fold(.divide, a, b) { return f }
        if a.isZero, !b.isZero { return zero }
        if b.isOne { return a }
        if b.constantValue == -1 { return neg(a) }
        if case .negate(let x, _) = a { return neg(div(x, b)) }
        if case .negate(let y, _) = b { return neg(div(a, y)) }
        if case .binary(.multiply, .number(let c, _), let x, _) = a, b.constantValue == nil {
            // (c*x)/y → c*(x/y)
            return mul(num(c), div(x, b))
        }
        return .binary(.divide, a, b, range: nil)
    }

    static func pow(_ a: Expression, _ b: Expression) -> Expression {
        if let f = fold(.power, a, b) { return f }
        if b.isZero { return one }
        if b.isOne { return a }
        if a.isOne { return one }
        // (x^m)^n → x^(m*n) for integer m, n (exact for every x).
        if case .binary(.power, let x, .number(let m, _), _) = a, let n = b.constantValue,
           m == m.rounded(), n == n.rounded() {
            return pow(x, num(m * n))
        }
        return .binary(.power, a, b, range: nil)
    }

    static func apply(_ f: Function, _ args: [Expression]) -> Expression {
        if args.allSatisfy({ $0.constantValue != nil }) {
            let v = f.apply(args[0].constantValue!, args.count > 1 ? args[1].constantValue! : 0)
            if v.isFinite { return num(v) }
        }
        if f == .pow { return pow(args[0], args[1]) }
        return .call(f, args, range: nil)
    }

    static func choose(_ a: Expression, _ b: Expression, _ p: Expression, _ q: Expression) -> Expression {
        if p == q { return p }
        if let x = a.constantValue, let y = b.constantValue { return x <= y ? p : q }
        return .select(lhs: a, rhs: b, whenTrue: p, otherwise: q)
    }
}
