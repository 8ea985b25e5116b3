import Foundation
import Testing

/// What one run of the `notebook` executable did.
struct CLIResult: Sendable, CustomStringConvertible {
    /// The exit status (or the signal number when `signaled`).
    var status: Int32
    /// True when the process died of a signal (a crash), not by exiting.
    var signaled: Bool
    /// True when the process was killed for running past its time limit.
    var timedOut: Bool
    var stdout: String
    var stderr: String

    var description: String {
        "status \(status)\(signaled ? " (signal)" : "")\(timedOut ? " (timed out)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}

/// Runs the `notebook` executable that `swift test` built next to the test bundle.
enum CLI {
    /// The repository's root folder (this file is `Tests/CLITests/CLI.swift`).
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `notebook` executable: `NOTEBOOK_BINARY` if set, else the first folder above the test
    /// bundle (or the test runner) that holds an executable called `notebook`.
    static let binary: URL? = {
        let manager = FileManager.default
        if let path = ProcessInfo.processInfo.environment["NOTEBOOK_BINARY"], manager.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        let starts = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0])]
            + Bundle.allBundles.map(\.bundleURL)
        for start in starts {
            var directory = start.standardizedFileURL
            for _ in 0..<6 {
                let candidate = directory.appendingPathComponent("notebook")
                var isDirectory: ObjCBool = false
                if manager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   manager.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        return nil
    }()

    /// Runs `notebook arguments...` in `directory`, with standard input closed and `environment`
    /// added to the test's, and waits at most `timeout` seconds. `during`, when given, is called
    /// once the process has started, with the process and a function returning its standard
    /// error so far (to wait for a line, then send a signal).
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:], timeout: TimeInterval = 120,
                    during: ((Process, () -> String) throws -> Void)? = nil) throws -> CLIResult {
        let binary = try #require(CLI.binary, "the notebook executable was not found next to the test bundle; set NOTEBOOK_BINARY")
        // Output goes to files, so that a chatty process never blocks on a full pipe.
        let capture = try Scratch(prefix: "notebook-cli-capture")
        defer { capture.remove() }
        let outURL = capture.url.appendingPathComponent("stdout")
        let errURL = capture.url.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }

        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        if let during {
            do {
                try during(process) { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }
            } catch {
                process.terminate()
                process.waitUntilExit()
                throw error
            }
        }

        let timedOut = process.waitUntilExit(timeout: timeout, poll: 0.01)
        return CLIResult(
            status: process.terminationStatus,
            signaled: process.terminationReason == .uncaughtSignal,
            timedOut: timedOut,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "<stdout not UTF-8>",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "<stderr not UTF-8>")
    }
}

/// A fresh temporary folder for one test, removed with `remove()`.
struct Scratch {
    let url: URL

    init(prefix: String = "notebook-cli-test") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }

    /// The URL of `path` inside the folder.
    func file(_ path: String) -> URL {
        url.appendingPathComponent(path)
    }

    /// Writes `text` to `path` inside the folder.
    @discardableResult
    func write(_ text: String, to path: String) throws -> URL {
        let destination = file(path)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: destination)
        return destination
    }

    /// Copies the repository's `notebooks/experiments.md` and its `data/` folder here.
    func copyExperimentsNotebook() throws {
        let notebooks = CLI.repository.appendingPathComponent("notebooks")
        try FileManager.default.copyItem(at: notebooks.appendingPathComponent("experiments.md"), to: file("experiments.md"))
        try FileManager.default.copyItem(at: notebooks.appendingPathComponent("data"), to: file("data"))
    }

    /// Whether `path` exists inside the folder.
    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: file(path).path)
    }

    /// The text of `path` inside the folder.
    func read(_ path: String) throws -> String {
        try String(contentsOf: file(path), encoding: .utf8)
    }

    /// `path` parsed as a JSON object.
    func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: file(path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(path) is not a JSON object")
    }
}

extension Process {
    /// Waits for the process to end, terminating it after `timeout` seconds; true when it had to.
    func waitUntilExit(timeout: TimeInterval, poll: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while isRunning {
            if Date() > deadline, !timedOut {
                timedOut = true
                terminate()
            }
            Thread.sleep(forTimeInterval: poll)
        }
        // Foundation's waitUntilExit() can hang after the process ended (seen with a child that
        // left daemons behind); `isRunning` turning false is the end.
        return timedOut
    }
}
