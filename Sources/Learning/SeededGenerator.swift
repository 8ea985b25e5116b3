/// A deterministic random number generator: xoshiro256** (Blackman & Vigna, "Scrambled linear
/// pseudorandom number generators", *ACM TOMS* 47, 2021) whose 256-bit state is filled from a
/// 64-bit seed by SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number
/// generators", OOPSLA 2014), as the xoshiro authors recommend.
///
/// The same seed gives the same stream on every run and every machine: the integer stream uses
/// only wrapping integer arithmetic, uniforms are exact scalings of 53 random bits, and normals
/// (Marsaglia & Bray's polar method, *SIAM Review* 6, 1964) use only `+ − × ÷`, `squareRoot()`
/// (all correctly rounded by IEEE 754) and a logarithm written here in those operations, so no
/// platform `libm` enters the stream.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    @usableFromInline var s0, s1, s2, s3: UInt64
    /// The second normal of the last polar pair, returned by the next `nextNormal()`.
    @usableFromInline var spareNormal: Double?

    /// A generator whose stream is fixed by `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = nextSplitMix()
        s1 = nextSplitMix()
        s2 = nextSplitMix()
        s3 = nextSplitMix()
        spareNormal = nil
    }

    /// The next 64 random bits (xoshiro256**).
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    /// A uniform value in [0, 1): the top 53 bits of `next()` times 2⁻⁵³.
    @inlinable
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal value, by Marsaglia's polar method: draw (u, v) uniform in the square
    /// (−1, 1)² (u from one `nextUniform()`, then v from the next) until 0 < s = u² + v² < 1, then
    /// return u·√(−2 ln s / s) and keep v·√(−2 ln s / s) for the following call.
    public mutating func nextNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            guard s > 0, s < 1 else { continue }
            let factor = (-2 * portableLogarithm(s) / s).squareRoot()
            spareNormal = v * factor
            return u * factor
        }
    }

    /// A normal value with the given mean and standard deviation.
    public mutating func nextNormal(mean: Double, standardDeviation: Double) -> Double {
        mean + standardDeviation * nextNormal()
    }

    /// Fills `values`, in index order, with normals of the given mean and standard deviation
    /// (drawn in `Double`, then rounded to `Scalar`).
    public mutating func fillNormal<Scalar: BinaryFloatingPoint>(
        _ values: UnsafeMutableBufferPointer<Scalar>, mean: Double = 0, standardDeviation: Double = 1
    ) {
        for i in values.indices { values[i] = Scalar(nextNormal(mean: mean, standardDeviation: standardDeviation)) }
    }

    /// Fills `values`, in index order, with normals of the given mean and standard deviation.
    public mutating func fillNormal<Scalar: BinaryFloatingPoint>(
        _ values: inout [Scalar], mean: Double = 0, standardDeviation: Double = 1
    ) {
        values.withUnsafeMutableBufferPointer { fillNormal($0, mean: mean, standardDeviation: standardDeviation) }
    }

    /// `count` normals of the given mean and standard deviation.
    public mutating func normals(count: Int, mean: Double = 0, standardDeviation: Double = 1) -> [Double] {
        var values = [Double](repeating: 0, count: count)
        fillNormal(&values, mean: mean, standardDeviation: standardDeviation)
        return values
    }
}

@inlinable @inline(__always)
func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
}

/// The natural logarithm of a positive finite `x` from IEEE-exact operations only, so that it gives
/// the same bits everywhere (accurate to a few ulps): x = m·2ᵉ with m in [√½, √2), and
/// ln m = 2 artanh(r), r = (m − 1)/(m + 1), |r| < 0.172, summed as a series to below 2⁻⁵³.
func portableLogarithm(_ x: Double) -> Double {
    var exponent = Double(Int(x.exponent))
    var m = x.significand  // in [1, 2)
    if m > 1.4142135623730951 {
        m *= 0.5
        exponent += 1
    }
    let r = (m - 1) / (m + 1)
    let r2 = r * r
    // artanh(r)/r = Σ r²ᵏ/(2k + 1); r²¹ ≤ 0.172¹¹·… < 1e-17 after eleven terms: evaluate by Horner.
    var series = 1.0 / 23
    for k in stride(from: 10, through: 0, by: -1) { series = 1 / Double(2 * k + 1) + r2 * series }
    // ln 2 split so that exponent·ln2High is exact for |exponent| < 2¹¹.
    let ln2High = 0.693_147_180_369_123_816_49, ln2Low = 1.908_214_929_270_587_700_02e-10
    return exponent * ln2High + (2 * r * series + exponent * ln2Low)
}
