/// One block's line in the parameter summary at the top of a report: the options whose values
/// differ from the kind's defaults or were set by `-p`.
public struct BlockParameters: Sendable, Equatable {
    /// The block id (also the anchor of its section).
    public var id: String
    /// The kind, without braces.
    public var kind: String
    /// The options that differ from their defaults or were set by `-p`, in schema order.
    public var settings: [ParameterSetting]

    /// Creates a block's summary.
    public init(id: String, kind: String, settings: [ParameterSetting]) {
        self.id = id
        self.kind = kind
        self.settings = settings
    }
}

/// An option's value in the parameter summary, and where it was set.
public struct ParameterSetting: Sendable, Equatable {
    /// The option's name, dotted for an entry of a section (`params.r1`, `fit.lr`).
    public var name: String
    /// The value as compact YAML.
    public var value: String
    /// Where the value comes from: `line 14`, or `-p steps=500`.
    public var origin: String

    /// Creates a setting.
    public init(name: String, value: String, origin: String) {
        self.name = name
        self.value = value
        self.origin = origin
    }
}
