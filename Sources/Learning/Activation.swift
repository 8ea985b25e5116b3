import CKernels

/// An elementwise nonlinearity σ with its derivative, named as notebooks spell it
/// (`Activation(rawValue: "tanh")`).
///
/// - `identity`: σ(x) = x.
/// - `tanh`: the hyperbolic tangent (LeCun, Bottou, Orr & Müller, "Efficient BackProp", 1998),
///   by `FastTanh` (a few ulp in Float, ~2 ulp in Double), whose loops vectorise.
/// - `relu`: max(x, 0) (Nair & Hinton, ICML 2010); σ′(0) is taken as 0, as PyTorch does.
/// - `elu`: x for x > 0, eˣ − 1 otherwise, α = 1 (Clevert, Unterthiner & Hochreiter, ICLR 2016),
///   eˣ − 1 by `FastExpm1`, whose loops vectorise.
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
        case .tanh: return FastTanh.value(x)
        case .relu: return x > 0 ? x : 0
        case .elu: return x > 0 ? x : FastExpm1.value(x)
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
            FastTanh.apply(preActivations, to: values, count: count)
        case .elu:
            FastExpm1.applyELU(preActivations, to: values, count: count)
        case .softplus, .sigmoid:
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
            if Scalar.self == Float.self {
                ck_tanh_pullback(count, UnsafeRawPointer(cotangent).assumingMemoryBound(to: Float.self),
                                 UnsafeRawPointer(values).assumingMemoryBound(to: Float.self),
                                 UnsafeMutableRawPointer(result).assumingMemoryBound(to: Float.self))
                return
            }
            for i in 0..<count { result[i] = cotangent[i] * (1 - values[i] * values[i]) }
        case .relu:
            if Scalar.self == Float.self {
                ck_relu_pullback(count, UnsafeRawPointer(cotangent).assumingMemoryBound(to: Float.self),
                                 UnsafeRawPointer(preActivations).assumingMemoryBound(to: Float.self),
                                 UnsafeMutableRawPointer(result).assumingMemoryBound(to: Float.self))
                return
            }
            for i in 0..<count { result[i] = preActivations[i] > 0 ? cotangent[i] : 0 }
        case .elu:
            if Scalar.self == Float.self {
                ck_elu_pullback(count, UnsafeRawPointer(cotangent).assumingMemoryBound(to: Float.self),
                                UnsafeRawPointer(preActivations).assumingMemoryBound(to: Float.self),
                                UnsafeRawPointer(values).assumingMemoryBound(to: Float.self),
                                UnsafeMutableRawPointer(result).assumingMemoryBound(to: Float.self))
                return
            }
            for i in 0..<count {
                let factor: Scalar = preActivations[i] > 0 ? 1 : values[i] + 1
                result[i] = cotangent[i] * factor
            }
        case .sigmoid:
            for i in 0..<count { result[i] = cotangent[i] * (values[i] * (1 - values[i])) }
        case .softplus:
            for i in 0..<count { result[i] = cotangent[i] * -Scalar.expm1(-values[i]) }
        }
    }
}

/// The hyperbolic tangent without a library call, so that a loop over an array vectorises:
/// `tanh |x| = m / (m + 2)` with `m = eᵘ − 1`, `u = 2 min(|x|, c)`, the sign restored from x.
///
/// `eᵘ − 1` is `FastExpm1`'s reduction (`CodyWaiteScalar`), which never comes near overflow here.
/// The quotient form has no cancellation for small |x| (tanh x ≈ x to the last bit for tiny and
/// subnormal x), and the clamp c (9.5 for Float, 19.5 for Double) is where tanh rounds to 1.
/// Errors: at most about 3.3 ulp in Float (checked over every Float below 12), about 2 ulp in
/// Double. NaN stays NaN.
public enum FastTanh {
    /// tanh x in Float.
    @inlinable @inline(__always)
    public static func value(_ x: Float) -> Float { tanh(x, saturatingAbove: 9.5) }

    /// tanh x in Double.
    @inlinable @inline(__always)
    public static func value(_ x: Double) -> Double { tanh(x, saturatingAbove: 19.5) }

    /// tanh x from `m = e^(2 min(|x|, saturation)) − 1`, where |x| above `saturation` gives ±1.
    @inlinable @inline(__always)
    static func tanh<Scalar: CodyWaiteScalar>(_ x: Scalar, saturatingAbove saturation: Scalar) -> Scalar {
        let a = Scalar(bitPattern: x.bitPattern & ~Scalar.signBit)
        let u = 2 * (a > saturation ? saturation : a)
        let m = Scalar.expm1ByReduction(u, guardingOverflow: false)
        let t = m / (m + 2)
        return Scalar(bitPattern: t.bitPattern | (x.bitPattern & Scalar.signBit))
    }

