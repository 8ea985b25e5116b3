/// Symbolic differentiation of expression trees.
///
/// This is symbolic (not forward-mode automatic) differentiation: the result is a new
/// `Expression`, simplified as it is built (see `Simplification.swift`), so it can be printed for
/// the reader and compiled onto the same flat tape as the right-hand side (where common
/// subexpressions with f itself are shared). Forward-mode AD (dual numbers; Griewank & Walther,
/// *Evaluating Derivatives*, 2008, ch. 3) would give the same values without the printable form.
///
/// Rules: the sum, product and quotient rules; the chain rule for every function; for `x^y`
/// the general rule d(x^y) = y*x^(y-1)*dx + log(x)*x^y*dy, which reduces to `n*x^(n-1)*dx` when
/// the exponent does not depend on the variable; d|x| = sign(x)*dx; d min(a,b) and d max(a,b)
/// take the derivative of the selected branch; d sigmoid(x) = σ(x)(1-σ(x))dx;
/// d tanh(x) = (1 - tanh²x)dx; d tan(x) = (1 + tan²x)dx.
extension Expression {
    /// The derivative of this expression with respect to the name `variable`, simplified.
    /// Every other name is treated as a constant.
    public func derivative(withRespectTo variable: String) -> Expression {
        switch self {
        case .number:
            return .zero
        case .name(let n, _):
            return n == variable ? .one : .zero
        case .negate(let a, _):
            return .neg(a.derivative(withRespectTo: variable))
        case .binary(let op, let a, let b, _):
            let da = a.derivative(withRespectTo: variable)
            let db = b.derivative(withRespectTo: variable)
            switch op {
            case .add: return .add(da, db)
            case .subtract: return .sub(da, db)
            case .multiply: return .add(.mul(da, b.simplified), .mul(a.simplified, db))
            case .divide:
                let (x, y) = (a.simplified, b.simplified)
                return .sub(.div(da, y), .div(.mul(x, db), .pow(y, .num(2))))
            case .power:
                return Expression.powerDerivative(a.simplified, b.simplified, da, db)
            }
        case .call(let f, let args, _):
            let x = args[0].simplified, dx = args[0].derivative(withRespectTo: variable)
            let y = f.arity > 1 ? args[1].simplified : .zero
            let dy = f.arity > 1 ? args[1].derivative(withRespectTo: variable) : .zero
            return f.differentiate(x, y, dx, dy)
        case .select(let a, let b, let p, let q):
            return .choose(a.simplified, b.simplified,
                           p.derivative(withRespectTo: variable), q.derivative(withRespectTo: variable))
        }
    }

    /// d(x^y) = y*x^(y-1)*dx + log(x)*x^y*dy (either term dropped when its differential is 0).
    static func powerDerivative(_ x: Expression, _ y: Expression, _ dx: Expression, _ dy: Expression) -> Expression {
        let byBase: Expression = dx.isZero ? .zero : .mul(.mul(y, .pow(x, .sub(y, .one))), dx)
        let byExponent: Expression = dy.isZero ? .zero : .mul(.mul(.apply(.log, [x]), .pow(x, y)), dy)
        return .add(byBase, byExponent)
    }
}
