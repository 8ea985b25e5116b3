import CCairo

/// A panel's legend: a box of swatches and labels in one inside corner of the plotting area.
struct Legend {
    let panel: Panel
    let colors: [Color]
    let layout: PanelLayout
    let canvas: Canvas

    private struct Entry {
        var label: String
        var style: SeriesStyle
        var color: Color
    }

    private var entries: [Entry] {
        zip(panel.series, colors).compactMap { s, c in
            guard let label = s.label, !label.isEmpty else { return nil }
            return Entry(label: label, style: s.style, color: c)
        }
    }

    /// The size of the legend box, in points.
    private func boxSize(_ entries: [Entry]) -> (width: Double, height: Double, rowHeight: Double) {
        let m = canvas.metrics(Theme.legendFont)
        let rowHeight = m.ascent + m.descent + Theme.legendRowGap
        let labelWidth = entries.map { canvas.width($0.label, Theme.legendFont) }.max() ?? 0
        let width = 2 * Theme.legendPadding + Theme.legendSwatchLength + Theme.legendPadding + labelWidth
        let height = 2 * Theme.legendPadding - Theme.legendRowGap + Double(entries.count) * rowHeight
        return (width, height, rowHeight)
    }

    /// The rectangle of the legend box for a corner.
    private func box(_ corner: LegendPlacement, width: Double, height: Double) -> Rect {
        let p = layout.plot
        let inset = Theme.legendInset
        let left = p.minX + inset
        let right = p.maxX - inset - width
        let top = p.minY + inset
        let bottom = p.maxY - inset - height
        switch corner {
        case .upperLeft: return Rect(x: left, y: top, width: width, height: height)
        case .lowerLeft: return Rect(x: left, y: bottom, width: width, height: height)
        case .lowerRight: return Rect(x: right, y: bottom, width: width, height: height)
        default: return Rect(x: right, y: top, width: width, height: height)
        }
    }

    /// For `.best`: the corner whose box covers the fewest data points and line segments.
    func bestCorner(width: Double, height: Double) -> LegendPlacement {
        let corners: [LegendPlacement] = [.upperRight, .upperLeft, .lowerLeft, .lowerRight]
        let boxes = corners.map { box($0, width: width, height: height).insetBy(-2) }
        var counts = [Int](repeating: 0, count: corners.count)
        let xMap = layout.xMap
        let yMap = layout.yMap
        for s in panel.series {
            if case .arrows = s.style {
                // Each arrow counts where its tail or shaft is under the box.
                for a in Quiver.arrows(s) {
                    guard let x0 = xMap.position(a.x0), let y0 = yMap.position(a.y0),
                        let x1 = xMap.position(a.x1), let y1 = yMap.position(a.y1)
                    else { continue }
                    for (k, b) in boxes.enumerated() where b.contains(x0, y0) || b.clip(x0, y0, x1, y1) != nil {
                        counts[k] += 1
                    }
                }
                continue
            }
            let n = Swift.min(s.x.count, s.y.count)
            let isLine: Bool
            switch s.style {
            case .markers, .cells, .band: isLine = false
            default: isLine = true
            }
            var previous: (Double, Double)?
            for i in 0..<n {
                guard let px = xMap.position(s.x[i]), let py = yMap.position(s.y[i]) else {
                    previous = nil
                    continue
                }
                for (k, b) in boxes.enumerated() {
                    if b.contains(px, py) {
                        counts[k] += 1
                    } else if isLine, let a = previous, b.clip(a.0, a.1, px, py) != nil {
                        counts[k] += 1
                    }
                }
                previous = (px, py)
            }
        }
        var best = 0
        for k in 1..<corners.count where counts[k] < counts[best] { best = k }
        return corners[best]
    }

    /// The corner the legend is drawn in, or nil when there is no legend.
    var placement: LegendPlacement? {
        let entries = self.entries
        guard !entries.isEmpty, panel.legend != .none else { return nil }
        let size = boxSize(entries)
        return panel.legend == .best ? bestCorner(width: size.width, height: size.height) : panel.legend
    }

