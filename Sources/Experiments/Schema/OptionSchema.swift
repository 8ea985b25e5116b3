import Expressions
import Foundation

/// The options of one block kind: the common keys every kind accepts plus the kind's own.
/// Decoding, validation, defaults, `notebook kinds` and overrides all read this one declaration.
public struct OptionSchema: Sendable {
    /// The kind's name (`species`).
    public let kind: String
    /// One line on what the kind does.
    public let summary: String
    /// Every option, common keys first.
    public let options: [OptionSpec]

    /// Creates a schema from the kind's own options; the common keys are added in front.
    public init(kind: String, summary: String, options: [OptionSpec]) {
        self.kind = kind
        self.summary = summary
        self.options = CommonOptions.all.map(\.self) + options
    }

    /// The option called `name`.
    public func option(named name: String) -> OptionSpec? {
        options.first { $0.name == name }
    }

    /// Whether `path` (`steps`, or `params.r1`) names an option of this kind.
    public func accepts(path: [String]) -> Bool {
        guard let first = path.first, let spec = option(named: first) else { return false }
        switch path.count {
        case 1: return true
        case 2:
            switch spec.type {
            case let .record(fields): return fields.contains { $0.name == path[1] }
            case .map, .numberOrMap: return Self.isName(path[1])
            case .tolerance: return ["rtol", "atol"].contains(path[1])
            default: return false
            }
        default: return false
        }
    }

    /// Checks a block's body against the schema and fills in defaults.
    ///
    /// - Parameters:
    ///   - body: the block's YAML, `nil` for an empty block.
    ///   - blockLine: the line of the opening fence, used for defaults and messages.
    ///   - defaults: values that replace schema defaults for this block (the id `<kind>-<n>`, the
    ///     notebook's seed).
    /// - Throws: every problem found, each with its line.
    public func decode(
        _ body: OptionNode?, blockLine: Int, defaults: [String: OptionValue] = [:]
    ) throws(OptionErrors) -> ResolvedOptions {
        var errors = [OptionError]()
        let entries: [OptionEntry]
        switch body {
        case nil:
            entries = []
        case let .mapping(items, _)?:
            entries = items
        case let node?:
            if node.isNull {
                entries = []
            } else {
                throw OptionErrors([OptionError(
                    "the body of a {\(kind)} block must be YAML 'key: value' lines, not \(node.summary)",
                    at: node.position)])
            }
        }
        let blockName = Self.blockName(kind: kind, entries: entries, defaults: defaults)
        var given = [String: OptionValue]()
        var keyLines = [String: Int]()
        var overridden = Set<String>()
        var seen = [String: Int]()
        var positions = [String: SourcePosition]()
        for entry in entries {
            guard let spec = option(named: entry.key) else {
                let advice = Suggestion.didYouMean(entry.key, in: options.map(\.name))
                errors.append(OptionError(
                    "unknown key '\(entry.key)' in \(blockName)\(advice.isEmpty ? " (keys: \(options.map(\.name).joined(separator: ", ")))" : advice)",
                    at: entry.keyPosition))
                continue
            }
            if let first = seen[entry.key], entry.keyPosition.override == nil {
                errors.append(OptionError("duplicate key '\(entry.key)' in \(blockName) (first at line \(first))", at: entry.keyPosition))
                continue
            }
            seen[entry.key] = entry.keyPosition.line
            if entry.keyPosition.override == nil { keyLines[entry.key] = entry.keyPosition.line }
            if entry.keyPosition.override != nil || entry.value.position.override != nil { overridden.insert(entry.key) }
            if entry.value.isNull { continue }
            do {
                given[entry.key] = try Self.decodeValue(entry.value, as: spec.type, name: spec.name, in: blockName,
                                                        default: defaults[spec.name] ?? spec.defaultValue, positions: &positions)
            } catch {
                errors.append(contentsOf: error.errors)
            }
        }
        if !errors.isEmpty { throw OptionErrors(errors) }
        let fields = options.map { spec in
            RecordField(spec.name, given[spec.name] ?? defaults[spec.name] ?? spec.defaultValue ?? .null)
        }
        return ResolvedOptions(kind: kind, fields: fields, keyLines: keyLines, overridden: overridden, blockLine: blockLine,
                               valuePositions: positions)
    }

