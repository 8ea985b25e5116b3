import Foundation
import Testing

/// The fuzzing step of CI: `notebook-fuzz` (built beside `notebook`) mutates the seed corpus of
/// `Tests/Fuzz/corpus` for `NOTEBOOK_FUZZ_SECONDS` seconds (default 60) and fails on any crash or
/// any case taking more than 2 s of processor time (a hang: 20 s of wall time). The seed changes every day (and is printed), so CI explores new
/// cases while a failure stays reproducible for the day. `NOTEBOOK_FUZZ_SLOW` changes the 2 s
/// limit for instrumented builds.
@Suite("Fuzzing the check path")
struct FuzzTests {
    @Test("mutants of the shipped notebooks never crash check or take more than 2 s of processor time")
    func fuzz() throws {
        let folder = try #require(CLI.binary).deletingLastPathComponent()
        let fuzzer = folder.appendingPathComponent("notebook-fuzz")
        try #require(FileManager.default.isExecutableFile(atPath: fuzzer.path), "notebook-fuzz was not built beside notebook")
        let environment = ProcessInfo.processInfo.environment
        let seconds = environment["NOTEBOOK_FUZZ_SECONDS"] ?? "60"
        let seed = environment["NOTEBOOK_FUZZ_SEED"] ?? String(Int(Date().timeIntervalSince1970) / 86_400)
        // 2 s is the limit of the shipped build; an instrumented one (scripts/sanitize) allows more.
        let slow = environment["NOTEBOOK_FUZZ_SLOW"] ?? "2"
        let scratch = try Scratch(prefix: "notebook-fuzz")
        defer { scratch.remove() }
        let process = Process()
        process.executableURL = fuzzer
        process.arguments = ["--seconds", seconds, "--seed", seed, "--slow", slow,
                             "--corpus", CLI.repository.appendingPathComponent("Tests/Fuzz/corpus").path,
                             "--findings", scratch.file("findings").path]
        let output = scratch.file("output.txt")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let timedOut = process.waitUntilExit(timeout: (Double(seconds) ?? 60) + 120, poll: 0.1)
        try? handle.close()
        let said = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        print("FuzzTests: seed \(seed): \(said.split(separator: "\n").last ?? "")")
        let current = (try? String(contentsOf: scratch.file("findings/current.md"), encoding: .utf8)) ?? ""
        #expect(!timedOut && process.terminationReason == .exit && process.terminationStatus == 0,
                "notebook-fuzz (seed \(seed)) failed: \(said)\n--- the case (add it to Tests/CLITests/Corpus):\n\(current.prefix(4000))")
    }
}
