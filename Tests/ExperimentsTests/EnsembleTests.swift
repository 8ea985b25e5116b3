import Foundation
import Learning
import Testing
@testable import Experiments

private func value(_ text: String, line: Int = 2) -> OptionNode { .scalar(text, plain: true, position: SourcePosition(line: line)) }
private func map(_ entries: [(String, OptionNode)], line: Int = 2) -> OptionNode {
    .mapping(entries.map { OptionEntry(key: $0.0, keyPosition: SourcePosition(line: line), value: $0.1) }, position: SourcePosition(line: line))
}

/// An `{ode}` block from its entries, the i-th entry on line i + 2.
private func ode(_ entries: [(String, OptionNode)], directory: URL = FileManager.default.temporaryDirectory) throws -> OdeKind {
    let node = OptionNode.mapping(entries.enumerated().map { index, entry in
        OptionEntry(key: entry.0, keyPosition: SourcePosition(line: index + 2), value: entry.1)
    }, position: SourcePosition(line: 2))
    let options = try OdeKind.schema.decode(node, blockLine: 1, defaults: ["id": .text("e")])
    return try OdeKind(options: options, context: BlockContext(notebookDirectory: directory, blockID: "e"))
}

/// Logistic growth x' = r·x·(1 − x/K), with an ensemble section and more entries.
private func logistic(_ ensemble: [(String, OptionNode)], _ more: [(String, OptionNode)] = []) throws -> OdeKind {
    try ode([
        ("equations", map([("x", value("r*x*(1 - x/K)"))])),
        ("params", map([("r", value("0.5")), ("K", value("10"))])),
        ("initial", map([("x", value("1"))])),
        ("t_end", value("10")),
        ("ensemble", map(ensemble, line: 6)),
    ] + more)
}

private func metric(_ artifacts: Artifacts, _ name: String) -> Double? {
    guard let metric = artifacts.metrics.first(where: { $0.name == name }) else { return nil }
    switch metric.value {
    case let .count(count): return Double(count)
    case let .real(value): return value
    }
}

/// The message and line of the error a block throws.
private func failure(_ make: () throws -> OdeKind) -> (String, Int)? {
    do {
        _ = try make()
        return nil
    } catch let error as OptionError {
        return (error.message, error.position.line)
    } catch let errors as OptionErrors {
        return errors.errors.first.map { ($0.message, $0.position.line) }
    } catch { return nil }
}

@Suite("Ensembles")
struct EnsembleTests {
    @Test("distributions are read from numbers and calls; bad ones give exact messages naming the key")
    func parsing() throws {
        #expect(try Distribution.parse("50", key: "k").get() == .fixed(50))
        #expect(try Distribution.parse("fixed(2.5)", key: "k").get() == .fixed(2.5))
        #expect(try Distribution.parse(" uniform(50, 150) ", key: "k").get() == .uniform(low: 50, high: 150))
        #expect(try Distribution.parse("normal(0.1, 1e-2)", key: "k").get() == .normal(mean: 0.1, sigma: 0.01))
        #expect(try Distribution.parse("lognormal(0,0.5)", key: "k").get() == .lognormal(mu: 0, sigma: 0.5))
        func message(_ text: String) -> String? {
            if case let .failure(error) = Distribution.parse(text, key: "ensemble.params.r1") { return error.message }
            return nil
        }
        #expect(message("unifrom(1, 2)") == "'ensemble.params.r1': unknown distribution 'unifrom'; did you mean 'uniform'?")
        #expect(message("gamma(1, 2)") == "'ensemble.params.r1': unknown distribution 'gamma' (distributions: fixed, uniform, normal, lognormal)")
        #expect(message("normal(1)") == "'ensemble.params.r1': normal(mu, sigma) takes 2 arguments, not 1")
        #expect(message("fixed()") == "'ensemble.params.r1': fixed(v) takes 1 argument, not 0")
        #expect(message("normal(1, 0)") == "'ensemble.params.r1': the sigma of normal(mu, sigma) must be > 0, not 0")
        #expect(message("lognormal(1, -2)") == "'ensemble.params.r1': the sigma of lognormal(mu, sigma) must be > 0, not -2")
        #expect(message("uniform(150, 50)") == "'ensemble.params.r1': uniform(a, b) needs a ≤ b, not 150 > 50")
        #expect(message("uniform(a, 50)") == "'ensemble.params.r1': the a of uniform(a, b) must be a number, not 'a'")
        #expect(message("lots") == "'ensemble.params.r1' must be \(Distribution.forms), not 'lots'")
    }

