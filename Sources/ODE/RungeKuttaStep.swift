/// One explicit Runge–Kutta step over a Butcher tableau, the only place the step is written:
/// stage inputs `Yᵢ = y + h Σⱼ aᵢⱼ Kⱼ`, slopes `Kᵢ = f(t + cᵢ h, Yᵢ)`, the proposed solution
/// `y + h Σᵢ bᵢ Kᵢ` (for a first-same-as-last method, the last stage input) and the embedded
/// error estimates `h Σᵢ (bᵢ − b̂ᵢ) Kᵢ` (Hairer, Nørsett & Wanner, *Solving Ordinary Differential
/// Equations I*, 2nd ed. 1993, §II.1 and §II.4). The fixed-step and adaptive solvers, the
/// shared-step batch solver and both gradient methods step through it.
///
/// Only the nonzero coefficients are kept, as term lists, and they are multiplied by `h` once
/// per step (`scale(by:)`). A combination adds up to four slopes per pass over the vectors, so
/// that long (batched) states stream through memory once per four terms. Slopes are named by
/// stage through a closure, so that they may live in separate buffers (the batch solver keeps
/// the first and last slopes for the whole batch and the others per tile). The coefficients
/// live in a caller's buffer of `byteCount(stages:)` bytes: a step allocates nothing.
@usableFromInline
struct RungeKuttaStep<Scalar: BinaryFloatingPoint>: @unchecked Sendable {
    /// Number of stages.
    @usableFromInline let stages: Int
    /// First same as last: the last stage input is the proposed solution.
    @usableFromInline let isFSAL: Bool
    /// Whether the method has an embedded error estimate.
    @usableFromInline let hasErrorEstimate: Bool
    /// Whether it has a second estimate, combined with the first as in Hairer's DOP853.
    @usableFromInline let hasSecondaryEstimate: Bool
    /// Terms of `a`'s rows (`aCount[i]` of them, at `i * s`), of `b`, of `b − b̂`, of `b − b̂₃`.
    @usableFromInline let aIndex, aCount, bIndex, eIndex, e3Index: UnsafeMutablePointer<Int>
    @usableFromInline let bCount, eCount, e3Count: Int
    /// The terms' coefficients, unscaled.
    @usableFromInline let aTerms, bTerms, eTerms, e3Terms: UnsafeMutablePointer<Double>
    /// The terms' coefficients times the current step size.
    @usableFromInline let aScaled, bScaled, eScaled, e3Scaled: UnsafeMutablePointer<Scalar>
    /// Stage times as fractions of the step.
    @usableFromInline let c: UnsafeMutablePointer<Double>

    /// Vectors longer than this are combined in tiles of this many components, so that a tile's
    /// stage input stays in the L1 cache while the slopes are added in.
    @usableFromInline static var tile: Int { 512 }

    /// The bytes of storage a method of `stages` stages needs.
    @inlinable
    static func byteCount(stages s: Int) -> Int { 8 * (s * s + 4 * s + 2 * (s * s + 3 * s) + s) }

    /// Lays the term lists of `coefficients` out in `storage` (`byteCount(stages:)` bytes, 8-byte
    /// aligned, owned by the caller and kept alive while the step is used).
    @inlinable
    init(_ coefficients: RungeKuttaCoefficients, storage: UnsafeMutableRawPointer) {
        let s = coefficients.stages
        stages = s
        isFSAL = coefficients.isFSAL
        hasErrorEstimate = !coefficients.errorWeights.isEmpty
        hasSecondaryEstimate = !coefficients.secondaryErrorWeights.isEmpty
        let indices = storage.bindMemory(to: Int.self, capacity: s * s + 4 * s)
        aIndex = indices
        aCount = indices + s * s
        bIndex = aCount + s
        eIndex = bIndex + s
        e3Index = eIndex + s
        let doubles = (storage + 8 * (s * s + 4 * s)).bindMemory(to: Double.self, capacity: s * s + 3 * s + s)
        aTerms = doubles
        bTerms = aTerms + s * s
        eTerms = bTerms + s
        e3Terms = eTerms + s
        c = e3Terms + s
        // 8 bytes per scaled coefficient whatever the scalar, so that the layout does not depend on it.
        let scaledBase = storage + 8 * (s * s + 4 * s + s * s + 3 * s + s)
        let scaled = scaledBase.bindMemory(to: Scalar.self, capacity: (s * s + 3 * s) * 8 / MemoryLayout<Scalar>.stride)
        aScaled = scaled
        bScaled = aScaled + s * s
        eScaled = bScaled + s
        e3Scaled = eScaled + s
        for i in 0..<s {
            c[i] = coefficients.c[i]
            var terms = 0
            for j in 0..<i where coefficients.a[i * s + j] != 0 {
                aIndex[i * s + terms] = j
                aTerms[i * s + terms] = coefficients.a[i * s + j]
                terms += 1
            }
            aCount[i] = terms
        }
        func terms(_ weights: [Double], _ index: UnsafeMutablePointer<Int>, _ values: UnsafeMutablePointer<Double>) -> Int {
            var count = 0
            for (i, weight) in weights.enumerated() where weight != 0 {
                index[count] = i
                values[count] = weight
                count += 1
            }
            return count
        }
        bCount = terms(coefficients.b, bIndex, bTerms)
        eCount = terms(coefficients.errorWeights, eIndex, eTerms)
        e3Count = terms(coefficients.secondaryErrorWeights, e3Index, e3Terms)
    }

