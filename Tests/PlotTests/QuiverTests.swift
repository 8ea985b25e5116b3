import Foundation
import Testing

@testable import Plot

private let everywhere = Rect(x: 0, y: 0, width: 1e6, height: 1e6)

@Suite("Quiver scale")
struct QuiverScaleTests {
    @Test func longestArrowIsNineTenthsOfTheGridStep() throws {
        let (x, y) = Fixtures.quiverGrid
        let series = Series.quiver(nil, x: x, y: y, u: y.map { -0.5 * $0 }, v: x.map { 0.5 * $0 })
        let s = try #require(series.arrowScale)
        let step = 4.0 / 14
        let longest = 0.5 * 8.0.squareRoot()  // at the corners
        #expect(abs(s - 0.9 * step / longest) < 1e-12)
        let lengths = Quiver.arrows(series).map { (($0.x1 - $0.x0) * ($0.x1 - $0.x0) + ($0.y1 - $0.y0) * ($0.y1 - $0.y0)).squareRoot() }
        #expect(abs(lengths.max()! - 0.9 * step) < 1e-12)
        #expect(lengths.count == 225)
    }

    @Test func scaleDoesNotDependOnTheVectorsMagnitude() throws {
        let (x, y) = Fixtures.quiverGrid
        let a = Series.quiver(nil, x: x, y: y, u: x, v: y)
        let b = Series.quiver(nil, x: x, y: y, u: x.map { 1e6 * $0 }, v: y.map { 1e6 * $0 })
        #expect(Quiver.arrows(a).map(\.x1).elementsEqual(Quiver.arrows(b).map(\.x1)) { abs($0 - $1) < 1e-9 })
    }

    @Test func rectangularGridsAndLines() throws {
        // 5 x 3 points over a 4 x 2 box: √(4·2)/(√15 − 1).
        let xs = (0..<5).map(Double.init)
        let ys = [0.0, 1, 2]
        let x = ys.flatMap { _ in xs }
        let y = ys.flatMap { v in xs.map { _ in v } }
        let grid = Series.quiver(nil, x: x, y: y, u: x.map { _ in 2 }, v: x.map { _ in 0 })
        #expect(abs(grid.arrowScale! - 0.9 * 8.0.squareRoot() / (15.0.squareRoot() - 1) / 2) < 1e-12)
        // Points on a horizontal line: the step along it.
        let line = Series.quiver(nil, x: xs, y: xs.map { _ in 3 }, u: [0, 1, 2, 4, 0], v: [0, 0, 0, 3, 0])
        #expect(abs(line.arrowScale! - 0.9 * 1 / 5) < 1e-12)
    }

    @Test func degenerateFieldsUseUnitScale() {
        #expect(Series.quiver(nil, x: [1], y: [2], u: [3], v: [4]).arrowScale == 1)
        #expect(Series.quiver(nil, x: [0, 1, 2], y: [0, 1, 0], u: [0, 0, 0], v: [0, 0, 0]).arrowScale == 1)
        #expect(Series.quiver(nil, x: [], y: [], u: [], v: []).arrowScale == 1)
        #expect(Series.quiver(nil, x: [0, 1], y: [0, 1], u: [.nan, .infinity], v: [1, 1]).arrowScale == 1)
    }

    @Test func fixedScaleAndOtherStyles() {
        let x = [0.0, 1, 2]
        #expect(Series.quiver(nil, x: x, y: x, u: x, v: x, scale: .fixed(2.5)).arrowScale == 2.5)
        let auto = Series.quiver(nil, x: x, y: x, u: x, v: x).arrowScale
        #expect(Series.quiver(nil, x: x, y: x, u: x, v: x, scale: .fixed(.nan)).arrowScale == auto)
        #expect(Series.line(nil, x: x, y: x).arrowScale == nil)
        #expect(Quiver.arrows(Series.line(nil, x: x, y: x)).isEmpty)
    }