    @Test("a block's bad distribution, unknown state or parameter is reported at its line")
    func blockErrors() {
        let bad = failure { try logistic([("params", map([("r", value("normal(0.5, -1)", line: 9))], line: 9))]) }
        #expect(bad?.0 == "'ensemble.params.r': the sigma of normal(mu, sigma) must be > 0, not -1")
        #expect(bad?.1 == 9)
        let state = failure { try logistic([("initial", map([("y", value("1", line: 8))], line: 8))]) }
        #expect(state?.0 == "'ensemble.initial' names 'y', which is not a state; did you mean 'x'?")
        #expect(state?.1 == 8)
        let parameter = failure { try logistic([("params", map([("k", value("1"))], line: 8))]) }
        #expect(parameter?.0 == "'ensemble.params' names 'k', which is not a parameter; did you mean 'K'?")
        let compare = failure { try logistic([("n", value("3"))], [("compare", value("rk4"))]) }
        #expect(compare?.0 == "'compare' measures one solve: an ensemble block draws no work–precision diagram; remove compare or ensemble")
        let step = failure { try ode([("equations", map([("x", value("-x"))])), ("initial", map([("x", value("1"))])),
                                      ("t_end", value("1")), ("ensemble_step", value("shared"))]) }
        #expect(step?.0 == "'ensemble_step' applies to an ensemble: add ensemble: {n: N, initial: {...}, params: {...}}, or remove it")
    }

    @Test("YAML's split of a call at its commas in a flow mapping is joined again")
    func rejoinedCalls() throws {
        let split = [OptionEntry(key: "x1", keyPosition: SourcePosition(line: 3), value: value("uniform(50")),
                     OptionEntry(key: "150)", keyPosition: SourcePosition(line: 3), value: value("")),
                     OptionEntry(key: "x2", keyPosition: SourcePosition(line: 3), value: value("3"))]
        let joined = OptionSchema.rejoinedCalls(split)
        #expect(joined.map(\.key) == ["x1", "x2"])
        #expect(joined[0].value == value("uniform(50, 150)"))
    }

    @Test("seeded draws repeat with the seed and have the distribution's moments")
    func draws() throws {
        func moments(_ distribution: Distribution, seed: UInt64 = 7) -> (mean: Double, std: Double, values: [Double]) {
            let settings = EnsembleOptions.Settings(members: 40_000, initial: [distribution], parameters: [], seed: seed, sharedStep: false, files: [])
            let values = settings.draw().initial
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
            return (mean, variance.squareRoot(), values)
        }
        let uniform = moments(.uniform(low: 50, high: 150))
        #expect(abs(uniform.mean - 100) < 0.5 && abs(uniform.std - 100 / 12.0.squareRoot()) < 0.5)
        #expect(uniform.values.allSatisfy { $0 >= 50 && $0 <= 150 })
        let normal = moments(.normal(mean: 0.1, sigma: 0.01))
        #expect(abs(normal.mean - 0.1) < 2e-4 && abs(normal.std - 0.01) < 2e-4)
        let lognormal = moments(.lognormal(mu: 0, sigma: 0.25))
        #expect(abs(lognormal.mean - exp(0.25 * 0.25 / 2)) < 0.01)
        #expect(moments(.normal(mean: 0, sigma: 1)).values == moments(.normal(mean: 0, sigma: 1)).values)
        #expect(moments(.normal(mean: 0, sigma: 1), seed: 8).values != moments(.normal(mean: 0, sigma: 1)).values)
        #expect(moments(.resampled([1, 2, 3])).values.allSatisfy { [1, 2, 3].contains($0) })
    }

