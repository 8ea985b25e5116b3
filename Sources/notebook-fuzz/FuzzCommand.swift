import ArgumentParser
import Foundation
import NotebookKit

/// `notebook-fuzz`: a seeded mutation fuzzer of the whole `notebook check` path. It mutates the
/// seed notebooks, loads every mutant as `check` does (Markdown, front matter, YAML, options,
/// equations, data files, sweeps) in this process, and stops with a failure at the first crash or
/// the first case slower than `--slow` seconds, keeping the case in the findings folder.
///
/// A case is timed by the processor time of the thread that checks it, so that a machine busy with
/// other work (a parallel test suite) does not make cases slow; a watchdog thread ends a case that
/// runs past `--hang` seconds of wall time (a hang). A crash ends the process by its signal, and the
/// case that caused it is the findings folder's `current.md`, written before each case runs.
@main
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook-fuzz",
        abstract: "Fuzz `notebook check` with mutants of seed notebooks (build with -c release).")

    @Option(help: "Stop after this many seconds.")
    var seconds = 60.0

    @Option(help: "Stop after this many cases (default: no limit).")
    var cases: Int?

    @Option(help: "Seed of the mutations (the same seed gives the same cases).")
    var seed: UInt64 = 0

    @Option(help: "Folder of seed notebooks (*.md) and the data files they read.")
    var corpus = "Tests/Fuzz/corpus"

    @Option(help: "Where the current case, and any case that crashed or was slow, are kept.")
    var findings = "fuzz-findings"

    @Option(help: "A case taking more than this many seconds of processor time is a failure.")
    var slow = 2.0

    @Option(help: "A case running past this many seconds of wall time is a hang (default: ten times --slow).")
    var hang: Double?

    @Option(help: "The largest mutant in bytes (larger ones are cut).")
    var maximumSize = 200_000

    func run() throws {
        let seeds = try Self.seeds(in: corpus)
        guard !seeds.isEmpty else { throw ValidationError("no seed notebooks (*.md) in \(corpus)") }
        try FileManager.default.createDirectory(atPath: findings, withIntermediateDirectories: true)
        // The cases are written beside copies of the corpus's data files, so references resolve.
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("notebook-fuzz-\(getpid())")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: corpus), to: work)
        defer { try? FileManager.default.removeItem(at: work) }
        let casePath = work.appendingPathComponent("case.md").path
        let current = URL(fileURLWithPath: findings).appendingPathComponent("current.md")

        let findings = findings
        @Sendable func fail(_ what: String, _ name: String) -> Never {
            let kept = URL(fileURLWithPath: findings).appendingPathComponent("\(name)-\(Int(Date().timeIntervalSince1970)).md")
            try? FileManager.default.copyItem(at: current, to: kept)
            FileHandle.standardError.write(Data("notebook-fuzz: \(what): \(kept.path)\n".utf8))
            Foundation.exit(3)
        }
        let watchdog = Watchdog(limit: hang ?? 10 * slow) { elapsed in
            fail("a case ran past \(elapsed) s of wall time (a hang)", "hang")
        }
        watchdog.start()
        FileHandle.standardError.write(Data("notebook-fuzz: \(seeds.count) seeds, seed \(seed), at most \(seconds) s; a crash leaves its case in \(current.path)\n".utf8))

        var mutator = Mutator(seed: seed, seeds: seeds, maximumSize: maximumSize)
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0, errors = 0
        var slowest = 0.0, slowestProcessor = 0.0
        while clock.now - start < .seconds(seconds), count < (cases ?? .max) {
            let mutant = mutator.next()
            try Data(mutant).write(to: current)
            try Data(mutant).write(to: URL(fileURLWithPath: casePath))
            let begin = clock.now
            let processorBegin = Self.threadProcessorSeconds()
            watchdog.begin()
            if case .failure = NotebookLoader.loadSwept(LoadRequest(paths: [casePath], maxPoints: 64)) { errors += 1 }
            watchdog.end()
            let processor = Self.threadProcessorSeconds() - processorBegin
            let elapsed = clock.now - begin
            slowest = max(slowest, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            slowestProcessor = max(slowestProcessor, processor)
            if processor > slow { fail(String(format: "a case took %.3f s of processor time, more than %g s", processor, slow), "slow") }
            count += 1
        }
        let total = clock.now - start
        let totalSeconds = Double(total.components.seconds) + Double(total.components.attoseconds) * 1e-18
        print(String(format: "notebook-fuzz: %d cases in %.1f s (%.0f/s), %d refused with errors, %d accepted, 0 crashes, slowest %.3f s of processor time (%.3f s of wall time)",
                     count, totalSeconds, Double(count) / totalSeconds, errors, count - errors, slowestProcessor, slowest))
        try? FileManager.default.removeItem(at: current)
    }

    /// The processor time the calling thread has used, in seconds.
    static func threadProcessorSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// The seed notebooks of the corpus.
    static func seeds(in folder: String) throws -> [[UInt8]] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".md") }.sorted()
            .map { Array(try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent($0))) }
    }
}

/// Times each case from another thread and calls `expired` when one runs past the limit.
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var started: ContinuousClock.Instant?
    private let limit: Double
    private let expired: @Sendable (Double) -> Void

    init(limit: Double, expired: @escaping @Sendable (Double) -> Void) {
        self.limit = limit
        self.expired = expired
    }

    func start() {
        let thread = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.05)
                lock.lock()
                let since = started.map { ContinuousClock.now - $0 }
                lock.unlock()
                if let since, since > .seconds(limit) { expired(limit) }
            }
        }
        thread.start()
    }

    func begin() {
        lock.lock()
        started = .now
        lock.unlock()
    }

    func end() {
        lock.lock()
        started = nil
        lock.unlock()
    }
}
