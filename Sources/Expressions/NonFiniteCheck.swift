import Foundation

/// Locating the first non-finite value of a right-hand side, for the notebook's check at t0.
extension EquationSystem {
    /// Evaluates each equation (in state order) by walking its tree and, for the first one whose
    /// value is NaN or infinite, returns the innermost sub-expression that produced a non-finite
    /// value from finite operands — e.g. the division in `1/(x - 1)` at x = 1 — as an
    /// `ExpressionError` on that equation's text. `nil` when every value is finite.
    ///
    /// Messages: "division by zero", "log of a non-positive number", "square root of a negative
    /// number", "negative number to a non-integer power", "zero to a negative power", "overflow",
    /// "'x' is not finite" for a non-finite input, otherwise "non-finite value"; each followed by
    /// "at t = …".
    public func firstNonFinite(t: Double, state: [Double], parameters: [Double]) -> (state: String, error: ExpressionError)? {
        let values = nameValues(t: t, state: state, parameters: parameters)
        let at = " at t = " + Expression.format(t)
        for (i, equation) in equations.enumerated() {
            if case .culprit(let node, let reason) = NonFinite.walk(equation, values) {
                let text = sources[i]
                let range = node.range ?? 0..<Swift.max(1, text.count)
                return (stateNames[i], ExpressionError(reason + at, text: text, range: range))
            }
        }
        return nil
    }

    /// f(t, y; θ) computed by walking the expression trees — the slow reference the compiled tape is tested against.
    public func evaluateByWalkingTrees(t: Double, state: [Double], parameters: [Double]) -> [Double] {
        let values = nameValues(t: t, state: state, parameters: parameters)
        return equations.map { $0.evaluate { values[$0] ?? .nan } }
    }

    /// The value of every name: states, parameters, `t`, and `pi`/`e` unless shadowed.
    func nameValues(t: Double, state: [Double], parameters: [Double]) -> [String: Double] {
        precondition(state.count == dimension && parameters.count == parameterNames.count, "wrong number of values")
        var values: [String: Double] = ["t": t]
        if !stateNames.contains("pi") && !parameterNames.contains("pi") { values["pi"] = Double.pi }
        if !stateNames.contains("e") && !parameterNames.contains("e") { values["e"] = Foundation.exp(1.0) }
        for (name, v) in zip(stateNames, state) { values[name] = v }
        for (name, v) in zip(parameterNames, parameters) { values[name] = v }
        return values
    }
}

/// The tree walk behind `EquationSystem.firstNonFinite`.
enum NonFinite {
    enum Outcome {
        case value(Double)
        case culprit(Expression, String)
    }

    static func walk(_ e: Expression, _ values: [String: Double]) -> Outcome {
        switch e {
        case .number(let v, _):
            return v.isFinite ? .value(v) : .culprit(e, "non-finite value")
        case .name(let n, _):
            let v = values[n] ?? .nan
            return v.isFinite ? .value(v) : .culprit(e, "'\(n)' is not finite (\(Expression.format(v)))")
        case .negate(let a, _):
            guard case .value(let x) = walk(a, values) else { return walk(a, values) }
            return .value(-x)
        case .binary(let op, let a, let b, _):
            let ra = walk(a, values)
            guard case .value(let x) = ra else { return ra }
            let rb = walk(b, values)
            guard case .value(let y) = rb else { return rb }
            let v = Kernels.binary(op, x, y)
            if v.isFinite { return .value(v) }
            switch op {
            case .divide where y == 0: return .culprit(e, "division by zero")
            case .power: return .culprit(e, powerReason(x, y))
            default: return .culprit(e, "overflow")
            }
        case .call(let f, let args, _):
            var xs: [Double] = []
            for a in args {
                let r = walk(a, values)
                guard case .value(let x) = r else { return r }
                xs.append(x)
            }
            let v = f.apply(xs[0], xs.count > 1 ? xs[1] : 0)
            if v.isFinite { return .value(v) }
            let x = xs[0]
            switch f {
            case .log: return .culprit(e, x <= 0 ? "log of a non-positive number" : "non-finite value")
            case .sqrt: return .culprit(e, "square root of a negative number")
            case .exp: return .culprit(e, "overflow in exp")
            case .pow: return .culprit(e, powerReason(x, xs[1]))
            default: return .culprit(e, "non-finite value")
            }
        case .select(let a, let b, let p, let q):
            let ra = walk(a, values)
            guard case .value(let x) = ra else { return ra }
            let rb = walk(b, values)
            guard case .value(let y) = rb else { return rb }
            return walk(x <= y ? p : q, values)
        }
    }

    static func powerReason(_ x: Double, _ y: Double) -> String {
        if x < 0, y != y.rounded() { return "negative number to a non-integer power" }
        if x == 0, y < 0 { return "zero to a negative power" }
        return "overflow"
    }
}
