/// An elementwise nonlinearity σ with its derivative, named as notebooks spell it
/// (`Activation(rawValue: "tanh")`).
///
/// - `identity`: σ(x) = x.
/// - `tanh`: the hyperbolic tangent (LeCun, Bottou, Orr & Müller, "Efficient BackProp", 1998).
/// - `relu`: max(x, 0) (Nair & Hinton, ICML 2010); σ′(0) is taken as 0, as PyTorch does.
/// - `elu`: x for x > 0, eˣ − 1 otherwise, α = 1 (Clevert, Unterthiner & Hochreiter, ICLR 2016).
/// - `softplus`: ln(1 + eˣ) (Dugas et al., NIPS 2000), evaluated as ln(1 + e^−|x|) + max(x, 0),
///   which neither overflows nor loses the small values for large |x|.
/// - `sigmoid`: the logistic 1/(1 + e⁻ˣ), evaluated without overflow for either sign.
///
/// Derivatives are written from the stored pre-activation x and value y = σ(x), so that the
/// backward pass needs at most one cheap function call per element: tanh′ = 1 − y²,
/// sigmoid′ = y(1 − y), elu′ = y + 1 (x ≤ 0), softplus′ = sigmoid(x) = 1 − e^−y (as `−expm1(−y)`).
public enum Activation: String, Sendable, CaseIterable, Codable {
    case identity, tanh, relu, elu, softplus, sigmoid

    /// σ(x).
    @inlinable
    public func value<Scalar: NetworkScalar>(_ x: Scalar) -> Scalar {
        switch self {
        case .identity: return x
        case .tanh: return Scalar.tanh(x)
        case .relu: return x > 0 ? x : 0
        case .elu: return x > 0 ? x : Scalar.expm1(x)
        case .softplus: return Scalar.log1p(Scalar.exp(-abs(x))) + max(x, 0)
        case .sigmoid:
            if x >= 0 { return 1 / (1 + Scalar.exp(-x)) }
            let e = Scalar.exp(x)
            return e / (1 + e)
        }
    }

    /// σ′(x).
    @inlinable
    public func derivative<Scalar: NetworkScalar>(_ x: Scalar) -> Scalar {
        derivative(preActivation: x, value: value(x))
    }

    /// σ′(x) given both x and y = σ(x), as the backward pass has them.
    @inlinable @inline(__always)
    public func derivative<Scalar: NetworkScalar>(preActivation x: Scalar, value y: Scalar) -> Scalar {
        switch self {
        case .identity: return 1
        case .tanh: return 1 - y * y
        case .relu: return x > 0 ? 1 : 0
        case .elu: return x > 0 ? 1 : y + 1
        case .softplus: return -Scalar.expm1(-y)
        case .sigmoid: return y * (1 - y)
        }
    }

    /// Writes `values[i] = σ(preActivations[i])` for `i < count` (the buffers may be the same).
    @inlinable
    public func apply<Scalar: NetworkScalar>(
        _ preActivations: UnsafePointer<Scalar>, to values: UnsafeMutablePointer<Scalar>, count: Int
    ) {
        // One loop per case, so the cheap cases vectorise.
        switch self {
        case .identity:
            if UnsafePointer(values) != preActivations { values.update(from: preActivations, count: count) }
        case .relu:
            for i in 0..<count { values[i] = max(preActivations[i], 0) }
        case .tanh:
            for i in 0..<count { values[i] = Scalar.tanh(preActivations[i]) }
        case .elu, .softplus, .sigmoid:
            for i in 0..<count { values[i] = value(preActivations[i]) }
        }
    }

    /// Writes `result[i] = cotangent[i] · σ′(preActivations[i])` for `i < count`, σ′ taken from the
    /// pre-activations and their `values` (`result` may be `cotangent`).
    @inlinable
    public func pullback<Scalar: NetworkScalar>(
        _ cotangent: UnsafePointer<Scalar>, preActivations: UnsafePointer<Scalar>, values: UnsafePointer<Scalar>,
        into result: UnsafeMutablePointer<Scalar>, count: Int
    ) {
        switch self {
        case .identity:
            if UnsafePointer(result) != cotangent { result.update(from: cotangent, count: count) }
        case .tanh:
            for i in 0..<count { result[i] = cotangent[i] * (1 - values[i] * values[i]) }
        case .relu:
            for i in 0..<count { result[i] = preActivations[i] > 0 ? cotangent[i] : 0 }
        case .elu:
            for i in 0..<count { result[i] = preActivations[i] > 0 ? cotangent[i] : cotangent[i] * (values[i] + 1) }
        case .sigmoid:
            for i in 0..<count { result[i] = cotangent[i] * (values[i] * (1 - values[i])) }
        case .softplus:
            for i in 0..<count { result[i] = cotangent[i] * -Scalar.expm1(-values[i]) }
        }
    }
}
