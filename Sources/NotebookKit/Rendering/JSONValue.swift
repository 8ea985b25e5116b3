/// A JSON value whose objects keep their keys in the order written, so that `results.json`
/// lists fields in the order docs/format.md documents.
enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case integer(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.serialized() == rhs.serialized() }

    /// Pretty-printed text with two-space indentation and a final newline.
    func serialized() -> String {
        var text = ""
        write(into: &text, indent: 0)
        return text + "\n"
    }

    private func write(into text: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1), closePad = String(repeating: "  ", count: indent)
        switch self {
        case .null: text += "null"
        case let .bool(value): text += value ? "true" : "false"
        case let .integer(value): text += String(value)
        case let .number(value):
            guard value.isFinite else {
                text += "null"
                return
            }
            text += value == value.rounded() && abs(value) < 1e15 ? String(format: "%.1f", value) : String(value)
        case let .string(value): text += Self.quote(value)
        case let .array(items):
            guard !items.isEmpty else {
                text += "[]"
                return
            }
            if items.allSatisfy(\.isScalar) {
                text += "[" + items.map { $0.serialized().dropLast() }.joined(separator: ", ") + "]"
                return
            }
            text += "[\n"
            for (index, item) in items.enumerated() {
                text += pad
                item.write(into: &text, indent: indent + 1)
                text += index + 1 < items.count ? ",\n" : "\n"
            }
            text += closePad + "]"
        case let .object(fields):
            guard !fields.isEmpty else {
                text += "{}"
                return
            }
            text += "{\n"
            for (index, (key, value)) in fields.enumerated() {
                text += pad + Self.quote(key) + ": "
                value.write(into: &text, indent: indent + 1)
                text += index + 1 < fields.count ? ",\n" : "\n"
            }
            text += closePad + "}"
        }
    }

    /// The value on one line, `{"a": 1, "b": [1, 2]}`: a JSON Lines record.
    func compact() -> String {
        switch self {
        case let .array(items): return "[" + items.map { $0.compact() }.joined(separator: ", ") + "]"
        case let .object(fields): return "{" + fields.map { Self.quote($0.0) + ": " + $0.1.compact() }.joined(separator: ", ") + "}"
        default: return String(serialized().dropLast())
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    private static func quote(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let c where c.value < 0x20:
                result += "\\u" + String(repeating: "0", count: 4 - String(c.value, radix: 16).count) + String(c.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

import Foundation