    /// tanh x for a network scalar (Float or Double; any other type uses its own `tanh`).
    @inlinable @inline(__always)
    public static func value<Scalar: NetworkScalar>(_ x: Scalar) -> Scalar {
        if Scalar.self == Float.self { return unsafeBitCast(value(unsafeBitCast(x, to: Float.self)), to: Scalar.self) }
        if Scalar.self == Double.self { return unsafeBitCast(value(unsafeBitCast(x, to: Double.self)), to: Scalar.self) }
        return Scalar.tanh(x)
    }

    /// `y[i] = tanh x[i]` for `i < count` (`y` may be `x`), in one vectorisable loop.
    @inlinable
    public static func apply<Scalar: NetworkScalar>(_ x: UnsafePointer<Scalar>, to y: UnsafeMutablePointer<Scalar>, count: Int) {
        if Scalar.self == Float.self {
            // The same algorithm 8 lanes wide in C (AVX2/FMA where the processor has them).
            ck_tanh(count, UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self))
        } else if Scalar.self == Double.self {
            let input = UnsafeRawPointer(x).assumingMemoryBound(to: Double.self)
            let output = UnsafeMutableRawPointer(y).assumingMemoryBound(to: Double.self)
            for i in 0..<count { output[i] = value(input[i]) }
        } else {
            for i in 0..<count { y[i] = Scalar.tanh(x[i]) }
        }
    }
}

/// eˣ − 1 without a library call, so that a loop over an array vectorises (the ELU activation).
///
/// The argument is clamped to [−30, 89] in Float ([−40, 710] in Double), beyond which the result
/// rounds to −1 or overflows anyway, and reduced as `CodyWaiteScalar` describes. For k = 0 the
/// result is the series itself, so small arguments keep their relative accuracy (eˣ − 1 ≈ x for
/// tiny x; ±0 keep their sign). Errors: a few ulp in Float, about 1e-15 relatively in Double. NaN
/// stays NaN.
public enum FastExpm1 {
    /// eˣ − 1 in Float.
    @inlinable @inline(__always)
    public static func value(_ x: Float) -> Float { expm1(x, lowest: -30, highest: 89) }

    /// eˣ − 1 in Double.
    @inlinable @inline(__always)
    public static func value(_ x: Double) -> Double { expm1(x, lowest: -40, highest: 710) }

    /// eˣ − 1 with x clamped to `lowest...highest` (NaN kept), and ±0 returned as they are.
    @inlinable @inline(__always)
    static func expm1<Scalar: CodyWaiteScalar>(_ x: Scalar, lowest: Scalar, highest: Scalar) -> Scalar {
        let low = x < lowest ? lowest : x
        let u = low > highest ? highest : low
        let m = Scalar.expm1ByReduction(u, guardingOverflow: true)
        return x == 0 ? x : m
    }

    /// eˣ − 1 for a network scalar (Float or Double; any other type uses its own `expm1`).
    @inlinable @inline(__always)
    public static func value<Scalar: NetworkScalar>(_ x: Scalar) -> Scalar {
        if Scalar.self == Float.self { return unsafeBitCast(value(unsafeBitCast(x, to: Float.self)), to: Scalar.self) }
        if Scalar.self == Double.self { return unsafeBitCast(value(unsafeBitCast(x, to: Double.self)), to: Scalar.self) }
        return Scalar.expm1(x)
    }

    /// `y[i] = ELU(x[i])` (x for x > 0, eˣ − 1 otherwise) for `i < count` (`y` may be `x`), in one
    /// vectorisable loop.
    @inlinable
    public static func applyELU<Scalar: NetworkScalar>(_ x: UnsafePointer<Scalar>, to y: UnsafeMutablePointer<Scalar>, count: Int) {
        if Scalar.self == Float.self {
            // The same algorithm 8 lanes wide in C (AVX2/FMA where the processor has them).
            ck_elu(count, UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self))
        } else if Scalar.self == Double.self {
            let input = UnsafeRawPointer(x).assumingMemoryBound(to: Double.self)
            let output = UnsafeMutableRawPointer(y).assumingMemoryBound(to: Double.self)
            for i in 0..<count {
                let v = input[i]
                let e = value(v > 0 ? 0 : v)
                output[i] = v > 0 ? v : e
            }
        } else {
            for i in 0..<count { y[i] = x[i] > 0 ? x[i] : Scalar.expm1(x[i]) }
        }
    }
}

