import Foundation
import Testing

@testable import Plot

@Suite("Heat-map cells")
struct CellsTests {
    /// Two cells side by side: a full-intensity red one at x = 0 and an empty one at x = 1.
    static func figure() -> Figure {
        let panel = Panel(x: Axis("column", range: -0.5...1.5), y: Axis("row", range: -0.5...0.5),
                          series: [.cells(nil, x: [0, 1], y: [0, 0], intensity: [1, 0], texts: ["", ""],
                                          color: Color(red: 1, green: 0, blue: 0))],
                          legend: .none)
        return Figure(panels: [panel], width: 400, height: 240)
    }

    @Test("a cell is filled with the colour at its intensity over white, centred on its point and one unit wide")
    func fill() throws {
        let figure = Self.figure()
        let image = try CairoRenderer.rgbaPixels(figure)
        let plot = try CairoRenderer.layout(figure).panels[0].plot
        let density = figure.pixelDensity
        let y = Int((plot.midY * density).rounded())
        // A quarter of the way across the plot is the middle of the first cell, three quarters the second's.
        let full = image.pixel(x: Int(((plot.minX + plot.width / 4) * density).rounded()), y: y)
        let empty = image.pixel(x: Int(((plot.minX + 3 * plot.width / 4) * density).rounded()), y: y)
        #expect(full.red > 240 && full.green < 20 && full.blue < 20, "\(full)")
        #expect(empty.red > 240 && empty.green > 240 && empty.blue > 240, "\(empty)")
    }

    @Test("the counts are written in the cells, and the series draws as SVG too")
    func textAndSVG() throws {
        var figure = Self.figure()
        figure.panels[0].series[0].texts = ["12", "0"]
        let svg = String(decoding: try CairoRenderer.svgData(figure), as: UTF8.self)
        #expect(svg.contains("<svg"))
        #expect(try CairoRenderer.rgbaPixels(figure) != CairoRenderer.rgbaPixels(Self.figure()))
    }

    @Test("labelled ticks replace the computed ones: every category at its position, in the given order of values")
    func labelledTicks() throws {
        let names = ["zero", "one", "two"]
        let panel = Panel(x: Axis("class", range: -0.5...2.5, labelledTicks: names.enumerated().map { (Double($0.offset), $0.element) }),
                          y: Axis("true", range: -0.5...2.5, labelledTicks: names.enumerated().map { (Double(2 - $0.offset), $0.element) }),
                          series: [.cells(nil, x: [0, 1, 2], y: [2, 1, 0], intensity: [1, 1, 1], texts: ["a", "b", "c"], color: Color.palette[0])],
                          legend: .none)
        let layout = try CairoRenderer.layout(Figure(panels: [panel], width: 400, height: 400)).panels[0]
        #expect(layout.xTicks.major == [0, 1, 2] && layout.xTicks.labels == names)
        #expect(layout.yTicks.major == [0, 1, 2] && layout.yTicks.labels == ["two", "one", "zero"])
        #expect(layout.xTicks.range == -0.5...2.5)
    }
}
