import Crypto
import BlockResults
import Foundation
import Plot
import Report

/// What `--baseline` asks of a run: where the baseline is, the flags' tolerances, and whether
/// blocks new since the baseline are accepted.
struct BaselineSettings: Sendable {
    /// The baselines, read before the run.
    var source: BaselineSource
    var rtol: Double = BaselineTolerance.defaultRelative
    var atol: Double = 0
    /// `--allow-new`: a block (or metric) the baseline lacks is reported, not a regression.
    var allowNew = false
}

/// One report's comparison with its baseline report (docs/format.md §6): per block, each metric
/// against the baseline's within its tolerance, and each figure against the baseline's pixels;
/// a regression line for every metric outside its tolerance, every baseline block or metric
/// missing, and every new block (without `--allow-new`).
struct BaselineComparison {
    /// Per block id, the section its report shows.
    var sections = [String: BaselineSection]()
    /// Per block id, `"baseline"` of its entry in `results.json`.
    var blockJSON = [String: JSONValue]()
    /// The baseline figures and difference images the report shows, by path in the report folder.
    var files = [(path: String, contents: Data)]()
    /// `file:line: regression: ...`, in document order.
    var regressions = [String]()
    /// The page's one line about the baseline.
    var summary = BaselineSummary(ok: true, headline: "", detail: "")
    /// The report's `"baseline"` entry in `results.json`.
    var json = JSONValue.null

