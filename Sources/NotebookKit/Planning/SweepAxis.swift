import Experiments

/// One swept option: its key (as for `-p`: `lr`, `ID.KEY`, `MAP.KEY`) and the values it takes,
/// from `--sweep KEY=LIST` or from the front matter's `sweep:`.
struct SweepAxis: Sendable, Equatable {
    /// Where the axis was declared.
    enum Origin: Sendable, Equatable {
        /// `--sweep KEY=LIST`, as given.
        case commandLine(String)
        /// The front matter of a notebook, at this line.
        case frontMatter(line: Int)
    }

    /// The key as written.
    let key: String
    /// The key split at dots.
    let segments: [String]
    /// The values, in the order given.
    let values: [OptionNode]
    /// Where it was declared.
    let origin: Origin

    /// How messages name the whole axis: `--sweep lr=[1e-3, 1e-2]`, `sweep: lr (front matter, line 3)`.
    var label: String {
        switch origin {
        case let .commandLine(text): return "--sweep \(text)"
        case let .frontMatter(line): return "sweep: \(key) (front matter, line \(line))"
        }
    }

    /// How messages and the report name one value of the axis: `--sweep lr=0.001`.
    func label(ofValue value: OptionNode) -> String {
        switch origin {
        case .commandLine: return "--sweep \(key)=\(YAMLReader.flowText(value))"
        case .frontMatter: return "sweep \(key)=\(YAMLReader.flowText(value))"
        }
    }

    /// The override that sets this axis to `value`.
    func override(_ value: OptionNode) -> Override {
        Override(key: key, segments: segments, value: value, label: label(ofValue: value))
    }

    /// Parses `--sweep KEY=LIST`: LIST is a YAML flow sequence with at least one value.
    static func parse(commandLine text: String) throws(Diagnostic) -> SweepAxis {
        let (key, segments, listText) = try Override.splitAssignment(
            text, option: "--sweep", form: "KEY=LIST (for example --sweep lr=[1e-3,1e-2])")
        let node = try Override.readValue(listText, given: "--sweep \(text)")
        let values = try values(of: node, key: key) { message throws(Diagnostic) in
            Diagnostic(file: nil, override: "--sweep \(text)", message: message)
        }
        return SweepAxis(key: key, segments: segments, values: values, origin: .commandLine(text))
    }

    /// The values of a list node, or the error `fail` makes of what is wrong with it.
    static func values(of node: OptionNode, key: String, fail: (String) throws(Diagnostic) -> Diagnostic) throws(Diagnostic) -> [OptionNode] {
        guard case let .sequence(items, _) = node else {
            throw try fail("the values of '\(key)' must be a list in brackets, e.g. \(key)=[\(YAMLReader.flowText(node))]")
        }
        guard !items.isEmpty else { throw try fail("the list of values of '\(key)' is empty; give at least one value") }
        return items
    }
}

/// How the axes of a sweep combine into points.
enum SweepMode: String, Sendable, Equatable, CaseIterable {
    /// Every combination (the cartesian product; the last key varies fastest).
    case grid
    /// The i-th value of every axis together (all lists of one length).
    case zip
}
