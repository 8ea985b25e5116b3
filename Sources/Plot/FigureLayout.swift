/// Where the figure title and each panel go, in points.
struct FigureLayout {
    var size: (width: Double, height: Double)
    var titleBaseline: Double = 0
    /// Ink rectangle of the figure title, nil when there is none.
    var titleRect: Rect?
    var panels: [PanelLayout]

    init(figure: Figure, canvas: Canvas) {
        size = (figure.width, figure.height)
        let pad = Theme.outerPadding
        var top = pad
        if let title = figure.title, !title.isEmpty {
            let m = canvas.metrics(Theme.figureTitleFont)
            titleBaseline = pad + m.ascent
            titleRect = canvas.inkRect(
                title, Theme.figureTitleFont, x: figure.width / 2, baseline: titleBaseline, align: .center)
            top = pad + m.ascent + m.descent + 2
        }
        let n = figure.panels.count
        let columns = Swift.max(1, Swift.min(figure.columns, Swift.max(n, 1)))
        let rows = Swift.max(1, (n + columns - 1) / columns)
        let cellWidth = Swift.max(figure.width - 2 * pad, 1) / Double(columns)
        let cellHeight = Swift.max(figure.height - top - pad, 1) / Double(rows)
        panels = figure.panels.enumerated().map { i, panel in
            let cell = Rect(
                x: pad + Double(i % columns) * cellWidth, y: top + Double(i / columns) * cellHeight,
                width: cellWidth, height: cellHeight)
            return PanelLayout(panel: panel, cell: cell, canvas: canvas)
        }
    }
}
