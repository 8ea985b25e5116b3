import BlockResults
import Experiments
import FileAccess
import Foundation
import Report

/// The files of one notebook's report, built in memory: figures drawn, CSVs formatted,
/// `results.json` and `index.html` written as text. Nothing touches the disk here.
struct RenderedReport {
    /// Files by path relative to the report folder.
    var files: [(path: String, contents: Data)]
    /// Local files to copy in, by path relative to the report folder.
    var copies: [(path: String, source: URL)]
    /// Whether every block succeeded.
    var succeeded: Bool
    /// The regression lines of the comparison with a baseline (`--baseline`), in document order.
    var regressions: [String] = []
}

/// What a report is compared with: the run's baseline settings and this report's baseline
/// (`nil`: the notebook, or the sweep point, is not in the baseline).
struct BaselineCheck {
    var settings: BaselineSettings
    var results: BaselineResults?
}

/// Facts about the run that every report shows, and how reports are written.
public struct RunInformation: Sendable {
    /// The `-p` overrides, as given.
    public var overrides: [String]
    /// When the run started.
    public var date: Date
    /// Whether each report is one HTML file with figures, stylesheet and KaTeX embedded
    /// (`--self-contained`).
    public var selfContained: Bool
    /// Whether notes are left out of standard error (`--quiet`).
    public var quiet: Bool
    /// Whether the run was interrupted (Ctrl-C, SIGTERM) before every block finished.
    public var interrupted: Bool
    /// Why the report lacks blocks other than an interrupt (a merge missing a shard), if it does.
    public var incomplete: String?
    /// Whether raw HTML in the prose was passed through (`--allow-html`): the page says so.
    public var allowHTML = false
    /// Creates run information.
    public init(overrides: [String], date: Date, selfContained: Bool = false, quiet: Bool = false, interrupted: Bool = false,
                incomplete: String? = nil) {
        self.incomplete = incomplete
        self.overrides = overrides
        self.date = date
        self.selfContained = selfContained
        self.quiet = quiet
        self.interrupted = interrupted
    }
}

/// Where a report page sits: alone in its folder, or as one point of a sweep, below the sweep's
/// comparison page.
struct PagePlacement: Sendable {
    /// The link to the page above (the comparison page), if any.
    var upLink: Link?
    /// The sweep point's values (`lr=0.001, seed=0`), shown in the header.
    var sweepValues: String?
    /// The path from the page's folder to the folder that holds the shared KaTeX copy (`../../`).
    var rootPrefix = ""

    /// A report alone in its folder.
    static let standalone = PagePlacement()
}

