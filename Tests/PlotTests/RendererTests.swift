import Foundation
import Testing

@testable import Plot

/// Counts pixels of `image` inside `rect` (in points, scaled by `density`) that satisfy `test`.
func countPixels(
    _ image: RGBAImage, in rect: Rect, density: Double,
    where test: (UInt8, UInt8, UInt8) -> Bool
) -> (matching: Int, total: Int) {
    let x0 = max(0, Int((rect.minX * density).rounded(.down)))
    let x1 = min(image.width, Int((rect.maxX * density).rounded(.up)))
    let y0 = max(0, Int((rect.minY * density).rounded(.down)))
    let y1 = min(image.height, Int((rect.maxY * density).rounded(.up)))
    var matching = 0
    var total = 0
    for y in y0..<max(y0, y1) {
        for x in x0..<max(x0, x1) {
            let p = image.pixel(x: x, y: y)
            total += 1
            if test(p.red, p.green, p.blue) { matching += 1 }
        }
    }
    return (matching, total)
}

func isBackground(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Bool { r == 255 && g == 255 && b == 255 }
func isInk(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Bool { Int(r) + Int(g) + Int(b) < 3 * 160 }

/// Whether a pixel is within `tolerance` of `color` on every channel.
func matches(_ color: Color, tolerance: Int = 24) -> (UInt8, UInt8, UInt8) -> Bool {
    let c = [color.red, color.green, color.blue].map { Int(($0 * 255).rounded()) }
    return { r, g, b in abs(Int(r) - c[0]) <= tolerance && abs(Int(g) - c[1]) <= tolerance && abs(Int(b) - c[2]) <= tolerance }
}

private let everywhere = Rect(x: 0, y: 0, width: 1e6, height: 1e6)

@Suite("PNG output")
struct PNGTests {
    private func ihdrSize(_ png: [UInt8]) -> (Int, Int) {
        func be32(_ i: Int) -> Int { png[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be32(16), be32(20))
    }

    @Test func pngHasSignatureAndDoubleSize() throws {
        let png = try CairoRenderer.pngData(Fixtures.golden)
        #expect(Array(png.prefix(8)) == [137, 80, 78, 71, 13, 10, 26, 10])
        #expect(String(decoding: png[12..<16], as: UTF8.self) == "IHDR")
        let (w, h) = ihdrSize(png)
        #expect(w == 1280 && h == 600)
        #expect(Array(png.suffix(8)).prefix(4) == [73, 69, 78, 68])  // IEND
    }

    @Test func pixelSizeIsRounded() throws {
        let figure = Figure(panels: [], width: 333, height: 201, pixelDensity: 1.5)
        let png = try CairoRenderer.pngData(figure)
        let (w, h) = ihdrSize(png)
        #expect(w == 500 && h == 302)
    }

    @Test func decodeRoundTripsRenderedPixels() throws {
        let figure = Fixtures.awkward
        let direct = try CairoRenderer.rgbaPixels(figure)
        let decoded = try CairoRenderer.decodePNG(try CairoRenderer.pngData(figure))
        #expect(direct == decoded)
    }

    @Test("Figures are opaque 8-bit RGB PNGs (no alpha channel to store)")
    func pngIsEightBitRGB() throws {
        let png = try CairoRenderer.pngData(Fixtures.awkward)
        // IHDR data starts at byte 16: width, height, then bit depth and colour type (2 = RGB).
        #expect(png[24] == 8 && png[25] == 2)
        #expect(try CairoRenderer.rgbaPixels(Fixtures.awkward).pixels.enumerated().allSatisfy { $0.offset % 4 != 3 || $0.element == 255 })
    }

    @Test func decodeRejectsGarbage() {
        #expect(throws: PlotError.self) { try CairoRenderer.decodePNG([1, 2, 3]) }
    }

    @Test func writesFileAndReportsBadPath() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plot-test-\(getpid()).png").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try CairoRenderer.writePNG(Fixtures.golden, to: path)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes == (try CairoRenderer.pngData(Fixtures.golden)))
        #expect {
            try CairoRenderer.writePNG(Fixtures.golden, to: "/nonexistent-dir/x/figure.png")
        } throws: { error in
            guard case PlotError.writeFailed(let p, let reason)? = error as? PlotError else { return false }
            return p.hasSuffix("figure.png") && !reason.isEmpty
        }
    }

    @Test(arguments: [(0.0, 420.0, 2.0), (640, 0, 2), (640, 420, 0), (.nan, 420, 2), (640, 420, -1), (1e6, 420, 2)])
    func unusableSizesThrow(_ width: Double, _ height: Double, _ density: Double) {
        let figure = Figure(panels: [], width: width, height: height, pixelDensity: density)
        #expect(throws: PlotError.self) { try CairoRenderer.pngData(figure) }
        let message = (try? CairoRenderer.pngData(figure)).map { _ in "" }
            ?? {
                do { _ = try CairoRenderer.pngData(figure); return "" } catch { return "\(error)" }
            }()
        #expect(message.contains("pixel"))
    }
}

@Suite("Rendered content")
struct RenderedContentTests {
    @Test func titlesAndAxisLabelsAreDrawn() throws {
        let figure = Fixtures.golden
        let image = try CairoRenderer.rgbaPixels(figure)
        let layout = try CairoRenderer.layout(figure)
        let d = figure.pixelDensity
        let title = try #require(layout.titleRect)
        let titleInk = countPixels(image, in: title, density: d, where: isInk)
        #expect(Double(titleInk.matching) > 0.15 * Double(titleInk.total), "title: \(titleInk)")

        for panel in layout.panels {
            for rect in [panel.titleRect, panel.xTitleRect, panel.yTitleRect] {
                let r = try #require(rect)
                let ink = countPixels(image, in: r, density: d, where: isInk)
                #expect(ink.matching > 10, "text at \(r): \(ink)")
            }
            // Tick labels sit below the frame.
            let labels = Rect(x: panel.plot.minX - 5, y: panel.plot.maxY + 6, width: panel.plot.width + 10, height: 10)
            #expect(countPixels(image, in: labels, density: d, where: isInk).matching > 50)
        }
        // Nothing is drawn left of the title, nor in the outer margin.
        let beside = Rect(x: 2, y: title.minY, width: title.minX - 30, height: title.height)
        let blank = countPixels(image, in: beside, density: d, where: isBackground)
        #expect(blank.total > 100 && blank.matching == blank.total)
        let corner = Rect(x: 0, y: figure.height - 4, width: figure.width, height: 4)
        let margin = countPixels(image, in: corner, density: d, where: isBackground)
        #expect(margin.matching == margin.total)
    }

    @Test func textDoesNotOverlapThePlot() throws {
        let layout = try CairoRenderer.layout(Fixtures.grid)
        for panel in layout.panels {
            for rect in [panel.titleRect, panel.xTitleRect, panel.yTitleRect].compactMap({ $0 }) {
                #expect(!rect.intersects(panel.plot), "\(rect) overlaps \(panel.plot)")
                #expect(panel.cell.insetBy(-1).contains(rect.minX, rect.minY))
                #expect(panel.cell.insetBy(-1).contains(rect.maxX, rect.maxY))
            }
        }
    }

    @Test func seriesColoursAppear() throws {
        let x = (0...100).map { Double($0) }
        let purple = Color(hex: 0x9400D3)
        let figure = Figure(panels: [
            Panel(x: Axis("x"), y: Axis("y"), series: [
                .line("a", x: x, y: x.map { sin($0 / 10) }, width: 3),
                .line("b", x: x, y: x.map { cos($0 / 10) }, width: 3),
                .scatter("c", x: x, y: x.map { 0.5 * sin($0 / 7) }, color: purple),
            ])
        ])
        let image = try CairoRenderer.rgbaPixels(figure)
        for color in [Color.palette[0], Color.palette[1], purple] {
            let n = countPixels(image, in: everywhere, density: 1, where: matches(color)).matching
            #expect(n > 500, "colour \(color) appears in \(n) pixels")
        }
        // The third palette colour is not used: explicit colours do not consume palette entries.
        #expect(countPixels(image, in: everywhere, density: 1, where: matches(Color.palette[2], tolerance: 10)).matching == 0)
    }

    @Test func nanAndInfinitePointsDoNotCrash() throws {
        let figure = Figure(panels: [
            Panel(x: Axis("x"), y: Axis("y"), series: [
                .line("all NaN", x: [.nan, .nan], y: [.nan, .nan]),
                .scatter("inf", x: [.infinity, 1], y: [2, -.infinity]),
                .line("mismatched", x: [1, 2, 3], y: [1]),
                Series(label: "huge", x: [0, 1, 2], y: [0, 1e300, -1e300], style: .lineAndMarkers(width: 2, dash: .dotted, marker: .cross, size: .nan)),
            ])
        ])
        let image = try CairoRenderer.rgbaPixels(figure)
        #expect(image.width == 1280 && image.height == 840)
        // The axes are chosen from the finite values only, so they stay finite and ordered.
        let panel = try CairoRenderer.layout(figure).panels[0]
        for range in [panel.xTicks.range, panel.yTicks.range] {
            #expect(range.lowerBound.isFinite && range.upperBound.isFinite && range.lowerBound < range.upperBound, "\(range)")
        }
        // The finite points of "huge" are drawn (its colour, the fourth of the palette, appears).
        #expect(countPixels(image, in: everywhere, density: 1, where: matches(Color.palette[3])).matching > 20)
    }

    @Test func lineBreaksAtNaN() throws {
        let x = (0...100).map { Double($0) }
        var y = x
        for i in 40...60 { y[i] = .nan }
        let red = Color(hex: 0xFF0000)
        let figure = Figure(panels: [Panel(x: Axis("x"), y: Axis("y"), series: [.line(nil, x: x, y: y, color: red, width: 4)])])
        let image = try CairoRenderer.rgbaPixels(figure)
        let panel = try CairoRenderer.layout(figure).panels[0]
        let xMap = panel.xMap
        let yMap = panel.yMap
        let gapMid = (xMap.position(50)!, yMap.position(50)!)
        let around = Rect(x: gapMid.0 - 8, y: gapMid.1 - 8, width: 16, height: 16)
        #expect(countPixels(image, in: around, density: 2, where: matches(red, tolerance: 40)).matching == 0)
        let drawn = (xMap.position(20)!, yMap.position(20)!)
        let near = Rect(x: drawn.0 - 4, y: drawn.1 - 4, width: 8, height: 8)
        #expect(countPixels(image, in: near, density: 2, where: matches(red, tolerance: 40)).matching > 20)
    }

    @Test func logAxisIgnoresNonPositiveValues() throws {
        let figure = Figure(panels: [
            Panel(x: Axis("x"), y: Axis("y", scale: .log), series: [
                .line("y", x: [0, 1, 2, 3, 4], y: [-1, 0, 0.01, 1, 50])
            ])
        ])
        let layout = try CairoRenderer.layout(figure)
        let range = layout.panels[0].yTicks.range
        // The data's positive values, 0.01 to 50, with the 5% margin in decades.
        let a = -2.0, b = log10(50.0), margin = 0.05 * (b - a)
        #expect(abs(log10(range.lowerBound) - (a - margin)) < 1e-9 && abs(log10(range.upperBound) - (b + margin)) < 1e-9)
        #expect(try CairoRenderer.pngData(figure).count > 1000)
    }

    @Test func emptyPanelsAndFiguresRender() throws {
        let empty = Figure(panels: [Panel(title: "Nothing", x: Axis("x"), y: Axis("y"), series: [])])
        let image = try CairoRenderer.rgbaPixels(empty)
        let plot = try CairoRenderer.layout(empty).panels[0].plot
        // The frame is drawn.
        let frameStrip = Rect(x: plot.minX - 1, y: plot.midY, width: 2, height: 1)
        #expect(countPixels(image, in: frameStrip, density: 2, where: isInk).matching > 0)
        let noPanels = try CairoRenderer.rgbaPixels(Figure(title: "Only a title", panels: []))
        #expect(noPanels.height == 840)
        let blank = try CairoRenderer.rgbaPixels(Figure(panels: []))
        #expect(countPixels(blank, in: everywhere, density: 1, where: isBackground).matching == blank.width * blank.height)
    }

    @Test func equalAspectMakesUnitsEqual() throws {
        for figure in [Fixtures.phase, Figure(panels: [Panel(x: Axis("x", range: 0...1), y: Axis("y"), series: [.line(nil, x: [0, 1], y: [0, 3])], equalAspect: true)])] {
            let panel = try CairoRenderer.layout(figure).panels[0]
            let ux = (panel.xTicks.range.upperBound - panel.xTicks.range.lowerBound) / panel.plot.width
            let uy = (panel.yTicks.range.upperBound - panel.yTicks.range.lowerBound) / panel.plot.height
            #expect(abs(ux / uy - 1) < 0.01, "x: \(ux) per pt, y: \(uy) per pt")
        }
    }

    @Test func bestLegendAvoidsTheData() throws {
        // Data crowd the upper right and lower left; the legend goes to one of the free corners.
        let x = (0...50).map { Double($0) / 50 }
        let figure = Figure(panels: [
            Panel(x: Axis("x"), y: Axis("y"), series: [
                .scatter("cloud", x: x.map { 0.8 + 0.2 * $0 }, y: x.map { 0.8 + 0.2 * $0.squareRoot() }),
                .line("diagonal", x: [0, 1], y: [0, 1]),
            ])
        ])
        let corner = try CairoRenderer.legendCorner(figure, panel: 0)
        #expect(corner == .upperLeft || corner == .lowerRight, "\(String(describing: corner))")
        var none = figure
        none.panels[0].legend = .none
        #expect(try CairoRenderer.legendCorner(none, panel: 0) == nil)
        var unlabelled = figure
        unlabelled.panels[0].series = unlabelled.panels[0].series.map { var s = $0; s.label = nil; return s }
        #expect(try CairoRenderer.legendCorner(unlabelled, panel: 0) == nil)
    }

    @Test func thousandPointsRenderQuickly() throws {
        let t = (0..<1000).map { Double($0) * 0.01 }
        let figure = Figure(panels: [
            Panel(x: Axis("t"), y: Axis("y"), series: [
                .line("sin", x: t, y: t.map { sin($0) }),
                .scatter("cos", x: t, y: t.map { cos($0) }, size: 3),
            ])
        ])
        _ = try CairoRenderer.pngData(figure)
        let clock = ContinuousClock()
        let elapsed = try clock.measure { _ = try CairoRenderer.pngData(figure) }
        // Well under 50 ms in release; debug builds and busy CI machines get slack.
        #expect(elapsed < .milliseconds(1000), "\(elapsed)")
    }
}