    /// Compares `rendered` (the blocks of `notebook` that ran, in document order) with `baseline`
    /// (`nil`: the notebook is not in the baseline). `point` names a sweep point in messages.
    init(notebook: Notebook, point: String?, rendered: [RenderedBlock], baseline: BaselineResults?, settings: BaselineSettings) {
        let path = notebook.path
        let at = point.map { " [\($0)]" } ?? ""
        var regressedMetrics = 0, regressedBlocks = Set<String>(), compared = 0, changedFigures = 0
        var newBlocks = [String](), missingBlocks = [String]()
        let sources = Dictionary(notebook.blocks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

        for block in rendered {
            let option = sources[block.id]?.options.value(named: "tolerance")
            let line = block.line
            guard let base = baseline?.block(block.id) else {
                newBlocks.append(block.id)
                let ok = settings.allowNew
                sections[block.id] = BaselineSection(
                    note: ok ? "New: this block is not in the baseline (accepted by --allow-new)."
                        : "New: this block is not in the baseline; run with --allow-new to accept it, or update the baseline.",
                    ok: ok, rows: [])
                blockJSON[block.id] = .object([("new", .bool(true)), ("ok", .bool(ok))])
                if !ok {
                    regressions.append("\(path):\(line): regression: block '\(block.id)'\(at) is not in the baseline \(settings.source.shown) (--allow-new accepts new blocks)")
                    regressedBlocks.insert(block.id)
                }
                continue
            }
            var rows = [BaselineRow](), json = [(String, JSONValue)]()
            let baseMetrics = Dictionary(base.metrics.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            var seen = Set<String>()
            for metric in block.metrics {
                seen.insert(metric.name)
                let tolerance = BaselineTolerance.of(metric: metric.name, option: option, rtol: settings.rtol, atol: settings.atol)
                let value = metric.value
                let shown = value.text(significantDigits: 10)
                guard let stored = baseMetrics[metric.name] else {
                    let ok = settings.allowNew
                    rows.append(BaselineRow(metric: metric.name, value: shown, baseline: "—", delta: "", relativeDelta: "",
                                            verdict: ok ? "new" : "new: not in the baseline", ok: ok))
                    json.append((metric.name, .object([("value", value.json), ("baseline", .null), ("ok", .bool(ok))])))
                    if !ok {
                        regressions.append("\(path):\(line): regression: block '\(block.id)'\(at) metric '\(metric.name)' = \(shown) is not in the baseline (--allow-new accepts new metrics)")
                        regressedMetrics += 1
                        regressedBlocks.insert(block.id)
                    }
                    continue
                }
                compared += 1
                let verdict = Self.judge(value, baseline: stored, tolerance: tolerance, name: metric.name)
                let (valueText, baseText) = Self.shownPair(value, stored)
                var delta = "", relative = ""
                if let stored, value.number.isFinite {
                    let difference = value.number - stored
                    delta = difference == 0 ? "0" : String(format: "%+.3g", difference)
                    relative = stored == 0 ? (difference == 0 ? "0" : "∞") : String(format: "%+.2g", difference / abs(stored))
                }
                rows.append(BaselineRow(metric: metric.name, value: valueText, baseline: baseText, delta: delta, relativeDelta: relative,
                                        verdict: verdict.text, ok: verdict.ok))
                json.append((metric.name, .object([("value", value.json), ("baseline", Self.baselineJSON(stored, like: value)), ("ok", .bool(verdict.ok))])))
                if !verdict.ok {
                    regressions.append("\(path):\(line): regression: block '\(block.id)'\(at) metric '\(metric.name)' = \(valueText) vs baseline \(baseText) (\(verdict.reason))")
                    regressedMetrics += 1
                    regressedBlocks.insert(block.id)
                }
            }
            for metric in base.metrics where !seen.contains(metric.name) {
                let baseText = metric.value.map { String(format: "%.10g", $0) } ?? "NaN"
                let why = block.succeeded ? "missing from this run" : "missing: the block failed"
                rows.append(BaselineRow(metric: metric.name, value: "—", baseline: baseText, delta: "", relativeDelta: "", verdict: why, ok: false))
                json.append((metric.name, .object([("value", .null), ("baseline", metric.value.map { .number($0) } ?? .null), ("ok", .bool(false))])))
                regressions.append("\(path):\(line): regression: block '\(block.id)'\(at) metric '\(metric.name)' (baseline \(baseText)) is \(why)")
                regressedMetrics += 1
                regressedBlocks.insert(block.id)
            }
            let figures = figureComparisons(block, baseline: base, folder: baseline?.folder, digests: baseline?.figureDigests ?? [:])
            changedFigures += figures.count
            let ok = !regressedBlocks.contains(block.id)
            let unknown = BaselineTolerance.namedMetrics(option).filter { !seen.contains($0) && baseMetrics[$0] == nil }
            let note = unknown.isEmpty ? nil
                : "The tolerance names \(unknown.map { "'\($0)'" }.joined(separator: ", ")), which this block does not report (metrics: \(block.metrics.map(\.name).joined(separator: ", ")))."
            sections[block.id] = BaselineSection(note: note, ok: ok, rows: rows, figures: figures)
            blockJSON[block.id] = .object(json)
        }
        // Baseline blocks this run does not have.
        let ran = Set(rendered.map(\.id))
        for base in baseline?.blocks ?? [] where !ran.contains(base.id) {
            missingBlocks.append(base.id)
            regressedBlocks.insert(base.id)
            if let source = sources[base.id] {
                regressions.append("\(path):\(source.line): regression: block '\(base.id)'\(at) of the baseline did not run")
            } else {
                regressions.append("\(path):\(base.line): regression: block '\(base.id)'\(at) of the baseline is not in the notebook")
            }
        }
        let ok = regressions.isEmpty
        let figureNote = changedFigures == 0 ? "" : "; \(changedFigures) figure\(changedFigures == 1 ? "" : "s") changed (shown beside the baseline's)"
        let newNote = newBlocks.isEmpty ? "" : "; new: \(newBlocks.joined(separator: ", "))"
        let missingNote = missingBlocks.isEmpty ? "" : "; missing from this run: \(missingBlocks.joined(separator: ", "))"
        let detail = "Compared with \(baseline?.shownPath ?? settings.source.shown)\(figureNote)\(newNote)\(missingNote)."
        if ok {
            let blocks = rendered.count
            summary = BaselineSummary(ok: true, headline: "All \(compared) metric\(compared == 1 ? "" : "s") of \(blocks) block\(blocks == 1 ? "" : "s") within tolerance.", detail: detail)
        } else {
            let blocks = regressedBlocks.count
            let headline = regressedMetrics > 0
                ? "\(regressedMetrics) metric\(regressedMetrics == 1 ? "" : "s") outside tolerance in \(blocks) block\(blocks == 1 ? "" : "s")."
                : "\(regressions.count) regression\(regressions.count == 1 ? "" : "s") in \(blocks) block\(blocks == 1 ? "" : "s")."
            summary = BaselineSummary(ok: false, headline: headline, detail: detail)
        }
        json = .object([
            ("path", .string(baseline?.shownPath ?? settings.source.shown)), ("ok", .bool(ok)),
            ("regressions", .integer(regressions.count)), ("changed_figures", .integer(changedFigures)),
            ("new_blocks", .array(newBlocks.map { .string($0) })), ("missing_blocks", .array(missingBlocks.map { .string($0) })),
        ])
    }

    /// The verdict on one metric.
    struct Verdict {
        var ok: Bool
        /// As the table shows it.
        var text: String
        /// Why it fails, for the regression line.
        var reason: String = ""
    }

    /// Judges `value` against `baseline` (`nil`: the baseline stored no finite number).
    static func judge(_ value: MetricValue, baseline: Double?, tolerance: BaselineTolerance, name: String) -> Verdict {
        if ReportFormat.isTimingName(name), tolerance.source != .metric {
            return Verdict(ok: true, text: "not compared: a measured time")
        }
        let number = value.number
        guard let baseline else {
            return number.isFinite
                ? Verdict(ok: false, text: "outside: baseline not finite", reason: "the baseline is not a finite number")
                : Verdict(ok: true, text: "same: not finite")
        }
        guard number.isFinite else {
            return Verdict(ok: false, text: "outside: not finite", reason: "not a finite number")
        }
        if case .count = value, tolerance.source == .flags {
            return number == baseline ? Verdict(ok: true, text: "exact") : Verdict(ok: false, text: "outside: a count", reason: "counts compare exactly")
        }
        if tolerance.accepts(number, baseline: baseline) {
            return Verdict(ok: true, text: number == baseline ? "exact" : "within \(tolerance.rule)")
        }
        return Verdict(ok: false, text: "outside \(tolerance.rule)", reason: tolerance.excess(number, baseline: baseline))
    }

    /// The value and the baseline as the regression line shows them: counts in full; reals with
    /// the same number of significant digits, at least seven, and as many as it takes to tell
    /// them apart (`373.5690` against `373.5682`).
    static func shownPair(_ value: MetricValue, _ baseline: Double?) -> (String, String) {
        guard let baseline else { return (value.text(significantDigits: 10), "NaN") }
        if case let .count(count) = value, baseline == baseline.rounded(), abs(baseline) < 1e15 {
            return (String(count), String(Int(baseline)))
        }
        let number = value.number
        for digits in 7...17 {
            let a = String(format: "%#.\(digits)g", number), b = String(format: "%#.\(digits)g", baseline)
            if a != b || digits == 17 || number == baseline { return (trimmed(a), trimmed(b)) }
        }
        return (String(number), String(baseline))
    }

    /// A baseline value in results.json: a count as an integer, like the value it is compared with.
    static func baselineJSON(_ stored: Double?, like value: MetricValue) -> JSONValue {
        guard let stored else { return .null }
        if case .count = value, stored == stored.rounded(), abs(stored) < 1e15 { return .integer(Int(stored)) }
        return .number(stored)
    }

    /// `%#g` text without a dangling decimal point (`100.` → `100`).
    private static func trimmed(_ text: String) -> String {
        text.hasSuffix(".") ? String(text.dropLast()) : text
    }

    /// The figures of `block` that differ from the baseline's, each with the baseline's copy and
    /// (PNGs) an image of the difference added to `files`.
    private mutating func figureComparisons(_ block: RenderedBlock, baseline: BaselineResults.Block, folder: URL?,
                                            digests: [String: String]) -> [FigureComparison] {
        guard let folder else { return [] }
        var comparisons = [FigureComparison]()
        let contents = Dictionary(block.files.map { ($0.path, $0.contents) }, uniquingKeysWith: { first, _ in first })
        for figure in block.figures {
            guard baseline.figures.contains(figure.path) || baseline.figures.isEmpty, let current = contents[figure.path] else { continue }
            guard let stored = try? Data(contentsOf: folder.appendingPathComponent(figure.path)) else {
                // A baseline that keeps checksums only: the figure changed or not, without images.
                if let digest = digests[figure.path], digest != CacheKey.hex(SHA256.hash(data: current)) {
                    comparisons.append(FigureComparison(caption: figure.caption, current: figure.path, baseline: nil, difference: nil,
                                                        summary: "its file differs from the baseline's (the baseline keeps only its SHA-256)"))
                }
                continue
            }
            guard stored != current else { continue }
            let name = figure.path.split(separator: "/").last.map(String.init) ?? figure.path
            let baselinePath = "figures/baseline/" + name
            files.append((baselinePath, stored))
            var differencePath: String?
            var summary = "its file differs"
            if figure.path.hasSuffix(".png"),
               let a = try? CairoRenderer.decodePNG([UInt8](current)), let b = try? CairoRenderer.decodePNG([UInt8](stored)) {
                let difference = ImageDifference(current: a, baseline: b)
                guard difference.changed else {
                    files.removeLast()
                    continue
                }
                summary = difference.sameSize
                    ? String(format: "%.2g%% of the pixels", 100 * difference.changedFraction)
                    : "the size, \(a.width)×\(a.height) pixels against \(b.width)×\(b.height)"
                if let png = try? CairoRenderer.encodePNG(difference.image) {
                    differencePath = "figures/baseline/" + name.dropLast(4) + "-difference.png"
                    files.append((differencePath!, Data(png)))
                }
            }
            comparisons.append(FigureComparison(caption: figure.caption, current: figure.path, baseline: baselinePath,
                                                difference: differencePath, summary: summary))
        }
        return comparisons
    }
}