    /// Multiplies every coefficient by the (signed) step size `h`, for the step about to be taken.
    @inlinable @inline(__always)
    func scale(by h: Double) {
        let s = stages
        for i in 1..<max(s, 1) {
            let row = i &* s
            for term in 0..<aCount[i] { aScaled[row &+ term] = Scalar(h * aTerms[row &+ term]) }
        }
        for term in 0..<bCount { bScaled[term] = Scalar(h * bTerms[term]) }
        for term in 0..<eCount { eScaled[term] = Scalar(h * eTerms[term]) }
        for term in 0..<e3Count { e3Scaled[term] = Scalar(h * e3Terms[term]) }
    }

    /// Stages 1 to s − 1 of a step from `y` (stage 0's slope, `slope(0)`, is already there): each
    /// stage input written to `input(stage)` in tiles, then `evaluate(stage, input)` fills `slope(stage)`.
    @inlinable @inline(__always)
    func computeStages(
        count n: Int, y: UnsafeMutablePointer<Scalar>, slope: (Int) -> UnsafeMutablePointer<Scalar>,
        input: (Int) -> UnsafeMutablePointer<Scalar>, evaluate: (Int, UnsafeMutablePointer<Scalar>) -> Void
    ) {
        var stage = 1
        while stage < stages {
            let target = input(stage)
            var start = 0
            while start < n {
                let end = min(start &+ Self.tile, n)
                stageInput(stage, into: target, y: y, slope: slope, range: start..<end)
                start = end
            }
            evaluate(stage, target)
            stage &+= 1
        }
    }

    /// `out = y + h Σⱼ aᵢⱼ Kⱼ` over `range` for stage `i`.
    @inlinable @inline(__always)
    func stageInput(_ stage: Int, into out: UnsafeMutablePointer<Scalar>, y: UnsafeMutablePointer<Scalar>,
                    slope: (Int) -> UnsafeMutablePointer<Scalar>, range: Range<Int>) {
        Self.combine(into: out, base: y, terms: aCount[stage], indices: aIndex + stage &* stages,
                     coefficients: aScaled + stage &* stages, slope: slope, range: range)
    }

    /// `out = y + h Σᵢ bᵢ Kᵢ` over `range` (`out` may be `y`).
    @inlinable @inline(__always)
    func proposedSolution(into out: UnsafeMutablePointer<Scalar>, y: UnsafeMutablePointer<Scalar>,
                          slope: (Int) -> UnsafeMutablePointer<Scalar>, range: Range<Int>) {
        Self.combine(into: out, base: y, terms: bCount, indices: bIndex, coefficients: bScaled, slope: slope, range: range)
    }

    /// `out = h Σᵢ (bᵢ − b̂ᵢ) Kᵢ` over `range`.
    @inlinable @inline(__always)
    func errorEstimate(into out: UnsafeMutablePointer<Scalar>, slope: (Int) -> UnsafeMutablePointer<Scalar>, range: Range<Int>) {
        Self.combine(into: out, base: nil, terms: eCount, indices: eIndex, coefficients: eScaled, slope: slope, range: range)
    }

    /// `out = h Σᵢ (bᵢ − b̂₃ᵢ) Kᵢ` over `range`, the second estimate of a combined estimator.
    @inlinable @inline(__always)
    func secondaryErrorEstimate(into out: UnsafeMutablePointer<Scalar>, slope: (Int) -> UnsafeMutablePointer<Scalar>,
                                range: Range<Int>) {
        Self.combine(into: out, base: nil, terms: e3Count, indices: e3Index, coefficients: e3Scaled, slope: slope, range: range)
    }

