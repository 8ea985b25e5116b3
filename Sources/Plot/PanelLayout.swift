/// Where the parts of one panel go, in points, and the ticks of its two axes.
///
/// Margins are measured, not guessed: the left margin fits the widest y tick label, the right
/// margin half the last x tick label, and tick counts are reduced until labels do not overlap.
struct PanelLayout {
    /// The grid cell the panel occupies.
    var cell: Rect
    /// The plotting area (inside the frame).
    var plot: Rect
    var xTicks: Ticks
    var yTicks: Ticks
    var xScale: Scale
    var yScale: Scale

    /// Baseline of the x tick labels.
    var xTickLabelBaseline: Double = 0
    /// Right edge of the y tick labels.
    var yTickLabelRight: Double = 0
    /// Ink rectangles of the titles (nil when absent), used by tests and the legend.
    var titleRect: Rect?
    var xTitleRect: Rect?
    var yTitleRect: Rect?
    var titleBaseline: Double = 0
    var xTitleBaseline: Double = 0
    var yTitleBaselineX: Double = 0

    var xMap: AxisMap { AxisMap(scale: xScale, range: xTicks.range, from: plot.minX, to: plot.maxX) }
    var yMap: AxisMap { AxisMap(scale: yScale, range: yTicks.range, from: plot.maxY, to: plot.minY) }

    init(panel: Panel, cell: Rect, canvas: Canvas) {
        self.cell = cell
        xScale = panel.x.scale
        yScale = panel.y.scale
        let (xs, ys) = PanelLayout.drawableValues(panel)
        let tickFont = Theme.tickLabelFont
        let tickM = canvas.metrics(tickFont)
        let tickH = tickM.ascent + tickM.descent
        let axisM = canvas.metrics(Theme.axisTitleFont)
        let titleM = canvas.metrics(Theme.panelTitleFont)
        let hasTitle = !(panel.title ?? "").isEmpty
        let hasXTitle = !panel.x.title.isEmpty
        let hasYTitle = !panel.y.title.isEmpty

        let inner = cell.insetBy(Theme.cellPadding)
        let top = inner.minY + (hasTitle ? titleM.ascent + titleM.descent + Theme.panelTitleGap : tickH / 2)
        let bottomSpace = Theme.tickLength + Theme.tickLabelGap + tickH
            + (hasXTitle ? Theme.axisTitleGap + axisM.ascent + axisM.descent : 0)
        let plotBottom = inner.maxY - bottomSpace
        let leftBase = (hasYTitle ? axisM.ascent + axisM.descent + Theme.axisTitleGap : 0)
            + Theme.tickLength + Theme.tickLabelGap

        func maxWidth(_ t: Ticks) -> Double { t.labels.map { canvas.width($0, tickFont) }.max() ?? 0 }

        func solve(_ xOverride: ClosedRange<Double>?, _ yOverride: ClosedRange<Double>?) -> (Rect, Ticks, Ticks) {
            let plotH = Swift.max(plotBottom - top, 1)
            let yT = PanelLayout.fitTicks(
                panel.y, values: ys, override: yOverride, length: plotH, vertical: true, canvas: canvas)
            var left = inner.minX + leftBase + maxWidth(yT)
            var right = inner.maxX - 4
            var xT = PanelLayout.fitTicks(
                panel.x, values: xs, override: xOverride, length: Swift.max(right - left, 1), vertical: false,
                canvas: canvas)
            for _ in 0..<2 {
                let firstHalf = (xT.labels.first.map { canvas.width($0, tickFont) } ?? 0) / 2
                let lastHalf = (xT.labels.last.map { canvas.width($0, tickFont) } ?? 0) / 2
                right = Swift.min(inner.maxX - 4, inner.maxX - lastHalf)
                left = Swift.max(inner.minX + leftBase + maxWidth(yT), inner.minX + firstHalf)
                xT = PanelLayout.fitTicks(
                    panel.x, values: xs, override: xOverride, length: Swift.max(right - left, 1), vertical: false,
                    canvas: canvas)
            }
            let plot = Rect(x: left, y: top, width: Swift.max(right - left, 1), height: plotH)
            return (plot, xT, yT)
        }

        var (plot, xT, yT) = solve(nil, nil)
        if panel.equalAspect {
            if panel.x.range == nil && panel.y.range == nil {
                // Both automatic: widen the range of one axis so the units match.
                let autoX = xT.range
                let autoY = yT.range
                var (ox, oy) = PanelLayout.equalAspectRanges(autoX, xScale, autoY, yScale, plot)
                (plot, xT, yT) = solve(ox, oy)
                (ox, oy) = PanelLayout.equalAspectRanges(autoX, xScale, autoY, yScale, plot)
                xT = PanelLayout.fitTicks(
                    panel.x, values: xs, override: ox, length: plot.width, vertical: false, canvas: canvas)
                yT = PanelLayout.fitTicks(
                    panel.y, values: ys, override: oy, length: plot.height, vertical: true, canvas: canvas)
                let neededLeft = inner.minX + leftBase + maxWidth(yT)
                if neededLeft > plot.minX + 0.5 {
                    let w = Swift.max(plot.maxX - neededLeft, 1)
                    let h = plot.height * w / plot.width
                    plot = Rect(x: neededLeft, y: plot.midY - h / 2, width: w, height: h)
                }
            } else {
                // A fixed range: shrink the box instead.
                let sx = PanelLayout.span(xT.range, xScale)
                let sy = PanelLayout.span(yT.range, yScale)
                let u = Swift.max(sx / plot.width, sy / plot.height)
                if u.isFinite, u > 0 {
                    let w = sx / u
                    let h = sy / u
                    plot = Rect(x: plot.midX - w / 2, y: plot.midY - h / 2, width: w, height: h)
                }
            }
        }
        self.plot = plot
        xTicks = xT
        yTicks = yT

        xTickLabelBaseline = plot.maxY + Theme.tickLength + Theme.tickLabelGap + tickM.ascent
        yTickLabelRight = plot.minX - Theme.tickLength - Theme.tickLabelGap
        if hasTitle, let title = panel.title {
            titleBaseline = plot.minY - Theme.panelTitleGap - titleM.descent
            titleRect = canvas.inkRect(title, Theme.panelTitleFont, x: plot.midX, baseline: titleBaseline, align: .center)
        }
        if hasXTitle {
            xTitleBaseline = xTickLabelBaseline + tickM.descent + Theme.axisTitleGap + axisM.ascent
            xTitleRect = canvas.inkRect(
                panel.x.title, Theme.axisTitleFont, x: plot.midX, baseline: xTitleBaseline, align: .center)
        }
        if hasYTitle {
            yTitleBaselineX = yTickLabelRight - maxWidth(yT) - Theme.axisTitleGap - axisM.descent
            yTitleRect = canvas.verticalInkRect(
                panel.y.title, Theme.axisTitleFont, baselineX: yTitleBaselineX, centerY: plot.midY)
        }
    }

