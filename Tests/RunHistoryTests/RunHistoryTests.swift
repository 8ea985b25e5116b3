import Foundation
import GRDB
import RunHistory
import Testing

@Suite("Run history")
struct RunHistoryTests {
    /// A fresh folder for one test's database.
    func folder() throws -> String {
        let path = NSTemporaryDirectory() + "history-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func run(_ number: Int, loss: Double, cached: Bool = false) -> RecordedRun {
        RecordedRun(
            date: Date(timeIntervalSince1970: 1_800_000_000 + Double(number) * 60), version: "0.9.0",
            gitCommit: "abc123", gitDirty: number.isMultiple(of: 2), command: "notebook run a.md",
            overrides: ["steps=\(number)"], sweep: "",
            blocks: [
                RecordedBlock(notebook: "notebooks/a.md", id: "fit", kind: "spiral", cacheKey: "k\(number)", status: cached ? "cached" : "ok",
                              seconds: 1.5, cached: cached, metrics: [RecordedMetric(name: "loss.final", value: loss), RecordedMetric(name: "steps", value: 100)]),
                RecordedBlock(notebook: "notebooks/b.md", id: "other", kind: "ode", status: "failed", seconds: 0.1, cached: false,
                              metrics: [RecordedMetric(name: "note", text: "diverged"), RecordedMetric(name: "x", value: .nan)]),
            ])
    }

    @Test("A recorded run reads back: every block's metrics with the run's facts, oldest run first")
    func roundTrip() throws {
        let path = try folder() + "/" + RunHistory.fileName
        let history = try RunHistory(path: path)
        #expect(try history.record(run(1, loss: 0.5)) == 1)
        #expect(try history.record(run(2, loss: 0.25, cached: true)) == 2)
        #expect(try history.runCount() == 2)
        let losses = try history.points(HistoryQuery(notebook: "notebooks/a.md", block: "fit", metric: "loss.final"))
        #expect(losses.map(\.value) == [0.5, 0.25])
        #expect(losses.map(\.cached) == [false, true])
        #expect(losses.map(\.gitDirty) == [false, true])
        #expect(losses[0].date == Date(timeIntervalSince1970: 1_800_000_060))
        let other = try history.points(HistoryQuery(notebook: "notebooks/b.md", lastRuns: 1))
        #expect(other.map(\.metric) == ["note", "x"])
        #expect(other[0].text == "diverged" && other[0].value == nil)
        #expect(other[1].value == nil && other[1].text == nil, "NaN is stored as no value")
        #expect(other.allSatisfy { $0.run == 2 && $0.status == "failed" })
    }

    @Test("--last N keeps the last N runs that recorded a matching point")
    func lastRuns() throws {
        let history = try RunHistory(path: try folder() + "/h.sqlite")
        for number in 1...5 { try history.record(run(number, loss: Double(number))) }
        #expect(try history.points(HistoryQuery(metric: "loss.final", lastRuns: 3)).map(\.value) == [3, 4, 5])
        #expect(try history.points(HistoryQuery(block: "nothing", lastRuns: 3)).isEmpty)
        #expect(try history.points(HistoryQuery(lastRuns: 0)).isEmpty)
    }

    @Test("A database written by the first schema is migrated, its rows kept and new runs added")
    func migratesOlderSchema() throws {
        let path = try folder() + "/old.sqlite"
        do {
            // What the first released schema wrote: the migrations up to v1 and a run in its columns.
            let old = try DatabaseQueue(path: path)
            try RunHistory.migrator.migrate(old, upTo: "v1")
            try old.write { db in
                try db.execute(sql: "INSERT INTO runs (started_at, version, command) VALUES ('2026-01-02 03:04:05.000', '0.8.0', 'notebook run a.md')")
                try db.execute(sql: "INSERT INTO blocks (run_id, notebook, block_id, kind, status, seconds, cached) VALUES (1, 'notebooks/a.md', 'fit', 'spiral', 'ok', 2.0, 0)")
                try db.execute(sql: "INSERT INTO metrics (block_id, name, value) VALUES (1, 'loss.final', 0.75)")
            }
            #expect(try old.read { try RunHistory.migrator.appliedMigrations($0) } == ["v1"])
        }
        let history = try RunHistory(path: path)
        #expect(try history.appliedMigrations() == ["v1", "v2-overrides-and-sweeps"])
        try history.record(run(7, loss: 0.5))
        let points = try history.points(HistoryQuery(block: "fit", metric: "loss.final"))
        #expect(points.map(\.value) == [0.75, 0.5])
        #expect(points[0].version == "0.8.0" && points[0].gitCommit == nil && points[0].sweepPoint == nil)
    }

    @Test("A file that is not a database is refused with an error, and left as it was")
    func corruptFile() throws {
        let path = try folder() + "/history.sqlite"
        let garbage = Data(repeating: 0x5A, count: 4096)
        try garbage.write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { try RunHistory(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test("A database locked by another writer past the busy timeout is an error, not a wait without end")
    func locked() throws {
        let path = try folder() + "/h.sqlite"
        let history = try RunHistory(path: path, busyTimeout: 0.2)
        // Another process's write transaction, held open across accesses.
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let holder = try DatabaseQueue(path: path, configuration: configuration)
        try holder.inDatabase { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        let started = Date()
        #expect(throws: (any Error).self) { try history.record(run(1, loss: 1)) }
        #expect(Date().timeIntervalSince(started) < 5)
        try holder.inDatabase { db in try db.execute(sql: "ROLLBACK") }
        #expect(try history.record(run(1, loss: 1)) == 1, "once the lock is gone, the run lands")
    }

    @Test("Writers on two connections at once both land their runs")
    func concurrentWriters() async throws {
        let path = try folder() + "/h.sqlite"
        _ = try RunHistory(path: path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<2 {
                group.addTask {
                    let history = try RunHistory(path: path)
                    for number in 0..<20 { try history.record(run(writer * 100 + number, loss: 1)) }
                }
            }
            try await group.waitForAll()
        }
        #expect(try RunHistory(path: path).runCount() == 40)
    }
}
