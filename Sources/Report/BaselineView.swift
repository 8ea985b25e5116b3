import Foundation

/// How a report shows its comparison with a baseline: the summary at the top of the page, and in
/// each block the table of metrics against the baseline and the changed figures beside the
/// baseline's with an image of the difference.
enum BaselineView {
    /// The summary under the page header ("3 metrics outside tolerance in 2 blocks").
    static func summary(_ summary: BaselineSummary) -> HTML {
        PageLayout.line(
            .element(
                "div", [.init("class", summary.ok ? "baseline-summary baseline-ok" : "baseline-summary baseline-regressed"),
                        .init("role", summary.ok ? nil : "alert")],
                .element("p", [], .element("strong", [], .text(summary.headline)), .text(" "), .text(summary.detail))))
    }

    /// A block's comparison with its baseline.
    static func section(_ section: BaselineSection, block: String) -> HTML {
        var parts: [HTML] = [.newline]
        if let note = section.note {
            parts.append(PageLayout.line(.element("p", [.init("class", "baseline-note")], .text(note))))
        }
        if !section.rows.isEmpty {
            let head = ["Metric", "Value", "Baseline", "Δ", "Δ rel.", "Verdict"].enumerated().map { index, label -> HTML in
                .element("th", [.init("scope", "col"), .init("class", (1...4).contains(index) ? "num" : nil)], .text(label))
            }
            let rows = section.rows.map { row -> HTML in
                PageLayout.line(.element(
                    "tr", [.init("class", row.ok ? nil : "regression")],
                    .element("th", [.init("scope", "row")], .element("code", [], .text(row.metric))),
                    ReportWriter.valueCell(row.value), ReportWriter.valueCell(row.baseline),
                    ReportWriter.valueCell(row.delta), ReportWriter.valueCell(row.relativeDelta),
                    .element("td", [.init("class", row.ok ? "verdict" : "verdict bad")], .text(row.verdict))))
            }
            parts.append(PageLayout.scrollingTable(class: "baseline", caption: "Against the baseline", headerCells: head, rows: rows))
        }
        parts += section.figures.map { figure($0, block: block) }
        let title = section.ok ? "Baseline: within tolerance" : "Baseline: regression"
        return PageLayout.line(.element(
            "details", [.init("class", section.ok ? "baseline" : "baseline baseline-regressed"), .init("open", section.ok ? nil : "")],
            [.element("summary", [], .text(title))] + parts))
    }

    /// A changed figure: this run's, the baseline's and the difference, side by side (stacked on a
    /// phone), each a link to its file.
    static func figure(_ figure: FigureComparison, block: String) -> HTML {
        var panes: [(String, String)] = [("This run", figure.current)]
        if let baseline = figure.baseline { panes.append(("Baseline", baseline)) }
        if let difference = figure.difference { panes.append(("Difference (red: changed)", difference)) }
        let images = panes.map { label, path -> HTML in
            let image = HTML.element("img", [.init("alt", "\(label): \(figure.caption)")] + source(path, in: figure))
            return .element("figure", [],
                            figure.embedded.isEmpty ? .element("a", [.init("href", path)], image) : image,
                            .element("figcaption", [], .text(label)))
        }
        return PageLayout.line(.element(
            "div", [.init("class", "figure-compare")],
            .element("p", [], .text("\(figure.caption) — changed: \(figure.summary).")),
            .element("div", [.init("class", "figure-compare-row")], images)))
    }
}

extension BaselineView {
    /// The `src` of one image of a comparison: its file, or its bytes when the page stands alone.
    static func source(_ path: String, in figure: FigureComparison) -> [HTML.Attribute] {
        if let bytes = figure.embedded[path] {
            return [.init("src", "data:\(MediaType.of(path));base64," + bytes.base64EncodedString())]
        }
        return [.init("src", path), .init("loading", "lazy")]
    }
}

/// The page's one line about the baseline.
public struct BaselineSummary: Sendable, Equatable {
    /// Whether everything is within tolerance.
    public var ok: Bool
    /// The first words, in bold ("3 metrics outside tolerance in 2 blocks").
    public var headline: String
    /// The rest (what was compared with what).
    public var detail: String

    /// Creates a summary.
    public init(ok: Bool, headline: String, detail: String) {
        self.ok = ok
        self.headline = headline
        self.detail = detail
    }
}
