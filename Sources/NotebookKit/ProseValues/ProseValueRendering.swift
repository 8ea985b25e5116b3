import BlockResults
import Experiments
import Report

/// Puts the quoted values into the prose's HTML after the run: each marker becomes the value,
/// formatted as asked and linked to its block; a value the run did not produce (the block failed
/// or did not run) shows as a dash that says why.
struct ProseValueRendering {
    let values: [ProseValue]
    let blocks: [String: ExperimentBlock]
    let results: [String: RenderedBlock]
    /// Each drawn figure's number in document order, by its file's stem (`ID-NAME`).
    var figureNumbers: [String: Int] = [:]

    /// Replaces every marker in `html` (text of the renderer's output) with the value's HTML.
    func substitute(in html: String) -> String {
        replaceMarkers(in: html) { index in
            guard values.indices.contains(index) else { return "" }
            let value = values[index]
            if case let .figure(stem) = value.target {
                let anchor = "#figure-" + HTML.escape(stem)
                guard let number = figureNumbers[stem] else {
                    return "<a class=\"figure-ref missing\" href=\"\(anchor)\" title=\"no figure \(HTML.escape(stem)) was drawn\">Figure ?</a>"
                }
                return "<a class=\"figure-ref\" href=\"\(anchor)\">Figure \(number)</a>"
            }
            let link = "#" + HTML.escape(value.blockID)
            switch shown(value) {
            case let .success(text):
                // A measured time changes from run to run: marked as the metrics table marks it.
                var timing = ""
                if case let .metric(name) = value.target, ReportFormat.isTimingName(name) { timing = " data-run-dependent=\"time\"" }
                return "<a class=\"quoted-value\" href=\"\(link)\" title=\"\(HTML.escape(value.text))\"\(timing)>\(HTML.escape(text))</a>"
            case let .failure(reason):
                return "<a class=\"quoted-value missing\" href=\"\(link)\" title=\"\(HTML.escape(reason.reason))\">—</a>"
            }
        }
    }

    /// The markers in plain text (a heading for the contents) replaced by the values' text.
    func substitutePlain(in text: String) -> String {
        replaceMarkers(in: text) { index in
            guard values.indices.contains(index) else { return "—" }
            if case let .figure(stem) = values[index].target { return figureNumbers[stem].map { "Figure \($0)" } ?? "Figure ?" }
            guard case let .success(text) = shown(values[index]) else { return "—" }
            return text
        }
    }

    /// `text` with each quoted value shown as a dash: a title shared by the points of a sweep,
    /// whose values differ from point to point.
    static func withoutValues(_ text: String) -> String {
        ProseValueRendering(values: [], blocks: [:], results: [:]).substitutePlain(in: text)
    }

    /// The value as text, or why there is none.
    func shown(_ value: ProseValue) -> Result<String, Unavailable> {
        guard let block = blocks[value.blockID] else { return .failure(Unavailable("no block '\(value.blockID)'")) }
        switch value.target {
        case .block:
            return .success(block.caption ?? block.id)
        case let .parameter(name) where ProseValueCheck.fitted(name, of: block):
            return metric("param.\(name)", of: value)
        case let .parameter(name):
            guard let number = ProseValueCheck.parameter(name, of: block) else { return .failure(Unavailable("no parameter '\(name)'")) }
            return .success(value.format.format(number))
        case let .option(key):
            guard let option = ProseValueCheck.option(key, of: block) else { return .failure(Unavailable("no option '\(key)'")) }
            if let number = option.doubleValue { return .success(value.format.format(number)) }
            if case let .text(text) = option { return .success(text) }
            return .success(option.yaml)
        case let .metric(name):
            return metric(name, of: value)
        case let .figure(stem):
            return figureNumbers[stem].map { .success("Figure \($0)") } ?? .failure(Unavailable("no figure \(stem) was drawn"))
        }
    }

    /// The metric `name` of the value's block, formatted, or why the run did not give it.
    private func metric(_ name: String, of value: ProseValue) -> Result<String, Unavailable> {
        guard let result = results[value.blockID], result.succeeded else {
            return .failure(Unavailable("block '\(value.blockID)' did not finish"))
        }
        guard let metric = result.metrics.first(where: { $0.name == name }) else {
            if name == ProseValue.blockSeconds { return .success(value.format.format(result.seconds)) }
            return .failure(Unavailable("block '\(value.blockID)' reported no '\(name)'"))
        }
        switch metric.value {
        case let .count(count): return .success(value.format.format(Double(count)))
        case let .real(real): return .success(value.format.format(real))
        }
    }

    /// Why a value could not be shown.
    struct Unavailable: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// `text` with each `U+E004 digits U+E005` replaced by `replacement(index)`.
    private func replaceMarkers(in text: String, _ replacement: (Int) -> String) -> String {
        guard text.contains(ProseValueProtection.open) else { return text }
        var output = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: ProseValueProtection.open) {
            output += rest[..<open]
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: ProseValueProtection.close), let index = Int(rest[after..<close]) else {
                rest = rest[after...]
                continue
            }
            output += replacement(index)
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }
}

extension ProseValueRendering.Unavailable: CustomStringConvertible {
    var description: String { reason }
}
