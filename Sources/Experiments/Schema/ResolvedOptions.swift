/// A block's options after decoding: every option of the kind's schema with its value (from the
/// block, a `-p` override, or the default), and the line each written key came from.
public struct ResolvedOptions: Sendable, Equatable {
    /// The kind the options belong to.
    public let kind: String
    /// Every option in schema order; `.null` for optional keys left out.
    public let fields: [RecordField]
    /// The notebook line of each key written in the block.
    public let keyLines: [String: Int]
    /// Keys whose value came from a `-p` override.
    public let overridden: Set<String>
    /// The line of the block's opening fence.
    public let blockLine: Int
    /// Where each written value starts, by dotted name (`h`, `equations.x`, `params.sigma`).
    public let valuePositions: [String: SourcePosition]

    /// Creates resolved options (the schema's decoder does this).
    public init(
        kind: String, fields: [RecordField], keyLines: [String: Int], overridden: Set<String>, blockLine: Int,
        valuePositions: [String: SourcePosition] = [:]
    ) {
        self.kind = kind
        self.fields = fields
        self.keyLines = keyLines
        self.overridden = overridden
        self.blockLine = blockLine
        self.valuePositions = valuePositions
    }

    /// Where the value called `name` (dotted) is written, falling back to its key's line, then
    /// the block's line.
    public func position(of name: String) -> SourcePosition {
        if let position = valuePositions[name] { return position }
        let top = name.split(separator: ".").first.map(String.init) ?? name
        return SourcePosition(line: line(of: top))
    }

    /// The value of `option`. The schema's decoder fills every option, so a missing one is a
    /// programming error (an option read by a kind that its schema does not declare).
    public subscript<Value>(option: Option<Value>) -> Value {
        guard let raw = value(named: option.name), let value = option.value(in: raw) else {
            fatalError("option '\(option.name)' is not declared in the {\(kind)} schema")
        }
        return value
    }

    /// The raw value of the option called `name`.
    public func value(named name: String) -> OptionValue? {
        fields.first { $0.name == name }?.value
    }

    /// The line to point at for the option `name`: where it is written, else the block's line.
    public func line(of name: String) -> Int {
        keyLines[name] ?? blockLine
    }

    /// The block id.
    public var id: String {
        if case let .text(id)? = value(named: "id") { return id }
        return ""
    }
}