    /// The x and y values of the points that can be drawn (both coordinates usable on their axes),
    /// including the heads of arrows.
    static func drawableValues(_ panel: Panel) -> ([Double], [Double]) {
        var xs: [Double] = []
        var ys: [Double] = []
        for s in panel.series {
            let n = Swift.min(s.x.count, s.y.count)
            xs.reserveCapacity(xs.count + n)
            ys.reserveCapacity(ys.count + n)
            for i in 0..<n {
                let x = s.x[i]
                let y = s.y[i]
                if AxisMap.transform(x, panel.x.scale) != nil && AxisMap.transform(y, panel.y.scale) != nil {
                    xs.append(x)
                    ys.append(y)
                }
            }
            // A band's upper curve counts too.
            if case .band = s.style {
                for i in 0..<Swift.min(s.x.count, s.v.count)
                where AxisMap.transform(s.x[i], panel.x.scale) != nil && AxisMap.transform(s.v[i], panel.y.scale) != nil {
                    xs.append(s.x[i])
                    ys.append(s.v[i])
                }
            }
            // Arrow heads count too, so that a vector field alone fits its axes.
            for a in Quiver.arrows(s)
            where AxisMap.transform(a.x1, panel.x.scale) != nil && AxisMap.transform(a.y1, panel.y.scale) != nil {
                xs.append(a.x1)
                ys.append(a.y1)
            }
        }
        return (xs, ys)
    }

