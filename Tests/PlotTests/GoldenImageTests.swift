import Foundation
import Testing

@testable import Plot

/// Compares a fixed two-panel figure against `Golden/two-panels.png`.
///
/// Set `RECORD_GOLDEN=1` to rewrite the golden file from the current renderer (the test then
/// records an issue saying so, so that a recording run is never mistaken for a passing one).
@Suite("Golden image")
struct GoldenImageTests {
    static let name = "two-panels"

    /// The golden file in the source tree (where recording writes).
    static var sourcePath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Golden/\(name).png").path
    }

    /// The golden file as a test resource, falling back to the source tree.
    static func goldenBytes() throws -> [UInt8] {
        let url = Bundle.module.url(forResource: name, withExtension: "png", subdirectory: "Golden")
            ?? URL(fileURLWithPath: sourcePath)
        return [UInt8](try Data(contentsOf: url))
    }

    /// Mean absolute channel difference and the fraction of pixels with a channel off by more than 64.
    static func difference(_ a: RGBAImage, _ b: RGBAImage) -> (mean: Double, badFraction: Double) {
        var sum = 0
        var bad = 0
        let n = a.width * a.height
        for p in 0..<n {
            var worst = 0
            for c in 0..<4 {
                let d = abs(Int(a.pixels[4 * p + c]) - Int(b.pixels[4 * p + c]))
                sum += d
                worst = max(worst, d)
            }
            if worst > 64 { bad += 1 }
        }
        return (Double(sum) / Double(4 * n), Double(bad) / Double(n))
    }

    @Test func matchesGoldenImage() throws {
        let png = try CairoRenderer.pngData(Fixtures.golden)
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try Data(png).write(to: URL(fileURLWithPath: Self.sourcePath))
            Issue.record("RECORD_GOLDEN=1: rewrote \(Self.sourcePath) (\(png.count) bytes); run again without it")
            return
        }
        let expected = try CairoRenderer.decodePNG(try Self.goldenBytes())
        let actual = try CairoRenderer.decodePNG(png)
        try #require(actual.width == expected.width && actual.height == expected.height)
        let diff = Self.difference(actual, expected)
        #expect(diff.mean < 2, "mean absolute channel difference \(diff.mean)")
        #expect(diff.badFraction < 0.01, "\(diff.badFraction * 100)% of pixels differ by more than 64")
    }

    @Test func comparisonDetectsChanges() throws {
        // The comparison must be able to fail: a figure with the series moved is far off.
        var changed = Fixtures.golden
        changed.panels[0].series[0].y = changed.panels[0].series[0].y.map { -$0 }
        changed.panels[1].y.range = 1e-10...1e-2
        let a = try CairoRenderer.rgbaPixels(Fixtures.golden)
        let b = try CairoRenderer.rgbaPixels(changed)
        let diff = Self.difference(a, b)
        #expect(diff.badFraction > 0.01 || diff.mean >= 2, "\(diff)")
        #expect(Self.difference(a, a).mean == 0)
    }
}
