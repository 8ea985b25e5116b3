/// A problem with an option, at the line where it is written.
public struct OptionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the offending key or value is.
    public var position: SourcePosition
    /// What is wrong, naming the key (and, for a misspelling, the likely key).
    public var message: String

    /// Creates an error.
    public init(_ message: String, at position: SourcePosition) {
        self.message = message
        self.position = position
    }

    /// The message.
    public var description: String { message }
}

/// Every problem found in one block's options.
public struct OptionErrors: Error, Sendable, Equatable {
    /// The problems, in source order.
    public var errors: [OptionError]
    /// Creates a list.
    public init(_ errors: [OptionError]) {
        self.errors = errors
    }
}
