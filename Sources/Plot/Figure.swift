/// A figure: one or more panels laid out in a grid, with an optional overall title.
///
/// Sizes are in points; the renderer multiplies them by `pixelDensity` (2 by default, so a
/// 640 x 420 figure becomes a 1280 x 840 PNG that stays sharp on high-density screens).
public struct Figure: Sendable, Equatable {
    /// The title drawn above all panels, if any.
    public var title: String?
    /// The panels, filled row by row into a grid of `columns` columns.
    public var panels: [Panel]
    /// Number of panel columns in the grid.
    public var columns: Int
    /// Width of the whole figure, in points.
    public var width: Double
    /// Height of the whole figure, in points.
    public var height: Double
    /// Device pixels per point in the PNG.
    public var pixelDensity: Double

    /// Creates a figure; `columns` defaults to all panels in one row.
    public init(
        title: String? = nil,
        panels: [Panel],
        columns: Int? = nil,
        width: Double = 640,
        height: Double = 420,
        pixelDensity: Double = 2
    ) {
        self.title = title
        self.panels = panels
        self.columns = max(1, columns ?? panels.count)
        self.width = width
        self.height = height
        self.pixelDensity = pixelDensity
    }
}

/// One set of axes with its series, titles and legend.
public struct Panel: Sendable, Equatable {
    /// The panel's own title, drawn above its plotting area.
    public var title: String?
    /// The horizontal axis.
    public var x: Axis
    /// The vertical axis.
    public var y: Axis
    /// The data drawn in this panel, in drawing order.
    public var series: [Series]
    /// Where the legend goes; series without a label are left out of it.
    public var legend: LegendPlacement
    /// When true, one unit on x has the same length as one unit on y (phase portraits).
    public var equalAspect: Bool

    /// Creates a panel.
    public init(
        title: String? = nil,
        x: Axis,
        y: Axis,
        series: [Series],
        legend: LegendPlacement = .best,
        equalAspect: Bool = false
    ) {
        self.title = title
        self.x = x
        self.y = y
        self.series = series
        self.legend = legend
        self.equalAspect = equalAspect
    }
}

/// An axis: its title, scale and (optionally) a fixed range.
public struct Axis: Sendable, Equatable {
    /// The axis title, e.g. "t" or "population".
    public var title: String
    /// Linear or base-10 logarithmic.
    public var scale: Scale
    /// A fixed range; `nil` fits the data, widened to nice tick values.
    public var range: ClosedRange<Double>?
    /// Labelled positions instead of computed ticks (categories: the classes of a confusion
    /// matrix); `nil` computes nice ticks. Each needs a fixed `range` that holds them.
    public var labelledTicks: [(value: Double, label: String)]?

    /// Creates an axis.
    public init(_ title: String, scale: Scale = .linear, range: ClosedRange<Double>? = nil,
                labelledTicks: [(value: Double, label: String)]? = nil) {
        self.title = title
        self.scale = scale
        self.range = range
        self.labelledTicks = labelledTicks
    }

    public static func == (lhs: Axis, rhs: Axis) -> Bool {
        lhs.title == rhs.title && lhs.scale == rhs.scale && lhs.range == rhs.range
            && lhs.labelledTicks?.map(\.value) == rhs.labelledTicks?.map(\.value)
            && lhs.labelledTicks?.map(\.label) == rhs.labelledTicks?.map(\.label)
    }
}

/// How data values map to positions along an axis.
public enum Scale: String, Sendable, Equatable {
    /// Positions proportional to values.
    case linear
    /// Positions proportional to log10 of values; non-positive values are not drawn.
    case log
}

/// Where a panel's legend is drawn.
public enum LegendPlacement: Sendable, Equatable {
    /// The inside corner that overlaps the fewest data points.
    case best
    case upperLeft, upperRight, lowerLeft, lowerRight
    /// No legend.
    case none
}

/// A data series: points and how to draw them.
public struct Series: Sendable, Equatable {
    /// The legend entry; `nil` leaves the series out of the legend.
    public var label: String?
    /// Horizontal coordinates.
    public var x: [Double]
    /// Vertical coordinates, one per `x`.
    public var y: [Double]
    /// Horizontal vector components for `.arrows` series, one per point (empty for other styles).
    public var u: [Double]
    /// Vertical vector components for `.arrows` series, one per point (empty for other styles).
    public var v: [Double]
    /// The text written in each cell of a `.cells` series, one per point (empty for other styles).
    public var texts: [String] = []
    /// Line, markers, both, or arrows.
    public var style: SeriesStyle
    /// The colour; `nil` takes the next colour of the palette within the panel.
    public var color: Color?

    /// Creates a series. Non-finite points are skipped (a line breaks at them).
    public init(label: String?, x: [Double], y: [Double], style: SeriesStyle, color: Color? = nil) {
        self.init(label: label, x: x, y: y, u: [], v: [], style: style, color: color)
    }

    /// Creates a series with vector components `u`, `v` at its points (used by `.arrows`).
    ///
    /// Only the first `min(x.count, y.count, u.count, v.count)` points get arrows; points with a
    /// non-finite coordinate or component get none.
    public init(
        label: String?, x: [Double], y: [Double], u: [Double], v: [Double], style: SeriesStyle,
        color: Color? = nil
    ) {
        self.label = label
        self.x = x
        self.y = y
        self.u = u
        self.v = v
        self.style = style
        self.color = color
    }

    /// A connected line through the points.
    public static func line(
        _ label: String?, x: [Double], y: [Double], color: Color? = nil,
        dash: Dash = .solid, width: Double = 1.75
    ) -> Series {
        Series(label: label, x: x, y: y, style: .line(width: width, dash: dash), color: color)
    }

