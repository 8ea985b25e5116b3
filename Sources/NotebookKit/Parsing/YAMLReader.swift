import Experiments
import Yams

/// Reads YAML text (a block body, front matter, or a `-p` value) into option nodes whose
/// positions are lines of the notebook.
enum YAMLReader {
    /// Parses `text`, whose first line is notebook line `firstLine`.
    ///
    /// - Returns: `nil` for empty text.
    /// - Throws: the YAML error at its notebook line, phrased for a person.
    static func read(_ text: String, firstLine: Int, context: String) throws(OptionError) -> OptionNode? {
        if let tab = tabIndentation(in: text) {
            throw OptionError(
                "tab character in the indentation of \(context); YAML indents with spaces",
                at: SourcePosition(line: firstLine + tab - 1, column: 1))
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
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

    /// The 1-based line of the first line indented with a tab, if any.
    static func tabIndentation(in text: String) -> Int? {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indentation = line.prefix { $0 == " " || $0 == "\t" }
            if indentation.contains("\t"), indentation.count < line.count { return index + 1 }
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
        let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
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
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
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
