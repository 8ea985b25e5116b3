/// Tick values and labels for one axis, together with the axis range they were chosen for.
///
/// Linear axes use "nice" steps of 1, 2 or 5 times a power of ten, after Paul S. Heckbert,
/// "Nice numbers for graph labels", in *Graphics Gems* (A. S. Glassner, ed.), Academic Press,
/// 1990, pp. 61–63. Heckbert's `nicenum` proposes a step; this implementation then also tries
/// the neighbouring 1-2-5 steps and keeps the one whose tick count is closest to the target.
/// When the range is automatic it is widened to the enclosing ticks ("loose labelling").
///
/// Log axes put labelled ticks on decades (thinned out when there are many); when the range
/// covers fewer than three decades, the 2 and 5 multiples are labelled as well.
public struct Ticks: Sendable, Equatable {
    /// The axis range in data units (also for log axes: `0.001...1000`, not exponents).
    public var range: ClosedRange<Double>
    /// The labelled tick values, ascending, all inside `range`.
    public var major: [Double]
    /// Unlabelled tick values (log sub-decades), ascending, all inside `range`.
    public var minor: [Double]
    /// The label of each major tick, in the same order.
    public var labels: [String]

    /// Creates ticks from their parts.
    public init(range: ClosedRange<Double>, major: [Double], minor: [Double] = [], labels: [String]) {
        self.range = range
        self.major = major
        self.minor = minor
        self.labels = labels
    }

    // MARK: - Axis entry point

    /// The share of the data's span added on each side of an automatic range.
    public static let automaticMargin = 0.05

    /// The ticks of `axis` for the given data values.
    ///
    /// Non-finite values are ignored and, on log axes, so are non-positive ones. A fixed
    /// `axis.range` is kept as is (when usable); otherwise the range is the data's with a margin of
    /// `automaticMargin` on each side (matplotlib's default), ticked inside. Degenerate data (none, one value, all equal) still gives a
    /// non-empty range.
    public static func forAxis(_ axis: Axis, values: [Double], targetCount: Int = 6) -> Ticks {
        let data = dataRange(values, scale: axis.scale)
        switch axis.scale {
        case .linear:
            return linear(dataRange: data, fixedRange: axis.range, targetCount: targetCount)
        case .log:
            return log(dataRange: data, fixedRange: axis.range, maxLabels: targetCount + 2)
        }
    }

    /// The smallest range holding every usable value, or `nil` when there is none.
    ///
    /// Usable means finite and, for `.log`, strictly positive.
    public static func dataRange<S: Sequence>(_ values: S, scale: Scale) -> ClosedRange<Double>?
    where S.Element == Double {
        var lo = Double.infinity
        var hi = -Double.infinity
        for v in values where v.isFinite && (scale == .linear || v > 0) {
            if v < lo { lo = v }
            if v > hi { hi = v }
        }
        return lo <= hi ? lo...hi : nil
    }

    // MARK: - Heckbert's nice numbers

