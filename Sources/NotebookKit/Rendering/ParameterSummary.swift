import Experiments
import Report

/// The parameter summary at the top of a report: per block, the options whose values differ
/// from the kind's schema defaults (the notebook's seed for `seed`) or that `-p` set, with where
/// each was set. Sections with fixed keys (`params` of `{species}`, `fit`) are compared key by key,
/// so `params: {r1: 0.2}` shows as `params.r1: 0.2`.
enum ParameterSummary {
    /// Values longer than this are cut in the summary (the block's options show them whole).
    static let maximumValueLength = 160

    /// The summary line of `block`.
    static func parameters(of block: ExperimentBlock, notebookSeed: Int) -> BlockParameters {
        BlockParameters(id: block.id, kind: block.kind, settings: settings(of: block.options, notebookSeed: notebookSeed))
    }

    /// The options of `options` that differ from their defaults or were set by `-p`, in schema order.
    /// The id and caption are left out: the summary names the block, and its section shows the caption.
    static func settings(of options: ResolvedOptions, notebookSeed: Int) -> [ParameterSetting] {
        guard let schema = Kinds.named(options.kind)?.schema else { return [] }
        var settings = [ParameterSetting]()
        for spec in schema.options where spec.name != CommonOptions.id.name && spec.name != CommonOptions.caption.name {
            guard let value = options.value(named: spec.name) else { continue }
            // A figure format the block does not write comes from the front matter: the notebook's
            // setting, not the block's.
            if spec.name == CommonOptions.figureFormat.name, options.keyLines[spec.name] == nil,
               !options.overridden.contains(spec.name) { continue }
            let baseline: OptionValue = spec.name == CommonOptions.seed.name ? .integer(notebookSeed) : (spec.defaultValue ?? .null)
            var changes = differences(spec.name, value, from: baseline, type: spec.type)
            if changes.isEmpty, options.overridden.contains(spec.name) { changes = [(spec.name, value)] }
            for (name, changed) in changes {
                settings.append(ParameterSetting(name: name, value: shortened(changed.yaml), origin: origin(of: name, in: options)))
            }
        }
        return settings
    }

    /// The (dotted) names and values where `value` differs from `baseline`.
    static func differences(_ name: String, _ value: OptionValue, from baseline: OptionValue, type: OptionType) -> [(String, OptionValue)] {
        guard value != baseline else { return [] }
        guard case let .record(specs) = type, case let .record(fields) = value else { return [(name, value)] }
        var changes = [(String, OptionValue)]()
        for field in fields {
            let spec = specs.first { $0.name == field.name }
            let fieldBaseline = baseline[field: field.name] ?? spec?.defaultValue ?? .null
            if let spec {
                changes += differences("\(name).\(field.name)", field.value, from: fieldBaseline, type: spec.type)
            } else if field.value != fieldBaseline {
                changes.append(("\(name).\(field.name)", field.value))
            }
        }
        // A section that is present but at its defaults (a `fit:` left at its defaults) still differs
        // from its absence: show it whole.
        return changes.isEmpty ? [(name, value)] : changes
    }

    /// The override (`-p TEXT`, `--sweep KEY=VALUE`) for a value from one, else `line N` where it
    /// is written: the position of
    /// the (dotted) value itself when it has one, else that of its top-level key.
    static func origin(of name: String, in options: ResolvedOptions) -> String {
        let top = name.split(separator: ".").first.map(String.init) ?? name
        if let position = options.valuePositions[name] ?? options.valuePositions[top] {
            return position.override ?? "line \(position.line)"
        }
        return options.overridden.contains(top) ? "-p" : "line \(options.line(of: top))"
    }

    /// `text`, cut to ``maximumValueLength`` characters with an ellipsis.
    static func shortened(_ text: String) -> String {
        text.count <= maximumValueLength ? text : String(text.prefix(maximumValueLength - 1)) + "…"
    }
}
