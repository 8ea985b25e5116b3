/// A value the prose quotes from a block (docs/format.md §7): `{{ID.METRIC}}` or
/// `{{ID.METRIC:FMT}}` (a metric of the run), `{{ID.param.NAME}}` (a parameter as resolved),
/// `{{ID.option.KEY}}` (an option as resolved), or `{{ID}}` (a link to the block).
public struct ProseValue: Sendable, Equatable {
    /// What is quoted.
    public enum Target: Sendable, Equatable {
        /// A metric, by its dotted name (`loss.final`).
        case metric(String)
        /// A parameter of the block's model (`params.NAME`, or an option of that name).
        case parameter(String)
        /// A resolved option, by its dotted key (`fit.lr`).
        case option(String)
        /// The block itself: a link titled by its caption.
        case block
        /// A figure, by its file's stem (`ID-NAME`, as in `figures/ID-NAME.png`): `[@ID-NAME]`, a
        /// numbered link ("Figure 3").
        case figure(String)
    }

    /// `{{ID.seconds}}`: the block's measured wall-clock seconds (for a cached block, its original
    /// run's), quotable like a metric of every kind and marked run-dependent like one.
    public static let blockSeconds = "seconds"

    /// The block's id.
    public let blockID: String
    /// What is quoted.
    public let target: Target
    /// How a number is written.
    public let format: ValueFormat
    /// Where it is written: 1-based line and column (in characters) of its `{{`.
    public let line: Int
    public let column: Int
    /// The text between the braces, as written.
    public let text: String

    /// Reads the text between `{{` and `}}`; `nil` when it is not a reference (the braces then
    /// stay as written), or a problem to report.
    static func read(_ text: String, line: Int, column: Int) -> Result<ProseValue, ProseValueProblem>? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let identifier: (Character) -> Bool = { $0.isLetter || $0.isNumber || "_-.:,%".contains($0) }
        guard let first = trimmed.first, first.isLetter || first.isNumber || first == "_", trimmed.allSatisfy(identifier) else { return nil }
        var reference = Substring(trimmed)
        var format = ValueFormat.standard
        if let colon = trimmed.firstIndex(of: ":") {
            let specification = String(trimmed[trimmed.index(after: colon)...])
            guard let parsed = ValueFormat(specification) else {
                return .failure(ProseValueProblem(line: line, column: column,
                    message: "'{{\(trimmed)}}': unknown format '\(specification)' (formats: .3g, .2f, .2e, ,d, .1%)"))
            }
            format = parsed
            reference = trimmed[..<colon]
        }
        let parts = reference.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let id = String(parts[0])
        guard parts.count > 1 else {
            return .success(ProseValue(blockID: id, target: .block, format: format, line: line, column: column, text: trimmed))
        }
        let path = String(parts[1])
        let target: Target
        if path.hasPrefix("param."), path.count > 6 {
            target = .parameter(String(path.dropFirst(6)))
        } else if path.hasPrefix("option."), path.count > 7 {
            target = .option(String(path.dropFirst(7)))
        } else if path.isEmpty {
            return .failure(ProseValueProblem(line: line, column: column, message: "'{{\(trimmed)}}': a metric name is missing after '\(id).'"))
        } else {
            target = .metric(path)
        }
        return .success(ProseValue(blockID: id, target: target, format: format, line: line, column: column, text: trimmed))
    }
}

/// A problem with a quoted value, where it is written.
public struct ProseValueProblem: Error, Sendable, Equatable {
    /// 1-based line and column.
    public let line: Int
    public let column: Int
    /// What is wrong.
    public let message: String
}
