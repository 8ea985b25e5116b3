/// A path inside a folder the tool writes: one or more plain names joined by `/`, so that joining
/// it to the folder can never leave it. Every path written into an output folder, including the
/// paths read back from cache entries, goes through this check.
public struct RelativePath: Sendable, Equatable, CustomStringConvertible {
    /// The longest name of one component, in UTF-8 bytes (the common file-system limit).
    public static let maximumNameBytes = 255

    /// The path's components.
    public let components: [String]

    /// The path, or `nil` when it is empty, absolute, or has an empty, `.` or `..` component, a
    /// NUL or control character, or a component longer than ``maximumNameBytes``.
    public init?(_ text: String) {
        guard !text.isEmpty, !text.hasPrefix("/") else { return nil }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for part in parts {
            guard Self.isPlainName(part) else { return nil }
        }
        components = parts
    }

    /// Whether `name` can be one component: not empty, `.` or `..`, no `/`, no control
    /// characters, at most ``maximumNameBytes`` bytes.
    public static func isPlainName(_ name: String) -> Bool {
        guard !name.isEmpty, name != ".", name != "..", name.utf8.count <= maximumNameBytes else { return false }
        return !name.unicodeScalars.contains { $0 == "/" || $0.value < 0x20 || $0.value == 0x7F }
    }

    /// The path as text.
    public var description: String { components.joined(separator: "/") }
}
