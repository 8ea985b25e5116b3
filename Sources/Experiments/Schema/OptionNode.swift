/// Where a piece of option text came from: a notebook line and column, or a command-line
/// override (`-p`, or a sweep point's value).
public struct SourcePosition: Sendable, Equatable, Hashable {
    /// 1-based line in the notebook file (for an override: the line of the block it applies to).
    public var line: Int
    /// 1-based column, 0 when unknown.
    public var column: Int
    /// Where an overriding value came from, as messages show it (`-p steps=500`,
    /// `--sweep lr=0.001`), when the value did not come from the notebook's block.
    public var override: String?

    /// A position in the notebook.
    public init(line: Int, column: Int = 0) {
        self.line = line
        self.column = column
        self.override = nil
    }

    /// A value that came from an override labelled `label` (`-p steps=500`), applied to a block
    /// at `line`.
    public init(override label: String, line: Int) {
        self.line = line
        self.column = 0
        self.override = label
    }
}

/// Option text as written, before it is checked against a schema: the shape of YAML (scalars,
/// sequences, mappings) with the source position of every node. Scalars stay strings until the
/// schema says what they should be, so `1e-4` is a number where a number is expected.
public indirect enum OptionNode: Sendable, Equatable {
    /// A scalar; `plain` is false for quoted scalars, which are never read as numbers or null.
    case scalar(String, plain: Bool, position: SourcePosition)
    /// A sequence of nodes.
    case sequence([OptionNode], position: SourcePosition)
    /// A mapping with its entries in source order.
    case mapping([OptionEntry], position: SourcePosition)

    /// Where the node starts.
    public var position: SourcePosition {
        switch self {
        case let .scalar(_, _, position), let .sequence(_, position), let .mapping(_, position): return position
        }
    }

    /// True for `null`, `~` and an empty plain scalar.
    public var isNull: Bool {
        if case let .scalar(text, true, _) = self { return ["", "~", "null", "Null", "NULL"].contains(text) }
        return false
    }

    /// A short description of the node for error messages.
    var summary: String {
        switch self {
        case let .scalar(text, plain, _):
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            // A quoted scalar is text even when it reads like a number: say so.
            return plain ? "'\(shown)'" : "the quoted text \"\(shown)\""
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

/// One `key: value` entry of a mapping.
public struct OptionEntry: Sendable, Equatable {
    /// The key text.
    public var key: String
    /// Where the key is written.
    public var keyPosition: SourcePosition
    /// The value.
    public var value: OptionNode

    /// Creates an entry.
    public init(key: String, keyPosition: SourcePosition, value: OptionNode) {
        self.key = key
        self.keyPosition = keyPosition
        self.value = value
    }
}
