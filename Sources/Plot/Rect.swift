/// An axis-aligned rectangle in points, y growing downwards (Cairo's user space).
struct Rect: Equatable, Sendable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var minX: Double { x }
    var maxX: Double { x + width }
    var minY: Double { y }
    var maxY: Double { y + height }
    var midX: Double { x + width / 2 }
    var midY: Double { y + height / 2 }

    /// The rectangle grown by `d` on every side (shrunk when negative).
    func insetBy(_ d: Double) -> Rect {
        Rect(x: x + d, y: y + d, width: Swift.max(0, width - 2 * d), height: Swift.max(0, height - 2 * d))
    }

    func contains(_ px: Double, _ py: Double) -> Bool {
        px >= minX && px <= maxX && py >= minY && py <= maxY
    }

    func intersects(_ other: Rect) -> Bool {
        minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }

    /// The part of segment (x0,y0)-(x1,y1) inside the rectangle (Liang–Barsky), or nil.
    func clip(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double)
        -> (Double, Double, Double, Double)?
    {
        let dx = x1 - x0
        let dy = y1 - y0
        var t0 = 0.0
        var t1 = 1.0
        let tests: [(Double, Double)] = [(-dx, x0 - minX), (dx, maxX - x0), (-dy, y0 - minY), (dy, maxY - y0)]
        for (p, q) in tests {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let r = q / p
                if p < 0 {
                    if r > t1 { return nil }
                    if r > t0 { t0 = r }
                } else {
                    if r < t0 { return nil }
                    if r < t1 { t1 = r }
                }
            }
        }
        return (x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy)
    }
}
