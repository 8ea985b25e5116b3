import Foundation
import Testing

@testable import Plot

@Suite("Band series")
struct BandTests {
    /// A red band from 0 to 1 over the left half of a panel from 0 to 2 on both axes.
    static func figure(opacity: Double = 1) -> Figure {
        let panel = Panel(x: Axis("t", range: 0...2), y: Axis("y", range: 0...2),
                          series: [.band("band", x: [0, 1], lower: [0, 0], upper: [1, 1], color: Color(red: 1, green: 0, blue: 0), opacity: opacity)],
                          legend: .none)
        return Figure(panels: [panel], width: 400, height: 400)
    }

    @Test("the region between the curves is filled at the opacity, the rest of the panel is not")
    func fill() throws {
        let figure = Self.figure()
        let image = try CairoRenderer.rgbaPixels(figure)
        let plot = try CairoRenderer.layout(figure).panels[0].plot
        let density = figure.pixelDensity
        func pixel(_ fx: Double, _ fy: Double) -> (red: UInt8, green: UInt8, blue: UInt8) {
            let p = image.pixel(x: Int(((plot.minX + fx * plot.width) * density).rounded()),
                                y: Int(((plot.maxY - fy * plot.height) * density).rounded()))
            return (p.red, p.green, p.blue)
        }
        let inside = pixel(0.2, 0.3), above = pixel(0.2, 0.7), right = pixel(0.7, 0.3)
        #expect(inside.red > 240 && inside.green < 20 && inside.blue < 20, "\(inside)")
        #expect(above.green > 200 && right.green > 200, "\(above) \(right)")
        let faint = try CairoRenderer.rgbaPixels(Self.figure(opacity: 0.25))
        let p = faint.pixel(x: Int(((plot.minX + 0.2 * plot.width) * density).rounded()), y: Int(((plot.maxY - 0.3 * plot.height) * density).rounded()))
        #expect(p.red > 240 && p.green > 150 && p.green < 220, "\(p)")
    }

    @Test("the automatic range holds the upper curve, and the band draws as SVG")
    func rangeAndSVG() throws {
        let panel = Panel(x: Axis("t"), y: Axis("y"), series: [.band(nil, x: [0, 1, 2], lower: [0, 0, 0], upper: [5, 9, 5])])
        let layout = try CairoRenderer.layout(Figure(panels: [panel], width: 400, height: 300)).panels[0]
        #expect(layout.yTicks.range.upperBound >= 9)
        let svg = String(decoding: try CairoRenderer.svgData(Self.figure()), as: UTF8.self)
        #expect(svg.contains("<svg"))
    }
}
