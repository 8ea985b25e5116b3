import Foundation

/// Headless Chromium, for tests that open a report the way a reader does.
enum Chromium {
    /// The browser: `CHROMIUM` if set, else the first of `chromium`, `chromium-browser`,
    /// `google-chrome`, `google-chrome-stable` on the `PATH`; `nil` when there is none.
    static let binary: URL? = {
        let manager = FileManager.default
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["CHROMIUM"], manager.isExecutableFile(atPath: path) { return URL(fileURLWithPath: path) }
        let folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for folder in folders where manager.isExecutableFile(atPath: folder + "/" + name) {
                return URL(fileURLWithPath: folder + "/" + name)
            }
        }
        return nil
    }()

    /// What one browser run printed.
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var timedOut: Bool
    }

    /// Runs the browser headless on `page` with `arguments`, its own profile under `profile`, no
    /// network (every host name fails to resolve), console messages logged to standard error.
    static func run(_ arguments: [String], page: URL, profile: URL, timeout: TimeInterval = 120) throws -> Output {
        guard let binary else { throw CocoaError(.fileNoSuchFile) }
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        let outURL = profile.appendingPathComponent("stdout.txt"), errURL = profile.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--user-data-dir=\(profile.path)", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000",
        ] + arguments + [page.absoluteString]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let timedOut = process.waitUntilExit(timeout: timeout, poll: 0.05)
        return Output(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "",
            timedOut: timedOut)
    }

    /// The console messages in a run's log (`...:INFO:CONSOLE(12)] "message", source: ...`),
    /// uncaught exceptions included.
    static func consoleMessages(_ log: String) -> [String] {
        log.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }
    }
}
