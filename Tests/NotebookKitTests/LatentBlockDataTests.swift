import Experiments
import Foundation
import Testing
@testable import NotebookKit

/// A notebook whose `{latent-ode}` block reads the table of an `{ode}` oscillator, cut into
/// periods where x rises through 0.
private func beatsNotebook(_ latentOptions: String) -> String {
    """
    # Beats

    ```{ode}
    id: wave
    equations:
      x: v
      v: -x
    initial: {x: 0, v: 1}
    solver: rk4
    h: 0.05
    t_end: 60
    rates: [x]
    plot: []
    ```

    ```{latent-ode}
    id: cycles
    data: {block: wave, columns: {t: t, level: x, x: x, y: "x'"}}
    split: {column: level, at: 0, direction: rising}
    \(latentOptions)
    ```
    """
}

/// The problems `notebook check` finds.
private func problems(_ text: String) throws -> [String] {
    guard case let .failure(diagnostics) = NotebookLoader.load([try temporaryNotebook(text)]) else { return [] }
    return diagnostics.all.map(\.message)
}

@Suite("{latent-ode} on another block's table")
struct LatentBlockDataTests {
    @Test("checked without the table, it trains once the producer ran, and reports the evaluation's metrics")
    func runsOnProducedTable() throws {
        let notebook = try NotebookLoader.load([try temporaryNotebook(beatsNotebook("holdout: 0.2\nobserve: 0.5\ntrain_on: forecast\niterations: 3\nsubsample: 20"))]).get()[0]
        let producer = notebook.blocks[0], reader = notebook.blocks[1]
        #expect(reader.inputBlocks == ["wave"])
        #expect(reader.experiment.metricNames.suffix(4) == ["test.rmse", "extrapolation.rmse", "extrapolation.max_abs_error", "extrapolation.persistence_rmse"])
        #expect(throws: BlockFailure.self) { try reader.experiment.run(monitor: RunMonitor()) }
        let produced = try producer.experiment.run(monitor: RunMonitor())
        let table = produced.series[0]
        let files = ["data/wave.csv": Data(CSVTable.format(columns: table.columns, rows: table.rows).utf8)]
        let ready = try reader.reading(files)
        let artifacts = try ready.experiment.run(monitor: RunMonitor())
        #expect(artifacts.metrics.map(\.name) == ready.experiment.metricNames)
        let series = artifacts.metrics.first { $0.name == "series" }?.value
        // 60 s of sin t rises through 0 at 2π, 4π, ..., 18π: 8 periods between crossings, 2 held out.
        #expect(series == .count(6))
        #expect(artifacts.figures.map(\.name).contains("forecast"))
        for name in ["test.rmse", "extrapolation.rmse", "extrapolation.persistence_rmse"] {
            guard case let .real(value)? = artifacts.metrics.first(where: { $0.name == name })?.value else {
                Issue.record("no \(name)")
                continue
            }
            #expect(value.isFinite && value >= 0, "\(name) = \(value)")
        }
    }

    @Test("the preparation's options are checked against each other")
    func optionChecks() throws {
        #expect(try problems(beatsNotebook("train_on: forecast")) == [
            "'train_on: forecast' trains on whole series and forecasts held-out ones: it needs observe below 1 and a holdout above 0",
        ])
        #expect(try problems(beatsNotebook("holdout: 0.95")).first?.contains("'holdout' in {latent-ode} block 'cycles' must be a number in 0...0.9") == true)
        let noData = "# N\n\n```{latent-ode}\nsplit: {column: x}\n```\n"
        #expect(try problems(noData) == ["'split' cuts a table into series: give data: {csv: path} or data: {block: ID}"])
    }

    @Test("a split column the table lacks fails the reader with the table's columns")
    func missingSplitColumn() throws {
        let text = beatsNotebook("iterations: 1").replacingOccurrences(of: "column: level", with: "column: lvl")
        let notebook = try NotebookLoader.load([try temporaryNotebook(text)]).get()[0]
        let table = try notebook.blocks[0].experiment.run(monitor: RunMonitor()).series[0]
        let files = ["data/wave.csv": Data(CSVTable.format(columns: table.columns, rows: table.rows).utf8)]
        #expect(throws: OptionError.self) { try notebook.blocks[1].reading(files) }
        do { _ = try notebook.blocks[1].reading(files) } catch {
            #expect(error.message == "'split.column': block 'wave' has no column 'lvl' (columns: t, level, x, y)")
        }
    }
}
