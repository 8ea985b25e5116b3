import Experiments

/// A `-p KEY=VALUE` option override for this run.
public struct Override: Sendable, Equatable {
    /// The text as given (`competition.steps=500`).
    public let text: String
    /// The key, split at dots (`competition`, `steps`).
    public let segments: [String]
    /// The value text (`500`), read as YAML when applied.
    public let value: String

    /// Parses `KEY=VALUE`.
    public init(parsing text: String) throws(Diagnostic) {
        guard let equals = text.firstIndex(of: "=") else {
            throw Diagnostic(file: nil, message: "-p \(text): expected KEY=VALUE (for example -p steps=500 or -p competition.h=0.05)")
        }
        let key = text[..<equals].trimmingCharacters(in: .whitespaces)
        let segments = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !key.isEmpty, !segments.contains(where: \.isEmpty) else {
            throw Diagnostic(file: nil, message: "-p \(text): the key before '=' must be KEY or BLOCK-ID.KEY")
        }
        let value = String(text[text.index(after: equals)...])
        guard !value.allSatisfy(\.isWhitespace) else {
            throw Diagnostic(file: nil, message: "-p \(text): no value after '=': write KEY=VALUE (for example -p steps=500)")
        }
        self.text = text
        self.segments = segments
        self.value = value
    }

    /// Splits the key into the block it targets (when its first segment is one of `blockIDs`)
    /// and the option path within the block.
    func target(blockIDs: Set<String>) -> (blockID: String?, path: [String]) {
        if segments.count > 1, blockIDs.contains(segments[0]) {
            return (segments[0], Array(segments.dropFirst()))
        }
        return (nil, segments)
    }
}

extension OptionNode {
    /// The mapping with `path` set to `value` (replacing the entry, or adding it; a two-part
    /// path sets one key inside a nested mapping).
    func setting(_ path: [String], to value: OptionNode, position: SourcePosition) -> OptionNode {
        var entries: [OptionEntry]
        var mappingPosition = position
        switch self {
        case let .mapping(items, itemsPosition):
            entries = items
            mappingPosition = itemsPosition
        default:
            entries = []
        }
        guard let key = path.first else { return value }
        let rest = Array(path.dropFirst())
        if let index = entries.lastIndex(where: { $0.key == key }) {
            let existing = entries[index].value
            let newValue = rest.isEmpty ? value : existing.setting(rest, to: value, position: position)
            entries[index] = OptionEntry(key: key, keyPosition: position, value: newValue)
        } else {
            let empty = OptionNode.mapping([], position: position)
            entries.append(OptionEntry(key: key, keyPosition: position,
                                       value: rest.isEmpty ? value : empty.setting(rest, to: value, position: position)))
        }
        return .mapping(entries, position: mappingPosition)
    }
}

import Foundation
