import Foundation
import Testing
@testable import Experiments

private func species(_ entries: [(String, OptionNode)] = [], directory: URL = FileManager.default.temporaryDirectory) throws -> SpeciesKind {
    let node = OptionNode.mapping(entries.enumerated().map { index, entry in
        OptionEntry(key: entry.0, keyPosition: SourcePosition(line: index + 2), value: entry.1)
    }, position: SourcePosition(line: 2))
    let options = try SpeciesKind.schema.decode(node, blockLine: 1, defaults: ["id": .text("s")])
    return try SpeciesKind(options: options, context: BlockContext(notebookDirectory: directory, blockID: "s"))
}

private func value(_ text: String) -> OptionNode { .scalar(text, plain: true, position: SourcePosition(line: 2)) }
private func list(_ items: [String]) -> OptionNode { .sequence(items.map(value), position: SourcePosition(line: 2)) }
private func map(_ entries: [(String, OptionNode)]) -> OptionNode {
    .mapping(entries.map { OptionEntry(key: $0.0, keyPosition: SourcePosition(line: 2), value: $0.1) }, position: SourcePosition(line: 2))
}

private func metric(_ artifacts: Artifacts, _ name: String) -> Double? {
    guard let metric = artifacts.metrics.first(where: { $0.name == name }) else { return nil }
    switch metric.value {
    case let .count(count): return Double(count)
    case let .real(value): return value
    }
}

@Suite("{species} kind")
struct SpeciesKindTests {
    @Test("The phase portrait keeps one unit the same length on both axes (two populations); phase_aspect: auto lets each axis fit")
    func phaseAspect() throws {
        let equal = try species().run(monitor: RunMonitor()).figures.first { $0.name == "phase" }
        #expect(equal?.figure.panels[0].equalAspect == true)
        let auto = try species([("phase_aspect", value("auto"))]).run(monitor: RunMonitor()).figures.first { $0.name == "phase" }
        #expect(auto?.figure.panels[0].equalAspect == false)
    }

    @Test("Defaults reproduce the seed's x(100)")
    func defaults() throws {
        let artifacts = try species().run(monitor: RunMonitor())
        #expect(abs(metric(artifacts, "final.x1")! - 373.56820343) / 373.56820343 < 1e-8)
        #expect(abs(metric(artifacts, "final.x2")! - 250.44159839) / 250.44159839 < 1e-8)
        #expect(metric(artifacts, "steps") == 1000)
        #expect(metric(artifacts, "nfe") == 1000)
        #expect(artifacts.figures.map(\.name) == ["time", "phase"])
        #expect(artifacts.series[0].columns == ["t", "x1", "x2"])
        #expect(artifacts.series[0].rows.count == 1001)
        #expect(artifacts.series[0].rows[420][0] == 42)
    }

    @Test("500 steps give x(50)")
    func fiftyTimeUnits() throws {
        let artifacts = try species([("steps", value("500"))]).run(monitor: RunMonitor())
        #expect(abs(metric(artifacts, "final.x1")! - 343.03847205) / 343.03847205 < 1e-8)
    }

    @Test("Observations are tabulated next to the computed values at the same times")
    func comparisonTable() throws {
        let data = map([
            ("t", list(["0", "10", "15", "30", "36", "40", "42"])),
            ("x1", list(["100", "165", "197", "280", "305", "318", "324"])),
            ("x2", list(["150", "283", "290", "276", "269", "266", "264"])),
        ])
        let artifacts = try species([("data", data)]).run(monitor: RunMonitor())
        let table = try #require(artifacts.tables.first)
        #expect(table.columns == ["t", "x1 observed", "x1 computed", "x2 observed", "x2 computed"])
        #expect(table.rows.last == ["42", "324", "324.4187", "264", "264.3717"])
        #expect(metric(artifacts, "data.max_abs_error")! < 0.5)
        #expect(artifacts.series.map(\.name) == ["", "observations"])
    }

    @Test("Observations off the step grid are rejected at check time")
    func offGrid() {
        let data = map([("t", list(["0", "10.05"])), ("x1", list(["100", "160"]))])
        #expect(throws: OptionError.self) { try species([("data", data)]) }
    }

