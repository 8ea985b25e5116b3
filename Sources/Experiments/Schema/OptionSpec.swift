/// One option of a kind: its name, type, default and meaning. The single source of truth for
/// decoding, validation, defaults, documentation, cache keys and `-p` overrides.
public struct OptionSpec: Sendable {
    /// The key as written in a block.
    public let name: String
    /// What values it takes.
    public let type: OptionType
    /// The value when the key is left out; `nil` means the key is optional with no value.
    public let defaultValue: OptionValue?
    /// One line on what the option does, for `notebook kinds` and the README.
    public let summary: String

    /// Creates an option.
    public init(_ name: String, _ type: OptionType, default defaultValue: OptionValue?, _ summary: String) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.summary = summary
    }
}

/// A typed handle on an option: declares it once and reads it back as a Swift value.
public struct Option<Value: Sendable>: Sendable {
    /// The declaration.
    public let spec: OptionSpec
    private let read: @Sendable (OptionValue) -> Value?

    /// The key.
    public var name: String { spec.name }

    init(_ spec: OptionSpec, read: @escaping @Sendable (OptionValue) -> Value?) {
        self.spec = spec
        self.read = read
    }

    /// The value in `value`, when it has this option's type.
    func value(in value: OptionValue) -> Value? { read(value) }
}

extension Option where Value == Double {
    /// A number option.
    public static func number(_ name: String, _ bounds: NumberBounds = .any, default value: Double, _ summary: String) -> Self {
        Self(OptionSpec(name, .number(bounds), default: .number(value), summary)) { $0.doubleValue }
    }
}

extension Option where Value == Double? {
    /// A number option that may be left out.
    public static func optionalNumber(_ name: String, _ bounds: NumberBounds = .any, _ summary: String) -> Self {
        Self(OptionSpec(name, .number(bounds), default: nil, summary)) { .some($0.doubleValue) }
    }
}

extension Option where Value == Int {
    /// A whole-number option.
    public static func integer(_ name: String, minimum: Int, maximum: Int? = nil, default value: Int, _ summary: String) -> Self {
        Self(OptionSpec(name, .integer(minimum: minimum, maximum: maximum), default: .integer(value), summary)) {
            if case let .integer(int) = $0 { return int }
            return nil
        }
    }
}

extension Option where Value == Bool {
    /// A true/false option.
    public static func boolean(_ name: String, default value: Bool, _ summary: String) -> Self {
        Self(OptionSpec(name, .boolean, default: .boolean(value), summary)) {
            if case let .boolean(bool) = $0 { return bool }
            return nil
        }
    }
}

extension Option where Value == String? {
    /// A free-text option that may be left out.
    public static func text(_ name: String, _ summary: String) -> Self {
        Self(OptionSpec(name, .text, default: nil, summary)) {
            if case let .text(text) = $0 { return text }
            return .some(nil)
        }
    }
}

extension Option where Value == String {
    /// An option taking one of a fixed set of words.
    public static func choice(_ name: String, _ words: [String], default value: String, _ summary: String) -> Self {
        Self(OptionSpec(name, .choice(words), default: .text(value), summary)) {
            if case let .text(text) = $0 { return text }
            return nil
        }
    }

    /// A block-id option with a default computed by the notebook.
    public static func identifier(_ name: String, _ summary: String) -> Self {
        Self(OptionSpec(name, .identifier, default: nil, summary)) {
            if case let .text(text) = $0 { return text }
            return nil
        }
    }
}

extension Option where Value == [String] {
    /// An option taking any of a fixed set of words, as a list (a single word is a list of one).
    public static func choices(_ name: String, _ words: [String], default value: [String], _ summary: String) -> Self {
        Self(OptionSpec(name, .list(.choice(words), singleAllowed: true), default: .list(value.map { .text($0) }), summary)) {
            guard case let .list(items) = $0 else { return nil }
            return items.compactMap { if case let .text(text) = $0 { return text } else { return nil } }
        }
    }
}

extension Option where Value == [String: Double] {
    /// A map of named numbers with fixed keys and per-key defaults (`params`, `initial`).
    public static func numbers(_ name: String, _ fields: [(String, Double)], _ summary: String, bounds: NumberBounds = .any) -> Self {
        let specs = fields.map { OptionSpec($0.0, .number(bounds), default: .number($0.1), "") }
        let defaults = OptionValue.record(fields.map { RecordField($0.0, .number($0.1)) })
        return Self(OptionSpec(name, .record(specs), default: defaults, summary)) {
            guard case let .record(fields) = $0 else { return nil }
            var result = [String: Double]()
            for field in fields { result[field.name] = field.value.doubleValue }
            return result
        }
    }
}

extension Option where Value == ColumnsValue? {
    /// Named columns of numbers given inline or as a CSV file; optional.
    public static func columns(_ name: String, _ summary: String) -> Self {
        Self(OptionSpec(name, .columns, default: nil, summary)) { ColumnsValue(option: $0) }
    }
}

/// The value of a `.columns` option: inline columns, the path of a CSV file, or a table another
/// block writes.
public enum ColumnsValue: Sendable, Equatable {
    /// Columns given in the block, in source order; `nil` entries are missing values.
    case inline([(name: String, values: [Double?])])
    /// A CSV file, relative to the notebook.
    case csv(path: String)
    /// A table written by another block of the notebook (`{block: ID, ...}`).
    case block(BlockDataReference)

    init?(option: OptionValue) {
        guard case let .record(fields) = option else { return nil }
        if fields.count == 1, fields[0].name == "csv", case let .text(path) = fields[0].value {
            self = .csv(path: path)
            return
        }
        if let reference = BlockDataReference(option: option) {
            self = .block(reference)
            return
        }
        var columns = [(name: String, values: [Double?])]()
        for field in fields {
            guard case let .list(items) = field.value else { return nil }
            columns.append((field.name, items.map(\.doubleValue)))
        }
        self = .inline(columns)
    }

    public static func == (lhs: ColumnsValue, rhs: ColumnsValue) -> Bool {
        switch (lhs, rhs) {
        case let (.csv(a), .csv(b)): return a == b
        case let (.block(a), .block(b)): return a == b
        case let (.inline(a), .inline(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.name == $1.name && $0.values == $1.values }
        default: return false
        }
    }
}
