/// The rules for the name of a notebook's report folder, `DIR/<stem>/`, taken from the notebook's
/// file name: checked when the notebook is loaded, so that whatever passes `notebook check` can be
/// written.
enum ReportName {
    /// The longest stem in UTF-8 bytes: the staging folder `.<stem>.interrupted.partial-<token>`
    /// must stay within the file system's 255-byte limit for a name.
    static let maximumBytes = 200

    /// Why `stem` cannot name a report folder, or `nil` when it can.
    static func problem(withStem stem: String) -> String? {
        if stem.isEmpty {
            return "the file name gives an empty report folder name; rename the notebook"
        }
        if stem.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "/" }) {
            return "the file name holds control characters, which cannot name a report folder; rename the notebook"
        }
        if stem.hasPrefix(".") {
            return "its report folder '\(stem)' would be a hidden name, and notebook keeps those for its own files (.cache, staging folders); rename the notebook so that its name does not start with '.'"
        }
        if stem.utf8.count > maximumBytes {
            return "the file name makes a report folder name of \(stem.utf8.count) bytes; the limit is \(maximumBytes); rename the notebook"
        }
        if stem == OutputFolder.indexName {
            return "its report folder '\(stem)' would clash with the index page \(OutputFolder.indexName); rename the notebook"
        }
        if stem.hasSuffix(OutputFolder.interruptedSuffix) {
            return "its report folder '\(stem)' would clash with where the report of an interrupted run of '\(stem.dropLast(OutputFolder.interruptedSuffix.count))' goes; rename the notebook"
        }
        return nil
    }
}