    @Test func arrowsSkipNonFiniteDataAndStopAtTheShortestArray() {
        let s = Series.quiver(
            nil, x: [0, 1, .nan, 3, 4, 5], y: [0, 0, 0, 0, 0, 0], u: [1, .nan, 1, 1, 1], v: [0, 0, 0, 0, 0],
            scale: .fixed(0.5))
        #expect(Quiver.arrows(s) == [
            Quiver.Arrow(x0: 0, y0: 0, x1: 0.5, y1: 0), Quiver.Arrow(x0: 3, y0: 0, x1: 3.5, y1: 0),
            Quiver.Arrow(x0: 4, y0: 0, x1: 4.5, y1: 0),
        ])
    }

    @Test("A series made without arrows draws no arrows: a line series and the same with empty u, v render alike")
    func seriesWithoutArrowsDrawsNone() throws {
        let x = (0...20).map(Double.init)
        let plain = Series(label: "a", x: x, y: x.map { $0 * $0 }, style: .line(width: 2, dash: .solid))
        #expect(plain.u.isEmpty && plain.v.isEmpty)
        let withEmptyArrows = Series(label: "a", x: x, y: x.map { $0 * $0 }, u: [], v: [], style: .line(width: 2, dash: .solid))
        let image = { (series: Series) in try CairoRenderer.rgbaPixels(Figure(panels: [Panel(x: Axis("x"), y: Axis("y"), series: [series])])) }
        let drawn = try image(plain)
        #expect(drawn == (try image(withEmptyArrows)))
        // And the line is there: its colour covers pixels.
        #expect(countPixels(drawn, in: everywhere, density: 1, where: matches(Color.palette[0])).matching > 200)
    }
}

@Suite("Quiver range and rendering")
struct QuiverRenderingTests {
    @Test func headsCountInTheAutomaticRange() throws {
        // A single arrow drawn as given: the axes must reach its head at (3, -2).
        let figure = Figure(panels: [
            Panel(x: Axis("x"), y: Axis("y"), series: [
                .quiver("v", x: [0, 1], y: [0, 0], u: [3, 0], v: [-2, 0.5], scale: .fixed(1))
            ])
        ])
        let panel = try CairoRenderer.layout(figure).panels[0]
        #expect(panel.xTicks.range.lowerBound <= 0 && panel.xTicks.range.upperBound >= 3)
        #expect(panel.yTicks.range.lowerBound <= -2 && panel.yTicks.range.upperBound >= 0.5)
        let (xs, ys) = PanelLayout.drawableValues(figure.panels[0])
        #expect(xs == [0, 1, 3, 1] && ys == [0, 0, -2, 0.5])
    }

    @Test func autoScaledFieldFitsItsAxes() throws {
        let figure = Fixtures.quiver
        let layout = try CairoRenderer.layout(figure)
        for (panel, panelLayout) in zip(figure.panels, layout.panels) {
            let arrows = Quiver.arrows(panel.series[0])
            #expect(arrows.count == 225)
            for a in arrows {
                #expect(panelLayout.xTicks.range.contains(a.x0) && panelLayout.xTicks.range.contains(a.x1))
                #expect(panelLayout.yTicks.range.contains(a.y0) && panelLayout.yTicks.range.contains(a.y1))
            }
            // Heads reach beyond the tails' box, and the range stays close to the data.
            #expect(arrows.map(\.x1).min()! < -2)
            // (equal aspect widens x a little beyond y's nice range).
            #expect(panelLayout.yTicks.range.lowerBound >= -3 && panelLayout.yTicks.range.upperBound <= 3)
            #expect(panelLayout.xTicks.range.lowerBound >= -3.5 && panelLayout.xTicks.range.upperBound <= 3.5)
        }
    }

    @Test func arrowsHeadsAndZeroVectorsAreDrawn() throws {
        let red = Color(hex: 0xFF0000)
        // One long arrow along +x, and a zero vector drawn as a dot.
        let figure = Figure(panels: [
            Panel(x: Axis("x", range: 0...10), y: Axis("y", range: 0...10), series: [
                .quiver(nil, x: [1, 5], y: [5, 8], u: [8, 0], v: [0, 0], color: red, scale: .fixed(1), width: 2)
            ])
        ], pixelDensity: 2)
        let image = try CairoRenderer.rgbaPixels(figure)
        let panel = try CairoRenderer.layout(figure).panels[0]
        let (xMap, yMap) = (panel.xMap, panel.yMap)
        let isRed = matches(red, tolerance: 40)
        let tipX = xMap.position(9)!
        let y = yMap.position(5)!
        // The head is wider than the shaft: red well above the shaft line just behind the tip.
        let head = Quiver.head(width: 2, length: .infinity)
        #expect(head.length == 9 && head.width > 7)
        let besideHead = Rect(x: tipX - 8, y: y - 2.2, width: 2, height: 0.7)
        #expect(countPixels(image, in: besideHead, density: 2, where: isRed).matching > 0)
        let besideShaft = Rect(x: xMap.position(4)!, y: y - 2.2, width: 2, height: 0.7)
        #expect(countPixels(image, in: besideShaft, density: 2, where: isRed).matching == 0)
        // Nothing beyond the tip, something at the dot.
        let pastTip = Rect(x: tipX + 1, y: y - 3, width: 4, height: 6)
        #expect(countPixels(image, in: pastTip, density: 2, where: isRed).matching == 0)
        let dot = Rect(x: xMap.position(5)! - 1, y: yMap.position(8)! - 1, width: 2, height: 2)
        #expect(countPixels(image, in: dot, density: 2, where: isRed).matching > 4)
    }