    /// The proposed solution and the error estimate(s) of a step over `0..<n`, in tiles: `yNew`
    /// is left alone for a first-same-as-last method (its last stage input is already there);
    /// `secondary` receives the second estimate when the method has one.
    @inlinable @inline(__always)
    func finish(count n: Int, y: UnsafeMutablePointer<Scalar>, yNew: UnsafeMutablePointer<Scalar>,
                error: UnsafeMutablePointer<Scalar>, secondary: UnsafeMutablePointer<Scalar>,
                slope: (Int) -> UnsafeMutablePointer<Scalar>) {
        var start = 0
        while start < n {
            let end = min(start &+ Self.tile, n)
            if !isFSAL { proposedSolution(into: yNew, y: y, slope: slope, range: start..<end) }
            errorEstimate(into: error, slope: slope, range: start..<end)
            if hasSecondaryEstimate { secondaryErrorEstimate(into: secondary, slope: slope, range: start..<end) }
            start = end
        }
    }

    /// `out = base + Σ coefficients[i] · slope(indices[i])` over `range` (from zero without a
    /// base), the terms added left to right, up to four per pass. `out` may be `base`.
    @inlinable @inline(__always)
    static func combine(
        into out: UnsafeMutablePointer<Scalar>, base: UnsafeMutablePointer<Scalar>?, terms: Int,
        indices: UnsafeMutablePointer<Int>, coefficients: UnsafeMutablePointer<Scalar>,
        slope: (Int) -> UnsafeMutablePointer<Scalar>, range: Range<Int>
    ) {
        let lower = range.lowerBound, upper = range.upperBound
        guard terms > 0 else {
            if let base {
                if base != out { for i in lower..<upper { out[i] = base[i] } }
            } else {
                for i in lower..<upper { out[i] = 0 }
            }
            return
        }
        var done = 0
        while done < terms {
            let take = min(4, terms &- done)
            let c0 = coefficients[done], p0 = slope(indices[done])
            let c1 = take > 1 ? coefficients[done &+ 1] : 0, p1 = take > 1 ? slope(indices[done &+ 1]) : p0
            let c2 = take > 2 ? coefficients[done &+ 2] : 0, p2 = take > 2 ? slope(indices[done &+ 2]) : p0
            let c3 = take > 3 ? coefficients[done &+ 3] : 0, p3 = take > 3 ? slope(indices[done &+ 3]) : p0
            // Separate loops for a first pass from the base, from zero, and in place, so that
            // each vectorises without a runtime overlap check between `out` and its input.
            if done > 0 || base == out {
                switch take {
                case 1: for i in lower..<upper { out[i] = out[i] + c0 * p0[i] }
                case 2: for i in lower..<upper { out[i] = out[i] + c0 * p0[i] + c1 * p1[i] }
                case 3: for i in lower..<upper { out[i] = out[i] + c0 * p0[i] + c1 * p1[i] + c2 * p2[i] }
                default: for i in lower..<upper { out[i] = out[i] + c0 * p0[i] + c1 * p1[i] + c2 * p2[i] + c3 * p3[i] }
                }
            } else if let base {
                switch take {
                case 1: for i in lower..<upper { out[i] = base[i] + c0 * p0[i] }
                case 2: for i in lower..<upper { out[i] = base[i] + c0 * p0[i] + c1 * p1[i] }
                case 3: for i in lower..<upper { out[i] = base[i] + c0 * p0[i] + c1 * p1[i] + c2 * p2[i] }
                default: for i in lower..<upper { out[i] = base[i] + c0 * p0[i] + c1 * p1[i] + c2 * p2[i] + c3 * p3[i] }
                }
            } else {
                switch take {
                case 1: for i in lower..<upper { out[i] = c0 * p0[i] }
                case 2: for i in lower..<upper { out[i] = c0 * p0[i] + c1 * p1[i] }
                case 3: for i in lower..<upper { out[i] = c0 * p0[i] + c1 * p1[i] + c2 * p2[i] }
                default: for i in lower..<upper { out[i] = c0 * p0[i] + c1 * p1[i] + c2 * p2[i] + c3 * p3[i] }
                }
            }
            done &+= take
        }
    }
}
