import Foundation
import Testing

@testable import Plot

/// Figures shared by the tests.
enum Fixtures {
    /// The golden figure: a time plot (two lines and a scatter series) and a log-scale panel.
    static var golden: Figure {
        let t = (0...200).map { Double($0) * 0.05 }
        let decay = t.map { exp(-0.3 * $0) * cos(2 * $0) }
        let envelope = t.map { exp(-0.3 * $0) }
        let samples = stride(from: 0, through: 200, by: 20).map { t[$0] }
        let measured = samples.enumerated().map { i, s in
            exp(-0.3 * s) * cos(2 * s) + (i.isMultiple(of: 2) ? 0.06 : -0.05)
        }
        let h = (0...8).map { pow(10, -Double($0) / 2) }
        let euler = h.map { 0.8 * $0 }
        let rk4 = h.map { 0.05 * pow($0, 4) }
        let time = Panel(
            title: "Damped oscillator", x: Axis("t"), y: Axis("x(t)"),
            series: [
                .line("solution", x: t, y: decay),
                .line("envelope", x: t, y: envelope, dash: .dashed),
                .scatter("measured", x: samples, y: measured),
            ])
        let convergence = Panel(
            title: "Global error", x: Axis("step size h", scale: .log), y: Axis("error", scale: .log),
            series: [
                Series(label: "Euler", x: h, y: euler, style: .lineAndMarkers(width: 1.75, dash: .solid, marker: .circle, size: 5)),
                Series(label: "RK4", x: h, y: rk4, style: .lineAndMarkers(width: 1.75, dash: .solid, marker: .square, size: 5)),
            ])
        return Figure(title: "Golden figure", panels: [time, convergence], width: 640, height: 300)
    }

    /// A limit cycle in the phase plane (equal aspect).
    static var phase: Figure {
        let t = (0...2000).map { Double($0) * 0.01 }
        let x = t.map { 2 * cos($0) + 0.3 * cos(3 * $0) }
        let y = t.map { 1.2 * sin($0) }
        return Figure(
            panels: [
                Panel(title: "Van der Pol, μ = 1", x: Axis("x"), y: Axis("y"),
                      series: [.line("trajectory", x: x, y: y), .scatter("start", x: [x[0]], y: [y[0]], marker: .triangle, size: 9)],
                      equalAspect: true)
            ], width: 480, height: 420)
    }

    /// A 2 x 2 grid exercising styles, large/small numbers and degenerate data.
    static var grid: Figure {
        let x = (0...100).map { Double($0) / 10 }
        let p1 = Panel(
            title: "Styles", x: Axis("t"), y: Axis("value"),
            series: [
                .line("solid", x: x, y: x.map { sin($0) }),
                .line("dashed", x: x, y: x.map { cos($0) }, dash: .dashed),
                .line("dotted", x: x, y: x.map { 0.5 * sin(2 * $0) }, dash: .dotted, width: 2.5),
                .scatter("cross", x: Array(x.prefix(40)), y: x.prefix(40).map { -1 + 0.02 * $0 }, marker: .cross),
            ])
        let p2 = Panel(
            title: "Large values", x: Axis("time [s]"), y: Axis("population"),
            series: [.line("N", x: x.map { $0 * 1000 }, y: x.map { 2e5 * exp(0.3 * $0) })])
        let p3 = Panel(
            title: "Constant", x: Axis("t"), y: Axis("c"),
            series: [.line(nil, x: x, y: x.map { _ in 3.0 })])
        let p4 = Panel(title: "Empty", x: Axis("x"), y: Axis("y"), series: [])
        return Figure(title: "Grid", panels: [p1, p2, p3, p4], columns: 2, width: 720, height: 560)
    }

    /// Tiny values, NaNs and a small log range.
    static var awkward: Figure {
        let x = (0...50).map { Double($0) * 2e-5 }
        var y = x.map { $0 * $0 * 1e4 }
        y[10] = .nan
        y[11] = .infinity
        let p1 = Panel(title: "Tiny numbers with gaps", x: Axis("x"), y: Axis("y"), series: [.line("y", x: x, y: y)])
        let lx = (0...40).map { 1 + Double($0) * 2 }
        let p2 = Panel(title: "Short log range", x: Axis("n", scale: .log), y: Axis("cost", scale: .log),
                       series: [.scatter("cost", x: lx, y: lx.map { 3 * $0 * $0 }), .line("zero", x: [0, 1, 10], y: [-1, 0, 5])])
        return Figure(panels: [p1, p2])
    }

    /// The tails of a 15 x 15 grid over [-2, 2]².
    static var quiverGrid: (x: [Double], y: [Double]) {
        let ticks = (0..<15).map { -2 + 4 * Double($0) / 14 }
        return (ticks.flatMap { _ in ticks }, ticks.flatMap { y in ticks.map { _ in y } })
    }

    /// A true field (-y, x)·0.5 and a "learned" one with some damping, drawn at the same scale,
    /// each with a spiral trajectory (equal aspect).
    static var quiver: Figure {
        let (gx, gy) = quiverGrid
        let trueField = Series.quiver(
            "true field", x: gx, y: gy, u: gy.map { -0.5 * $0 }, v: gx.map { 0.5 * $0 }, color: Color(hex: 0x7F7F7F))
        let learned = Series.quiver(
            "learned field", x: gx, y: gy,
            u: zip(gx, gy).map { x, y in 0.5 * (-y - 0.15 * x) }, v: zip(gx, gy).map { x, y in 0.5 * (x - 0.15 * y) },
            color: Color(hex: 0x1F77B4), scale: .fixed(trueField.arrowScale!))
        let t = (0...600).map { Double($0) * 0.05 }
        let r = t.map { 1.9 * exp(-0.075 * $0) }
        let spiral = Series.line(
            "trajectory", x: zip(r, t).map { $0 * cos($1) }, y: zip(r, t).map { $0 * sin($1) },
            color: Color(hex: 0xD62728))
        return Figure(
            title: "Vector fields",
            panels: [
                Panel(title: "True", x: Axis("x"), y: Axis("y"), series: [trueField, spiral], legend: .upperRight, equalAspect: true),
                Panel(title: "Learned", x: Axis("x"), y: Axis("y"), series: [learned, spiral], legend: .upperRight, equalAspect: true),
            ], width: 760, height: 400)
    }

    static var all: [(String, Figure)] {
        [("golden", golden), ("phase", phase), ("grid", grid), ("awkward", awkward), ("quiver", quiver)]
    }
}

/// Writes every fixture as a PNG file (to `PLOT_SAMPLES_DIR` when set, for looking at them; else
/// to a temporary folder) and reads each back: the file is the figure's pixels at its pixel size.
@Test func writesSamplesThatReadBack() throws {
    let given = ProcessInfo.processInfo.environment["PLOT_SAMPLES_DIR"]
    let dir = given ?? FileManager.default.temporaryDirectory.appendingPathComponent("plot-samples-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { if given == nil { try? FileManager.default.removeItem(atPath: dir) } }
    for (name, figure) in Fixtures.all {
        let path = dir + "/" + name + ".png"
        try CairoRenderer.writePNG(figure, to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let decoded = try CairoRenderer.decodePNG(bytes)
        #expect(decoded == (try CairoRenderer.rgbaPixels(figure)), "\(name)")
        #expect(decoded.width == Int((figure.width * figure.pixelDensity).rounded()), "\(name)")
    }
}
