import Foundation
import GRDB

/// The run history: an SQLite database (`DIR/history.sqlite`) to which every run appends one row
/// in `runs`, one per block in `blocks` and one per metric in `metrics`.
///
/// The database is opened in WAL mode with a busy timeout, so that runs on the same folder at the
/// same time (two terminals, two shards) each land their rows; a run writes in one transaction.
/// The schema grows by named migrations (GRDB's `DatabaseMigrator`), so that a newer program
/// reads and extends a database an older one wrote.
public final class RunHistory: Sendable {
    /// The file name under the output folder.
    public static let fileName = "history.sqlite"

    /// How long a writer waits for another run's transaction before it gives up (a run's own
    /// transaction takes milliseconds).
    public static let defaultBusyTimeout: TimeInterval = 10

    private let pool: DatabasePool

    /// Opens (creating if need be) the history at `path` and brings its schema up to date.
    /// Throws when the file is not a database, cannot be created, or stays locked longer than
    /// `busyTimeout` seconds.
    public init(path: String, busyTimeout: TimeInterval = defaultBusyTimeout) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "notebook history"
        pool = try DatabasePool(path: path, configuration: configuration)
        // Two processes opening a new database at once both see it unmigrated; the one that loses
        // the race fails on a table the other just created. Migrating again then finds every
        // migration applied.
        var attempt = 0
        while true {
            do {
                try Self.migrator.migrate(pool)
                return
            } catch {
                attempt += 1
                if attempt >= 5 || (error as? DatabaseError)?.resultCode == .SQLITE_NOTADB { throw error }
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
            }
        }
    }

    /// The schema's migrations, oldest first. Never edit one that shipped: add another.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        // The first schema: runs, their blocks, and the blocks' metrics.
        migrator.registerMigration("v1") { db in
            try db.create(table: "runs") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("started_at", .datetime).notNull()
                table.column("version", .text).notNull()
                table.column("git_commit", .text)
                table.column("git_dirty", .boolean)
                table.column("command", .text).notNull()
            }
            try db.create(table: "blocks") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("run_id", .integer).notNull().references("runs", onDelete: .cascade)
                table.column("notebook", .text).notNull()
                table.column("block_id", .text).notNull()
                table.column("kind", .text).notNull()
                table.column("cache_key", .text)
                table.column("status", .text).notNull()
                table.column("seconds", .double).notNull()
                table.column("cached", .boolean).notNull()
            }
            try db.create(table: "metrics") { table in
                table.column("block_id", .integer).notNull().references("blocks", onDelete: .cascade)
                table.column("name", .text).notNull()
                table.column("value", .double)
                table.column("text", .text)
            }
        }
        // Overrides and sweeps: which point of which sweep a block ran at, and a lookup by block.
        migrator.registerMigration("v2-overrides-and-sweeps") { db in
            try db.alter(table: "runs") { table in
                table.add(column: "overrides", .text).notNull().defaults(to: "[]")
                table.add(column: "sweep", .text).notNull().defaults(to: "")
            }
            try db.alter(table: "blocks") { table in
                table.add(column: "sweep_point", .text)
            }
            try db.create(index: "blocks_by_notebook_and_id", on: "blocks", columns: ["notebook", "block_id"])
        }
        return migrator
    }

    /// The names of the migrations applied to this database, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Self.migrator.appliedMigrations(db) }
    }

    /// Appends `run` (its blocks and their metrics) in one transaction; returns its number.
    @discardableResult
    public func record(_ run: RecordedRun) throws -> Int64 {
        let overrides = String(decoding: try JSONEncoder().encode(run.overrides), as: UTF8.self)
        return try pool.write { db in
            try db.execute(
                sql: "INSERT INTO runs (started_at, version, git_commit, git_dirty, command, overrides, sweep) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [run.date, run.version, run.gitCommit, run.gitDirty, run.command, overrides, run.sweep])
            let runID = db.lastInsertedRowID
            for block in run.blocks {
                try db.execute(
                    sql: """
                        INSERT INTO blocks (run_id, notebook, block_id, kind, cache_key, status, seconds, cached, sweep_point)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [runID, block.notebook, block.id, block.kind, block.cacheKey, block.status,
                                block.seconds, block.cached, block.sweepPoint])
                let blockID = db.lastInsertedRowID
                for metric in block.metrics {
                    try db.execute(sql: "INSERT INTO metrics (block_id, name, value, text) VALUES (?, ?, ?, ?)",
                                   arguments: [blockID, metric.name, metric.value.flatMap { $0.isNaN ? nil : $0 }, metric.text])
                }
            }
            return runID
        }
    }

    /// The number of runs recorded.
    public func runCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs") ?? 0 }
    }

    /// The metric points `query` selects, oldest run first, then in notebook, block and metric order.
    public func points(_ query: HistoryQuery) throws -> [MetricPoint] {
        var conditions = [String]()
        var arguments = StatementArguments()
        if let notebook = query.notebook {
            conditions.append("b.notebook = ?")
            arguments += [notebook]
        }
        if let block = query.block {
            conditions.append("b.block_id = ?")
            arguments += [block]
        }
        if let metric = query.metric {
            conditions.append("m.name = ?")
            arguments += [metric]
        }
        let filter = conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
        var sql = """
            SELECT r.id AS run, r.started_at, r.version, r.git_commit, r.git_dirty, b.notebook, b.block_id, b.sweep_point,
                   b.status, b.cached, m.name, m.value, m.text
            FROM metrics m JOIN blocks b ON m.block_id = b.id JOIN runs r ON b.run_id = r.id
            WHERE \(filter)
            """
        if let last = query.lastRuns {
            sql += """
                 AND r.id IN (SELECT DISTINCT b.run_id FROM metrics m JOIN blocks b ON m.block_id = b.id
                              WHERE \(filter) ORDER BY b.run_id DESC LIMIT ?)
                """
            arguments += arguments
            arguments += [max(0, last)]
        }
        sql += " ORDER BY r.id, b.notebook, b.sweep_point, b.id, m.rowid"
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                MetricPoint(run: row["run"], date: row["started_at"], version: row["version"], gitCommit: row["git_commit"],
                            gitDirty: row["git_dirty"], notebook: row["notebook"], block: row["block_id"],
                            sweepPoint: row["sweep_point"], status: row["status"], cached: row["cached"],
                            metric: row["name"], value: row["value"], text: row["text"])
            }
        }
    }
}
