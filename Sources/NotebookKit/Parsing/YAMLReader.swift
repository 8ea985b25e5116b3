import Experiments
import FileAccess
import Yams

/// Reads YAML text (a block body, front matter, or a `-p` value) into option nodes whose
/// positions are lines of the notebook.
enum YAMLReader {
    /// The most bytes of YAML in one block or front matter: composing YAML costs a few hundred
    /// bytes of memory and a microsecond per scalar, so a megabyte (100,000 numbers) checks in a
    /// fraction of a second; longer lists belong in a data file.
    static let maximumBytes = 1_000_000

    /// The most bytes of block YAML in one notebook (so that `check` of any notebook stays
    /// within a second or two).
    static let maximumNotebookBytes = 4_000_000

    /// Parses `text`, whose first line is notebook line `firstLine`.
    ///
    /// - Returns: `nil` for empty text.
    /// - Throws: the YAML error at its notebook line, phrased for a person.
    static func read(_ text: String, firstLine: Int, context: String) throws(OptionError) -> OptionNode? {
        if text.utf8.count > maximumBytes {
            throw OptionError(
                "the YAML of \(context) is \(ByteCount.text(text.utf8.count)), more than \(ByteCount.text(maximumBytes)); put long lists of values in a data file",
                at: SourcePosition(line: firstLine))
        }
        if let tab = tabIndentation(in: text) {
            throw OptionError(
                "tab character in the indentation of \(context); YAML indents with spaces",
                at: SourcePosition(line: firstLine + tab - 1, column: 1))
        }
        // An alias is refused before composing: Yams expands every alias into a copy of its
        // anchor's node, so a few nested aliases ("billion laughs") would take gigabytes.
        if let alias = aliasPosition(in: text) {
            throw OptionError("YAML aliases (*name) are not supported in \(context)",
                              at: SourcePosition(line: firstLine + alias.line - 1, column: alias.column))
        }
        let node: Node?
        do {
            // The encoding is given: Yams's default reads the process environment on every call,
            // which was a third of checking a notebook of many small blocks.
            node = try Yams.compose(yaml: text, .default, .default, .utf8)
        } catch let error as YamlError {
            throw describe(error, text: text, firstLine: firstLine, context: context)
        } catch {
            throw OptionError("invalid YAML in \(context): \(error)", at: SourcePosition(line: firstLine))
        }
        guard let node else { return nil }
        return try convert(node, firstLine: firstLine, context: context)
    }

    /// Parses the value of a `-p KEY=VALUE` override: a YAML scalar or flow sequence/mapping.
    static func readValue(_ value: String) throws(OptionError) -> OptionNode {
        try read(value, firstLine: 1, context: "the value") ?? .scalar("", plain: true, position: SourcePosition(line: 1))
    }

