/// A checked option value, of the type its schema declares.
public indirect enum OptionValue: Sendable, Equatable, Hashable {
    case number(Double)
    case integer(Int)
    case boolean(Bool)
    case text(String)
    case list([OptionValue])
    /// A mapping with its fields in schema (or source) order.
    case record([RecordField])
    /// No value (an optional key left out).
    case null

    /// The value as compact flow-style YAML, e.g. `{r1: 0.1, r2: 0.3}` or `[time, phase]`.
    public var yaml: String {
        switch self {
        case let .number(value): return Self.format(value)
        case let .integer(value): return String(value)
        case let .boolean(value): return value ? "true" : "false"
        case let .text(value): return Self.quoteIfNeeded(value)
        case let .list(items): return "[" + items.map(\.yaml).joined(separator: ", ") + "]"
        case let .record(fields): return "{" + fields.map { "\($0.name): \($0.value.yaml)" }.joined(separator: ", ") + "}"
        case .null: return "null"
        }
    }

    /// The number, for `.number` and `.integer`.
    public var doubleValue: Double? {
        switch self {
        case let .number(value): return value
        case let .integer(value): return Double(value)
        default: return nil
        }
    }

    /// The field called `name` of a record.
    public subscript(field name: String) -> OptionValue? {
        guard case let .record(fields) = self else { return nil }
        return fields.first { $0.name == name }?.value
    }

    /// Shortest text that reads back as the same Double (`0.1`, `1e-07`, `1000`).
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    private static func quoteIfNeeded(_ text: String) -> String {
        let needsQuotes = text.isEmpty || text.contains(where: { ":{}[],#&*!|>'\"%@`\n".contains($0) })
            || Double(text) != nil || ["true", "false", "null", "~"].contains(text)
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}

/// A named field of a record value.
public struct RecordField: Sendable, Equatable, Hashable {
    public var name: String
    public var value: OptionValue
    /// Creates a field.
    public init(_ name: String, _ value: OptionValue) {
        self.name = name
        self.value = value
    }
}
