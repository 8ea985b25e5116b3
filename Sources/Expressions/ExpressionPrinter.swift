/// Infix printing with the fewest parentheses the grammar of `ExpressionParser` allows.
///
/// Precedence levels, loosest first: `?:` (select, derivatives only), `+ -`, `* /`, unary minus,
/// `^`, atoms. A child is parenthesised only when its level is looser than its position allows:
/// the right operand of `-` and `/` also when equally loose (`a - (b + c)`, `a/(b*c)`), and the
/// base of `^` whenever it is not an atom (`(-x)^2`, `(a^b)^c`). Products, quotients and powers
/// print without spaces (`2*x`, `x^2`), sums and differences with them (`x + 1`).
extension Expression: CustomStringConvertible {
    /// Readable infix text, e.g. `sigma*(y - x)`.
    public var description: String { printed }

    private var level: Int {
        switch self {
        case .select: 0
        case .binary(.add, _, _, _), .binary(.subtract, _, _, _): 1
        case .binary(.multiply, _, _, _), .binary(.divide, _, _, _): 2
        case .negate: 3
        case .number(let v, _): v < 0 || (v == 0 && v.sign == .minus) ? 3 : 5
        case .binary(.power, _, _, _): 4
        case .name, .call: 5
        }
    }

    private func wrapped(_ parenthesise: Bool) -> String {
        parenthesise ? "(" + printed + ")" : printed
    }

    private var printed: String {
        switch self {
        case .number(let v, _):
            return Expression.format(v)
        case .name(let n, _):
            return n
        case .negate(let a, _):
            return "-" + a.wrapped(a.level < 3)
        case .binary(let op, let a, let b, _):
            switch op {
            case .add: return a.wrapped(a.level < 1) + " + " + b.wrapped(b.level < 1)
            case .subtract: return a.wrapped(a.level < 1) + " - " + b.wrapped(b.level <= 1)
            case .multiply: return a.wrapped(a.level < 2) + "*" + b.wrapped(b.level < 2)
            case .divide: return a.wrapped(a.level < 2) + "/" + b.wrapped(b.level <= 2)
            case .power: return a.wrapped(a.level <= 4) + "^" + b.wrapped(b.level < 3)
            }
        case .call(let f, let args, _):
            return f.rawValue + "(" + args.map(\.printed).joined(separator: ", ") + ")"
        case .select(let a, let b, let p, let q):
            return a.wrapped(a.level < 1) + " <= " + b.wrapped(b.level < 1) + " ? "
                + p.wrapped(p.level < 1) + " : " + q.wrapped(q.level < 1)
        }
    }

    /// Integers without a decimal point (`2`), everything else in Swift's shortest round-trip form.
    static func format(_ v: Double) -> String {
        if v.isFinite, v == v.rounded(), Swift.abs(v) < 1e15 {
            return v == 0 ? "0" : String(Int64(v))
        }
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        return "\(v)"
    }
}
