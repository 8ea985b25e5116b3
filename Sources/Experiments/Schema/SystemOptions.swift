/// A name with its value, in the order the notebook writes them.
public struct NamedValue<Value: Sendable & Equatable>: Sendable, Equatable {
    public var name: String
    public var value: Value
    /// Creates a pair.
    public init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }
}

/// A tolerance: one number for every state, or one per state by name.
public enum ToleranceValue: Sendable, Equatable {
    case scalar(Double)
    case perState([NamedValue<Double>])
}

/// A figure a block should draw, with the states it shows (empty: the kind chooses).
public struct FigureRequest: Sendable, Equatable {
    /// `time` or `phase`.
    public var kind: String
    /// The states to show, as written.
    public var states: [String]
}

extension Option where Value == [NamedValue<String>] {
    /// A mapping from names to expressions (`equations`).
    public static func expressions(_ name: String, _ summary: String) -> Self {
        Self(OptionSpec(name, .map(.text), default: .record([]), summary)) { value in
            guard case let .record(fields) = value else { return nil }
            return fields.map { field in
                if case let .text(text) = field.value { return NamedValue(field.name, text) }
                return NamedValue(field.name, field.value.yaml)
            }
        }
    }
}

extension Option where Value == [NamedValue<Double>] {
    /// A mapping from names the user chooses to numbers (`params`, `initial`).
    public static func namedNumbers(_ name: String, _ summary: String) -> Self {
        Self(OptionSpec(name, .map(.number(.any)), default: .record([]), summary)) { value in
            guard case let .record(fields) = value else { return nil }
            return fields.compactMap { field in field.value.doubleValue.map { NamedValue(field.name, $0) } }
        }
    }
}

extension Option where Value == ToleranceValue {
    /// A tolerance: a number, or a map from state names to numbers.
    public static func tolerance(_ name: String, default value: Double, _ summary: String) -> Self {
        Self(OptionSpec(name, .numberOrMap(.positive), default: .number(value), summary)) { value in
            switch value {
            case let .number(number): return .scalar(number)
            case let .record(fields): return .perState(fields.compactMap { f in f.value.doubleValue.map { NamedValue(f.name, $0) } })
            default: return nil
            }
        }
    }
}

extension Option where Value == [FigureRequest] {
    /// Figures to draw, each a word or `{word: [states]}`.
    public static func figures(_ name: String, _ words: [String], default value: [String], _ summary: String) -> Self {
        Self(OptionSpec(name, .figures(words), default: .list(value.map { .text($0) }), summary)) { value in
            guard case let .list(items) = value else { return nil }
            return items.compactMap { item in
                switch item {
                case let .text(word): return FigureRequest(kind: word, states: [])
                case let .record(fields):
                    guard let field = fields.first, case let .list(names) = field.value else { return nil }
                    return FigureRequest(kind: field.name, states: names.compactMap { if case let .text(t) = $0 { t } else { nil } })
                default: return nil
                }
            }
        }
    }
}

extension Option where Value == Int? {
    /// A whole-number option that may be left out.
    public static func optionalInteger(_ name: String, minimum: Int, _ summary: String) -> Self {
        Self(OptionSpec(name, .integer(minimum: minimum, maximum: nil), default: nil, summary)) { value in
            if case let .integer(int) = value { return .some(int) }
            return .some(nil)
        }
    }
}

extension Option where Value == [Double]? {
    /// A list of numbers that may be left out.
    public static func numbers(_ name: String, _ summary: String) -> Self {
        Self(OptionSpec(name, .list(.number(.any), singleAllowed: true), default: nil, summary)) { value in
            guard case let .list(items) = value else { return .some(nil) }
            return .some(items.compactMap(\.doubleValue))
        }
    }
}

extension Option where Value == [String] {
    /// A list of names the block checks itself (states, columns), empty by default.
    public static func names(_ name: String, _ summary: String) -> Self {
        Self(OptionSpec(name, .list(.text, singleAllowed: true), default: .list([]), summary)) { value in
            guard case let .list(items) = value else { return nil }
            return items.compactMap { if case let .text(text) = $0 { return text } else { return nil } }
        }
    }

    /// A list of words from a fixed set, empty by default.
    public static func words(_ name: String, _ words: [String], _ summary: String) -> Self {
        Self(OptionSpec(name, .list(.choice(words), singleAllowed: true), default: .list([]), summary)) { value in
            guard case let .list(items) = value else { return nil }
            return items.compactMap { if case let .text(text) = $0 { return text } else { return nil } }
        }
    }
}
