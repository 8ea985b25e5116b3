import BlockResults
import Experiments
import Foundation
import Plot

/// Turns a block's outcome into its rendered block: figures drawn through Cairo, numbers written as
/// CSV, tables, metrics, log and loss curve taken over as they are. A figure that cannot be drawn
/// fails the block.
enum BlockRenderer {
    /// The rendered block of `outcome`; each figure drawn is reported to `monitor` (drawing is not
    /// stopped by it: the computation is done by then). With `pdf` each figure is also written as
    /// `figures/ID-NAME.pdf` (`--figures-pdf`).
    static func render(_ outcome: BlockOutcome, monitor: RunMonitor? = nil, pdf: Bool = false) -> RenderedBlock {
        let block = outcome.block
        var rendered = RenderedBlock(id: block.id, kind: block.kind, line: block.line, seconds: outcome.seconds)
        switch outcome.result {
        case let .success(artifacts):
            var dataPaths = [String: String]()
            for table in artifacts.series {
                let path = "data/\(block.id)\(table.name.isEmpty ? "" : "-\(table.name)").csv"
                dataPaths[table.name] = path
                rendered.files.append(.init(path: path, contents: Data(CSVTable.format(columns: table.columns, rows: table.rows).utf8)))
                rendered.dataFiles.append(path)
            }
            let svg = block.options[CommonOptions.figureFormat] == "svg"
            let suffix = svg ? "svg" : "png"
            func drawn(_ figure: Figure) throws -> Data {
                svg ? Data(try Self.accessibleSVG(CairoRenderer.svgData(figure), title: figure.title)) : Data(try CairoRenderer.pngData(figure))
            }
            for (index, named) in artifacts.figures.enumerated() {
                monitor?.report(done: index, total: artifacts.figures.count, unit: "figures drawn")
                let path = "figures/\(block.id)-\(named.name).\(suffix)"
                do {
                    rendered.files.append(.init(path: path, contents: try drawn(named.figure)))
                    if pdf {
                        rendered.files.append(.init(path: "figures/\(block.id)-\(named.name).pdf",
                                                    contents: Data(try CairoRenderer.pdfData(named.figure))))
                    }
                    var narrow: FigureReference.NarrowVariant?
                    if let stacked = Self.stacked(named.figure) {
                        let narrowPath = "figures/\(block.id)-\(named.name)-narrow.\(suffix)"
                        rendered.files.append(.init(path: narrowPath, contents: try drawn(stacked)))
                        narrow = .init(path: narrowPath, width: Int(stacked.width), height: Int(stacked.height))
                    }
                    rendered.figures.append(.init(path: path, caption: named.caption,
                                                  width: Int(named.figure.width), height: Int(named.figure.height), narrow: narrow,
                                                  data: named.data.flatMap { dataPaths[$0] }))
                } catch {
                    rendered.failure = .init(message: "could not draw figure '\(named.name)': \(error)", line: block.line)
                }
            }
            rendered.tables = artifacts.tables
            rendered.metrics = artifacts.metrics
            rendered.log = artifacts.log
            rendered.lossCurve = artifacts.lossCurve
        case let .failure(failure):
            rendered.failure = .init(message: failure.message, line: failure.line ?? block.line)
        }
        return rendered
    }

    /// Cairo's SVG with the figure's title as the document's `<title>`: Cairo draws text as glyph
    /// outlines, so without it the file would hold none of its words for search and screen readers.
    static func accessibleSVG(_ bytes: [UInt8], title: String?) -> [UInt8] {
        guard let title, !title.isEmpty, let text = String(bytes: bytes, encoding: .utf8),
              let open = text.range(of: "<svg"), let end = text[open.upperBound...].firstIndex(of: ">") else { return bytes }
        let escaped = title.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        let insertion = text.index(after: end)
        return Array((text[..<insertion] + "\n<title>\(escaped)</title>" + text[insertion...]).utf8)
    }

    /// A figure with panels side by side redrawn with them stacked, one per row, for phones
    /// (`nil` for a figure of one column): 340 CSS pixels wide, about a phone's column, so that its
    /// text shows at the size it is drawn (tick labels 11 px).
    static func stacked(_ figure: Figure) -> Figure? {
        guard figure.columns > 1, figure.panels.count > 1 else { return nil }
        let width = 340.0, panelHeight = 290.0
        return Figure(title: figure.title, panels: figure.panels, columns: 1, width: width,
                      height: panelHeight * Double(figure.panels.count) + 40)
    }
}