    /// `{species} block 'competition'`.
    static func blockName(kind: String, entries: [OptionEntry], defaults: [String: OptionValue]) -> String {
        if let idEntry = entries.first(where: { $0.key == "id" }), case let .scalar(text, _, _) = idEntry.value {
            return "{\(kind)} block '\(text)'"
        }
        if case let .text(id)? = defaults["id"] { return "{\(kind)} block '\(id)'" }
        return "{\(kind)} block"
    }

    // MARK: - Values

    /// Checks one value against `type`; `name` and `blockName` appear in error messages.
    public static func decodeValue(
        _ node: OptionNode, as type: OptionType, name: String, in blockName: String, default defaultValue: OptionValue?
    ) throws(OptionErrors) -> OptionValue {
        var positions = [String: SourcePosition]()
        return try decodeValue(node, as: type, name: name, in: blockName, default: defaultValue, positions: &positions)
    }

    /// As `decodeValue`, recording the position of every nested value under its dotted name.
    static func decodeValue(
        _ node: OptionNode, as type: OptionType, name: String, in blockName: String, default defaultValue: OptionValue?,
        positions: inout [String: SourcePosition]
    ) throws(OptionErrors) -> OptionValue {
        positions[name] = node.position
        func fail(_ problem: String, at position: SourcePosition? = nil) -> OptionErrors {
            OptionErrors([OptionError(problem, at: position ?? node.position)])
        }
        func expected() -> OptionErrors {
            fail("'\(name)' in \(blockName) must be \(article(type.description)), not \(node.summary)")
        }
        switch type {
        case let .number(bounds):
            guard case let .scalar(text, true, _) = node, let value = parseNumber(text) else { throw expected() }
            guard bounds.contains(value) else { throw expected() }
            return .number(value)
        case let .integer(minimum, maximum):
            guard case let .scalar(text, true, _) = node, let value = parseInteger(text) else { throw expected() }
            guard value >= minimum, maximum.map({ value <= $0 }) ?? true else { throw expected() }
            return .integer(value)
        case .boolean:
            guard case let .scalar(text, true, _) = node else { throw expected() }
            switch text {
            case "true", "True", "TRUE": return .boolean(true)
            case "false", "False", "FALSE": return .boolean(false)
            default: throw expected()
            }
        case .text:
            guard case let .scalar(text, _, _) = node else { throw expected() }
            return .text(text)
        case .identifier:
            guard case let .scalar(text, _, _) = node else { throw expected() }
            guard text.count <= CommonOptions.maximumIDLength else {
                throw fail("the id '\(text.prefix(24))…' is \(text.count) characters long; ids are at most \(CommonOptions.maximumIDLength) characters (they name the block's files)")
            }
            guard isIdentifier(text) else {
                let candidate = String(text.lowercased().map { $0 == "_" || $0 == " " ? "-" : $0 })
                let advice = candidate != text && isIdentifier(candidate) ? "; did you mean '\(candidate)'?" : ""
                throw fail("invalid id '\(text)': use lowercase letters, digits and '-', starting with a letter or digit\(advice)")
            }
            return .text(text)
        case let .choice(words):
            guard case let .scalar(text, _, _) = node else { throw expected() }
            guard words.contains(text) else {
                throw fail("'\(name)' in \(blockName) must be one of \(words.joined(separator: ", ")), not '\(text)'"
                    + Suggestion.didYouMean(text, in: words))
            }
            return .text(text)
        case let .list(element, singleAllowed):
            let items: [OptionNode]
            switch node {
            case let .sequence(nodes, _): items = nodes
            case .scalar where singleAllowed: items = [node]
            default: throw expected()
            }
            var values = [OptionValue]()
            var errors = [OptionError]()
            for item in items {
                do { values.append(try decodeValue(item, as: element, name: name, in: blockName, default: nil, positions: &positions)) } catch {
                    errors.append(contentsOf: error.errors)
                }
            }
            if !errors.isEmpty { throw OptionErrors(errors) }
            return .list(values)
        case let .record(specs):
            guard case let .mapping(entries, _) = node else { throw expected() }
            var given = [String: OptionValue]()
            var errors = [OptionError]()
            for entry in entries {
                guard let spec = specs.first(where: { $0.name == entry.key }) else {
                    let keys = specs.map(\.name)
                    let advice = Suggestion.didYouMean(entry.key, in: keys)
                    errors.append(OptionError(
                        "unknown key '\(entry.key)' in '\(name)' of \(blockName)\(advice.isEmpty ? " (keys: \(keys.joined(separator: ", ")))" : advice)",
                        at: entry.keyPosition))
                    continue
                }
                if given[entry.key] != nil {
                    errors.append(OptionError("duplicate key '\(entry.key)' in '\(name)' of \(blockName)", at: entry.keyPosition))
                    continue
                }
                do {
                    given[entry.key] = try decodeValue(entry.value, as: spec.type, name: "\(name).\(entry.key)",
                                                       in: blockName, default: spec.defaultValue, positions: &positions)
                } catch { errors.append(contentsOf: error.errors) }
            }
            if !errors.isEmpty { throw OptionErrors(errors) }
            return .record(specs.map { spec in
                RecordField(spec.name, given[spec.name] ?? defaultValue?[field: spec.name] ?? spec.defaultValue ?? .null)
            })
        case .columns:
            return try decodeColumns(node, name: name, in: blockName, positions: &positions)
        case .distribution:
            switch node {
            case let .scalar(text, _, _): return .text(text)
            case .mapping:
                let pair = OptionType.record([
                    OptionSpec("csv", .text, default: nil, "the CSV file"),
                    OptionSpec("column", .text, default: nil, "the column resampled"),
                ])
                let value = try decodeValue(node, as: pair, name: name, in: blockName, default: nil, positions: &positions)
                guard value[field: "csv"] != .null, value[field: "column"] != .null else {
                    throw fail("'\(name)' in \(blockName) must name both the file and the column: {csv: path, column: name}")
                }
                return value
            case .sequence: throw expected()
            }
        case .tolerance:
            return try decodeTolerance(node, name: name, in: blockName, positions: &positions)
        case let .map(valueType):
            guard case let .mapping(written, _) = node else { throw expected() }
            let entries: [OptionEntry]
            if case .distribution = valueType { entries = rejoinedCalls(written) } else { entries = written }
            var fields = [RecordField]()
            var keys = Set<String>()
            var errors = [OptionError]()
            for entry in entries {
                guard isName(entry.key) else {
                    errors.append(OptionError("'\(entry.key)' in '\(name)' of \(blockName) is not a name: use letters, digits and '_', starting with a letter", at: entry.keyPosition))
                    continue
                }
                guard keys.insert(entry.key).inserted else {
                    errors.append(OptionError("duplicate key '\(entry.key)' in '\(name)' of \(blockName)", at: entry.keyPosition))
                    continue
                }
                do {
                    let value = try decodeValue(entry.value, as: valueType, name: "\(name).\(entry.key)", in: blockName,
                                                default: nil, positions: &positions)
                    fields.append(RecordField(entry.key, value))
                } catch { errors.append(contentsOf: error.errors) }
            }
            if !errors.isEmpty { throw OptionErrors(errors) }
            return .record(fields)
        case let .numberOrMap(bounds):
            if case .scalar = node {
                return try decodeValue(node, as: .number(bounds), name: name, in: blockName, default: nil, positions: &positions)
            }
            return try decodeValue(node, as: .map(.number(bounds)), name: name, in: blockName, default: nil, positions: &positions)
        case let .figures(words):
            let items: [OptionNode]
            switch node {
            case let .sequence(nodes, _): items = nodes
            default: items = [node]
            }
            var values = [OptionValue]()
            var errors = [OptionError]()
            for item in items {
                switch item {
                case let .scalar(text, _, position):
                    if words.contains(text) {
                        values.append(.text(text))
                    } else {
                        errors.append(OptionError("'\(name)' in \(blockName) takes \(words.joined(separator: ", ")), not '\(text)'"
                            + Suggestion.didYouMean(text, in: words), at: position))
                    }
                case let .mapping(entries, position) where entries.count == 1 && words.contains(entries[0].key):
                    guard case let .sequence(names, _) = entries[0].value,
                          case let strings = names.compactMap({ node -> String? in
                              if case let .scalar(text, _, _) = node { return text } else { return nil }
                          }), strings.count == names.count, !strings.isEmpty else {
                        errors.append(OptionError("'\(entries[0].key)' in '\(name)' of \(blockName) takes a list of state names, e.g. [x, z]", at: position))
                        continue
                    }
                    values.append(.record([RecordField(entries[0].key, .list(strings.map { .text($0) }))]))
                default:
                    errors.append(OptionError("'\(name)' in \(blockName) takes \(words.joined(separator: ", ")) or {\(words.last ?? "phase"): [x, y]}, not \(item.summary)", at: item.position))
                }
            }
            if !errors.isEmpty { throw OptionErrors(errors) }
            return .list(values)
        }
    }