    @Test("fixed members give bands of zero width on the single solve, and metrics as declared")
    func fixedMembers() throws {
        let block = try logistic([("n", value("5")), ("initial", map([("x", value("fixed(1)"))])), ("params", map([("r", value("0.5"))]))])
        let artifacts = try block.run(monitor: RunMonitor())
        #expect(artifacts.metrics.map(\.name) == block.metricNames)
        #expect(block.metricNames.prefix(5) == ["ensemble.members", "final.x.mean", "final.x.std", "final.x.q05", "final.x.q95"])
        let single = try ode([
            ("equations", map([("x", value("r*x*(1 - x/K)"))])), ("params", map([("r", value("0.5")), ("K", value("10"))])),
            ("initial", map([("x", value("1"))])), ("t_end", value("10")),
        ]).run(monitor: RunMonitor())
        let exact = metric(single, "final.x")!
        // The same solve up to rounding (the ensemble saves on its grid, which may end the last step otherwise).
        for name in ["final.x.mean", "final.x.q05", "final.x.q95"] {
            #expect(abs(metric(artifacts, name)! - exact) <= 1e-12 * exact, "\(name)")
        }
        #expect(metric(artifacts, "final.x.q05")! == metric(artifacts, "final.x.q95")!)
        #expect(metric(artifacts, "final.x.std")! == 0)
        #expect(metric(artifacts, "ensemble.members") == 5)
        let quantiles = try #require(artifacts.series.first { $0.name == "quantiles" })
        #expect(quantiles.columns == ["t", "x.q05", "x.q25", "x.q50", "x.q75", "x.q95"])
        #expect(quantiles.rows.count == 201)
        #expect(quantiles.rows.allSatisfy { row in row[1...].allSatisfy { $0 == row[1] } })
        #expect(artifacts.figures.map(\.name) == ["ensemble", "final-histogram"])
    }

    @Test("per-member and shared-step solves agree on a smooth problem")
    func sharedAgreesWithEach() throws {
        let ensemble: [(String, OptionNode)] = [
            ("n", value("200")), ("initial", map([("x", value("uniform(0.5, 2)"))])), ("params", map([("r", value("normal(0.5, 0.05)"))])),
        ]
        let each = try logistic(ensemble, [("rtol", value("1e-9")), ("atol", value("1e-11"))]).run(monitor: RunMonitor())
        let sharedBlock = try logistic(ensemble, [("rtol", value("1e-9")), ("atol", value("1e-11")), ("ensemble_step", value("shared"))])
        let shared = try sharedBlock.run(monitor: RunMonitor())
        #expect(shared.metrics.map(\.name) == sharedBlock.metricNames)
        for name in ["final.x.mean", "final.x.std", "final.x.q05", "final.x.q95"] {
            let a = metric(each, name)!, b = metric(shared, name)!
            #expect(abs(a - b) <= 1e-6 * max(1, abs(a)), "\(name): \(a) vs \(b)")
        }
        let a = each.series.first { $0.name == "quantiles" }!, b = shared.series.first { $0.name == "quantiles" }!
        #expect(zip(a.rows, b.rows).allSatisfy { zip($0, $1).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($0)) } })
    }

    @Test("a fixed-step ensemble saves on its step grid; {species} takes an ensemble too")
    func fixedStepAndSpecies() throws {
        let block = try logistic([("n", value("10")), ("initial", map([("x", value("uniform(1, 2)"))]))],
                                 [("solver", value("rk4")), ("h", value("0.01"))])
        let artifacts = try block.run(monitor: RunMonitor())
        #expect(artifacts.metrics.map(\.name) == block.metricNames)
        let quantiles = try #require(artifacts.series.first { $0.name == "quantiles" })
        #expect(quantiles.rows.count == 201 && quantiles.rows.last?[0] == 10)
        let node = OptionNode.mapping([OptionEntry(key: "ensemble", keyPosition: SourcePosition(line: 2), value: map([
            ("n", value("20")), ("initial", map([("x1", value("uniform(50, 150)"))])), ("params", map([("r1", value("normal(0.1, 0.01)"))])),
        ]))], position: SourcePosition(line: 2))
        let options = try SpeciesKind.schema.decode(node, blockLine: 1, defaults: ["id": .text("s")])
        let species = try SpeciesKind(options: options, context: BlockContext(notebookDirectory: FileManager.default.temporaryDirectory, blockID: "s"))
        let result = try species.run(monitor: RunMonitor())
        #expect(result.metrics.map(\.name) == species.metricNames)
        #expect(metric(result, "final.x1.std")! > 0)
    }