/// Lays out a notebook's outcomes as a report: figures through Cairo, numbers as CSV, the page
/// through the HTML writer, and the machine-readable summary.
enum ReportBuilder {
    /// Builds the report of `notebook` from its blocks' rendered results (in document order; blocks
    /// that did not run, after `--fail-fast`, are simply absent).
    static func build(_ notebook: Notebook, blocks rendered: [RenderedBlock], run: RunInformation, totalSeconds: Double,
                      placement: PagePlacement = .standalone, baseline: BaselineCheck? = nil,
                      history: MetricHistory = [:]) -> RenderedReport {
        var files = [(path: String, contents: Data)]()
        var blockReports = [String: BlockReport]()
        let sourcesByID = Dictionary(notebook.blocks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        // Figures are numbered in document order; captions say "Figure N." and `[@ID-NAME]` links to them.
        var figureNumbers = [String: Int]()
        let rendered = rendered.map { result in
            var numbered = result
            numbered.figures = result.figures.map { figure in
                var figure = figure
                let file = figure.path.split(separator: "/").last ?? ""
                let stem = String(file.hasSuffix(".png") || file.hasSuffix(".svg") ? file.dropLast(4) : file)
                figureNumbers[stem] = figureNumbers.count + 1
                figure.caption = "Figure \(figureNumbers.count). " + figure.caption
                return figure
            }
            return numbered
        }
        var quoted = ProseValueRendering(values: notebook.proseValues, blocks: sourcesByID,
                                         results: Dictionary(rendered.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }))
        quoted.figureNumbers = figureNumbers
        let title = quoted.substitutePlain(in: notebook.title)
        var blockJSON = [JSONValue]()
        var failed = 0
        let sources = Dictionary(notebook.blocks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let comparison = baseline.map {
            BaselineComparison(notebook: notebook, point: placement.sweepValues, rendered: rendered, baseline: $0.results, settings: $0.settings)
        }
        if let comparison { files += comparison.files }

        for result in rendered {
            files += result.files.map { ($0.path, $0.contents) }
            if !result.succeeded { failed += 1 }
            let source = sources[result.id]
            blockReports[result.id] = result.report(
                caption: source?.caption, options: source.map { optionLines($0.options) } ?? [],
                embeddingFigures: run.selfContained)
            blockReports[result.id]?.baseline = comparison?.sections[result.id]
            if run.selfContained, let comparison {
                let bytes = Dictionary(comparison.files.map { ($0.path, $0.contents) } + result.files.map { ($0.path, $0.contents) },
                                       uniquingKeysWith: { first, _ in first })
                blockReports[result.id]?.baseline?.figures = comparison.sections[result.id]?.figures.map { figure in
                    var embedded = figure
                    for path in [figure.current] + [figure.baseline, figure.difference].compactMap({ $0 }) { embedded.embedded[path] = bytes[path] }
                    return embedded
                } ?? []
            }
            if let past = history[result.id], let drawn = HistoryFigure.draw(result, past: past, embedding: run.selfContained) {
                blockReports[result.id]?.history = drawn.reference
                files.append((drawn.reference.path, drawn.png))
            }
            var entry: [(String, JSONValue)] = [
                ("id", .string(result.id)), ("kind", .string(result.kind)), ("line", .integer(result.line)),
                ("status", .string(result.status.rawValue)), ("seconds", .number((result.seconds * 1e6).rounded() / 1e6)),
                ("metrics", .object(result.metrics.map { ($0.name, $0.value.json) })), ("figures", .array(result.figures.map { .string($0.path) })),
                ("data", .array(result.dataFiles.map { .string($0) })),
                ("error", result.failure.map { .object([("message", .string($0.message)), ("line", .integer($0.line))]) } ?? .null),
            ]
            if let comparison { entry.append(("baseline", comparison.blockJSON[result.id] ?? .null)) }
            blockJSON.append(.object(entry))
        }

        let status: BlockStatus = failed == 0 && !run.interrupted && run.incomplete == nil ? .ok : .failed
        var summary: [(String, JSONValue)] = [
            ("notebook", .string(notebook.path)), ("title", .string(title)), ("status", .string(status.rawValue)),
        ]
        if let comparison { summary.append(("baseline", comparison.json)) }
        let results = JSONValue.object(summary + [("blocks", .array(blockJSON))])
        files.append(("results.json", Data(results.serialized().utf8)))
        let math = mathRenderer(notebook, run: run, rootPrefix: placement.rootPrefix)
        if placement.rootPrefix.isEmpty { files += math.files }
        var info = runInfo(notebook, run: run, blockCount: rendered.count, failed: failed)
        if let values = placement.sweepValues { info.insert(KeyValue("sweep point", values), at: 1) }
        let page = ReportPage(
            title: title, sourcePath: notebook.path, status: status,
            runInfo: info,
            generatedNote: "Generated \(iso8601(run.date)) by notebook \(ProgramVersion.current) in \(ReportFormat.duration(seconds: totalSeconds)).",
            contents: contents(notebook, quoted: quoted, figures: Dictionary(rendered.map { ($0.id, $0.figures) }, uniquingKeysWith: { first, _ in first }),
                               thumbnails: !run.selfContained),
            cells: cells(notebook, blocks: blockReports, embedAssets: run.selfContained, quoted: quoted),
            parameters: notebook.blocks.filter { blockReports[$0.id] != nil }
                .map { ParameterSummary.parameters(of: $0, notebookSeed: notebook.seed) },
            math: math.renderer, upLink: placement.upLink)
        var shownPage = page
        shownPage.baseline = comparison?.summary
        files.append(("index.html", Data(ReportWriter.page(shownPage).utf8)))
        return RenderedReport(files: files, copies: notebook.assets.map { ($0.reportPath, $0.source) }, succeeded: failed == 0,
                              regressions: comparison?.regressions ?? [])
    }

    /// Said once per run when a notebook has math and KaTeX cannot typeset it.
    private static let mathNote = OnceFlag()

    /// How the page typesets its math, and the files that takes: none without math; KaTeX's files
    /// under `katex/`, or embedded with `--self-contained`; the TeX as written (and one note per
    /// run) when KaTeX is not installed.
    static func mathRenderer(_ notebook: Notebook, run: RunInformation, rootPrefix: String = "") -> (renderer: MathRenderer, files: [(path: String, contents: Data)]) {
        let hasMath = notebook.cells.contains { cell in
            if case let .prose(prose) = cell { return prose.mathCount > 0 }
            return false
        }
        guard hasMath else { return (.none, []) }
        switch KaTeX.installed {
        case let .success(katex):
            if run.selfContained {
                return (.embedded(stylesheet: katex.embedded.stylesheet, script: katex.embedded.script), [])
            }
            return (.linked(stylesheet: rootPrefix + KaTeX.stylesheetPath, script: rootPrefix + KaTeX.scriptPath), katex.linkedFiles)
        case let .failure(unavailable):
            if !run.quiet, mathNote.claim() { Commands.printError(unavailable.note) }
            return (.none, [])
        }
    }

    /// Every resolved option as `key: value`, marking the ones set by `-p`.
    static func optionLines(_ options: ResolvedOptions) -> [KeyValue] {
        options.fields.compactMap { field in
            guard field.value != .null else { return nil }
            let note = options.overridden.contains(field.name) ? "   (set by -p)" : ""
            return KeyValue(field.name, field.value.yaml + note)
        }
    }

    private static func runInfo(_ notebook: Notebook, run: RunInformation, blockCount: Int, failed: Int) -> [KeyValue] {
        var info = [
            KeyValue("program", "notebook \(ProgramVersion.current)"),
            KeyValue("seed", String(notebook.seed)),
            KeyValue("blocks", failed == 0 ? "\(blockCount) ok" : "\(blockCount - failed) ok, \(failed) failed"),
        ]
        if !run.overrides.isEmpty {
            info.append(KeyValue("overrides", run.overrides.map { "-p \($0)" }.joined(separator: " ")))
        }
        if run.interrupted {
            info.append(KeyValue("run", "interrupted: blocks that had not finished are left out"))
        }
        if let incomplete = run.incomplete {
            info.append(KeyValue("run", "incomplete: \(incomplete)"))
        }
        if run.allowHTML {
            info.insert(KeyValue("raw HTML", "passed through (--allow-html): the notebook's own HTML, scripts included, is part of this page"), at: 0)
        }
        return info
    }

    /// The contents: headings, blocks, and under each block its figures (the figure gallery), with
    /// thumbnails when the figures are files beside the page (not in a self-contained page, where
    /// they would be embedded twice).
    private static func contents(_ notebook: Notebook, quoted: ProseValueRendering, figures: [String: [FigureReference]],
                                 thumbnails: Bool) -> [ContentsEntry] {
        var entries = [ContentsEntry]()
        var level = 1
        for cell in notebook.cells {
            switch cell {
            case let .prose(prose):
                for heading in prose.headings {
                    entries.append(ContentsEntry(level: heading.level, text: quoted.substitutePlain(in: heading.text), anchor: heading.anchor))
                    level = heading.level
                }
            case let .block(block):
                let text = block.caption.map { "\(block.id): \($0)" } ?? "\(block.id) {\(block.kind)}"
                entries.append(ContentsEntry(level: min(level + 1, 6), text: text, anchor: block.id))
                for figure in figures[block.id] ?? [] {
                    entries.append(ContentsEntry(level: min(level + 2, 6), text: figure.caption,
                                                 anchor: ReportWriter.figureAnchor(figure.path, block: block.id),
                                                 thumbnail: thumbnails ? figure.path : nil))
                }
            }
        }
        return entries
    }

    private static func cells(_ notebook: Notebook, blocks: [String: BlockReport], embedAssets: Bool,
                              quoted: ProseValueRendering) -> [ReportCell] {
        notebook.cells.compactMap { cell in
            switch cell {
            case let .prose(prose):
                let withValues = quoted.substitute(in: prose.html)
                let html = embedAssets ? embeddingImages(in: withValues, assets: notebook.assets) : withValues
                return .prose(TrustedHTML(rendererOutput: html))
            case let .block(block): return blocks[block.id].map { .block($0) }
            }
        }
    }

    /// The prose's `<img src="assets/...">` pointing at the notebook's local images replaced by data
    /// URIs of those images, for a report that must stand alone.
    static func embeddingImages(in html: String, assets: [Asset]) -> String {
        guard !assets.isEmpty else { return html }
        let marker = "<img src=\""
        var pieces = html.components(separatedBy: marker)
        for index in pieces.indices.dropFirst() {
            guard let end = pieces[index].firstIndex(of: "\"") else { continue }
            let attribute = String(pieces[index][..<end])
            let url = attribute.replacingOccurrences(of: "&#x27;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
            let path = url.removingPercentEncoding ?? url
            // An image that vanished since the notebook was checked stays a link to its copy.
            guard let asset = assets.first(where: { $0.reportPath == path }),
                  let data = try? RegularFile.read(asset.source.path) else { continue }
            pieces[index] = "data:\(imageType(asset.reportPath));base64,\(data.base64EncodedString())" + pieces[index][end...]
        }
        return pieces.joined(separator: marker)
    }

    /// The media type of an image file, by its extension (PNG when it is not an image's).
    static func imageType(_ path: String) -> String {
        let type = MediaType.of(path)
        return type.hasPrefix("image/") ? type : "image/png"
    }

    /// `2026-11-23T16:05:00Z`, or `2026-11-23T16:05:00.125Z` with `fractionalSeconds`.
    static func iso8601(_ date: Date, fractionalSeconds: Bool = false) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = fractionalSeconds ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
