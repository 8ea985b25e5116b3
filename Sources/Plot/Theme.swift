/// A font of the figure: DejaVu Sans at a size in points, regular or bold.
struct Font: Equatable, Sendable {
    var size: Double
    var bold: Bool = false
}

/// The look of every figure: fonts, colours and distances in points.
enum Theme {
    static let fontFamily = "DejaVu Sans"

    static let figureTitleFont = Font(size: 14, bold: true)
    static let panelTitleFont = Font(size: 12.5)
    static let axisTitleFont = Font(size: 12)
    static let tickLabelFont = Font(size: 11)
    static let legendFont = Font(size: 10.5)

    static let background = Color(hex: 0xFFFFFF)
    static let text = Color(hex: 0x222222)
    static let tickLabel = Color(hex: 0x444444)
    static let frame = Color(hex: 0x666666)
    static let tick = Color(hex: 0x666666)
    static let grid = Color(hex: 0xE4E4E4)
    static let legendFill = Color(red: 1, green: 1, blue: 1, alpha: 0.9)
    static let legendBorder = Color(hex: 0xD0D0D0)

    static let frameWidth = 0.9
    static let gridWidth = 0.8
    static let tickWidth = 0.9
    static let tickLength = 4.0
    static let minorTickLength = 2.2
    /// Gap between a tick's end and its label.
    static let tickLabelGap = 3.0
    /// Gap between tick labels and the axis title.
    static let axisTitleGap = 5.0
    /// Space around the whole figure.
    static let outerPadding = 6.0
    /// Space kept around each panel inside its grid cell.
    static let cellPadding = 6.0
    /// Gap between a panel's title and its plotting area.
    static let panelTitleGap = 7.0
    /// Minimum horizontal gap between neighbouring tick labels.
    static let minLabelGap = 8.0

    static let legendPadding = 6.0
    static let legendInset = 7.0
    static let legendSwatchLength = 24.0
    static let legendRowGap = 3.0
}
