import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Plot

@Suite("SVG and PDF output")
struct VectorOutputTests {
    static let figure = Figure(title: "Vector", panels: [
        Panel(x: Axis("t"), y: Axis("x"), series: [.line("x", x: [0, 1, 2, 3], y: [0, 1, 0.5, 2])]),
        Panel(x: Axis("x"), y: Axis("y"), series: [.scatter("points", x: [0, 1], y: [1, 0])], equalAspect: true),
    ], width: 700, height: 320)

    /// Collects the root element's attributes and counts the drawing elements.
    final class Reader: NSObject, XMLParserDelegate {
        var root: (name: String, attributes: [String: String])?
        var paths = 0
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if root == nil { root = (name, attributes) }
            if name == "path" { paths += 1 }
        }
    }

    @Test("SVG is a well-formed document of the figure's size in CSS pixels, drawn with paths")
    func svg() throws {
        let bytes = try CairoRenderer.svgData(Self.figure)
        let parser = XMLParser(data: Data(bytes))
        let reader = Reader()
        parser.delegate = reader
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        let root = try #require(reader.root)
        #expect(root.name == "svg")
        #expect(root.attributes["width"] == "700px" && root.attributes["height"] == "320px")
        #expect(root.attributes["viewBox"] == "0 0 700 320")
        #expect(reader.paths > 20, "axes, ticks, glyphs and the data are paths: \(reader.paths)")
    }

    @Test("PDF is one page of the figure's size in points")
    func pdf() throws {
        let bytes = try CairoRenderer.pdfData(Self.figure)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("%PDF-"))
        #expect(text.contains("/MediaBox [ 0 0 700 320 ]"))
        #expect(text.contains("/Count 1"))
    }

    @Test("Sizes that cannot be drawn are refused, as for PNG")
    func invalidSize() {
        var figure = Self.figure
        figure.width = .nan
        #expect(throws: PlotError.self) { try CairoRenderer.svgData(figure) }
    }
}
