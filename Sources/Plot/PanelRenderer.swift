import CCairo

/// Draws one panel (grid, series, frame, ticks, titles, legend) onto a canvas.
struct PanelRenderer {
    let panel: Panel
    let layout: PanelLayout
    let canvas: Canvas

    /// The colour of each series: its own, or the next palette colour within the panel.
    static func colors(_ panel: Panel) -> [Color] {
        var next = 0
        return panel.series.map { s in
            if let c = s.color { return c }
            defer { next += 1 }
            return Color.palette[next % Color.palette.count]
        }
    }

    func draw() {
        let cr = canvas.cr
        let plot = layout.plot
        let xMap = layout.xMap
        let yMap = layout.yMap

        // Grid lines at the labelled ticks, behind the data.
        cairo_set_dash(cr, nil, 0, 0)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
        for v in layout.xTicks.major {
            guard let px = xMap.position(v), px > plot.minX + 0.5, px < plot.maxX - 0.5 else { continue }
            cairo_move_to(cr, px, plot.minY)
            cairo_line_to(cr, px, plot.maxY)
        }
        for v in layout.yTicks.major {
            guard let py = yMap.position(v), py > plot.minY + 0.5, py < plot.maxY - 0.5 else { continue }
            cairo_move_to(cr, plot.minX, py)
            cairo_line_to(cr, plot.maxX, py)
        }
        cairo_set_line_width(cr, Theme.gridWidth)
        canvas.setColor(Theme.grid)
        cairo_stroke(cr)

        // Series: lines are clipped to the plotting area; markers of points inside it are drawn
        // whole, even where they overlap the frame.
        let colors = PanelRenderer.colors(panel)
        for (series, color) in zip(panel.series, colors) {
            drawSeries(series, color: color, xMap: xMap, yMap: yMap)
        }

        drawFrameAndTicks(xMap: xMap, yMap: yMap)
        drawTitles()
        if panel.legend != .none {
            Legend(panel: panel, colors: colors, layout: layout, canvas: canvas).draw()
        }
    }

    private func drawSeries(_ series: Series, color: Color, xMap: AxisMap, yMap: AxisMap) {
        if case let .arrows(width, _) = series.style {
            drawArrows(series, width: width, color: color, xMap: xMap, yMap: yMap)
            return
        }
        if case let .cells(width, height) = series.style {
            drawCells(series, width: width, height: height, color: color, xMap: xMap, yMap: yMap)
            return
        }
        if case let .band(opacity) = series.style {
            drawBand(series, opacity: opacity, color: color, xMap: xMap, yMap: yMap)
            return
        }
        let n = Swift.min(series.x.count, series.y.count)
        guard n > 0 else { return }
        var points = [(Double, Double)?](repeating: nil, count: n)
        for i in 0..<n {
            if let px = xMap.position(series.x[i]), let py = yMap.position(series.y[i]) { points[i] = (px, py) }
        }
        switch series.style {
        case let .line(width, dash):
            strokeLine(points, width: width, dash: dash, color: color)
        case let .markers(marker, size):
            drawMarkers(points, marker: marker, size: size, color: color)
        case let .lineAndMarkers(width, dash, marker, size):
            strokeLine(points, width: width, dash: dash, color: color)
            drawMarkers(points, marker: marker, size: size, color: color)
        case .arrows, .cells, .band:
            break
        }
    }