    @Test("a stopped monitor stops the members' solves with a failure, in both step modes")
    func stops() throws {
        for step in ["each", "shared"] {
            let block = try logistic([("n", value("1000")), ("initial", map([("x", value("uniform(1, 2)"))]))], [("ensemble_step", value(step))])
            let monitor = RunMonitor()
            monitor.stop(.cancelled("test"))
            #expect(throws: BlockFailure.self) { try block.run(monitor: monitor) }
        }
    }

    @Test("a CSV column is resampled; a missing column is named")
    func csvColumn() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ensemble-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "start,other\n1,0\n2,0\n3,0\n".write(to: directory.appendingPathComponent("starts.csv"), atomically: true, encoding: .utf8)
        func block(_ column: String) throws -> OdeKind {
            try ode([
                ("equations", map([("x", value("-x"))])), ("initial", map([("x", value("1"))])), ("t_end", value("1")),
                ("ensemble", map([("n", value("30")), ("initial", map([("x", map([("csv", value("starts.csv")), ("column", value(column))], line: 7))]))])),
            ], directory: directory)
        }
        let artifacts = try block("start").run(monitor: RunMonitor())
        let finals = try #require(artifacts.series.first { $0.name == "final" }).rows.map { $0[1] }
        #expect(finals.allSatisfy { value in [1.0, 2, 3].contains { abs(value - $0 * exp(-1)) < 1e-6 } })
        #expect(try block("start").inputFiles.count == 1)
        let missing = failure { try block("strat") }
        #expect(missing?.0 == "'ensemble.initial.x.column': starts.csv has no column 'strat' (columns: start, other); did you mean 'start'?")
    }
}

@Suite("Ensemble histograms")
struct EnsembleHistogramTests {
    @Test("bins hold every value, and extreme ranges make one bin instead of failing")
    func bins() {
        let (edges, counts) = EnsembleSummary.histogram((0..<100).map(Double.init))
        #expect(counts.count == 10 && edges.count == 11 && counts.reduce(0, +) == 100)
        #expect(EnsembleSummary.histogram([-1e308, 1e308]).counts == [2])
        #expect(EnsembleSummary.histogram([0, 4 * Double.leastNonzeroMagnitude]).counts.reduce(0, +) == 2)
        #expect(EnsembleSummary.histogram([3, 3]).counts == [2])
        #expect(EnsembleSummary.quantile(sorted: [1, 2, 3, 4], 0.5) == 2.5)
    }
}

@Suite("Order statistics")
struct OrderStatisticsTests {
    @Test("selected quantiles equal those of the sorted values, ties and NaN-free duplicates included")
    func matchesSorting() {
        var generator = SeededGenerator(seed: 3)
        for n in [1, 2, 3, 10, 101, 1000] {
            for duplicates in [false, true] {
                var values = (0..<n).map { _ in duplicates ? Double(Int(generator.nextUniform() * 5)) : generator.nextNormal() }
                let sorted = values.sorted()
                let fractions = [0.05, 0.25, 0.5, 0.75, 0.95]
                var output = [Double](repeating: 0, count: fractions.count)
                values.withUnsafeMutableBufferPointer { buffer in
                    output.withUnsafeMutableBufferPointer { OrderStatistics.quantiles(buffer, fractions: fractions, into: $0.baseAddress!) }
                }
                let expected = fractions.map { EnsembleSummary.quantile(sorted: sorted, $0) }
                #expect(zip(output, expected).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) }, "n = \(n): \(output) vs \(expected)")
            }
        }
    }
}