    /// The YAML text of a value in flow style (`0.001`, `[1, 2]`, `{a: 1}`), quoting scalars that
    /// were quoted: how a sweep value is shown and named.
    static func flowText(_ node: OptionNode) -> String {
        switch node {
        case let .scalar(text, plain, _):
            return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        case let .sequence(items, _):
            return "[" + items.map(flowText).joined(separator: ", ") + "]"
        case let .mapping(entries, _):
            return "{" + entries.map { "\($0.key): \(flowText($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    /// The 1-based line and column of the first alias (`*name` where a node starts) in YAML text,
    /// outside quoted scalars and comments, if any. One pass over the text.
    static func aliasPosition(in text: String) -> (line: Int, column: Int)? {
        var line = 1, column = 0
        var quote: UInt8?            // inside a quoted scalar: its quote
        var escaped = false
        var comment = false
        var previous: UInt8?         // the last byte of this line that is not a space
        var spaceSincePrevious = false
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() {
            column += 1
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 0
                comment = false
                previous = nil
                spaceSincePrevious = false
                continue
            }
            if comment { continue }
            if let open = quote {
                if escaped {
                    escaped = false
                } else if open == UInt8(ascii: "\""), byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == open {
                    quote = nil
                    previous = byte
                    spaceSincePrevious = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                spaceSincePrevious = true
                continue
            case UInt8(ascii: "#") where previous == nil || spaceSincePrevious:
                comment = true
                continue
            case let mark where (mark == UInt8(ascii: "\"") || mark == UInt8(ascii: "'"))
                && (previous == nil || spaceSincePrevious || opensFlowEntry(previous)):
                quote = byte
                continue
            case UInt8(ascii: "*"):
                let startsNode = previous == nil || opensFlowEntry(previous)
                    || (spaceSincePrevious && [UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "?")].contains(previous!))
                let next = index + 1 < bytes.count ? bytes[index + 1] : UInt8(ascii: " ")
                if startsNode, next != UInt8(ascii: " "), next != UInt8(ascii: "\n"), next != UInt8(ascii: "\t"), !isFlowIndicator(next) {
                    return (line, column)
                }
            default:
                break
            }
            previous = byte
            spaceSincePrevious = false
        }
        return nil
    }

    /// `[`, `{` or `,`: after one of these a flow collection's entry starts.
    private static func opensFlowEntry(_ byte: UInt8?) -> Bool {
        byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") || byte == UInt8(ascii: ",")
    }

    private static func isFlowIndicator(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") || byte == UInt8(ascii: ",")
            || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}")
    }

    /// The 1-based line of the first line indented with a tab, if any.
    static func tabIndentation(in text: String) -> Int? {
        for (index, line) in text.linesSplitAtLineFeeds().enumerated() {
            let indentation = line.utf8.prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            if indentation.contains(UInt8(ascii: "\t")), indentation.count < line.utf8.count { return index + 1 }
        }
        return nil
    }

    private static func convert(_ node: Node, firstLine: Int, context: String) throws(OptionError) -> OptionNode {
        let position = SourcePosition(line: firstLine + (node.mark?.line ?? 1) - 1, column: node.mark?.column ?? 0)
        switch node {
        case let .scalar(scalar):
            return .scalar(scalar.string, plain: scalar.style == .plain || scalar.style == .any, position: position)
        case let .sequence(sequence):
            var items = [OptionNode]()
            for item in sequence { items.append(try convert(item, firstLine: firstLine, context: context)) }
            return .sequence(items, position: position)
        case let .mapping(mapping):
            var entries = [OptionEntry]()
            for (key, value) in mapping {
                let keyPosition = SourcePosition(line: firstLine + (key.mark?.line ?? 1) - 1, column: key.mark?.column ?? 0)
                guard case let .scalar(keyScalar) = key else {
                    throw OptionError("keys in \(context) must be plain words, not \(key.isSequence ? "a list" : "a mapping")", at: keyPosition)
                }
                entries.append(OptionEntry(key: keyScalar.string, keyPosition: keyPosition,
                                           value: try convert(value, firstLine: firstLine, context: context)))
            }
            return .mapping(entries, position: position)
        case .alias:
            throw OptionError("YAML aliases (*name) are not supported in \(context)", at: position)
        }
    }

    /// `node` with every position replaced by `position` (a value given on the command line).
    static func relocated(_ node: OptionNode, to position: SourcePosition) -> OptionNode {
        switch node {
        case let .scalar(text, plain, _): return .scalar(text, plain: plain, position: position)
        case let .sequence(items, _): return .sequence(items.map { relocated($0, to: position) }, position: position)
        case let .mapping(entries, _):
            return .mapping(entries.map {
                OptionEntry(key: $0.key, keyPosition: position, value: relocated($0.value, to: position))
            }, position: position)
        }
    }

    private static func describe(_ error: YamlError, text: String, firstLine: Int, context: String) -> OptionError {
        let lineCount = text.linesSplitAtLineFeeds().count
        // libyaml reports a missing closing bracket where the text ends, which may be past the
        // last line of the YAML (on the fence or the front matter's `---`): point inside it.
        func at(_ mark: Mark) -> SourcePosition {
            SourcePosition(line: firstLine + min(max(mark.line, 1), max(lineCount, 1)) - 1, column: mark.column)
        }
        switch error {
        case let .scanner(yamlContext, problem, mark, _), let .parser(yamlContext, problem, mark, _),
             let .composer(yamlContext, problem, mark, _):
            if problem.hasPrefix("but found another document") {
                return OptionError("\(context) holds one YAML document: remove the '---' line", at: at(mark))
            }
            var detail = ""
            if let yamlContext {
                let start = at(yamlContext.mark).line
                detail = start == at(mark).line ? " (\(yamlContext.text))" : " (\(yamlContext.text) that starts at line \(start))"
            }
            return OptionError("invalid YAML in \(context): \(problem)\(detail)", at: at(mark))
        case let .duplicatedKeysInMapping(duplicates, yamlContext):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            let first = at(yamlContext.mark)
            guard let key = duplicates.first,
                  let again = repeatedKeyLine(key, in: text, after: yamlContext.mark).map({ firstLine + $0 - 1 }) else {
                return OptionError("duplicate key \(keys) in \(context)", at: first)
            }
            return OptionError("duplicate key \(keys) in \(context) (first at line \(first.line))", at: SourcePosition(line: again))
        case let .reader(problem, _, _, _):
            return OptionError("unreadable YAML in \(context): \(problem)", at: SourcePosition(line: firstLine))
        default:
            return OptionError("invalid YAML in \(context): \(error)", at: SourcePosition(line: firstLine))
        }
    }

    /// The 1-based line of the next `key:` after the one at `mark`, at the same indentation
    /// (a repeated key of a block mapping), if there is one.
    private static func repeatedKeyLine(_ key: String, in text: String, after mark: Mark) -> Int? {
        let lines = text.linesSplitAtLineFeeds()
        guard mark.line >= 1, mark.line < lines.count else { return nil }
        for index in mark.line..<lines.count {
            let line = lines[index]
            let indentation = line.prefix { $0 == " " }.count
            guard indentation == mark.column - 1 else { continue }
            let rest = line.dropFirst(indentation)
            if rest.hasPrefix(key), rest.dropFirst(key.count).drop(while: { $0 == " " }).hasPrefix(":") { return index + 1 }
        }
        return nil
    }
}

private extension Node {
    var isSequence: Bool {
        if case .sequence = self { return true }
        return false
    }
}
