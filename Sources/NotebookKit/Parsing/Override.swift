import Experiments

/// An option override for this run: a `-p KEY=VALUE`, or one value of a sweep at one point.
public struct Override: Sendable, Equatable {
    /// The key as given (`competition.steps`).
    public let key: String
    /// The key, split at dots (`competition`, `steps`).
    public let segments: [String]
    /// The value, read as YAML (its positions are replaced by the override's when it is applied).
    public let value: OptionNode
    /// How messages name the override: `-p competition.steps=500`, `--sweep lr=0.001`.
    public let label: String

    /// Parses `-p KEY=VALUE`.
    public init(parsing text: String) throws(Diagnostic) {
        let (key, segments, valueText) = try Self.splitAssignment(
            text, option: "-p", form: "KEY=VALUE (for example -p steps=500 or -p competition.h=0.05)")
        guard !valueText.allSatisfy(\.isWhitespace) else {
            throw Diagnostic(file: nil, message: "-p \(text): no value after '=': write KEY=VALUE (for example -p steps=500)")
        }
        value = try Self.readValue(valueText, given: "-p \(text)")
        self.key = key
        self.segments = segments
        label = "-p \(text)"
    }

    /// `KEY=TEXT` as given to `option` (`-p`, `--sweep`): the key, checked and split at dots, and
    /// the text after the first `=`; without one, the error says the option expects `form`.
    static func splitAssignment(_ text: String, option: String, form: String) throws(Diagnostic)
        -> (key: String, segments: [String], valueText: String) {
        guard let equals = text.firstIndex(of: "=") else {
            throw Diagnostic(file: nil, message: "\(option) \(text): expected \(form)")
        }
        let key = text[..<equals].trimmingCharacters(in: .whitespaces)
        guard let segments = segments(of: key) else {
            throw Diagnostic(file: nil, message: "\(option) \(text): the key before '=' must be KEY or BLOCK-ID.KEY")
        }
        return (key, segments, String(text[text.index(after: equals)...]))
    }

    /// The value text of an assignment read as YAML; an error in it is reported as the
    /// override's, named by `label` (`-p steps=[1`).
    static func readValue(_ valueText: String, given label: String) throws(Diagnostic) -> OptionNode {
        do { return try YAMLReader.readValue(valueText) } catch {
            throw Diagnostic(file: nil, override: label, message: error.message)
        }
    }

    /// An override of `key` (already checked) with `value`, named `label` in messages.
    init(key: String, segments: [String], value: OptionNode, label: String) {
        self.key = key
        self.segments = segments
        self.value = value
        self.label = label
    }

    /// `key` split at dots, or `nil` when it is empty or has an empty segment.
    static func segments(of key: String) -> [String]? {
        let segments = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !key.isEmpty, !segments.contains(where: \.isEmpty) else { return nil }
        return segments
    }

    /// Splits the key into the block it targets (when its first segment is one of `blockIDs`)
    /// and the option path within the block.
    func target(blockIDs: Set<String>) -> (blockID: String?, path: [String]) {
        if segments.count > 1, blockIDs.contains(segments[0]) {
            return (segments[0], Array(segments.dropFirst()))
        }
        return (nil, segments)
    }
}

extension OptionNode {
    /// The mapping with `path` set to `value` (replacing the entry, or adding it; a two-part
    /// path sets one key inside a nested mapping).
    func setting(_ path: [String], to value: OptionNode, position: SourcePosition) -> OptionNode {
        var entries: [OptionEntry]
        var mappingPosition = position
        switch self {
        case let .mapping(items, itemsPosition):
            entries = items
            mappingPosition = itemsPosition
        default:
            entries = []
        }
        guard let key = path.first else { return value }
        let rest = Array(path.dropFirst())
        if let index = entries.lastIndex(where: { $0.key == key }) {
            let existing = entries[index].value
            let newValue = rest.isEmpty ? value : existing.setting(rest, to: value, position: position)
            entries[index] = OptionEntry(key: key, keyPosition: position, value: newValue)
        } else {
            let empty = OptionNode.mapping([], position: position)
            entries.append(OptionEntry(key: key, keyPosition: position,
                                       value: rest.isEmpty ? value : empty.setting(rest, to: value, position: position)))
        }
        return .mapping(entries, position: mappingPosition)
    }
}
