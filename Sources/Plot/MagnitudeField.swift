import Foundation

/// A vector field drawn as matplotlib users draw a field whose strength varies over decades:
/// arrows of one length that show the direction everywhere, coloured by the magnitude in a few
/// classes, each class a labelled series so that the legend is the colour key. A scalar field
/// (the size of an error) is drawn with the same classes as coloured squares.
public struct MagnitudeClasses: Sendable, Equatable {
    /// The class boundaries, increasing: class k holds magnitudes in `bounds[k]...bounds[k + 1]`.
    public let bounds: [Double]

    /// Classes spanning `magnitudes` (finite, positive ones): `count` classes, spaced
    /// logarithmically when the magnitudes span more than a decade, else evenly.
    public init(spanning magnitudes: [Double], count: Int = 5) {
        let usable = magnitudes.filter { $0.isFinite && $0 > 0 }
        let low = usable.min() ?? 1, high = Swift.max(usable.max() ?? 1, low * (1 + 1e-9))
        let n = Swift.max(1, count)
        if high / low > 10 {
            let (a, b) = (log10(low), log10(high))
            bounds = (0...n).map { pow(10, a + (b - a) * Double($0) / Double(n)) }
        } else {
            bounds = (0...n).map { low + (high - low) * Double($0) / Double(n) }
        }
    }

    /// The class of `magnitude` (values outside the span go to the nearest class).
    public func index(of magnitude: Double) -> Int {
        let classes = bounds.count - 1
        guard magnitude.isFinite else { return classes - 1 }
        return Swift.min(classes - 1, Swift.max(0, (bounds.dropFirst().firstIndex { magnitude <= $0 } ?? bounds.count - 1) - 1))
    }

    /// The colour of class `k`: light (weak) to dark (strong) along the colour map.
    public func color(_ k: Int) -> Color {
        let classes = bounds.count - 1
        return Colormap.sequential(classes <= 1 ? 1 : Double(k) / Double(classes - 1))
    }

    /// `0.012–0.12`, the label of class `k`.
    public func label(_ k: Int, prefix: String) -> String {
        "\(prefix)\(Self.short(bounds[k]))–\(Self.short(bounds[k + 1]))"
    }

    static func short(_ value: Double) -> String { String(format: "%.2g", value) }
}

/// Colour maps for magnitudes.
public enum Colormap {
    /// Anchors of a sequential map from a light blue-green to a dark blue-violet, readable on
    /// white at every step (matplotlib's viridis, without its lightest yellow, reversed so that
    /// stronger is darker).
    static let anchors: [Color] = [
        Color(hex: 0x7AD151), Color(hex: 0x22A884), Color(hex: 0x2A788E), Color(hex: 0x414487), Color(hex: 0x440154),
    ]

    /// The colour at `t` in 0...1 (0: weakest, 1: strongest), linear between the anchors.
    public static func sequential(_ t: Double) -> Color {
        let clamped = t.isFinite ? Swift.min(1, Swift.max(0, t)) : 1
        let position = clamped * Double(anchors.count - 1)
        let k = Swift.min(anchors.count - 2, Int(position))
        let f = position - Double(k)
        let a = anchors[k], b = anchors[k + 1]
        return Color(red: a.red + (b.red - a.red) * f, green: a.green + (b.green - a.green) * f, blue: a.blue + (b.blue - a.blue) * f)
    }
}

extension Series {
    /// Arrows of one length (0.8 of the spacing of the points) in the direction of (u, v) at
    /// each point, coloured by |(u, v)| in `classes`: one series per class that has arrows,
    /// labelled with its range (`|f| 0.012–0.12`). Zero vectors get no arrow.
    public static func directionField(x: [Double], y: [Double], u: [Double], v: [Double], classes: MagnitudeClasses,
                                      labelPrefix: String = "|f| ", width: Double = 1.2) -> [Series] {
        let n = Swift.min(x.count, y.count, u.count, v.count)
        let usable = (0..<n).filter { x[$0].isFinite && y[$0].isFinite && u[$0].isFinite && v[$0].isFinite }
        let length = 0.8 * (Quiver.spacing(x: x, y: y, indices: usable) ?? 1)
        var members = [[Int]](repeating: [], count: classes.bounds.count - 1)
        for i in usable {
            let magnitude = hypot(u[i], v[i])
            guard magnitude > 0 else { continue }
            members[classes.index(of: magnitude)].append(i)
        }
        return members.enumerated().compactMap { k, indices in
            guard !indices.isEmpty else { return nil }
            let magnitudes = indices.map { hypot(u[$0], v[$0]) }
            return Series.quiver(classes.label(k, prefix: labelPrefix), x: indices.map { x[$0] }, y: indices.map { y[$0] },
                                 u: zip(indices, magnitudes).map { u[$0] / $1 }, v: zip(indices, magnitudes).map { v[$0] / $1 },
                                 color: classes.color(k), scale: .fixed(length), width: width)
        }
    }

    /// Squares at each point coloured by `values` in `classes`, one series per class (labelled
    /// with its range): a scalar field on a grid, such as the size of an error.
    public static func magnitudeSquares(x: [Double], y: [Double], values: [Double], classes: MagnitudeClasses,
                                        labelPrefix: String, size: Double = 7) -> [Series] {
        let n = Swift.min(x.count, y.count, values.count)
        var members = [[Int]](repeating: [], count: classes.bounds.count - 1)
        for i in 0..<n where x[i].isFinite && y[i].isFinite && values[i].isFinite {
            members[classes.index(of: values[i])].append(i)
        }
        return members.enumerated().compactMap { k, indices in
            guard !indices.isEmpty else { return nil }
            return Series.scatter(classes.label(k, prefix: labelPrefix), x: indices.map { x[$0] }, y: indices.map { y[$0] },
                                  color: classes.color(k), marker: .square, size: size)
        }
    }
}
