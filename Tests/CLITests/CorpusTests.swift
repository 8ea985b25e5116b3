import Foundation
import Testing

/// One bad notebook of the corpus: `NAME.md` (a file, a folder, or absent), `NAME.expected` (the
/// exact standard error of `notebook check` and `notebook run`) and optionally `NAME.args` (extra
/// arguments, one per line).
///
/// The corpus lives in `Tests/CLITests/Corpus` (declared as a resource of the test target); the
/// tests read it from the repository so that `RECORD_CORPUS=1` can rewrite the expected files.
struct CorpusCase: Sendable, CustomTestStringConvertible {
    let name: String

    var testDescription: String { name }

    /// The corpus folder in the repository.
    static let folder = CLI.repository.appendingPathComponent("Tests/CLITests/Corpus")

    /// Every case: each name with a `.md`, `.args` or `.expected` entry.
    static let all: [CorpusCase] = {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var names = Set<String>()
        for entry in entries {
            for suffix in [".md", ".args", ".expected"] where entry.hasSuffix(suffix) {
                names.insert(String(entry.dropLast(suffix.count)))
            }
        }
        return names.sorted().map(CorpusCase.init)
    }()

    /// The extra arguments.
    func arguments() throws -> [String] {
        let url = Self.folder.appendingPathComponent("\(name).args")
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    var expectedURL: URL { Self.folder.appendingPathComponent("\(name).expected") }
}

@Suite("bad-input corpus")
struct CorpusTests {
    static let recording = ProcessInfo.processInfo.environment["RECORD_CORPUS"] == "1"

    @Test("the corpus has enough cases, each with its expected output")
    func corpusIsComplete() {
        #expect(CorpusCase.all.count >= 30, "only \(CorpusCase.all.count) cases in \(CorpusCase.folder.path)")
        guard !Self.recording else { return }
        for item in CorpusCase.all {
            #expect(FileManager.default.fileExists(atPath: item.expectedURL.path),
                    "\(item.name).expected is missing; run with RECORD_CORPUS=1 to record it")
        }
    }

    /// `check` and `run` both exit 2 with exactly the expected message, and write nothing.
    @Test("a bad notebook is rejected with its exact message", arguments: CorpusCase.all)
    func rejects(_ item: CorpusCase) throws {
        let scratch = try Scratch(prefix: "notebook-corpus")
        defer { scratch.remove() }
        let corpus = scratch.file("corpus")
        try FileManager.default.copyItem(at: CorpusCase.folder, to: corpus)
        let output = scratch.file("out")
        let file = "\(item.name).md"
        let extra = try item.arguments()

        var check = try CLI.run(["check", file] + extra, in: corpus, timeout: 60)
        var run = try CLI.run(["run", file, "-o", output.path] + extra, in: corpus, timeout: 60)
        // Messages that name the project root name this test's scratch folder: written as $CORPUS.
        for path in Set([corpus.path, corpus.resolvingSymlinksInPath().path]) {
            check.stderr = check.stderr.replacingOccurrences(of: path, with: "$CORPUS")
            run.stderr = run.stderr.replacingOccurrences(of: path, with: "$CORPUS")
        }
        for (command, result) in [("check", check), ("run", run)] {
            #expect(!result.signaled && !result.timedOut, "\(command) crashed: \(result)")
            #expect(result.status == 2, "\(command) \(file): \(result)")
        }
        #expect(check.stdout.isEmpty, "check prints nothing on standard output for a bad notebook: \(check)")
        #expect(!FileManager.default.fileExists(atPath: output.path), "run wrote \(output.path) for a notebook that does not validate")
        #expect(run.stderr == check.stderr, "check and run disagree:\n--- check\n\(check.stderr)--- run\n\(run.stderr)")

        if Self.recording {
            try Data(check.stderr.utf8).write(to: item.expectedURL)
            Issue.record("RECORD_CORPUS=1: recorded \(item.expectedURL.lastPathComponent); read it, then run the tests again without RECORD_CORPUS")
            return
        }
        let expected = try String(contentsOf: item.expectedURL, encoding: .utf8)
        #expect(check.stderr == expected, "check \(file)\n--- expected\n\(expected)--- actual\n\(check.stderr)")
        #expect(run.stderr == expected, "run \(file)\n--- expected\n\(expected)--- actual\n\(run.stderr)")
        // The contract of every message: the notebook path as given, or a command-line `-p`;
        // indented lines continue the message above them (an equation with a caret under it).
        for line in check.stderr.split(separator: "\n") where !line.hasPrefix("    ") {
            #expect(line.hasPrefix("\(file):") || line.hasPrefix("error: -p ") || line.hasPrefix("error: --allow-read ") || line.hasPrefix("error: --sweep "),
                    "'\(line)' names neither the file nor the -p option")
        }
    }
}