    /// Unconnected markers at the points.
    public static func scatter(
        _ label: String?, x: [Double], y: [Double], color: Color? = nil,
        marker: Marker = .circle, size: Double = 6
    ) -> Series {
        Series(label: label, x: x, y: y, style: .markers(marker, size: size), color: color)
    }

    /// A vector field, like matplotlib's `quiver`: an arrow from each point (x, y) to
    /// (x + s·u, y + s·v) in data coordinates, where s comes from `scale` (see ``arrowScale``).
    ///
    /// Arrow lengths are in data units on both axes, so directions are true only in panels with
    /// `equalAspect` (or axes in the same units at the same scale). To compare two fields, give
    /// the second one `.fixed(first.arrowScale!)` so equal vectors draw as equal arrows.
    public static func quiver(
        _ label: String?, x: [Double], y: [Double], u: [Double], v: [Double], color: Color? = nil,
        scale: ArrowScale = .automatic, width: Double = 1.2
    ) -> Series {
        Series(label: label, x: x, y: y, u: u, v: v, style: .arrows(width: width, scale: scale), color: color)
    }

    /// A heat map of rectangular cells (a confusion matrix, say): a `width × height` rectangle (data
    /// units) centred on each point, filled with `color` at opacity `intensity[i]` (clamped to
    /// 0…1) over white, with `texts[i]` centred in it (white on dark cells). The axes' automatic
    /// ranges see only the centres; give the panel's axes ranges that hold the whole cells.
    public static func cells(
        _ label: String?, x: [Double], y: [Double], intensity: [Double], texts: [String], color: Color? = nil,
        width: Double = 1, height: Double = 1
    ) -> Series {
        var series = Series(label: label, x: x, y: y, u: intensity, v: [], style: .cells(width: width, height: height), color: color)
        series.texts = texts
        return series
    }

    /// A filled band between two curves over the same `x` (matplotlib's `fill_between`): the
    /// region from `lower` to `upper`, filled with `color` at `opacity`. The band breaks where a
    /// bound is not finite. Stored with `lower` as `y` and `upper` as `v`.
    public static func band(
        _ label: String?, x: [Double], lower: [Double], upper: [Double], color: Color? = nil, opacity: Double = 0.25
    ) -> Series {
        Series(label: label, x: x, y: lower, u: [], v: upper, style: .band(opacity: opacity), color: color)
    }

    /// The factor s by which `.arrows` multiply (u, v), or nil for other styles.
    ///
    /// For `.fixed(s)` with a finite s it is s. For `.automatic` (or a non-finite fixed value) it
    /// makes the longest arrow 0.9 of the typical spacing d of the tails: with N points that have
    /// finite coordinates and components, spanning widths W and H,
    /// d = √(W·H) / max(√N − 1, 1) when W, H > 0 (the step of a square grid), d = max(W, H) / (N − 1)
    /// when the points lie on a horizontal or vertical line, and s = 1 when they all coincide or
    /// every vector is zero. Then s = 0.9·d / (longest √(u² + v²)).
    public var arrowScale: Double? {
        guard case let .arrows(_, scale) = style else { return nil }
        if case let .fixed(s) = scale, s.isFinite { return s }
        return Quiver.automaticScale(x: x, y: y, u: u, v: v)
    }
}

/// How a series is drawn.
public enum SeriesStyle: Sendable, Equatable {
    /// A polyline of the given width (points) and dash pattern.
    case line(width: Double, dash: Dash)
    /// A marker of the given size (points, diameter) at each point.
    case markers(Marker, size: Double)
    /// A polyline with a marker at each point.
    case lineAndMarkers(width: Double, dash: Dash, marker: Marker, size: Double)
    /// An arrow of the given shaft width (points) along the series' (u, v) at each point, scaled
    /// by `scale`; the arrowhead grows with the width. Arrows shorter than their width are drawn
    /// as dots.
    case arrows(width: Double, scale: ArrowScale)
    /// A filled rectangle of the given size (data units) centred on each point, its opacity the
    /// series' `u` and its text the series' `texts` (see ``Series/cells(_:x:y:intensity:texts:color:width:height:)``).
    case cells(width: Double, height: Double)
    /// The region between the series' `y` (lower bound) and `v` (upper bound), filled at the
    /// given opacity (see ``Series/band(_:x:lower:upper:color:opacity:)``).
    case band(opacity: Double)
}

/// How the arrows of an `.arrows` series are sized from their vector components.
public enum ArrowScale: Sendable, Equatable {
    /// The longest arrow is about one spacing of the points (the rule is given at `Series.arrowScale`).
    case automatic
    /// Every arrow goes from (x, y) to (x + s·u, y + s·v) in data coordinates.
    case fixed(Double)
}

/// A line's dash pattern.
public enum Dash: Sendable, Equatable {
    case solid, dashed, dotted
}

/// A marker shape.
public enum Marker: Sendable, Equatable {
    case circle, square, triangle, cross
}

/// An RGBA colour with components in 0...1.
public struct Color: Sendable, Equatable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double

    /// Creates a colour from components in 0...1.
    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// Creates an opaque colour from a 0xRRGGBB value.
    public init(hex: UInt32) {
        self.init(
            red: Double((hex >> 16) & 0xFF) / 255,
            green: Double((hex >> 8) & 0xFF) / 255,
            blue: Double(hex & 0xFF) / 255
        )
    }

    /// The default series colours, in order (a colour-blind-friendly qualitative palette).
    public static let palette: [Color] = [
        Color(hex: 0x1F77B4), Color(hex: 0xFF7F0E), Color(hex: 0x2CA02C), Color(hex: 0xD62728),
        Color(hex: 0x9467BD), Color(hex: 0x8C564B), Color(hex: 0xE377C2), Color(hex: 0x7F7F7F),
    ]
}
