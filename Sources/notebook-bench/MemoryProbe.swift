import ArgumentParser
import Foundation

/// Peak memory of one workload run: the rise of the process's peak resident set size, measured in
/// a child process of this executable so that earlier workloads do not mask it.
enum MemoryProbe {
    /// The peak resident set size of this process image so far, in bytes: `VmHWM` of
    /// `/proc/self/status` (unlike `getrusage`'s `ru_maxrss`, not inherited from the parent).
    static func peakResidentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return 0 }
        return kilobytes * 1024
    }

    /// Runs `notebook-bench --probe-memory LABEL` and reads the bytes it prints.
    static func peakBytes(of label: String) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["--probe-memory", label]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let bytes = Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ValidationError("the memory probe of '\(label)' failed")
        }
        return bytes
    }
}