    /// Fills the region between a band's lower (`y`) and upper (`v`) curves, clipped to the
    /// plotting area: one polygon per run of points where x and both bounds can be drawn.
    private func drawBand(_ series: Series, opacity: Double, color: Color, xMap: AxisMap, yMap: AxisMap) {
        let cr = canvas.cr
        let n = Swift.min(series.x.count, series.y.count, series.v.count)
        guard n > 0 else { return }
        var runs = [[(x: Double, low: Double, high: Double)]]()
        var current = [(x: Double, low: Double, high: Double)]()
        for i in 0..<n {
            if let px = xMap.position(series.x[i]), let low = yMap.position(series.y[i]), let high = yMap.position(series.v[i]) {
                current.append((px, low, high))
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        let alpha = opacity.isFinite ? Swift.min(Swift.max(opacity, 0), 1) : 0
        clipped(margin: 0) {
            for run in runs {
                // Far-away points are clamped so that Cairo's fixed-point coordinates cannot overflow.
                func clamp(_ v: Double) -> Double { Swift.min(Swift.max(v, -1e6), 1e6) }
                cairo_move_to(cr, clamp(run[0].x), clamp(run[0].low))
                for point in run.dropFirst() { cairo_line_to(cr, clamp(point.x), clamp(point.low)) }
                for point in run.reversed() { cairo_line_to(cr, clamp(point.x), clamp(point.high)) }
                cairo_close_path(cr)
            }
            canvas.setColor(Color(red: color.red, green: color.green, blue: color.blue, alpha: color.alpha * alpha))
            cairo_fill(cr)
        }
    }

    /// Draws the cells of a heat-map series, clipped to the plotting area: each rectangle filled
    /// with the colour at its intensity over white, a thin white border between cells, and its
    /// text centred (white where the fill is dark).
    private func drawCells(_ series: Series, width: Double, height: Double, color: Color, xMap: AxisMap, yMap: AxisMap) {
        let cr = canvas.cr
        let n = Swift.min(series.x.count, series.y.count)
        clipped(margin: 0) {
            for i in 0..<n {
                guard let xa = xMap.position(series.x[i] - width / 2), let xb = xMap.position(series.x[i] + width / 2),
                      let ya = yMap.position(series.y[i] - height / 2), let yb = yMap.position(series.y[i] + height / 2)
                else { continue }
                let raw = i < series.u.count ? series.u[i] : 0
                let alpha = raw.isFinite ? Swift.min(Swift.max(raw, 0), 1) : 0
                cairo_rectangle(cr, Swift.min(xa, xb), Swift.min(ya, yb), abs(xb - xa), abs(yb - ya))
                canvas.setColor(Color(red: 1 - alpha * (1 - color.red), green: 1 - alpha * (1 - color.green),
                                      blue: 1 - alpha * (1 - color.blue)))
                cairo_fill_preserve(cr)
                cairo_set_line_width(cr, 1)
                canvas.setColor(Theme.background)
                cairo_stroke(cr)
                if i < series.texts.count, !series.texts[i].isEmpty {
                    let font = Theme.tickLabelFont
                    canvas.text(series.texts[i], font, color: alpha > 0.55 ? Theme.background : Theme.text,
                                x: (xa + xb) / 2, baseline: (ya + yb) / 2 + canvas.digitHeight(font) / 2, align: .center)
                }
            }
        }
    }

    /// Draws the arrows of a vector-field series, clipped to the plotting area: stroked shafts,
    /// then filled heads, and dots for arrows shorter than their width. Shafts are trimmed to
    /// (a little beyond) the area and heads far outside it are left out, so that far-away arrows
    /// cannot overflow Cairo's coordinates.
    private func drawArrows(_ series: Series, width: Double, color: Color, xMap: AxisMap, yMap: AxisMap) {
        let cr = canvas.cr
        let w = Quiver.shaftWidth(width)
        let fullHead = Quiver.head(width: w, length: .infinity)
        let bounds = layout.plot.insetBy(-(fullHead.length + 2 * w + 2))
        var heads: [(x: Double, y: Double, dx: Double, dy: Double, length: Double, width: Double)] = []
        var dots: [(Double, Double)] = []
        clipped(margin: 0) {
            for a in Quiver.arrows(series) {
                guard let x0 = xMap.position(a.x0), let y0 = yMap.position(a.y0),
                    let x1 = xMap.position(a.x1), let y1 = yMap.position(a.y1)
                else { continue }
                let length = ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot()
                guard length.isFinite else { continue }
                if length < Quiver.dotThreshold(width: w) {
                    if bounds.contains(x0, y0) { dots.append((x0, y0)) }
                    continue
                }
                let dx = (x1 - x0) / length
                let dy = (y1 - y0) / length
                let head = Quiver.head(width: w, length: length)
                // The shaft ends inside the head, so its square end never shows beside the tip.
                let back = head.length * 0.7
                if let (a0, b0, a1, b1) = bounds.clip(x0, y0, x1 - dx * back, y1 - dy * back) {
                    cairo_move_to(cr, a0, b0)
                    cairo_line_to(cr, a1, b1)
                }
                if bounds.contains(x1, y1) {
                    heads.append((x1, y1, dx, dy, head.length, head.width))
                }
            }
            cairo_set_dash(cr, nil, 0, 0)
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
            cairo_set_line_width(cr, w)
            canvas.setColor(color)
            cairo_stroke(cr)
            for h in heads {
                canvas.addArrowHead(x: h.x, y: h.y, dx: h.dx, dy: h.dy, length: h.length, width: h.width)
            }
            for (x, y) in dots {
                canvas.addMarker(.circle, x: x, y: y, size: 1.6 * w)
            }
            cairo_fill(cr)
        }
    }

    /// Restricts drawing to the plotting area grown by `margin` while `body` runs.
    private func clipped(margin: Double, _ body: () -> Void) {
        let cr = canvas.cr
        let r = layout.plot.insetBy(-margin)
        cairo_save(cr)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_clip(cr)
        body()
        cairo_restore(cr)
    }

    /// Strokes the polyline, breaking at undrawable points and trimming segments to (a little
    /// beyond) the plotting area so that far-away points cannot overflow Cairo's coordinates.
    private func strokeLine(_ points: [(Double, Double)?], width: Double, dash: Dash, color: Color) {
        clipped(margin: 0) { strokeLineUnclipped(points, width: width, dash: dash, color: color) }
    }

    private func strokeLineUnclipped(_ points: [(Double, Double)?], width: Double, dash: Dash, color: Color) {
        let cr = canvas.cr
        let w = width.isFinite && width > 0 ? width : 1
        let bounds = layout.plot.insetBy(-(w * 4 + 2))
        var pen: (Double, Double)?
        var previous: (Double, Double)?
        for p in points {
            guard let p else {
                previous = nil
                pen = nil
                continue
            }
            defer { previous = p }
            guard let a = previous else { continue }
            guard let (x0, y0, x1, y1) = bounds.clip(a.0, a.1, p.0, p.1) else {
                pen = nil
                continue
            }
            if let pen, pen == (x0, y0) {
                cairo_line_to(cr, x1, y1)
            } else {
                cairo_move_to(cr, x0, y0)
                cairo_line_to(cr, x1, y1)
            }
            // A clipped end means the line leaves the area: the next segment starts afresh.
            pen = (x1 == p.0 && y1 == p.1) ? (x1, y1) : nil
        }
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        canvas.stroke(width: w, dash: dash, color: color)
    }

    private func drawMarkers(_ points: [(Double, Double)?], marker: Marker, size: Double, color: Color) {
        let s = size.isFinite && size > 0 ? Swift.min(size, 100) : 6
        let bounds = layout.plot.insetBy(-0.01)
        clipped(margin: s) {
            for case let (x, y)? in points where bounds.contains(x, y) {
                canvas.addMarker(marker, x: x, y: y, size: s)
            }
            canvas.finishMarkers(marker, size: s, color: color)
        }
    }

    private func drawFrameAndTicks(xMap: AxisMap, yMap: AxisMap) {
        let cr = canvas.cr
        let plot = layout.plot
        cairo_set_dash(cr, nil, 0, 0)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER)
        cairo_rectangle(cr, plot.x, plot.y, plot.width, plot.height)
        cairo_set_line_width(cr, Theme.frameWidth)
        canvas.setColor(Theme.frame)
        cairo_stroke(cr)

        // Outward tick marks.
        for (values, length) in [(layout.xTicks.major, Theme.tickLength), (layout.xTicks.minor, Theme.minorTickLength)] {
            for v in values {
                guard let px = xMap.position(v), px >= plot.minX - 0.01, px <= plot.maxX + 0.01 else { continue }
                cairo_move_to(cr, px, plot.maxY)
                cairo_line_to(cr, px, plot.maxY + length)
            }
        }
        for (values, length) in [(layout.yTicks.major, Theme.tickLength), (layout.yTicks.minor, Theme.minorTickLength)] {
            for v in values {
                guard let py = yMap.position(v), py >= plot.minY - 0.01, py <= plot.maxY + 0.01 else { continue }
                cairo_move_to(cr, plot.minX, py)
                cairo_line_to(cr, plot.minX - length, py)
            }
        }
        cairo_set_line_width(cr, Theme.tickWidth)
        canvas.setColor(Theme.tick)
        cairo_stroke(cr)

        let font = Theme.tickLabelFont
        for (v, label) in zip(layout.xTicks.major, layout.xTicks.labels) {
            guard let px = xMap.position(v) else { continue }
            canvas.text(label, font, color: Theme.tickLabel, x: px, baseline: layout.xTickLabelBaseline, align: .center)
        }
        let digitHeight = canvas.digitHeight(font)
        for (v, label) in zip(layout.yTicks.major, layout.yTicks.labels) {
            guard let py = yMap.position(v) else { continue }
            canvas.text(
                label, font, color: Theme.tickLabel, x: layout.yTickLabelRight, baseline: py + digitHeight / 2,
                align: .right)
        }
    }

    private func drawTitles() {
        let plot = layout.plot
        if let title = panel.title, !title.isEmpty {
            canvas.text(
                title, Theme.panelTitleFont, color: Theme.text, x: plot.midX, baseline: layout.titleBaseline,
                align: .center)
        }
        if !panel.x.title.isEmpty {
            canvas.text(
                panel.x.title, Theme.axisTitleFont, color: Theme.text, x: plot.midX, baseline: layout.xTitleBaseline,
                align: .center)
        }
        if !panel.y.title.isEmpty {
            canvas.verticalText(
                panel.y.title, Theme.axisTitleFont, color: Theme.text, baselineX: layout.yTitleBaselineX,
                centerY: plot.midY)
        }
    }
}
