import Foundation
import Testing

/// `docs/format.md` describes the public contract; these tests hold it to what the built program
/// says about itself. Every kind `notebook kinds` lists needs a section in the document (a heading
/// starting with `` `{kind}` ``) whose option table has a row per option (and per `fit.*` key) with
/// the type and default the program prints, and no rows for options the program no longer has.
/// Every subcommand `notebook --help` lists needs a section (a heading starting with
/// `` `notebook NAME` ``) that names each long option its `--help` lists.
@Suite("docs/format.md agrees with notebook kinds and notebook --help")
struct FormatDocumentTests {
    static let documentPath = "docs/format.md"

    static func document() throws -> String {
        try String(contentsOf: CLI.repository.appendingPathComponent(documentPath), encoding: .utf8)
    }

    @Test("every kind and option of `notebook kinds` is in its kind's section, with its type and default")
    func kindsAreDocumented() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let result = try CLI.run(["kinds"], in: scratch.url)
        try #require(result.status == 0, "\(result)")
        let kinds = KindListing.parse(result.stdout)
        try #require(kinds.count >= 4 && kinds.allSatisfy { !$0.options.isEmpty }, "could not read `notebook kinds`:\n\(result.stdout)")
        #expect(kinds.map(\.name).contains("species"), "\(kinds.map(\.name))")
        #expect(kinds.flatMap(\.options).contains { $0.name == "fit.epochs" }, "the fit section's keys are read")
        let problems = FormatDocument(try Self.document()).kindProblems(kinds)
        #expect(problems.isEmpty, "\(Self.documentPath) is out of date with `notebook kinds`:\n\(problems.joined(separator: "\n"))")
    }

    @Test("every subcommand of `notebook --help` has a section naming each of its options")
    func subcommandsAreDocumented() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let help = try CLI.run(["--help"], in: scratch.url)
        try #require(help.status == 0, "\(help)")
        let subcommands = HelpListing.subcommands(help.stdout)
        try #require(subcommands.contains("run") && subcommands.contains("kinds"), "could not read the subcommands of:\n\(help.stdout)")
        var options = [String: [String]]()
        for subcommand in subcommands {
            let result = try CLI.run([subcommand, "--help"], in: scratch.url)
            try #require(result.status == 0, "\(subcommand) --help: \(result)")
            options[subcommand] = HelpListing.longOptions(result.stdout)
        }
        #expect(options["run"]?.contains("--output") == true && options["run"]?.contains("--sweep-mode") == true,
                "could not read the options of `notebook run --help`: \(options["run"] ?? [])")
        let problems = FormatDocument(try Self.document()).subcommandProblems(options)
        #expect(problems.isEmpty, "\(Self.documentPath) is out of date with `notebook --help`:\n\(problems.joined(separator: "\n"))")
    }

    @Test("the checks fail on a document that lacks an option, a kind, a subcommand or a default, or lists a stale option")
    func checksCanFail() throws {
        let kinds = KindListing.parse("""
            {toy}  a kind for this test

              id     the block's id
                     type: id (lowercase letters, digits, '-'); default: <kind>-<n>
              steps  number of steps
                     type: integer ≥ 1; default: 1000
              fit    a section
                     default: none; keys:
                       lr  learning rate (number > 0; default: 0.001)

            """)
        #expect(kinds.count == 1 && kinds[0].options.map(\.name) == ["id", "steps", "fit", "fit.lr"], "\(kinds)")
        let good = """
            ### `{toy}`: a toy

            | key | type | default | meaning |
            |---|---|---|---|
            | `id` | id (lowercase letters, digits, '-') | `<kind>-<n>` | the name |
            | `steps` | integer ≥ 1 | `1000` | how many |
            | `fit` | section | none | fitting |
            | `fit.lr` | number > 0 | `0.001` | rate |

            ### `notebook run`

            `-o`, `--output DIR` and `--sweep KEY=LIST`.

            ### Next
            """
        #expect(FormatDocument(good).kindProblems(kinds).isEmpty, "\(FormatDocument(good).kindProblems(kinds))")
        let run = ["run": ["--output", "--sweep"]]
        #expect(FormatDocument(good).subcommandProblems(run).isEmpty)

        let missingOption = good.replacingOccurrences(of: "| `steps` | integer ≥ 1 | `1000` | how many |\n", with: "")
        #expect(FormatDocument(missingOption).kindProblems(kinds).contains { $0.contains("'steps'") })
        let missingSubKey = good.replacingOccurrences(of: "| `fit.lr` | number > 0 | `0.001` | rate |\n", with: "")
        #expect(FormatDocument(missingSubKey).kindProblems(kinds).contains { $0.contains("'fit.lr'") })
        let wrongDefault = good.replacingOccurrences(of: "`1000`", with: "`100`")
        #expect(FormatDocument(wrongDefault).kindProblems(kinds).contains { $0.contains("'steps'") && $0.contains("default") })
        let wrongType = good.replacingOccurrences(of: "| integer ≥ 1 |", with: "| integer ≥ 0 |")
        #expect(FormatDocument(wrongType).kindProblems(kinds).contains { $0.contains("'steps'") && $0.contains("type") })
        let stale = good.replacingOccurrences(of: "| `fit` |", with: "| `gone` | text | none | removed |\n| `fit` |")
        #expect(FormatDocument(stale).kindProblems(kinds).contains { $0.contains("'gone'") })
        let noSection = good.replacingOccurrences(of: "### `{toy}`: a toy", with: "### A toy")
        #expect(FormatDocument(noSection).kindProblems(kinds).contains { $0.contains("{toy}") })
        // An option named only in another section does not count.
        let elsewhere = good.replacingOccurrences(of: "`-o`, `--output DIR` and ", with: "") + "\n`--output`\n"
        #expect(FormatDocument(elsewhere).subcommandProblems(run).contains { $0.contains("--output") })
        #expect(!FormatDocument(good).subcommandProblems(["run": ["--sweep-mode"]]).isEmpty, "`--sweep` does not stand for `--sweep-mode`")
        #expect(FormatDocument(good).subcommandProblems(["plan": []]).contains { $0.contains("notebook plan") })
    }
}

