/// The type of an option: how its text is read, what values are allowed, and how `notebook kinds`
/// describes it.
public indirect enum OptionType: Sendable {
    /// A real number (any common notation: `0.0001`, `1e-4`, `1.0e-4`) within bounds.
    case number(NumberBounds)
    /// A whole number at least `minimum` (and at most `maximum`).
    case integer(minimum: Int, maximum: Int?)
    /// `true` or `false`.
    case boolean
    /// Free text.
    case text
    /// Lowercase letters, digits and `-` (block ids).
    case identifier
    /// One of a fixed set of words.
    case choice([String])
    /// A list of values; a single value is accepted as a one-element list when `singleAllowed`.
    case list(OptionType, singleAllowed: Bool)
    /// A mapping with fixed keys, each an option of its own; keys left out keep their defaults.
    case record([OptionSpec])
    /// A mapping with keys the user chooses (state or parameter names), each value of one type;
    /// kept in source order.
    case map(OptionType)
    /// A number, or a mapping from names to numbers (per-state tolerances).
    case numberOrMap(NumberBounds)
    /// Figures to draw: words from the list, or single-key mappings naming what to plot
    /// (`[time, {phase: [x, z]}]`); a single word is a list of one.
    case figures([String])
    /// How closely a block's metrics must match a baseline: `{rtol: R, atol: A}` for every metric,
    /// and metric names mapped to such pairs for single metrics (`{loss.final: {rtol: 0.1}}`).
    case tolerance
    /// Named columns of numbers (`{t: [...], x1: [...]}`, `null` marks a missing value), or
    /// `{csv: path}` naming a CSV file relative to the notebook.
    case columns
    /// A value drawn at random: a number, a distribution written as a call (`uniform(50, 150)`,
    /// `normal(0.1, 0.01)`) or a CSV column to resample (`{csv: path, column: name}`); read by
    /// `Distribution`.
    case distribution

    /// How `notebook kinds` and error messages describe the type.
    public var description: String {
        switch self {
        case let .number(bounds): return bounds.description
        case let .integer(minimum, maximum):
            if let maximum { return "integer in \(minimum)...\(maximum)" }
            return "integer ≥ \(minimum)"
        case .boolean: return "true or false"
        case .text: return "text"
        case .identifier: return "id (lowercase letters, digits, '-')"
        case let .choice(words): return "one of " + words.joined(separator: ", ")
        case let .list(element, _): return "list of (\(element.description))"
        case let .record(fields): return "map {" + fields.map { "\($0.name): \($0.type.description)" }.joined(separator: ", ") + "}"
        case .tolerance: return "{rtol: number ≥ 0, atol: number ≥ 0}, and/or a map {metric: {rtol, atol}}"
        case .columns: return "columns {t: [numbers], <state>: [numbers]}, {csv: path} or {block: ID}"
        case .distribution: return "number, fixed(v), uniform(a, b), normal(mu, sigma), lognormal(mu, sigma) or {csv: path, column: name}"
        case let .map(value): return "map {name: \(value.description)}"
        case let .numberOrMap(bounds): return "\(bounds.description), or a map {state: \(bounds.description)}"
        case let .figures(words): return "list of " + words.joined(separator: ", ") + " (each may name its states: {phase: [x, z]})"
        }
    }
}

/// The allowed range of a number option.
public enum NumberBounds: Sendable, Equatable {
    /// Any finite number.
    case any
    /// Greater than zero.
    case positive
    /// Zero or greater.
    case nonNegative
    /// Between two bounds, both included (fractions: `0...0.9`).
    case interval(Double, Double)

    /// Whether `value` is allowed.
    public func contains(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        switch self {
        case .any: return true
        case .positive: return value > 0
        case .nonNegative: return value >= 0
        case let .interval(low, high): return value >= low && value <= high
        }
    }

    /// `number`, `number > 0`, `number ≥ 0`.
    public var description: String {
        switch self {
        case .any: return "number"
        case .positive: return "number > 0"
        case .nonNegative: return "number ≥ 0"
        case let .interval(low, high): return "number in \(OptionValue.format(low))...\(OptionValue.format(high))"
        }
    }
}