    @Test("A column that is not a state is rejected with a suggestion")
    func unknownColumn() {
        let data = map([("t", list(["0"])), ("x3", list(["100"]))])
        do {
            _ = try species([("data", data)])
            Issue.record("expected an error")
        } catch let error as OptionError {
            #expect(error.message.contains("did you mean 'x1'?") || error.message.contains("did you mean 'x2'?"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("Observations load from a CSV file relative to the notebook")
    func csvObservations() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("species-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "t,x1,x2\n0,100,150\n10,165,283\n".write(to: directory.appendingPathComponent("obs.csv"), atomically: true, encoding: .utf8)
        let artifacts = try species([("data", map([("csv", value("obs.csv"))]))], directory: directory).run(monitor: RunMonitor())
        #expect(artifacts.tables.first?.rows.count == 2)
    }

    @Test("A blow-up fails the block with advice instead of crashing")
    func blowUp() throws {
        let kind = try species([("params", map([("r1", value("50"))])), ("h", value("1"))])
        #expect(throws: BlockFailure.self) { try kind.run(monitor: RunMonitor()) }
        do {
            _ = try kind.run(monitor: RunMonitor())
        } catch {
            #expect(error.message.contains("x1 became non-finite") || error.message.contains("x2 became non-finite"))
            #expect(error.message.contains("smaller step size"))
        }
    }

    @Test("Higher-order solvers approach the exact flow")
    func solvers() throws {
        // rk4 with h = 0.1 and Euler with h = 0.001 agree to a few digits at t = 100.
        let rk4 = try species([("solver", value("rk4"))]).run(monitor: RunMonitor())
        let fine = try species([("h", value("0.001")), ("steps", value("100000")), ("save_every", value("1000"))]).run(monitor: RunMonitor())
        #expect(abs(metric(rk4, "final.x1")! - metric(fine, "final.x1")!) < 0.05)
        #expect(metric(rk4, "nfe") == 4000)
        #expect(fine.series[0].rows.count == 101)
    }

    @Test("plot chooses the figures")
    func plotChoice() throws {
        let artifacts = try species([("plot", value("phase"))]).run(monitor: RunMonitor())
        #expect(artifacts.figures.map(\.name) == ["phase"])
    }
}

@Suite("CSV tables")
struct CSVTableTests {
    @Test("Round trip of numbers and missing values")
    func roundTrip() throws {
        let text = CSVTable.format(columns: ["t", "x"], rows: [[0, 0.1], [1, .nan]])
        #expect(text == "t,x\n0,0.1\n1,\n")
        let table = try CSVTable.parse(text, name: "x.csv")
        #expect(table.columns.map(\.name) == ["t", "x"])
        #expect(table.columns[1].values == [0.1, nil])
    }

    @Test("Bad CSVs name the line", arguments: [
        ("t,x\n0,1\n1\n", "x.csv line 3: 1 fields, but the header has 2"),
        ("t,x\n0,abc\n", "x.csv line 2, column 'x': not a number"),
        ("t,t\n0,1\n", "x.csv line 1: columns 1 and 2 of the header have the same name"),
        // No message quotes a field of the file: a column without a plain name is named by number.
        ("t,root:x:0:0:/root\n0,secret\n", "x.csv line 2, column 2: not a number"),
        ("t,x\n0,\"quoted secret\"\n", "x.csv line 2, column 'x': not a number"),
        ("", "x.csv is empty"),
    ])
    func errors(text: String, message: String) {
        do {
            _ = try CSVTable.parse(text, name: "x.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == message)
        }
    }
}

extension SpeciesKindTests {
    /// A fit of the source article's observations through the h = 1 recurrence with `method`.
    private func fit(_ method: String, epochs: Int) throws -> SpeciesKind {
        try species([
            ("h", value("1")), ("steps", value("50")),
            ("data", map([("t", list(["0", "10", "15", "30", "36", "40", "42"])),
                          ("x1", list(["100", "165", "197", "280", "305", "318", "324"])),
                          ("x2", list(["150", "283", "290", "276", "269", "266", "264"]))])),
            ("fit", map([("optimizer", value(method)), ("epochs", value(String(epochs))), ("lr", value("1e-4")),
                         ("init", map([("r1", value("0.1")), ("r2", value("0.1"))]))])),
        ])
    }

    @Test("a fit stops with a failure at the monitor's request, after one epoch or evaluation", arguments: ["adam", "lbfgs", "levenberg-marquardt"])
    func fitStopsOnRequest(method: String) throws {
        let monitor = RunMonitor()
        monitor.stop(.cancelled("test"))
        let kind = try fit(method, epochs: 100_000)
        #expect(throws: BlockFailure.self) { try kind.run(monitor: monitor) }
        let progress = try #require(monitor.progress, "the fit reported before stopping")
        #expect(progress.done <= 1 && ["epochs", "evaluations"].contains(progress.unit))
    }

    @Test("a fit reports every epoch to the monitor")
    func fitReportsEpochs() throws {
        let monitor = RunMonitor()
        _ = try fit("adam", epochs: 300).run(monitor: monitor)
        let progress = try #require(monitor.progress)
        #expect(progress.done == 300 && progress.total == 300 && progress.unit == "epochs")
    }
}
