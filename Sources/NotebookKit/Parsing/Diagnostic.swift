/// A problem found in a notebook or on the command line, located for the user.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    /// The notebook path as given, or `nil` for command-line problems.
    public var file: String?
    /// The 1-based line, when known.
    public var line: Int?
    /// The 1-based column (in characters), when the problem is at a place in a line.
    public var column: Int?
    /// The override the problem is in, as messages show it (`-p steps=x`, `--sweep lr=-1`), when
    /// it came from one.
    public var override: String?
    /// What is wrong and what to do.
    public var message: String

    /// Creates a diagnostic.
    public init(file: String?, line: Int? = nil, column: Int? = nil, override: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.override = override
        self.message = message
    }

    /// `notebooks/x.md:14: error: ...`, or `error: -p steps=x: ...` for an override.
    public var description: String {
        if let override {
            let location = file.map { " (applied to \($0)\(line.map { ":\($0)" } ?? ""))" } ?? ""
            return "error: \(override): \(message)\(location)"
        }
        switch (file, line) {
        case let (file?, line?): return "\(file):\(line):\(column.map { "\($0):" } ?? "") error: \(message)"
        case let (file?, nil): return "\(file): error: \(message)"
        default: return "error: \(message)"
        }
    }
}

/// Several diagnostics, reported together.
public struct Diagnostics: Error, Sendable, CustomStringConvertible {
    /// The problems, in the order found.
    public var all: [Diagnostic]
    /// Creates a list.
    public init(_ all: [Diagnostic]) {
        self.all = all
    }
    /// One problem per line.
    public var description: String { all.map(\.description).joined(separator: "\n") }
}
