import Foundation
import Testing

@testable import Plot

@Suite("Nothing drawn outside the plot frame")
struct FrameClippingTests {
    /// Markers at the four corners of the data and one in the middle, in pure red.
    static func corners(size: Double) -> Figure {
        let red = Color(red: 1, green: 0, blue: 0)
        let xs = [0.0, 100, 0, 100, 50], ys = [0.0, 0, 1, 1, 0.5]
        let panel = Panel(
            title: "corners", x: Axis("t"), y: Axis("x"),
            series: [.line(nil, x: [0, 100], y: [0, 1], color: Color(red: 0, green: 0, blue: 1)),
                     .scatter(nil, x: xs, y: ys, color: red, marker: .circle, size: size)],
            legend: .none)
        return Figure(panels: [panel], width: 480, height: 320)
    }

    /// Red pixels (the markers), by their positions.
    static func redPixels(_ image: RGBAImage) -> [(x: Int, y: Int)] {
        var found = [(x: Int, y: Int)]()
        for y in 0..<image.height {
            for x in 0..<image.width {
                let p = image.pixel(x: x, y: y)
                if p.red > 200, p.green < 80, p.blue < 80 { found.append((x, y)) }
            }
        }
        return found
    }

    @Test("markers at the data's extremes lie whole inside the frame: the axes keep a margin around the data", arguments: [6.0, 10.0])
    func markersInsideFrame(size: Double) throws {
        let figure = Self.corners(size: size)
        let image = try CairoRenderer.rgbaPixels(figure)
        let density = figure.pixelDensity
        let plot = try CairoRenderer.layout(figure).panels[0].plot
        let (left, right) = (Int((plot.minX * density).rounded()), Int((plot.maxX * density).rounded()))
        let (top, bottom) = (Int((plot.minY * density).rounded()), Int((plot.maxY * density).rounded()))
        let red = Self.redPixels(image)
        #expect(!red.isEmpty)
        let outside = red.filter { $0.x <= left || $0.x >= right || $0.y <= top || $0.y >= bottom }
        #expect(outside.isEmpty, "\(outside.count) marker pixels on or outside the frame \(left)...\(right) × \(top)...\(bottom)")
        // Each corner marker is as large as the middle one: none is cut by the frame.
        let middleX = (left + right) / 2, middleY = (top + bottom) / 2
        func count(nearX: Int, nearY: Int) -> Int {
            red.filter { abs($0.x - nearX) < Int(size * density * 2) && abs($0.y - nearY) < Int(size * density * 2) }.count
        }
        let middle = count(nearX: middleX, nearY: middleY)
        #expect(middle > 0)
        let xMap = try CairoRenderer.layout(figure).panels[0].xMap, yMap = try CairoRenderer.layout(figure).panels[0].yMap
        for (x, y) in [(0.0, 0.0), (100, 0), (0, 1), (100, 1)] {
            let px = Int(((xMap.position(x) ?? 0) * density).rounded()), py = Int(((yMap.position(y) ?? 0) * density).rounded())
            let corner = count(nearX: px, nearY: py)
            #expect(Double(corner) > 0.9 * Double(middle), "the marker at (\(x), \(y)) has \(corner) pixels against \(middle) in the middle")
        }
    }
}
