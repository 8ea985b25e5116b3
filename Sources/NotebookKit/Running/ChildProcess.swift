import Foundation

/// Runs an external program to its end and collects what it printed: the Slurm client commands
/// and git.
public enum ChildProcess {
    /// What a finished program left.
    struct Outcome {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs `executable` with `arguments` (in `directory`, when given), standard input empty.
    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        // Foundation's waitUntilExit can miss the end of a short-lived child off the main thread.
        while process.isRunning { Thread.sleep(forTimeInterval: 0.005) }
        return Outcome(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                       errors: String(decoding: errors, as: UTF8.self))
    }

    /// The first executable `name` on the PATH.
    public static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
