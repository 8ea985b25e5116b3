/// Why a block failed (in its computation or while its figures were drawn), and the notebook line
/// to point at.
public struct BlockError: Codable, Sendable, Equatable {
    /// The message, with its advice.
    public var message: String
    /// The notebook line the error refers to.
    public var line: Int

    /// Creates an error.
    public init(message: String, line: Int) {
        self.message = message
        self.line = line
    }
}
