extension Function {
    /// The writable functions as help text lists them: `sin cos tan ... cosh`.
    public static var writableNames: String { writable.map(\.rawValue).joined(separator: " ") }
}
