/// The geometry of vector-field (`.arrows`) series: the automatic scale, the arrows in data
/// coordinates, and the arrowhead sizes in points.
enum Quiver {
    /// The longest automatically scaled arrow, as a fraction of the spacing of the points.
    static let fractionOfSpacing = 0.9

    /// One arrow, tail (x0, y0) to head (x1, y1), in data coordinates.
    struct Arrow: Equatable {
        var x0: Double
        var y0: Double
        var x1: Double
        var y1: Double
    }

    /// The indices of the points that get an arrow: finite coordinates and components.
    private static func usable(x: [Double], y: [Double], u: [Double], v: [Double]) -> [Int] {
        let n = Swift.min(x.count, y.count, u.count, v.count)
        return (0..<n).filter { i in x[i].isFinite && y[i].isFinite && u[i].isFinite && v[i].isFinite }
    }

    /// The typical distance between neighbouring points (see `Series.arrowScale`), or nil when
    /// all the points coincide.
    static func spacing(x: [Double], y: [Double], indices: [Int]) -> Double? {
        guard let first = indices.first else { return nil }
        var (minX, maxX, minY, maxY) = (x[first], x[first], y[first], y[first])
        for i in indices {
            minX = Swift.min(minX, x[i])
            maxX = Swift.max(maxX, x[i])
            minY = Swift.min(minY, y[i])
            maxY = Swift.max(maxY, y[i])
        }
        let w = maxX - minX
        let h = maxY - minY
        let n = Double(indices.count)
        let d: Double
        if w > 0 && h > 0 {
            d = (w * h).squareRoot() / Swift.max(n.squareRoot() - 1, 1)
        } else if w > 0 || h > 0 {
            d = Swift.max(w, h) / (n - 1)
        } else {
            return nil
        }
        return d.isFinite && d > 0 ? d : nil
    }

    /// The factor that makes the longest arrow `fractionOfSpacing` of the spacing of the points;
    /// 1 when that is undefined (one location, zero vectors, overflow).
    static func automaticScale(x: [Double], y: [Double], u: [Double], v: [Double]) -> Double {
        let indices = usable(x: x, y: y, u: u, v: v)
        var longest = 0.0
        for i in indices {
            longest = Swift.max(longest, hypot(u[i], v[i]))
        }
        guard longest > 0, longest.isFinite, let d = spacing(x: x, y: y, indices: indices) else { return 1 }
        let s = fractionOfSpacing * d / longest
        return s.isFinite && s > 0 ? s : 1
    }

    /// The arrows of an `.arrows` series (none for other styles), heads scaled by `arrowScale`.
    static func arrows(_ series: Series) -> [Arrow] {
        guard let s = series.arrowScale else { return [] }
        return usable(x: series.x, y: series.y, u: series.u, v: series.v).compactMap { i in
            let a = Arrow(x0: series.x[i], y0: series.y[i], x1: series.x[i] + s * series.u[i], y1: series.y[i] + s * series.v[i])
            return a.x1.isFinite && a.y1.isFinite ? a : nil
        }
    }

    /// A usable shaft width in points: `width` when positive and finite (at most 20), else 1.2.
    static func shaftWidth(_ width: Double) -> Double {
        width.isFinite && width > 0 ? Swift.min(width, 20) : 1.2
    }

    /// The arrowhead of an arrow `length` points long with a shaft `width` points wide: full
    /// length and full width of the head, in points. Heads are at most 60% of the arrow.
    static func head(width: Double, length: Double) -> (length: Double, width: Double) {
        let full = 3 + 3 * width
        let l = Swift.min(full, 0.6 * length)
        return (l, 0.8 * l)
    }

    /// Arrows shorter than this many points are drawn as dots.
    static func dotThreshold(width: Double) -> Double {
        Swift.max(width, 1)
    }

    private static func hypot(_ a: Double, _ b: Double) -> Double {
        let m = Swift.max(Swift.abs(a), Swift.abs(b))
        guard m > 0, m.isFinite else { return m }
        let p = a / m
        let q = b / m
        return m * (p * p + q * q).squareRoot()
    }
}
