import Experiments

/// The text of `notebook kinds`: each kind, each key with its type, default and meaning, read
/// from the kind's schema.
public enum KindCatalog {
    /// A kind's description as aligned columns.
    public static func describe(_ kind: any ExperimentKind.Type) -> String {
        let schema = kind.schema
        var text = "{\(schema.kind)}  \(schema.summary)\n\n"
        let rows = schema.options.map { option -> (String, String, String, String) in
            (option.name, option.type.description, defaultText(option), option.summary)
        }
        let nameWidth = rows.map(\.0.count).max() ?? 0
        for (index, (name, type, defaultValue, summary)) in rows.enumerated() {
            text += "  " + name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  " + summary + "\n"
            let indent = "  " + String(repeating: " ", count: nameWidth) + "  "
            // A section of named sub-options (fit:) lists each with its meaning and default.
            if case let .record(fields) = schema.options[index].type, fields.contains(where: { !$0.summary.isEmpty }) {
                text += indent + "default: \(defaultValue); keys:\n"
                let width = fields.map(\.name.count).max() ?? 0
                for field in fields {
                    text += indent + "  " + field.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + field.summary
                        + " (\(field.type.description); default: \(field.defaultValue.map(\.yaml) ?? "none"))\n"
                }
            } else {
                text += indent + "type: \(type); default: \(defaultValue)\n"
            }
        }
        return text
    }

    private static func defaultText(_ option: OptionSpec) -> String {
        switch option.name {
        case "id": return "<kind>-<n>"
        case "seed": return "the notebook's seed (front matter, else 0)"
        default: return option.defaultValue.map(\.yaml) ?? "none"
        }
    }
}

import Foundation