/// One kind as `notebook kinds` prints it: its options in order, the keys of a section (`fit:`)
/// flattened as `fit.KEY`. `type` is `nil` for a section, whose type the listing does not print.
struct KindListing: CustomStringConvertible {
    struct Option {
        var name: String
        var type: String?
        var defaultValue: String
    }

    var name: String
    var options: [Option]

    var description: String { "{\(name)}: \(options.map(\.name).joined(separator: ", "))" }

    /// Reads the listing: a line `{kind}  summary` opens a kind; a line indented by two spaces
    /// names an option, followed by `type: T; default: D` (or `default: D; keys:` and one line per
    /// key, `NAME  summary (T; default: D)`).
    static func parse(_ text: String) -> [KindListing] {
        var kinds = [KindListing]()
        for line in text.split(separator: "\n").map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            if line.hasPrefix("{"), let close = line.firstIndex(of: "}") {
                kinds.append(KindListing(name: String(line[line.index(after: line.startIndex)..<close]), options: []))
                continue
            }
            guard !kinds.isEmpty else { continue }
            let indent = line.prefix { $0 == " " }.count
            let word = String(trimmed.prefix { !$0.isWhitespace })
            if indent == 2 {
                kinds[kinds.count - 1].options.append(Option(name: word, type: nil, defaultValue: ""))
            } else if kinds[kinds.count - 1].options.isEmpty {
                continue
            } else if trimmed.hasPrefix("type: "), let split = trimmed.range(of: "; default: ") {
                let last = kinds[kinds.count - 1].options.count - 1
                kinds[kinds.count - 1].options[last].type = String(trimmed[trimmed.index(trimmed.startIndex, offsetBy: 6)..<split.lowerBound])
                kinds[kinds.count - 1].options[last].defaultValue = String(trimmed[split.upperBound...])
            } else if trimmed.hasPrefix("default: "), trimmed.hasSuffix("; keys:") {
                let last = kinds[kinds.count - 1].options.count - 1
                kinds[kinds.count - 1].options[last].defaultValue = String(trimmed.dropFirst(9).dropLast(7))
            } else if let (type, defaultValue) = trailingTypeAndDefault(trimmed) {
                // A key of the last section option.
                guard let section = kinds[kinds.count - 1].options.last(where: { !$0.name.contains(".") }) else { continue }
                kinds[kinds.count - 1].options.append(Option(name: "\(section.name).\(word)", type: type, defaultValue: defaultValue))
            }
        }
        return kinds
    }

    /// `(T; default: D)` at the end of `line`, matched backwards so that parentheses in the
    /// summary before it do not count.
    private static func trailingTypeAndDefault(_ line: String) -> (String, String)? {
        guard line.hasSuffix(")") else { return nil }
        var depth = 0
        var index = line.endIndex
        while index > line.startIndex {
            index = line.index(before: index)
            if line[index] == ")" { depth += 1 }
            if line[index] == "(" {
                depth -= 1
                if depth == 0 { break }
            }
        }
        guard depth == 0, line[index] == "(" else { return nil }
        let inner = line[line.index(after: index)..<line.index(before: line.endIndex)]
        guard let split = inner.range(of: "; default: ") else { return nil }
        return (String(inner[..<split.lowerBound]), String(inner[split.upperBound...]))
    }
}

