import CCairo

/// Horizontal alignment of a text relative to its anchor.
enum TextAlignment {
    case left, center, right
}

/// Thin drawing helpers over a Cairo context (user space in points).
struct Canvas {
    let cr: OpaquePointer

    func setColor(_ c: Color) {
        cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha)
    }

    func setFont(_ font: Font) {
        cairo_select_font_face(
            cr, Theme.fontFamily, CAIRO_FONT_SLANT_NORMAL,
            font.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, font.size)
    }

    /// Ink and advance extents of `text` in `font`.
    func extents(_ text: String, _ font: Font) -> cairo_text_extents_t {
        setFont(font)
        var e = cairo_text_extents_t()
        cairo_text_extents(cr, text, &e)
        return e
    }

    /// The advance width of `text`.
    func width(_ text: String, _ font: Font) -> Double {
        extents(text, font).x_advance
    }

    /// Ascent and descent of `font` (the same for every text, so baselines line up).
    func metrics(_ font: Font) -> (ascent: Double, descent: Double) {
        setFont(font)
        var e = cairo_font_extents_t()
        cairo_font_extents(cr, &e)
        return (e.ascent, e.descent)
    }

    /// Height of the digits in `font`, for centring numbers on a tick.
    func digitHeight(_ font: Font) -> Double {
        let e = extents("0123456789", font)
        return -e.y_bearing
    }

    /// The ink rectangle `text(...)` would cover, without drawing.
    func inkRect(_ text: String, _ font: Font, x: Double, baseline: Double, align: TextAlignment = .left) -> Rect {
        let e = extents(text, font)
        let left = alignedLeft(x, advance: e.x_advance, align)
        return Rect(x: left + e.x_bearing, y: baseline + e.y_bearing, width: e.width, height: e.height)
    }

    private func alignedLeft(_ x: Double, advance: Double, _ align: TextAlignment) -> Double {
        switch align {
        case .left: return x
        case .center: return x - advance / 2
        case .right: return x - advance
        }
    }

    /// Draws `text` with its baseline at `baseline`, anchored at `x` according to `align`.
    func text(
        _ text: String, _ font: Font, color: Color, x: Double, baseline: Double, align: TextAlignment = .left
    ) {
        let e = extents(text, font)
        setColor(color)
        cairo_move_to(cr, alignedLeft(x, advance: e.x_advance, align), baseline)
        cairo_show_text(cr, text)
        cairo_new_path(cr)
    }

    /// The ink rectangle of `verticalText(...)`, without drawing.
    func verticalInkRect(_ text: String, _ font: Font, baselineX: Double, centerY: Double) -> Rect {
        let e = extents(text, font)
        // Rotating (u, v) by -90° maps it to (v, -u).
        let u0 = -e.x_advance / 2 + e.x_bearing
        return Rect(x: baselineX + e.y_bearing, y: centerY - (u0 + e.width), width: e.height, height: e.width)
    }

    /// Draws `text` rotated 90° anticlockwise (reading upwards), centred on `centerY`, with its
    /// baseline on the vertical line `baselineX`.
    func verticalText(_ text: String, _ font: Font, color: Color, baselineX: Double, centerY: Double) {
        let e = extents(text, font)
        cairo_save(cr)
        cairo_translate(cr, baselineX, centerY)
        cairo_rotate(cr, -Double.pi / 2)
        setColor(color)
        cairo_move_to(cr, -e.x_advance / 2, 0)
        cairo_show_text(cr, text)
        cairo_new_path(cr)
        cairo_restore(cr)
    }

    /// Strokes a straight line.
    func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, width: Double, color: Color) {
        cairo_move_to(cr, x0, y0)
        cairo_line_to(cr, x1, y1)
        cairo_set_line_width(cr, width)
        setColor(color)
        cairo_stroke(cr)
    }

    /// Strokes the current path `width` wide in `color` with the `dash` pattern, then goes back to
    /// solid lines with butt caps for whatever is drawn next.
    func stroke(width: Double, dash: Dash, color: Color) {
        cairo_set_line_width(cr, width)
        setDash(dash, width: width)
        setColor(color)
        cairo_stroke(cr)
        setDash(.solid, width: width)
    }

    /// Sets the dash pattern for a line of the given width.
    func setDash(_ dash: Dash, width: Double) {
        switch dash {
        case .solid:
            cairo_set_dash(cr, nil, 0, 0)
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
        case .dashed:
            let pattern = [3.7 * width, 1.8 * width]
            cairo_set_dash(cr, pattern, 2, 0)
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
        case .dotted:
            // Zero-length dashes with round caps draw round dots.
            let pattern = [0, 2.2 * width]
            cairo_set_dash(cr, pattern, 2, 0)
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        }
    }

    /// Adds a marker outline of `size` (diameter, points) centred at (x, y) to the path.
    func addMarker(_ marker: Marker, x: Double, y: Double, size: Double) {
        let r = size / 2
        switch marker {
        case .circle:
            cairo_new_sub_path(cr)
            cairo_arc(cr, x, y, r, 0, 2 * Double.pi)
            cairo_close_path(cr)
        case .square:
            let s = r * 0.9
            cairo_rectangle(cr, x - s, y - s, 2 * s, 2 * s)
        case .triangle:
            let s = r * 1.15
            cairo_move_to(cr, x, y - s)
            cairo_line_to(cr, x + s * 0.866, y + s * 0.5)
            cairo_line_to(cr, x - s * 0.866, y + s * 0.5)
            cairo_close_path(cr)
        case .cross:
            let s = r * 0.8
            cairo_move_to(cr, x - s, y - s)
            cairo_line_to(cr, x + s, y + s)
            cairo_move_to(cr, x - s, y + s)
            cairo_line_to(cr, x + s, y - s)
        }
    }

    /// Adds a triangular arrowhead with its tip at (x, y), pointing along the unit vector
    /// (dx, dy), `length` long and `width` wide at its base, to the path.
    func addArrowHead(x: Double, y: Double, dx: Double, dy: Double, length: Double, width: Double) {
        let bx = x - dx * length
        let by = y - dy * length
        let h = width / 2
        cairo_move_to(cr, x, y)
        cairo_line_to(cr, bx - dy * h, by + dx * h)
        cairo_line_to(cr, bx + dy * h, by - dx * h)
        cairo_close_path(cr)
    }

    /// Fills (or, for crosses, strokes) the current path of markers.
    func finishMarkers(_ marker: Marker, size: Double, color: Color) {
        setColor(color)
        if marker == .cross {
            cairo_set_dash(cr, nil, 0, 0)
            cairo_set_line_width(cr, Swift.max(1, size / 5))
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
            cairo_stroke(cr)
        } else {
            cairo_fill(cr)
        }
    }

    /// Adds a rounded rectangle to the path.
    func addRoundedRect(_ r: Rect, radius: Double) {
        let k = Swift.min(radius, r.width / 2, r.height / 2)
        cairo_new_sub_path(cr)
        cairo_arc(cr, r.maxX - k, r.minY + k, k, -Double.pi / 2, 0)
        cairo_arc(cr, r.maxX - k, r.maxY - k, k, 0, Double.pi / 2)
        cairo_arc(cr, r.minX + k, r.maxY - k, k, Double.pi / 2, Double.pi)
        cairo_arc(cr, r.minX + k, r.minY + k, k, Double.pi, 3 * Double.pi / 2)
        cairo_close_path(cr)
    }
}
