/// Maps data values on one axis to positions in points.
struct AxisMap {
    let scale: Scale
    /// Transformed range ends (log10 of the range on log axes).
    let t0: Double
    let t1: Double
    /// Positions of the range ends, in points (for y, `p0` is the bottom).
    let p0: Double
    let p1: Double

    init(scale: Scale, range: ClosedRange<Double>, from p0: Double, to p1: Double) {
        self.scale = scale
        let a = AxisMap.transform(range.lowerBound, scale) ?? 0
        var b = AxisMap.transform(range.upperBound, scale) ?? 1
        if !(b > a) { b = a + 1 }
        t0 = a
        t1 = b
        self.p0 = p0
        self.p1 = p1
    }

    /// The axis-space coordinate of `v`: itself, or log10 on log axes; nil when not drawable.
    static func transform(_ v: Double, _ scale: Scale) -> Double? {
        guard v.isFinite else { return nil }
        switch scale {
        case .linear: return v
        case .log: return v > 0 ? Ticks.log10(v) : nil
        }
    }

    /// The position of `v` in points, or nil when it cannot be drawn on this axis.
    func position(_ v: Double) -> Double? {
        guard let t = AxisMap.transform(v, scale) else { return nil }
        return p0 + (t - t0) / (t1 - t0) * (p1 - p0)
    }
}