    /// Entries of a flow mapping whose calls YAML split at their commas, joined again:
    /// `{x: uniform(50, 150)}` reads as `x: "uniform(50"` and a key `150)` without a value, which
    /// become `x: "uniform(50, 150)"`.
    static func rejoinedCalls(_ entries: [OptionEntry]) -> [OptionEntry] {
        func depth(_ text: String) -> Int { text.filter { $0 == "(" }.count - text.filter { $0 == ")" }.count }
        var result = [OptionEntry]()
        for entry in entries {
            if var last = result.last, case let .scalar(text, plain, position) = last.value, depth(text) > 0,
               entry.value.isNull {
                last.value = .scalar(text + ", " + entry.key, plain: plain, position: position)
                result[result.count - 1] = last
            } else {
                result.append(entry)
            }
        }
        return result
    }

    /// The `{rtol, atol}` pair of a tolerance, each left out as `null`.
    static let tolerancePair = OptionType.record([
        OptionSpec("rtol", .number(.nonNegative), default: nil, "relative tolerance"),
        OptionSpec("atol", .number(.nonNegative), default: nil, "absolute tolerance"),
    ])

    /// A `tolerance:` value: `rtol` and `atol` numbers for every metric, and metric names mapped to
    /// `{rtol, atol}` pairs, kept as one record in source order.
    private static func decodeTolerance(_ node: OptionNode, name: String, in blockName: String,
                                        positions: inout [String: SourcePosition]) throws(OptionErrors) -> OptionValue {
        guard case let .mapping(entries, _) = node else {
            throw OptionErrors([OptionError("'\(name)' in \(blockName) must be {rtol: R, atol: A} or a map {metric: {rtol: R, atol: A}}, not \(node.summary)", at: node.position)])
        }
        var fields = [RecordField]()
        var keys = Set<String>()
        var errors = [OptionError]()
        for entry in entries {
            guard keys.insert(entry.key).inserted else {
                errors.append(OptionError("duplicate key '\(entry.key)' in '\(name)' of \(blockName)", at: entry.keyPosition))
                continue
            }
            let type: OptionType
            if entry.key == "rtol" || entry.key == "atol" {
                type = .number(.nonNegative)
            } else if case .mapping = entry.value {
                type = tolerancePair
            } else {
                errors.append(OptionError(
                    "'\(name).\(entry.key)' in \(blockName): give rtol and atol, or a metric name with {rtol: R, atol: A}"
                        + Suggestion.didYouMean(entry.key, in: ["rtol", "atol"]), at: entry.keyPosition))
                continue
            }
            do {
                fields.append(RecordField(entry.key, try decodeValue(entry.value, as: type, name: "\(name).\(entry.key)", in: blockName,
                                                                     default: nil, positions: &positions)))
            } catch { errors.append(contentsOf: error.errors) }
        }
        if !errors.isEmpty { throw OptionErrors(errors) }
        return .record(fields)
    }

