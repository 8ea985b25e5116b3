import Experiments
import Expressions

/// Checks the values the prose quotes against the notebook's blocks before anything runs: the
/// block exists, the metric is one its run reports, the parameter or option is one it has.
enum ProseValueCheck {
    /// The problems, one per bad reference, with the closest name when there is one.
    static func problems(_ values: [ProseValue], blocks: [ExperimentBlock]) -> [ProseValueProblem] {
        let byID = Dictionary(blocks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var problems = [ProseValueProblem]()
        for value in values {
            func problem(_ message: String) {
                let shown = value.text.hasPrefix("[@") ? value.text : "{{\(value.text)}}"
                problems.append(ProseValueProblem(line: value.line, column: value.column, message: "'\(shown)': \(message)"))
            }
            if case let .figure(stem) = value.target {
                if figureBlock(stem, blocks: blocks) == nil {
                    problem("no block's figure: a figure is named after its block, '<block id>-<figure>' (ids: \(blocks.map(\.id).joined(separator: ", ")))")
                }
                continue
            }
            guard let block = byID[value.blockID] else {
                problem("no block has the id '\(value.blockID)'" + Suggestion.didYouMean(value.blockID, in: blocks.map(\.id))
                        + (blocks.isEmpty ? "" : " (ids: \(blocks.map(\.id).joined(separator: ", ")))"))
                continue
            }
            switch value.target {
            case .block, .figure:
                break
            case let .metric(name):
                let names = block.experiment.metricNames
                if !names.contains(name), name != ProseValue.blockSeconds {
                    problem("block '\(block.id)' reports no metric '\(name)'" + Suggestion.didYouMean(name, in: names)
                            + " (its metrics: \(names.joined(separator: ", ")))")
                }
            case let .parameter(name):
                if !fitted(name, of: block), parameter(name, of: block) == nil {
                    let names = parameterNames(of: block)
                    problem("block '\(block.id)' has no parameter '\(name)'" + Suggestion.didYouMean(name, in: names)
                            + (names.isEmpty ? "" : " (its parameters: \(names.joined(separator: ", ")))"))
                }
            case let .option(key):
                if option(key, of: block) == nil {
                    let names = block.options.fields.filter { $0.value != .null }.map(\.name)
                    problem("block '\(block.id)' has no option '\(key)'" + Suggestion.didYouMean(key, in: names))
                }
            }
        }
        return problems
    }

    /// The block a figure reference's stem names: the one whose id, followed by `-`, begins it
    /// (the longest, when ids are prefixes of one another).
    static func figureBlock(_ stem: String, blocks: [ExperimentBlock]) -> ExperimentBlock? {
        blocks.filter { stem.hasPrefix($0.id + "-") && stem.count > $0.id.count + 1 }.max { $0.id.count < $1.id.count }
    }

    /// The resolved option at the dotted `key` (`fit.lr`), unless it is absent or null.
    static func option(_ key: String, of block: ExperimentBlock) -> OptionValue? {
        let parts = key.split(separator: ".").map(String.init)
        guard var value = block.options.value(named: parts[0]) else { return nil }
        for part in parts.dropFirst() {
            guard let field = value[field: part] else { return nil }
            value = field
        }
        return value == .null ? nil : value
    }

    /// Whether the block reports the parameter as a metric (`param.NAME`, a fit's result), which
    /// `{{ID.param.NAME}}` then quotes instead of the value written.
    static func fitted(_ name: String, of block: ExperimentBlock) -> Bool {
        block.experiment.metricNames.contains("param.\(name)")
    }

    /// The parameter `name` as resolved: an entry of `params`, or a numeric option of that name
    /// (`{species}` writes its rates as options).
    static func parameter(_ name: String, of block: ExperimentBlock) -> Double? {
        if let value = option("params.\(name)", of: block)?.doubleValue { return value }
        guard !name.contains(".") else { return nil }
        return option(name, of: block)?.doubleValue
    }

    /// The names `parameter(_:of:)` finds.
    static func parameterNames(of block: ExperimentBlock) -> [String] {
        if case let .record(fields)? = block.options.value(named: "params") { return fields.map(\.name) }
        return block.options.fields.filter { $0.value.doubleValue != nil && $0.name != "seed" }.map(\.name)
    }
}
