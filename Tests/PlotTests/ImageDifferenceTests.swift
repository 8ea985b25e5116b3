import Foundation
import Testing

@testable import Plot

@Suite("Image difference")
struct ImageDifferenceTests {
    @Test("an identical rendering has no changed pixel; the difference image is the figure faded to grey")
    func identical() throws {
        let a = try CairoRenderer.rgbaPixels(Fixtures.golden)
        let b = try CairoRenderer.decodePNG(CairoRenderer.pngData(Fixtures.golden))
        let difference = ImageDifference(current: a, baseline: b)
        #expect(!difference.changed && difference.changedPixels == 0 && difference.sameSize)
        #expect(difference.image.width == a.width && difference.image.height == a.height)
        let (red, green, blue, _) = difference.image.pixel(x: a.width / 2, y: a.height / 2)
        #expect(red == green && green == blue, "unchanged pixels are grey")
    }

    @Test("a changed figure: the changed pixels counted and drawn red; a size change counts the margin")
    func changed() throws {
        var moved = Fixtures.golden
        moved.panels[0].series[0].y = moved.panels[0].series[0].y.map { $0 + 0.2 }
        let a = try CairoRenderer.rgbaPixels(moved)
        let b = try CairoRenderer.rgbaPixels(Fixtures.golden)
        let difference = ImageDifference(current: a, baseline: b)
        #expect(difference.changed && difference.changedPixels > 500)
        #expect(difference.changedFraction < 0.2, "only the moved line changed: \(difference.changedFraction)")
        let reds = stride(from: 0, to: difference.image.pixels.count, by: 4).filter {
            difference.image.pixels[$0] == 255 && difference.image.pixels[$0 + 1] < 160 && difference.image.pixels[$0 + 2] < 160
        }.count
        #expect(reds == difference.changedPixels)

        var taller = Fixtures.golden
        taller.height += 20
        let resized = ImageDifference(current: try CairoRenderer.rgbaPixels(taller), baseline: b)
        #expect(!resized.sameSize && resized.changed)
        #expect(resized.image.height == b.height + 40, "the union of both canvases (2 pixels per point)")
    }

    @Test("RGBA pixels encode to a PNG that decodes to the same pixels")
    func encodeRoundTrip() throws {
        let image = try CairoRenderer.rgbaPixels(Fixtures.golden)
        let decoded = try CairoRenderer.decodePNG(CairoRenderer.encodePNG(image))
        #expect(decoded == image)
        #expect(throws: PlotError.self) { try CairoRenderer.encodePNG(RGBAImage(width: 0, height: 0, pixels: [])) }
    }
}
