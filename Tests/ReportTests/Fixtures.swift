import BlockResults
import Report

/// Sample pages used across the tests.
enum Fixtures {
    static let script = "<script>alert(1)</script>"
    static let escapedScript = "&lt;script&gt;alert(1)&lt;/script&gt;"

    static let prose = TrustedHTML(
        rendererOutput: "<h1 id=\"competition-model\">Competition <em>model</em></h1>\n<p>Two species &amp; one &lt;niche&gt;.</p>")

    static let okBlock = BlockReport(
        id: "competition", kind: "species", line: 12, caption: "Two species compete",
        status: .ok, seconds: 0.004,
        options: [KeyValue("t1", "100"), KeyValue("solver", "dopri5")],
        metrics: [KeyValue("final.x1", "373.568"), KeyValue("nfe", "1000"), KeyValue("stable", "yes")],
        figures: [FigureReference(path: "figures/competition-time.png", caption: "Populations over time", width: 640, height: 400, data: "data/competition.csv")],
        tables: [ResultTable(title: "Equilibria", columns: ["name", "x1", "x2"], rows: [["coexistence", "1.5e2", "-3.25"], ["extinct", "0", "1,234"]])],
        dataFiles: ["data/competition.csv"], log: ["step 1", "step 2 <ok>"], error: nil)

    static let failedBlock = BlockReport(
        id: "broken", kind: "ode", line: 40, caption: nil, status: .failed, seconds: 1.3,
        options: [], metrics: [], figures: [], tables: [], dataFiles: [], log: [],
        error: BlockError(message: "step size underflow at t = 3.2; try rtol: 1e-4", line: 44))

    static let cachedBlock = BlockReport(
        id: "spiral-main", kind: "spiral", line: 60, caption: "Spiral fit", status: .cached, seconds: 125,
        options: [KeyValue("lr", "0.01")], metrics: [KeyValue("loss", "0.0123")], figures: [], tables: [],
        dataFiles: [], log: [], error: nil)

    /// A page exercising every feature.
    static func fullPage(note: String = "Generated 2024-05-01T12:00:00Z in 1.4 s") -> ReportPage {
        ReportPage(
            title: "Experiments", sourcePath: "notebooks/experiments.md", status: .failed,
            runInfo: [KeyValue("version", "0.1.0"), KeyValue("seed", "42"), KeyValue("overrides", "lr=0.01")],
            generatedNote: note,
            contents: [
                ContentsEntry(level: 1, text: "Competition model", anchor: "competition-model"),
                ContentsEntry(level: 2, text: "competition", anchor: "competition"),
                ContentsEntry(level: 2, text: "broken", anchor: "broken"),
                ContentsEntry(level: 4, text: "spiral-main", anchor: "spiral-main"),
            ],
            cells: [.prose(prose), .block(okBlock), .block(failedBlock), .block(cachedBlock)])
    }

    /// A page with `text` in every user-text slot.
    static func hostilePage(_ text: String) -> ReportPage {
        let block = BlockReport(
            id: text, kind: text, line: 3, caption: text, status: .failed, seconds: 0.5,
            options: [KeyValue(text, text)], metrics: [KeyValue(text, text)],
            figures: [FigureReference(path: text, caption: text, width: 10, height: 10)],
            tables: [ResultTable(title: text, columns: [text], rows: [[text]])],
            dataFiles: [text], log: [text], error: BlockError(message: text, line: 4))
        return ReportPage(
            title: text, sourcePath: text, status: .failed, runInfo: [KeyValue(text, text)],
            generatedNote: text, contents: [ContentsEntry(level: 1, text: text, anchor: text)],
            cells: [.block(block)])
    }

    static let entries = [
        IndexEntry(title: "Older", href: "older/index.html", status: .ok, date: "2024-01-02T10:00:00Z", blocks: 3, failedBlocks: 0),
        IndexEntry(title: "Newest", href: "newest/index.html", status: .failed, date: "2024-05-01T12:30:00Z", blocks: 4, failedBlocks: 1),
        IndexEntry(title: "Middle", href: "middle/index.html", status: .ok, date: "2024-03-15T08:00:00.250Z", blocks: 1, failedBlocks: 0),
    ]
}
