import Foundation
import Testing

@testable import Plot

@Suite("Direction fields coloured by magnitude")
struct MagnitudeFieldTests {
    @Test("classes: logarithmic over more than a decade, even otherwise; every magnitude in one class; darker when stronger")
    func classes() {
        let wide = MagnitudeClasses(spanning: [0.01, 0.1, 1, 10, 100], count: 4)
        #expect(wide.bounds.map { ($0 * 1000).rounded() / 1000 } == [0.01, 0.1, 1, 10, 100])
        #expect(wide.index(of: 0.05) == 0 && wide.index(of: 5) == 2 && wide.index(of: 100) == 3 && wide.index(of: 1e-9) == 0)
        let narrow = MagnitudeClasses(spanning: [2, 4], count: 2)
        #expect(narrow.bounds == [2, 3, 4])
        #expect(narrow.label(0, prefix: "|f| ") == "|f| 2–3")
        func luminance(_ c: Color) -> Double { 0.3 * c.red + 0.6 * c.green + 0.1 * c.blue }
        #expect(luminance(wide.color(0)) > luminance(wide.color(3)), "the strongest class is the darkest")
    }

    @Test("every arrow has the same length and the direction of its vector; zero vectors get none")
    func equalLengths() {
        let x = [0.0, 1, 0, 1], y = [0.0, 0, 1, 1], u = [1.0, 0, 30, 0], v = [0.0, 0.001, 40, 0]
        let series = Series.directionField(x: x, y: y, u: u, v: v, classes: MagnitudeClasses(spanning: [1, 0.001, 50], count: 3))
        let arrows = series.flatMap { Quiver.arrows($0) }
        #expect(arrows.count == 3)
        let lengths = arrows.map { hypot($0.x1 - $0.x0, $0.y1 - $0.y0) }
        #expect(lengths.allSatisfy { abs($0 - lengths[0]) < 1e-12 } && lengths[0] > 0)
        let diagonal = arrows.first { $0.x0 == 0 && $0.y0 == 1 }!
        #expect(abs((diagonal.y1 - diagonal.y0) / (diagonal.x1 - diagonal.x0) - 40.0 / 30.0) < 1e-12)
        #expect(Set(series.compactMap(\.label)).count == series.count, "one labelled series per class")
    }
}