    /// A "nice" number close to `x`: 1, 2, 5 or 10 times a power of ten (Heckbert 1990).
    ///
    /// With `round` the nearest nice number is returned; without, the smallest nice number
    /// that is at least `x`. Returns `x` unchanged when it is not finite and positive.
    public static func niceNumber(_ x: Double, round: Bool) -> Double {
        guard x.isFinite, x > 0 else { return x }
        let exponent = (log10(x)).rounded(.down)
        let power = pow10(Int(exponent))
        let fraction = x / power
        let nice: Double
        if round {
            nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return nice * power
    }

    // MARK: - Linear

    /// Ticks for a linear axis.
    ///
    /// - Parameters:
    ///   - dataRange: the extent of the data, `nil` when there is none (gives `0...1`).
    ///   - fixedRange: a range to keep exactly; ignored when not finite or empty.
    ///   - targetCount: the preferred number of ticks (about 5–7 reads well).
    public static func linear(
        dataRange: ClosedRange<Double>?, fixedRange: ClosedRange<Double>? = nil, targetCount: Int = 6
    ) -> Ticks {
        let target = max(2, targetCount)
        if let fixed = fixedRange, fixed.lowerBound.isFinite, fixed.upperBound.isFinite,
            !isDegenerate(fixed.lowerBound, fixed.upperBound)
        {
            if let ticks = linearTicks(fixed.lowerBound, fixed.upperBound, target: target, loose: false) {
                return ticks
            }
        }
        var lo = dataRange?.lowerBound ?? 0
        var hi = dataRange?.upperBound ?? 1
        if let fixed = fixedRange, fixed.lowerBound.isFinite, fixed.upperBound.isFinite {
            // A usable-looking but degenerate fixed range: centre the automatic one on it.
            lo = fixed.lowerBound
            hi = fixed.upperBound
        }
        if isDegenerate(lo, hi) {
            let centre = lo / 2 + hi / 2
            let half = centre == 0 ? 1 : Swift.abs(centre) * 0.1
            lo = centre - half
            hi = centre + half
        }
        if !(hi - lo).isFinite {
            lo /= 2
            hi /= 2
        }
        // A margin of 5% of the span on each side (matplotlib's default), so that curves, markers
        // and their ends never sit on the frame; the ticks are those inside.
        let margin = (hi - lo) * automaticMargin
        if (hi + margin - (lo - margin)).isFinite, let ticks = linearTicks(lo - margin, hi + margin, target: target, loose: false),
           ticks.major.count >= 2 {
            return ticks
        }
        return linearTicks(lo, hi, target: target, loose: true)
            ?? Ticks(range: 0...1, major: [0, 1], labels: ["0", "1"])
    }

    /// Whether `lo...hi` is too narrow to subdivide in double precision (or reversed).
    static func isDegenerate(_ lo: Double, _ hi: Double) -> Bool {
        !(hi > lo) || (hi - lo) <= Swift.max(Swift.abs(lo), Swift.abs(hi)) * 1e-12
    }

    /// A 1-2-5 step, stored as `mantissa × 10^exponent` so that tick values are exact decimals.
    struct Step: Equatable {
        var mantissa: Int
        var exponent: Int
        var value: Double { Double(mantissa) * Ticks.pow10(exponent) }

        /// The `k`-th multiple of the step, computed so that e.g. 3 × 0.1 is exactly 0.3.
        func multiple(_ k: Int) -> Double {
            let m = Double(k) * Double(mantissa)
            return exponent < 0 ? m / Ticks.pow10(-exponent) : m * Ticks.pow10(exponent)
        }
    }

    private static func linearTicks(_ lo: Double, _ hi: Double, target: Int, loose: Bool) -> Ticks? {
        let span = hi - lo
        guard span.isFinite, span > 0 else { return nil }
        // Heckbert: a nice step near span / (target - 1), then its 1-2-5 neighbours.
        let proposal = niceNumber(niceNumber(span, round: false) / Double(target - 1), round: true)
        guard proposal.isFinite, proposal > 0 else { return nil }
        let e = Int((log10(proposal)).rounded(.down))
        var candidates: [Step] = []
        for exponent in (e - 1)...(e + 1) {
            for mantissa in [1, 2, 5] { candidates.append(Step(mantissa: mantissa, exponent: exponent)) }
        }
        var best: (step: Step, first: Int, last: Int, score: Double)?
        for step in candidates {
            let s = step.value
            let a = lo / s
            let b = hi / s
            guard Swift.abs(a) < 1e15, Swift.abs(b) < 1e15 else { continue }
            let first: Int
            let last: Int
            if loose {
                first = Int(snap(a).rounded(.down))
                last = Int(snap(b).rounded(.up))
            } else {
                first = Int(snap(a).rounded(.up))
                last = Int(snap(b).rounded(.down))
            }
            let count = last - first + 1
            guard count >= 2, count <= 1000 else { continue }
            // Distance from the target count; when widening, also penalise wasted axis length
            // so that e.g. -2.3...2.3 gets -3...3 rather than -4...4.
            var score = Double(Swift.abs(count - target))
            if loose { score += 3 * (1 - span / (Double(last - first) * s)) }
            // Ties go to the larger step (candidates ascend, so a later equal score wins).
            if best == nil || score <= best!.score + 1e-12 { best = (step, first, last, score) }
        }
        guard let chosen = best else { return nil }
        let values = (chosen.first...chosen.last).map { chosen.step.multiple($0) }
        let range = loose ? values[0]...values[values.count - 1] : lo...hi
        return Ticks(range: range, major: values, labels: TickLabels.linear(values, step: chosen.step))
    }

    /// Rounds `x` to the nearest integer when it is within floating-point noise of it.
    static func snap(_ x: Double) -> Double {
        let r = x.rounded()
        return Swift.abs(x - r) <= 1e-9 * Swift.max(1, Swift.abs(x)) ? r : x
    }

    // MARK: - Log

    /// Ticks for a base-10 log axis.
    ///
    /// - Parameters:
    ///   - dataRange: the extent of the positive data, `nil` when there is none (gives `1...10`).
    ///   - fixedRange: a range to keep exactly; ignored unless finite, positive and non-empty.
    ///   - maxLabels: at most this many decades are labelled; the rest become minor ticks.
    public static func log(
        dataRange: ClosedRange<Double>?, fixedRange: ClosedRange<Double>? = nil, maxLabels: Int = 8
    ) -> Ticks {
        let lo: Double
        let hi: Double
        let range: ClosedRange<Double>
        if let fixed = fixedRange, fixed.lowerBound > 0, fixed.upperBound.isFinite,
            fixed.upperBound > fixed.lowerBound * (1 + 1e-9)
        {
            lo = log10(fixed.lowerBound)
            hi = log10(fixed.upperBound)
            range = fixed
        } else {
            var dlo = 0.0
            var dhi = 1.0
            if let data = dataRange, data.lowerBound > 0, data.upperBound.isFinite {
                let a = snap(log10(data.lowerBound))
                let b = snap(log10(data.upperBound))
                dlo = a.rounded(.down)
                dhi = b.rounded(.up)
                if b > a, b - a >= 1 {
                    // The same 5% margin as a linear axis, in decades, when at least one decade
                    // is labelled inside.
                    let margin = (b - a) * automaticMargin
                    let low = Swift.max(a - margin, -300), high = Swift.min(b + margin, 300)
                    return logTicks(lo: low, hi: high, range: cPow(10, low)...cPow(10, high),
                                    maxLabels: Swift.max(2, maxLabels))
                }
                if dhi <= dlo {
                    // All values equal: a decade each side when on a decade, else the enclosing one.
                    if a == a.rounded() {
                        dlo = a - 1
                        dhi = a + 1
                    } else {
                        dhi = dlo + 1
                    }
                }
            }
            dlo = Swift.max(dlo, -300)
            dhi = Swift.min(Swift.max(dhi, dlo + 1), 300)
            lo = dlo
            hi = dhi
            range = pow10(Int(dlo))...pow10(Int(dhi))
        }
        return logTicks(lo: lo, hi: hi, range: range, maxLabels: Swift.max(2, maxLabels))
    }

    private static func logTicks(lo: Double, hi: Double, range: ClosedRange<Double>, maxLabels: Int) -> Ticks {
        let tolerance = 1e-9
        let firstDecade = Int((lo - tolerance).rounded(.down))
        let lastDecade = Int((hi + tolerance).rounded(.up))
        let inside = { (v: Double) -> Bool in
            v >= range.lowerBound * (1 - tolerance) && v <= range.upperBound * (1 + tolerance)
        }
        var major: [Double] = []
        var minor: [Double] = []
        var majorMantissas: [Int] = []
        let decades = hi - lo
        if decades < 3 {
            var labelled: Set<Int> = [1, 2, 5]
            let inRange = (firstDecade...lastDecade).flatMap { k in [1, 2, 5].map { Double($0) * pow10(k) } }
                .filter(inside)
            if inRange.count < 2 { labelled = Set(1...9) }
            for k in firstDecade...lastDecade {
                for m in 1...9 {
                    let v = Double(m) * pow10(k)
                    guard inside(v) else { continue }
                    if labelled.contains(m) {
                        major.append(v)
                        majorMantissas.append(m)
                    } else {
                        minor.append(v)
                    }
                }
            }
            if major.count < 2 {
                // Less than a fraction of a decade: linear ticks read better.
                let lin = linear(dataRange: nil, fixedRange: range, targetCount: 5)
                return Ticks(range: range, major: lin.major, labels: lin.labels)
            }
        } else {
            let labelledDecades = (firstDecade...lastDecade).filter { inside(pow10($0)) }
            // Label every decade, or every 2nd, 3rd, 5th, 10th, 20th, 25th, 50th, 100th...
            var strides = [1, 2, 3, 4, 5]
            var scale = 10
            while scale <= 1000 {
                strides += [scale, 2 * scale, 5 * scale / 2, 5 * scale]
                scale *= 10
            }
            let stride = strides.first { s in
                let count = labelledDecades.filter { $0.isMultiple(of: s) }.count
                return count <= maxLabels && count >= Swift.min(2, labelledDecades.count)
            } ?? 1
            let withSubdecades = lastDecade - firstDecade <= 12
            // Unlabelled decades get minor ticks only while they stay a few points apart.
            let minorDecades = lastDecade - firstDecade <= 60
            for k in firstDecade...lastDecade {
                let v = pow10(k)
                if inside(v) {
                    if k.isMultiple(of: stride) {
                        major.append(v)
                        majorMantissas.append(1)
                    } else if minorDecades {
                        minor.append(v)
                    }
                }
                if withSubdecades {
                    for m in 2...9 where inside(Double(m) * v) { minor.append(Double(m) * v) }
                }
            }
        }
        let labels = TickLabels.log(major, mantissas: majorMantissas, fewDecades: decades < 3)
        return Ticks(range: range, major: major, minor: minor, labels: labels)
    }

    // MARK: - Helpers

    /// 10^k, exact for the representable powers.
    static func pow10(_ k: Int) -> Double {
        if k >= 0 && k <= 22 { return exactPowers[k] }
        if k < 0 && k >= -22 { return 1 / exactPowers[-k] }
        var result = 1.0
        let base = k < 0 ? 0.1 : 10.0
        for _ in 0..<Swift.min(Swift.abs(k), 400) { result *= base }
        return result
    }

    private static let exactPowers: [Double] = {
        var p: [Double] = [1]
        for _ in 1...22 { p.append(p[p.count - 1] * 10) }
        return p
    }()

    static func log10(_ x: Double) -> Double { cLog10(x) }
}
