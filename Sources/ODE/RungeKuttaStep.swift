/// One explicit Runge–Kutta step over a Butcher tableau, the only place the step is written:
/// stage inputs `Yᵢ = y + h Σⱼ aᵢⱼ Kⱼ`, slopes `Kᵢ = f(t + cᵢ h, Yᵢ)`, the proposed solution
/// `y + h Σᵢ bᵢ Kᵢ` (for a first-same-as-last method, the last stage input) and the embedded
/// error estimates `h Σᵢ (bᵢ − b̂ᵢ) Kᵢ` (Hairer, Nørsett & Wanner, *Solving Ordinary Differential
/// Equations I*, 2nd ed. 1993, §II.1 and §II.4). The fixed-step and adaptive solvers, the
/// shared-step batch solver and both gradient methods step through it.
///
/// Only the nonzero coefficients are kept, as term lists; each is multiplied by the step size
/// (set once per step by `scale(by:)`) as a combination starts. A combination adds up to four slopes per pass over the vectors, so
/// that long (batched) states stream through memory once per four terms. Slopes are found
/// through a table of pointers, one per stage, so that they may live in separate buffers (the
/// batch solver keeps the first and last slopes for the whole batch and the others per tile);
/// the step keeps one table (`pointSlopes(at:stride:)`), and a caller may pass its own. The
/// coefficients and the table live in a caller's buffer of `byteCount(stages:)` bytes: a step
/// allocates nothing, and no closure is called in its loops.
@usableFromInline
package struct RungeKuttaStep<Scalar: BinaryFloatingPoint>: @unchecked Sendable {
    /// A table of slope vectors, one pointer per stage.
    @usableFromInline package typealias Slopes = UnsafeMutablePointer<UnsafeMutablePointer<Scalar>>

    /// Number of stages.
    @usableFromInline package let stages: Int
    /// First same as last: the last stage input is the proposed solution.
    @usableFromInline package let isFSAL: Bool
    /// Whether it has a second error estimate, combined with the first as in Hairer's DOP853.
    @usableFromInline package let hasSecondaryEstimate: Bool
    /// Terms of `a`'s rows (`aCount[i]` of them, at `i * s`), of `b`, of `b − b̂`, of `b − b̂₃`.
    @usableFromInline package let aIndex, aCount, bIndex, eIndex, e3Index: UnsafeMutablePointer<Int>
    @usableFromInline package let bCount, eCount, e3Count: Int
    /// The terms' coefficients, unscaled.
    @usableFromInline package let aTerms, bTerms, eTerms, e3Terms: UnsafeMutablePointer<Double>
    /// The current (signed) step size.
    @usableFromInline package let stepSize: UnsafeMutablePointer<Double>
    /// Stage times as fractions of the step.
    @usableFromInline package let c: UnsafeMutablePointer<Double>
    /// The step's own table of slope vectors.
    @usableFromInline package let slopes: Slopes

    /// Vectors longer than this are combined in tiles of this many components, so that a tile's
    /// stage input stays in the L1 cache while the slopes are added in.
    @usableFromInline package static var tile: Int { 512 }

    /// The bytes of storage a method of `stages` stages needs.
    @inlinable
    package static func byteCount(stages s: Int) -> Int { 8 * (s * s + 4 * s + (s * s + 3 * s) + s + 1 + s) }

    /// Lays the term lists of `coefficients` out in `storage` (`byteCount(stages:)` bytes, 8-byte
    /// aligned, owned by the caller and kept alive while the step is used).
    @inlinable
    package init(_ coefficients: RungeKuttaCoefficients, storage: UnsafeMutableRawPointer) {
        let s = coefficients.stages
        stages = s
        isFSAL = coefficients.isFSAL
        hasSecondaryEstimate = !coefficients.e3Terms.isEmpty
        let indices = storage.bindMemory(to: Int.self, capacity: s * s + 4 * s)
        aIndex = indices
        aCount = indices + s * s
        bIndex = aCount + s
        eIndex = bIndex + s
        e3Index = eIndex + s
        let doubles = (storage + 8 * (s * s + 4 * s)).bindMemory(to: Double.self, capacity: s * s + 3 * s + s + 1)
        aTerms = doubles
        bTerms = aTerms + s * s
        eTerms = bTerms + s
        e3Terms = eTerms + s
        c = e3Terms + s
        stepSize = c + s
        stepSize.pointee = 0
        slopes = (storage + 8 * (s * s + 4 * s + s * s + 3 * s + s + 1)).bindMemory(to: UnsafeMutablePointer<Scalar>.self, capacity: s)
        aIndex.update(from: coefficients.aIndex, count: s * s)
        aCount.update(from: coefficients.aCount, count: s)
        aTerms.update(from: coefficients.aTerms, count: s * s)
        c.update(from: coefficients.c, count: s)
        (bCount, eCount, e3Count) = (coefficients.bTerms.count, coefficients.eTerms.count, coefficients.e3Terms.count)
        bIndex.update(from: coefficients.bIndex, count: bCount)
        bTerms.update(from: coefficients.bTerms, count: bCount)
        eIndex.update(from: coefficients.eIndex, count: eCount)
        eTerms.update(from: coefficients.eTerms, count: eCount)
        e3Index.update(from: coefficients.e3Index, count: e3Count)
        e3Terms.update(from: coefficients.e3Terms, count: e3Count)
    }

    /// Points the step's slope table at `stages` vectors `stride` apart from `base`.
    @inlinable @inline(__always)
    package func pointSlopes(at base: UnsafeMutablePointer<Scalar>, stride: Int) {
        for stage in 0..<stages { slopes[stage] = base + stage &* stride }
    }

    /// Sets the (signed) step size `h` of the step about to be taken.
    @inlinable @inline(__always)
    package func scale(by h: Double) { stepSize.pointee = h }

    /// Stage `i`'s input `y + h Σⱼ aᵢⱼ Kⱼ` over `0..<n`, in tiles, from the step's slope table.
    /// Transparent: always inlined, so that a small system's stage input stays in registers for
    /// the evaluation that reads it (a call here costs a store-forwarding stall per stage).
    @_transparent @usableFromInline
    package func stageInput(_ stage: Int, into out: UnsafeMutablePointer<Scalar>, y: UnsafeMutablePointer<Scalar>, count n: Int) {
        var start = 0
        while start < n {
            let end = min(start &+ Self.tile, n)
            stageInput(stage, into: out, y: y, slopes: slopes, range: start..<end)
            start = end
        }
    }

    /// Stage `i`'s input `y + h Σⱼ aᵢⱼ Kⱼ` over `range`, from the slope table `table`.
    @_transparent @usableFromInline
    package func stageInput(_ stage: Int, into out: UnsafeMutablePointer<Scalar>, y: UnsafeMutablePointer<Scalar>, slopes table: Slopes,
                    range: Range<Int>) {
        Self.combine(into: out, base: y, terms: aCount[stage], indices: aIndex + stage &* stages,
                     coefficients: aTerms + stage &* stages, h: stepSize.pointee, slopes: table, range: range)
    }

    /// `out = y + h Σᵢ bᵢ Kᵢ` over `range` (`out` may be `y`).
    @inlinable @inline(__always)
    package func proposedSolution(into out: UnsafeMutablePointer<Scalar>, y: UnsafeMutablePointer<Scalar>, slopes table: Slopes, range: Range<Int>) {
        Self.combine(into: out, base: y, terms: bCount, indices: bIndex, coefficients: bTerms, h: stepSize.pointee, slopes: table, range: range)
    }

    /// `out = h Σᵢ (bᵢ − b̂ᵢ) Kᵢ` over `range`.
    @inlinable @inline(__always)
    package func errorEstimate(into out: UnsafeMutablePointer<Scalar>, slopes table: Slopes, range: Range<Int>) {
        Self.combine(into: out, base: nil, terms: eCount, indices: eIndex, coefficients: eTerms, h: stepSize.pointee, slopes: table, range: range)
    }

    /// `out = h Σᵢ (bᵢ − b̂₃ᵢ) Kᵢ` over `range`, the second estimate of a combined estimator.
    @inlinable @inline(__always)
    package func secondaryErrorEstimate(into out: UnsafeMutablePointer<Scalar>, slopes table: Slopes, range: Range<Int>) {
        Self.combine(into: out, base: nil, terms: e3Count, indices: e3Index, coefficients: e3Terms, h: stepSize.pointee, slopes: table, range: range)
    }

    /// The proposed solution and the error estimate(s) of a step over `0..<n`, in tiles, from the
    /// step's slope table: `yNew` is left alone for a first-same-as-last method (its last stage
    /// input is already there); `secondary` receives the second estimate when there is one.
    @_transparent @usableFromInline
    package func finish(count n: Int, y: UnsafeMutablePointer<Scalar>, yNew: UnsafeMutablePointer<Scalar>,
                error: UnsafeMutablePointer<Scalar>, secondary: UnsafeMutablePointer<Scalar>) {
        var start = 0
        while start < n {
            let end = min(start &+ Self.tile, n)
            if !isFSAL { proposedSolution(into: yNew, y: y, slopes: slopes, range: start..<end) }
            errorEstimate(into: error, slopes: slopes, range: start..<end)
            if hasSecondaryEstimate { secondaryErrorEstimate(into: secondary, slopes: slopes, range: start..<end) }
            start = end
        }
    }

    /// `y ← y + h Σᵢ bᵢ Kᵢ` in place over `0..<n` (a constant-step solve); returns `Σ (vᵢ − vᵢ)`
    /// over the new values, 0 when they are all finite and NaN otherwise.
    @inlinable @inline(__always)
    package func advance(_ y: UnsafeMutablePointer<Scalar>, count n: Int) -> Scalar {
        var check: Scalar = 0
        if bCount == 1 {
            // One weight (explicit Euler): the update and the check in one pass.
            let weight = Scalar(stepSize.pointee * bTerms[0]), k = slopes[bIndex[0]]
            for i in 0..<n {
                let value = y[i] + weight * k[i]
                y[i] = value
                check += value - value
            }
            return check
        }
        proposedSolution(into: y, y: y, slopes: slopes, range: 0..<n)
        for i in 0..<n { check += y[i] - y[i] }
        return check
    }

    /// `out = base + Σ h·coefficients[i] · slopes[indices[i]]` over `range` (from zero without a
    /// base), the terms added left to right, up to four per pass. `out` may be `base`.
    @_transparent @usableFromInline
    package static func combine(
        into out: UnsafeMutablePointer<Scalar>, base: UnsafeMutablePointer<Scalar>?, terms: Int,
        indices: UnsafeMutablePointer<Int>, coefficients: UnsafeMutablePointer<Double>, h: Double, slopes: Slopes, range: Range<Int>
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
        if upper &- lower < 8 {
            // A short vector (a single small system): component by component, the terms summed
            // in the same left-to-right order as the passes below.
            for i in lower..<upper {
                var value: Scalar, term: Int
                if let base {
                    (value, term) = (base[i], 0)
                } else {
                    (value, term) = (Scalar(h * coefficients[0]) * slopes[indices[0]][i], 1)
                }
                while term < terms {
                    value += Scalar(h * coefficients[term]) * slopes[indices[term]][i]
                    term &+= 1
                }
                out[i] = value
            }
            return
        }
        var done = 0
        while done < terms {
            let take = min(4, terms &- done)
            let c0 = Scalar(h * coefficients[done]), p0 = slopes[indices[done]]
            let c1 = take > 1 ? Scalar(h * coefficients[done &+ 1]) : 0, p1 = take > 1 ? slopes[indices[done &+ 1]] : p0
            let c2 = take > 2 ? Scalar(h * coefficients[done &+ 2]) : 0, p2 = take > 2 ? slopes[indices[done &+ 2]] : p0
            let c3 = take > 3 ? Scalar(h * coefficients[done &+ 3]) : 0, p3 = take > 3 ? slopes[indices[done &+ 3]] : p0
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