    @Test func arrowsAreClippedToThePlot() throws {
        let red = Color(hex: 0xFF0000)
        let figure = Figure(panels: [
            Panel(x: Axis("x", range: 0...1), y: Axis("y", range: 0...1), series: [
                .quiver(nil, x: [0.5, 0.9, 0.5, 0.5], y: [0.5, 0.5, 0.9, 1e300], u: [1e6, 5, 0, 1], v: [0, 0, -3, 1],
                        color: red, scale: .fixed(1), width: 3)
            ], legend: .none)
        ])
        let image = try CairoRenderer.rgbaPixels(figure)
        let plot = try CairoRenderer.layout(figure).panels[0].plot
        let isRed = matches(red, tolerance: 60)
        let inside = countPixels(image, in: plot, density: 2, where: isRed).matching
        let all = countPixels(image, in: everywhere, density: 1, where: isRed).matching
        #expect(inside > 100)
        #expect(all == inside, "\(all - inside) red pixels outside the plot")
    }

    @Test func legendShowsAnArrow() throws {
        let green = Color(hex: 0x00AA00)
        let x = [0.0, 1, 2]
        let figure = Figure(panels: [
            Panel(x: Axis("x"), y: Axis("y"), series: [
                .quiver("field", x: x, y: x, u: [0, 0, 0], v: [0, 0, 0], color: green)
            ], legend: .upperLeft)
        ])
        #expect(try CairoRenderer.legendCorner(figure, panel: 0) == .upperLeft)
        let image = try CairoRenderer.rgbaPixels(figure)
        let plot = try CairoRenderer.layout(figure).panels[0].plot
        // The swatch sits in the legend's first row: a shaft and a head, more ink than three dots.
        let swatch = Rect(x: plot.minX + 7, y: plot.minY + 7, width: 40, height: 24)
        #expect(countPixels(image, in: swatch, density: 2, where: matches(green, tolerance: 40)).matching > 60)
    }

    @Test func bestLegendAvoidsArrows() throws {
        // Arrows fill the left half; the legend goes right.
        let x = (0..<10).flatMap { i in (0..<10).map { _ in Double(i) / 20 } }
        let y = (0..<10).flatMap { _ in (0..<10).map { Double($0) / 9 } }
        let figure = Figure(panels: [
            Panel(x: Axis("x", range: 0...1), y: Axis("y", range: 0...1), series: [
                .quiver("field", x: x, y: y, u: x.map { _ in 1 }, v: x.map { _ in 0 })
            ])
        ])
        let corner = try CairoRenderer.legendCorner(figure, panel: 0)
        #expect(corner == .upperRight || corner == .lowerRight, "\(String(describing: corner))")
    }

    @Test func logAxesAndNonFiniteVectorsDoNotCrash() throws {
        let figure = Figure(panels: [
            Panel(x: Axis("x", scale: .log), y: Axis("y", scale: .log), series: [
                .quiver("v", x: [1, 10, 100, .nan], y: [1, 10, 100, 1], u: [-5, 1, .infinity, 1], v: [1, 1, 1, 1])
            ]),
            Panel(x: Axis("x"), y: Axis("y"), series: [
                .quiver("v", x: [0, 1], y: [0, 1], u: [1e308, -1e308], v: [1e308, 1e308], width: .nan)
            ]),
        ])
        #expect(try CairoRenderer.pngData(figure).count > 1000)
    }
}
