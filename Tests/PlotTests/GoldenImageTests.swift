import Foundation
import Testing

@testable import Plot

/// Compares fixed figures against PNGs in `Golden/`: `two-panels.png` (lines, markers, log axes)
/// and `quiver.png` (vector fields beside spiral trajectories in equal-aspect panels).
///
/// Set `RECORD_GOLDEN=1` to rewrite the golden files from the current renderer (the test then
/// records an issue saying so, so that a recording run is never mistaken for a passing one).
@Suite("Golden image")
struct GoldenImageTests {
    /// The golden file names (without `.png`) of the compared figures.
    static let names = ["two-panels", "quiver"]

    static func figure(_ name: String) -> Figure {
        name == "quiver" ? Fixtures.quiver : Fixtures.golden
    }

    /// The golden file in the source tree (where recording writes).
    static func sourcePath(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Golden/\(name).png").path
    }

    /// The golden file as a test resource, falling back to the source tree.
    static func goldenBytes(_ name: String) throws -> [UInt8] {
        let url = Bundle.module.url(forResource: name, withExtension: "png", subdirectory: "Golden")
            ?? URL(fileURLWithPath: sourcePath(name))
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

    @Test(arguments: names) func matchesGoldenImage(_ name: String) throws {
        let png = try CairoRenderer.pngData(Self.figure(name))
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try Data(png).write(to: URL(fileURLWithPath: Self.sourcePath(name)))
            Issue.record("RECORD_GOLDEN=1: rewrote \(Self.sourcePath(name)) (\(png.count) bytes); run again without it")
            return
        }
        let expected = try CairoRenderer.decodePNG(try Self.goldenBytes(name))
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

    @Test func comparisonDetectsChangedArrows() throws {
        // Reversed arrows at a fixed scale are a different picture.
        var changed = Fixtures.quiver
        changed.panels[0].series[0].u = changed.panels[0].series[0].u.map { -$0 }
        changed.panels[0].series[0].v = changed.panels[0].series[0].v.map { -$0 }
        let diff = Self.difference(try CairoRenderer.rgbaPixels(Fixtures.quiver), try CairoRenderer.rgbaPixels(changed))
        #expect(diff.badFraction > 0.002 || diff.mean >= 2, "\(diff)")
    }
}