    func draw() {
        let entries = self.entries
        guard !entries.isEmpty, let corner = placement else { return }
        let cr = canvas.cr
        let size = boxSize(entries)
        let frame = box(corner, width: size.width, height: size.height)

        canvas.addRoundedRect(frame, radius: 3)
        canvas.setColor(Theme.legendFill)
        cairo_fill_preserve(cr)
        cairo_set_dash(cr, nil, 0, 0)
        cairo_set_line_width(cr, 0.8)
        canvas.setColor(Theme.legendBorder)
        cairo_stroke(cr)

        let digitHeight = canvas.digitHeight(Theme.legendFont)
        for (i, entry) in entries.enumerated() {
            let rowTop = frame.minY + Theme.legendPadding + Double(i) * size.rowHeight
            let midY = rowTop + (size.rowHeight - Theme.legendRowGap) / 2
            let x0 = frame.minX + Theme.legendPadding
            let x1 = x0 + Theme.legendSwatchLength
            switch entry.style {
            case let .line(width, dash):
                swatchLine(x0, x1, midY, width: width, dash: dash, color: entry.color)
            case let .markers(marker, size):
                swatchMarker(marker, x: (x0 + x1) / 2, y: midY, size: size, color: entry.color)
            case let .lineAndMarkers(width, dash, marker, size):
                swatchLine(x0, x1, midY, width: width, dash: dash, color: entry.color)
                swatchMarker(marker, x: (x0 + x1) / 2, y: midY, size: size, color: entry.color)
            case let .arrows(width, _):
                swatchArrow(x0, x1, midY, width: width, color: entry.color)
            case .cells:
                swatchMarker(.square, x: (x0 + x1) / 2, y: midY, size: 9, color: entry.color)
            case let .band(opacity):
                let alpha = opacity.isFinite ? Swift.min(Swift.max(opacity, 0), 1) : 0
                cairo_rectangle(canvas.cr, x0, midY - 4.5, x1 - x0, 9)
                canvas.setColor(Color(red: entry.color.red, green: entry.color.green, blue: entry.color.blue, alpha: entry.color.alpha * alpha))
                cairo_fill(canvas.cr)
            }
            canvas.text(
                entry.label, Theme.legendFont, color: Theme.text, x: x1 + Theme.legendPadding,
                baseline: midY + digitHeight / 2)
        }
    }

    private func swatchLine(_ x0: Double, _ x1: Double, _ y: Double, width: Double, dash: Dash, color: Color) {
        let cr = canvas.cr
        let w = width.isFinite && width > 0 ? Swift.min(width, 6) : 1
        cairo_move_to(cr, x0, y)
        cairo_line_to(cr, x1, y)
        canvas.stroke(width: w, dash: dash, color: color)
    }

    /// A short arrow pointing right, with the head the series' arrows have.
    private func swatchArrow(_ x0: Double, _ x1: Double, _ y: Double, width: Double, color: Color) {
        let cr = canvas.cr
        let w = Swift.min(Quiver.shaftWidth(width), 3)
        let head = Quiver.head(width: w, length: x1 - x0)
        cairo_move_to(cr, x0, y)
        cairo_line_to(cr, x1 - head.length * 0.7, y)
        canvas.stroke(width: w, dash: .solid, color: color)
        canvas.addArrowHead(x: x1, y: y, dx: 1, dy: 0, length: head.length, width: head.width)
        cairo_fill(cr)
    }

    private func swatchMarker(_ marker: Marker, x: Double, y: Double, size: Double, color: Color) {
        let s = size.isFinite && size > 0 ? Swift.min(size, 12) : 6
        canvas.addMarker(marker, x: x, y: y, size: s)
        canvas.finishMarkers(marker, size: s, color: color)
    }
}