/// What `notebook --help` and `notebook SUBCOMMAND --help` list.
enum HelpListing {
    /// The names under `SUBCOMMANDS:`.
    static func subcommands(_ help: String) -> [String] {
        var names = [String]()
        var inList = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("SUBCOMMANDS:") {
                inList = true
                continue
            }
            guard inList else { continue }
            if !line.isEmpty, !line.hasPrefix(" ") { break }
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
            let name = line.dropFirst(2).prefix { !$0.isWhitespace }
            if !name.isEmpty, name.allSatisfy({ $0.isLowercase || $0 == "-" }) { names.append(String(name)) }
        }
        return names
    }

    /// The long options under `OPTIONS:` (`--output`), without `--help` and `--version`.
    static func longOptions(_ help: String) -> [String] {
        var names = [String]()
        var inList = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("OPTIONS:") {
                inList = true
                continue
            }
            guard inList, line.hasPrefix("  -") else { continue }
            var rest = Substring(line.dropFirst(2))
            // `-o, --output <output>`: skip the short form.
            if rest.hasPrefix("-"), !rest.hasPrefix("--"), let comma = rest.range(of: ", ") { rest = rest[comma.upperBound...] }
            guard rest.hasPrefix("--") else { continue }
            let name = String(rest.prefix { !$0.isWhitespace })
            if name != "--help", name != "--version" { names.append(name) }
        }
        return names
    }
}

