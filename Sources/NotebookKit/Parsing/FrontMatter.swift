import Experiments
import Expressions

/// The YAML front matter between `---` lines at the top of a notebook.
struct FrontMatter: Equatable {
    /// The notebook's title, if set.
    var title: String?
    /// The default seed of every block.
    var seed: Int
    /// The notebook's sweep (`sweep: {lr: [1e-3, 1e-2]}`): empty when it declares none.
    var sweep: [SweepAxis] = []
    /// How the sweep's axes combine (`sweep_mode`), when the front matter says.
    var sweepMode: SweepMode?
    /// The default figure format of every block (`png` or `svg`).
    var figureFormat = "png"

    static let titleOption = OptionSpec("title", .text, default: nil, "the report's title (default: the first level-1 heading, else the file's stem)")
    static let seedOption = OptionSpec("seed", .integer(minimum: 0, maximum: nil), default: .integer(0), "the default seed of every block")
    static let sweepOption = OptionSpec("sweep", .text, default: nil, "options to sweep, each with its list of values: {lr: [1e-3, 1e-2], seed: [0, 1]}")
    static let sweepModeOption = OptionSpec("sweep_mode", .choice(SweepMode.allCases.map { $0.rawValue }), default: .text("grid"), "how the sweep's lists combine: grid (every combination) or zip (in step)")
    /// The keys front matter accepts.
    static let figureFormatOption = OptionSpec("figure_format", .choice(["png", "svg"]), default: .text("png"),
                                               "how every block draws its figures: png, or svg (crisp at any zoom)")
    static let options = [titleOption, seedOption, sweepOption, sweepModeOption, figureFormatOption]

    /// Splits front matter off `text`. The returned body has the front matter's lines blanked,
    /// so that line numbers in the body are still lines of the file.
    static func split(_ text: String) throws(OptionError) -> (frontMatter: FrontMatter, body: String) {
        var lines = text.linesSplitAtLineFeeds().map(String.init)
        guard let first = lines.first, first.trimmingTrailingWhitespace == "---" else {
            return (FrontMatter(title: nil, seed: 0), text)
        }
        guard let closing = lines.indices.dropFirst().first(where: {
            let line = lines[$0].trimmingTrailingWhitespace
            return line == "---" || line == "..."
        }) else {
            throw OptionError("the front matter opened at line 1 is not closed: end it with a line '---'", at: SourcePosition(line: 1))
        }
        let yaml = lines[1..<closing].joined(separator: "\n")
        let frontMatter = try parse(yaml, firstLine: 2)
        for index in 0...closing { lines[index] = "" }
        return (frontMatter, lines.joined(separator: "\n"))
    }

    private static func parse(_ yaml: String, firstLine: Int) throws(OptionError) -> FrontMatter {
        var result = FrontMatter(title: nil, seed: 0)
        guard let node = try YAMLReader.read(yaml, firstLine: firstLine, context: "the front matter") else { return result }
        guard case let .mapping(entries, _) = node else {
            throw OptionError("the front matter must be YAML 'key: value' lines, not \(describe(node))", at: node.position)
        }
        var seen = Set<String>()
        for entry in entries {
            guard let spec = options.first(where: { $0.name == entry.key }) else {
                let names = options.map(\.name)
                let advice = Suggestion.didYouMean(entry.key, in: names)
                throw OptionError("unknown key '\(entry.key)' in the front matter\(advice.isEmpty ? " (keys: \(names.joined(separator: ", ")))" : advice)", at: entry.keyPosition)
            }
            guard seen.insert(entry.key).inserted else {
                throw OptionError("duplicate key '\(entry.key)' in the front matter", at: entry.keyPosition)
            }
            if entry.value.isNull { continue }
            if entry.key == sweepOption.name {
                result.sweep = try sweepAxes(entry.value)
                continue
            }
            let value: OptionValue
            do {
                value = try OptionSchema.decodeValue(entry.value, as: spec.type, name: spec.name, in: "the front matter", default: nil)
            } catch {
                throw error.errors[0]
            }
            switch value {
            case let .text(word) where entry.key == sweepModeOption.name: result.sweepMode = SweepMode(rawValue: word)
            case let .text(word) where entry.key == figureFormatOption.name: result.figureFormat = word
            case let .text(title): result.title = title
            case let .integer(seed): result.seed = seed
            default: break
            }
        }
        return result
    }

    /// The axes of `sweep: {KEY: LIST, ...}`.
    private static func sweepAxes(_ node: OptionNode) throws(OptionError) -> [SweepAxis] {
        guard case let .mapping(entries, _) = node, !entries.isEmpty else {
            throw OptionError("'sweep' in the front matter maps each option to its list of values, e.g. sweep: {lr: [1e-3, 1e-2]}", at: node.position)
        }
        var axes = [SweepAxis]()
        for entry in entries {
            guard let segments = Override.segments(of: entry.key) else {
                throw OptionError("'sweep': the key '\(entry.key)' must be KEY or BLOCK-ID.KEY", at: entry.keyPosition)
            }
            if axes.contains(where: { $0.key == entry.key }) {
                throw OptionError("'sweep' names '\(entry.key)' twice", at: entry.keyPosition)
            }
            let values: [OptionNode]
            do {
                values = try SweepAxis.values(of: entry.value, key: entry.key) { message throws(Diagnostic) in
                    Diagnostic(file: nil, message: message)
                }
            } catch {
                throw OptionError("'sweep': \(error.message)", at: entry.value.position)
            }
            axes.append(SweepAxis(key: entry.key, segments: segments, values: values, origin: .frontMatter(line: entry.keyPosition.line)))
        }
        return axes
    }

    private static func describe(_ node: OptionNode) -> String {
        switch node {
        case let .scalar(text, _, _): return "'\(text)'"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

extension String {
    /// The string without trailing spaces and tabs.
    var trimmingTrailingWhitespace: String {
        var copy = self
        while let last = copy.last, last == " " || last == "\t" { copy.removeLast() }
        return copy
    }
}