    private static func decodeColumns(_ node: OptionNode, name: String, in blockName: String,
                                      positions: inout [String: SourcePosition]) throws(OptionErrors) -> OptionValue {
        let shape = "'\(name)' in \(blockName) must be columns of numbers ({t: [...], x1: [...]}), {csv: path} or {block: ID}"
        guard case let .mapping(entries, _) = node, !entries.isEmpty else {
            throw OptionErrors([OptionError("\(shape), not \(node.summary)", at: node.position)])
        }
        if entries.contains(where: { $0.key == "block" }) {
            return try decodeBlockReference(entries, name: name, in: blockName, positions: &positions)
        }
        if entries.count == 1, entries[0].key == "csv" {
            guard case let .scalar(path, _, _) = entries[0].value, !path.isEmpty else {
                throw OptionErrors([OptionError("'\(name).csv' in \(blockName) must be a file path", at: entries[0].value.position)])
            }
            return .record([RecordField("csv", .text(path))])
        }
        var fields = [RecordField]()
        var columns = Set<String>()
        var errors = [OptionError]()
        var length: (name: String, count: Int)?
        for entry in entries {
            if entry.key == "csv" {
                errors.append(OptionError("'\(name)' in \(blockName) takes either {csv: path} or inline columns, not both", at: entry.keyPosition))
                continue
            }
            guard columns.insert(entry.key).inserted else {
                errors.append(OptionError("duplicate column '\(entry.key)' in '\(name)' of \(blockName)", at: entry.keyPosition))
                continue
            }
            guard case let .sequence(items, _) = entry.value else {
                errors.append(OptionError("column '\(name).\(entry.key)' in \(blockName) must be a list of numbers, not \(entry.value.summary)", at: entry.value.position))
                continue
            }
            var values = [OptionValue]()
            for item in items {
                if item.isNull {
                    values.append(.null)
                } else if case let .scalar(text, true, _) = item, let number = parseNumber(text) {
                    values.append(.number(number))
                } else {
                    errors.append(OptionError("column '\(name).\(entry.key)' in \(blockName) must hold numbers (or null for a missing value), not \(item.summary)", at: item.position))
                }
            }
            if let length, length.count != items.count {
                errors.append(OptionError("columns of '\(name)' in \(blockName) must have the same length: '\(length.name)' has \(length.count) values, '\(entry.key)' has \(items.count)", at: entry.keyPosition))
            }
            length = length ?? (entry.key, items.count)
            fields.append(RecordField(entry.key, .list(values)))
        }
        if !errors.isEmpty { throw OptionErrors(errors) }
        return .record(fields)
    }