/// A precision `FastTanh` and `FastExpm1` compute in (Float, Double): the constants of the
/// reduction of eᵘ − 1 (Cody & Waite, *Software Manual for the Elementary Functions*, 1980) that
/// `expm1ByReduction` carries out the same way in both.
///
/// `u = k ln 2 + r`, `|r| ≤ ln 2 / 2`, with k rounded by adding and subtracting the 1.5·2ᵖ shift
/// and ln 2 split in two parts so that `k · ln2Leading` is exact; then
/// `eᵘ − 1 = 2ᵏ (eʳ − 1) + (2ᵏ − 1)`, with `eʳ − 1` by its Taylor series to below half an ulp
/// (degree 8 for Float, 14 for Double) and 2ᵏ built in the exponent bits.
@usableFromInline
protocol CodyWaiteScalar: BinaryFloatingPoint {
    /// The unsigned integer of the same width.
    associatedtype BitPattern: FixedWidthInteger & UnsignedInteger
    /// The IEEE 754 bits.
    var bitPattern: BitPattern { get }
    /// The value of the IEEE 754 bits.
    init(bitPattern: BitPattern)
    /// 1.5 · 2ᵖ (p the significand's bit count): adding it rounds a number of smaller magnitude to
    /// an integer, which then stands in the low bits of the sum.
    static var roundingShift: Self { get }
    /// The leading bits of ln 2, few enough that k times them is exact for every k that occurs.
    static var ln2Leading: Self { get }
    /// ln 2 − `ln2Leading`.
    static var ln2Trailing: Self { get }
    /// The terms of the Taylor series of eʳ − 1 from r⁸/8! on, as Horner's scheme has them before
    /// it reaches degree 7: `Σₙ r^(n−8)/n!` for n from 8 to the degree this precision needs.
    static func taylorExpm1FromDegree8(_ r: Self) -> Self
}

extension CodyWaiteScalar {
    /// The sign bit.
    @inlinable @inline(__always)
    static var signBit: BitPattern { 1 &<< (BitPattern.bitWidth - 1) }

    /// eᵘ − 1 for u already within the range where the result is finite or rounds to −1 (NaN kept).
    /// With `guardingOverflow`, 2ᵏ is applied as 2·2ᵏ⁻¹ near the overflow threshold so that it
    /// stays finite; without it, u must stay well below the threshold.
    @inlinable @inline(__always)
    static func expm1ByReduction(_ u: Self, guardingOverflow: Bool) -> Self {
        let shift = roundingShift
        let shifted = u * 1.442_695_040_888_963_387_00 + shift  // u log₂e + shift
        let k = shifted - shift
        let r = (u - k * ln2Leading) - k * ln2Trailing
        var p = taylorExpm1FromDegree8(r)
        p = p * r + 1.0 / 5040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r
        let bias: BitPattern = (1 &<< (exponentBitCount - 1)) &- 1
        let biasedExponent = shifted.bitPattern &- shift.bitPattern &+ bias
        // k above the largest finite exponent less one: 2ᵏ itself might not be finite.
        let big = guardingOverflow && biasedExponent > 2 * bias - 1
        let scale = Self(bitPattern: (big ? biasedExponent &- 1 : biasedExponent) &<< significandBitCount)
        let small = scale * p + (scale - 1)
        let large = (scale * p + scale) * 2
        return big ? large : small
    }
}

extension Float: CodyWaiteScalar {
    /// 1.5 · 2²³.
    @inlinable static var roundingShift: Float { 12_582_912 }
    /// ln 2 to 15 significant bits.
    @inlinable static var ln2Leading: Float { 0.693_145_751_953_125 }
    /// ln 2 − `ln2Leading`.
    @inlinable static var ln2Trailing: Float { 1.428_606_765_330_187_045e-6 }
    /// Degree 8: 1/8!.
    @inlinable static func taylorExpm1FromDegree8(_ r: Float) -> Float { 1.0 / 40320 }
}

extension Double: CodyWaiteScalar {
    /// 1.5 · 2⁵².
    @inlinable static var roundingShift: Double { 6_755_399_441_055_744 }
    /// ln 2 to 32 significant bits.
    @inlinable static var ln2Leading: Double { 6.931_471_803_691_238_164_90e-1 }
    /// ln 2 − `ln2Leading`.
    @inlinable static var ln2Trailing: Double { 1.908_214_929_270_587_700_02e-10 }
    /// Degree 14: 1/14! down to 1/8!.
    @inlinable static func taylorExpm1FromDegree8(_ r: Double) -> Double {
        var p: Double = 1.0 / 87_178_291_200
        p = p * r + 1.0 / 6_227_020_800
        p = p * r + 1.0 / 479_001_600
        p = p * r + 1.0 / 39_916_800
        p = p * r + 1.0 / 3_628_800
        p = p * r + 1.0 / 362_880
        p = p * r + 1.0 / 40320
        return p
    }
}