    /// The ticks with the most labels (up to about 6) whose labels do not overlap along `length`.
    static func fitTicks(
        _ axis: Axis, values: [Double], override: ClosedRange<Double>?, length: Double, vertical: Bool,
        canvas: Canvas
    ) -> Ticks {
        var axis = axis
        if let override { axis.range = override }
        if let labelled = axis.labelledTicks, let range = axis.range {
            let inside = labelled.filter { range.contains($0.value) }.sorted { $0.value < $1.value }
            return Ticks(range: range, major: inside.map(\.value), minor: [], labels: inside.map(\.label))
        }
        var last: Ticks?
        for target in stride(from: 6, through: 2, by: -1) {
            let ticks = Ticks.forAxis(axis, values: values, targetCount: target)
            if labelsFit(ticks, scale: axis.scale, length: length, vertical: vertical, canvas: canvas) {
                return ticks
            }
            if axis.scale == .log {
                let decades = ticks.keepingLabels { TickLabels.isPowerOfTen($0) }
                if decades.major.count >= 2,
                    labelsFit(decades, scale: axis.scale, length: length, vertical: vertical, canvas: canvas)
                {
                    return decades
                }
                last = decades.major.count >= 2 ? decades : ticks
            } else {
                last = ticks
            }
        }
        return last ?? Ticks.forAxis(axis, values: values, targetCount: 2)
    }

    private static func labelsFit(_ t: Ticks, scale: Scale, length: Double, vertical: Bool, canvas: Canvas) -> Bool {
        guard t.major.count > 1 else { return true }
        let map = AxisMap(scale: scale, range: t.range, from: 0, to: length)
        let font = Theme.tickLabelFont
        if vertical {
            let m = canvas.metrics(font)
            let need = (m.ascent + m.descent) * 0.8 + 4
            for i in 1..<t.major.count {
                guard let a = map.position(t.major[i - 1]), let b = map.position(t.major[i]) else { continue }
                if Swift.abs(b - a) < need { return false }
            }
        } else {
            let widths = t.labels.map { canvas.width($0, font) }
            for i in 1..<t.major.count {
                guard let a = map.position(t.major[i - 1]), let b = map.position(t.major[i]) else { continue }
                if Swift.abs(b - a) < (widths[i - 1] + widths[i]) / 2 + Theme.minLabelGap { return false }
            }
        }
        return true
    }

    /// The length of `range` in axis space (decades on log axes).
    static func span(_ range: ClosedRange<Double>, _ scale: Scale) -> Double {
        guard let a = AxisMap.transform(range.lowerBound, scale), let b = AxisMap.transform(range.upperBound, scale)
        else { return 0 }
        return b - a
    }

    /// Ranges containing `x` and `y` in which one unit has the same length on both axes in `plot`.
    static func equalAspectRanges(
        _ x: ClosedRange<Double>, _ xScale: Scale, _ y: ClosedRange<Double>, _ yScale: Scale, _ plot: Rect
    ) -> (ClosedRange<Double>, ClosedRange<Double>) {
        let sx = span(x, xScale)
        let sy = span(y, yScale)
        let ux = sx / plot.width
        let uy = sy / plot.height
        guard ux.isFinite, uy.isFinite, ux > 0, uy > 0 else { return (x, y) }
        if ux > uy {
            return (x, widened(y, yScale, to: ux * plot.height))
        } else {
            return (widened(x, xScale, to: uy * plot.width), y)
        }
    }

    private static func widened(_ r: ClosedRange<Double>, _ scale: Scale, to newSpan: Double) -> ClosedRange<Double> {
        guard let a = AxisMap.transform(r.lowerBound, scale), let b = AxisMap.transform(r.upperBound, scale)
        else { return r }
        let mid = (a + b) / 2
        let lo = mid - newSpan / 2
        let hi = mid + newSpan / 2
        switch scale {
        case .linear: return lo...hi
        case .log: return cPow(10, lo)...cPow(10, hi)
        }
    }
}

extension Ticks {
    /// A copy in which only the major ticks satisfying `keep` stay labelled; the others become minor.
    func keepingLabels(where keep: (Double) -> Bool) -> Ticks {
        var major: [Double] = []
        var labels: [String] = []
        var minor = self.minor
        for (v, label) in zip(self.major, self.labels) {
            if keep(v) {
                major.append(v)
                labels.append(label)
            } else {
                minor.append(v)
            }
        }
        return Ticks(range: range, major: major, minor: minor.sorted(), labels: labels)
    }
}