    /// `{block: ID, table: NAME, columns: [names] or {new: old}}`: a table another block writes.
    private static func decodeBlockReference(_ entries: [OptionEntry], name: String, in blockName: String,
                                             positions: inout [String: SourcePosition]) throws(OptionErrors) -> OptionValue {
        var fields = [RecordField]()
        var errors = [OptionError]()
        func word(_ node: OptionNode, _ key: String) -> String? {
            guard case let .scalar(text, _, _) = node, !text.isEmpty, !text.contains("/"), !text.contains("\n") else {
                errors.append(OptionError("'\(name).\(key)' in \(blockName) must be a name, not \(node.summary)", at: node.position))
                return nil
            }
            return text
        }
        for entry in entries {
            positions["\(name).\(entry.key)"] = entry.value.position
            switch entry.key {
            case "block", "table":
                if let text = word(entry.value, entry.key) { fields.append(RecordField(entry.key, .text(text))) }
            case "columns":
                switch entry.value {
                case let .sequence(items, _) where !items.isEmpty:
                    var names = [OptionValue]()
                    for item in items { if let text = word(item, "columns") { names.append(.text(text)) } }
                    fields.append(RecordField("columns", .list(names)))
                case let .mapping(renamed, _) where !renamed.isEmpty:
                    var pairs = [RecordField]()
                    for pair in renamed { if let text = word(pair.value, "columns.\(pair.key)") { pairs.append(RecordField(pair.key, .text(text))) } }
                    fields.append(RecordField("columns", .record(pairs)))
                default:
                    errors.append(OptionError("'\(name).columns' in \(blockName) must be a list of column names ([t, z]) or new names for them ({t: t, x: z}), not \(entry.value.summary)",
                                              at: entry.value.position))
                }
            default:
                errors.append(OptionError("unknown key '\(name).\(entry.key)' in \(blockName): data from a block takes block, table and columns"
                    + Suggestion.didYouMean(entry.key, in: ["block", "table", "columns"]), at: entry.keyPosition))
            }
        }
        if !errors.isEmpty { throw OptionErrors(errors) }
        return .record(fields)
    }

    /// Reads a finite number in any common notation (`42`, `0.0001`, `1e-4`, `1.0E-4`, `.5`).
    public static func parseNumber(_ text: String) -> Double? {
        // On the UTF-8 bytes: this reads every number of a data file and of long lists.
        var utf8 = Substring(text).utf8
        while let first = utf8.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { utf8.removeFirst() }
        while let last = utf8.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { utf8.removeLast() }
        guard !utf8.isEmpty, utf8.allSatisfy({ byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        }), let value = Double(Substring(utf8)), value.isFinite else { return nil }
        return value
    }

    /// Reads a whole number, also written as `1e3` or `1000.0`.
    public static func parseInteger(_ text: String) -> Int? {
        if let value = Int(text) { return value }
        guard let value = parseNumber(text), value == value.rounded(), abs(value) < 1e15 else { return nil }
        return Int(value)
    }

    /// Letters, digits and `_`, starting with a letter (state and parameter names).
    public static func isName(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// Lowercase letters, digits and `-`, starting with a letter or digit.
    public static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter || first.isNumber else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") } && !first.isUppercase
    }

    private static func article(_ text: String) -> String {
        if text.hasPrefix("one of") || text.hasPrefix("true or") || text.hasPrefix("list") || text.hasPrefix("map")
            || text.hasPrefix("columns") || text.hasPrefix("text") { return text }
        return (text.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + text
    }
}