/// The Markdown of `docs/format.md`, read by heading sections and table rows.
struct FormatDocument {
    let lines: [String]

    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The lines of every section whose heading text starts with `prefix`, each up to the next
    /// heading of the same or a higher level. Lines in fenced code blocks are never headings.
    func sections(headedBy prefix: String) -> [[String]] {
        var sections = [[String]]()
        var current: (level: Int, lines: [String])?
        var fence: String?
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let open = fence {
                if trimmed.hasPrefix(open), trimmed.allSatisfy({ $0 == open.first }) { fence = nil }
                current?.lines.append(line)
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = String(trimmed.prefix { $0 == trimmed.first })
                current?.lines.append(line)
                continue
            }
            let level = line.prefix { $0 == "#" }.count
            if level > 0, line.dropFirst(level).hasPrefix(" ") {
                let text = line.dropFirst(level).trimmingCharacters(in: .whitespaces)
                if let open = current, level <= open.level {
                    sections.append(open.lines)
                    current = nil
                }
                if current == nil, text.hasPrefix(prefix) {
                    current = (level, [])
                    continue
                }
            }
            current?.lines.append(line)
        }
        if let open = current { sections.append(open.lines) }
        return sections
    }

    /// The cells of a table row (`| a | b |`), trimmed, a code span around a whole cell removed
    /// and `\|` read as `|`.
    static func cells(_ line: String) -> [String]? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("|") else { return nil }
        var cells = [String]()
        var cell = ""
        var previous: Character?
        for character in trimmed.dropFirst() {
            if character == "|", previous != "\\" {
                cells.append(cell)
                cell = ""
            } else {
                cell.append(character)
            }
            previous = character
        }
        if !cell.trimmingCharacters(in: .whitespaces).isEmpty { cells.append(cell) }
        return cells.map { raw in
            var text = raw.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\\|", with: "|")
            if text.count >= 2, text.hasPrefix("`"), text.hasSuffix("`"), !text.dropFirst().dropLast().contains("`") {
                text = String(text.dropFirst().dropLast())
            }
            return text
        }
    }

    /// The rows of the option table (header `key | type | default | meaning`) in `section`.
    static func optionRows(_ section: [String]) -> [[String]] {
        var rows = [[String]]()
        var inTable = false
        for line in section {
            guard let cells = cells(line) else {
                inTable = false
                continue
            }
            if cells.map({ $0.lowercased() }) == ["key", "type", "default", "meaning"] {
                inTable = true
                continue
            }
            guard inTable, !cells.allSatisfy({ $0.allSatisfy { "-: ".contains($0) } }) else { continue }
            rows.append(cells)
        }
        return rows
    }

    /// Where the document disagrees with `kinds`: a kind without its section, an option without
    /// its row, a row whose type or default differs, a row for an option the kind does not have.
    func kindProblems(_ kinds: [KindListing]) -> [String] {
        var problems = [String]()
        for kind in kinds {
            let found = sections(headedBy: "`{\(kind.name)}`")
            guard found.count == 1, let section = found.first else {
                problems.append("{\(kind.name)}: expected one section headed `{\(kind.name)}`, found \(found.count)")
                continue
            }
            let rows = Self.optionRows(section)
            for option in kind.options {
                guard let row = rows.first(where: { $0.first == option.name }) else {
                    problems.append("{\(kind.name)}: no row for option '\(option.name)' in the option table of its section")
                    continue
                }
                guard row.count >= 4 else {
                    problems.append("{\(kind.name)}: the row of '\(option.name)' has \(row.count) cells, not 4")
                    continue
                }
                if let type = option.type, row[1] != type {
                    problems.append("{\(kind.name)}: option '\(option.name)' has type '\(row[1])' in the document, '\(type)' in `notebook kinds`")
                }
                if row[2] != option.defaultValue {
                    problems.append("{\(kind.name)}: option '\(option.name)' has default '\(row[2])' in the document, '\(option.defaultValue)' in `notebook kinds`")
                }
            }
            let names = Set(kind.options.map(\.name))
            for row in rows where !names.contains(row[0]) {
                problems.append("{\(kind.name)}: the document lists option '\(row[0])', which `notebook kinds` does not")
            }
        }
        return problems
    }

    /// Where the document misses a subcommand's section (a heading starting with
    /// `` `notebook NAME` ``) or, in it, one of the subcommand's long options (as `` `--name ``).
    func subcommandProblems(_ options: [String: [String]]) -> [String] {
        var problems = [String]()
        for (subcommand, names) in options.sorted(by: { $0.key < $1.key }) {
            let found = sections(headedBy: "`notebook \(subcommand)`")
            guard found.count == 1, let section = found.first else {
                problems.append("`notebook \(subcommand)`: expected one section headed `notebook \(subcommand)`, found \(found.count)")
                continue
            }
            let text = section.joined(separator: "\n")
            for name in names where !Self.mentions(text, option: name) {
                problems.append("`notebook \(subcommand)`: its section does not name \(name)")
            }
        }
        return problems
    }

    /// Whether `text` has a code span starting with `option`, not followed by more of a name
    /// (`--sweep` is not `--sweep-mode`).
    static func mentions(_ text: String, option: String) -> Bool {
        var search = text[...]
        while let range = search.range(of: "`" + option) {
            let next = range.upperBound < search.endIndex ? search[range.upperBound] : " "
            if !(next.isLetter || next.isNumber || next == "-") { return true }
            search = search[range.upperBound...]
        }
        return false
    }
}
