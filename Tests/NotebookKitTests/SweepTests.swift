import Experiments
import Foundation
import Testing
@testable import NotebookKit

/// Two blocks: `a` (a plain solve) and `b` (another, with its own `h`).
private let twoSolves = """
    # Sweep

    ```{species}
    id: a
    steps: 10
    ```

    ```{species}
    id: b
    steps: 10
    h: 0.2
    ```
    """

/// Loads `path` with the sweep options; the notebooks, or the messages of the failure.
private func swept(_ path: String, overrides: [String] = [], sweeps: [String] = [], mode: String? = nil,
                   maxPoints: Int = LoadRequest.defaultMaxPoints) -> Result<[SweptNotebook], Diagnostics> {
    NotebookLoader.loadSwept(LoadRequest(paths: [path], overrides: overrides, sweeps: sweeps, sweepMode: mode, maxPoints: maxPoints))
}

private func messages(_ result: Result<[SweptNotebook], Diagnostics>) -> [String] {
    guard case let .failure(diagnostics) = result else { return [] }
    return diagnostics.all.map(\.description)
}

@Suite("Sweeps: points, names, errors, plans and shards")
struct SweepTests {
    @Test("a grid is the cartesian product, the last key varying fastest; each point sets its values")
    func grid() throws {
        let path = try temporaryNotebook(twoSolves)
        let notebooks = try swept(path, sweeps: ["b.h=[0.1,0.2]", "steps=[5, 6, 7]"]).get()
        let points = notebooks[0].points
        #expect(points.map(\.name) == ["b.h=0.1_steps=5", "b.h=0.1_steps=6", "b.h=0.1_steps=7",
                                       "b.h=0.2_steps=5", "b.h=0.2_steps=6", "b.h=0.2_steps=7"])
        let last = points[5].notebook.blocks
        func value(_ block: ExperimentBlock, _ name: String) -> OptionValue? { block.options.fields.first { $0.name == name }?.value }
        #expect(value(last[0], "steps") == .integer(7) && value(last[1], "steps") == .integer(7))
        #expect(value(last[1], "h") == .number(0.2) && value(last[0], "h") == .number(0.1))
        #expect(last[1].options.valuePositions["h"]?.override == "--sweep b.h=0.2")
    }

    @Test("zip pairs the i-th values; lists of unequal length are an error")
    func zip() throws {
        let path = try temporaryNotebook(twoSolves)
        let points = try swept(path, sweeps: ["b.h=[0.1,0.2]", "steps=[5,6]"], mode: "zip").get()[0].points
        #expect(points.map(\.name) == ["b.h=0.1_steps=5", "b.h=0.2_steps=6"])
        #expect(messages(swept(path, sweeps: ["b.h=[0.1,0.2]", "steps=[5,6,7]"], mode: "zip")) == [
            "\(path): error: the sweep's lists have different lengths (b.h: 2 values, steps: 3 values), so they cannot be zipped; give lists of one length, or use --sweep-mode grid",
        ])
    }

    @Test("names: readable, safe as file names, unique, and short")
    func names() throws {
        let axis = { (key: String, values: [String]) in
            SweepAxis(key: key, segments: key.split(separator: ".").map(String.init),
                      values: values.map { .scalar($0, plain: true, position: SourcePosition(line: 1)) }, origin: .commandLine(key))
        }
        let quoted = SweepAxis(key: "label", segments: ["label"],
                               values: [.scalar("a b/c", plain: false, position: SourcePosition(line: 1)),
                                        .scalar("a-b c", plain: false, position: SourcePosition(line: 1))],
                               origin: .commandLine("label"))
        #expect(SweepPoint.points(of: [quoted], mode: .grid).map(\.name) == ["label=a-b-c", "label=a-b-c~2"])
        let list = SweepAxis(key: "x0", segments: ["x0"], values: [.sequence([
            .scalar("1", plain: true, position: SourcePosition(line: 1)), .scalar("-2", plain: true, position: SourcePosition(line: 1)),
        ], position: SourcePosition(line: 1))], origin: .commandLine("x0"))
        #expect(SweepPoint.points(of: [list], mode: .grid).map(\.name) == ["x0=1--2"])
        #expect(SweepPoint.points(of: [axis("lr", ["1e-3", "-1"])], mode: .grid).map(\.name) == ["lr=1e-3", "lr=-1"])
        let long = SweepPoint.points(of: [axis("a.very.long.key.name", [String(repeating: "7", count: 120)])], mode: .grid)[0].name
        #expect(long.utf8.count <= SweepPoint.maximumNameBytes && long.contains("~"))
        for name in [long, "lr=1e-3"] { #expect(FileAccessCheck.isPlain(name)) }
    }

    @Test("front matter sweep: expands; --sweep adds to it and wins on the same key; sweep_mode zip")
    func frontMatter() throws {
        let text = "---\nsweep: {steps: [5, 6], b.h: [0.1, 0.3]}\nsweep_mode: zip\n---\n" + twoSolves
        let path = try temporaryNotebook(text)
        #expect(try swept(path).get()[0].points.map(\.name) == ["steps=5_b.h=0.1", "steps=6_b.h=0.3"])
        #expect(try swept(path, sweeps: ["steps=[8,9]"]).get()[0].points.map(\.name) == ["b.h=0.1_steps=8", "b.h=0.3_steps=9"])
        #expect(try swept(path, mode: "grid").get()[0].points.count == 4)
        // `load` (check's plain view) checks the front matter but runs no sweep.
        #expect(try NotebookLoader.load([path]).get()[0].blocks.count == 2)

        let bad = try temporaryNotebook("---\nsweep: [1, 2]\n---\n" + twoSolves)
        #expect(messages(swept(bad)) == ["\(bad):2: error: 'sweep' in the front matter maps each option to its list of values, e.g. sweep: {lr: [1e-3, 1e-2]}"])
        let unknown = try temporaryNotebook("---\nsweep: {stepz: [1, 2]}\n---\n" + twoSolves)
        #expect(messages(swept(unknown)) == ["\(unknown):2: error: 'sweep': 'stepz' matches no block of the notebook; did you mean 'steps'?"])
    }

    @Test("bad sweeps on the command line say what is wrong and with what")
    func badSweeps() throws {
        let path = try temporaryNotebook(twoSolves)
        #expect(messages(swept(path, sweeps: ["stepz=[1,2]"])) == ["error: --sweep stepz=[1,2]: matches no block: no block of the notebook has an option 'stepz'; did you mean 'steps'?"])
        #expect(messages(swept(path, sweeps: ["steps=[]"])) == ["error: --sweep steps=[]: the list of values of 'steps' is empty; give at least one value"])
        #expect(messages(swept(path, sweeps: ["steps=5"])) == ["error: --sweep steps=5: the values of 'steps' must be a list in brackets, e.g. steps=[5]"])
        #expect(messages(swept(path, sweeps: ["steps"])) == ["error: --sweep steps: expected KEY=LIST (for example --sweep lr=[1e-3,1e-2])"])
        #expect(messages(swept(path, sweeps: ["steps=[1,2,3]", "b.h=[0.1,0.2]"], maxPoints: 5)) == [
            "\(path): error: the sweep has 6 points, more than --max-points 5; shorten its lists or raise --max-points",
        ])
        #expect(messages(swept(path, overrides: ["steps=4"], sweeps: ["steps=[1,2]"])) == [
            "error: -p steps=4 and --sweep steps=[1,2] both set 'steps'; drop one of them",
        ])
        #expect(messages(swept(path, sweeps: ["steps=[10,-1]"])) == [
            "error: --sweep steps=-1: 'steps' in {species} block 'a' must be an integer ≥ 1, not '-1' (applied to \(path):3)",
            "error: --sweep steps=-1: 'steps' in {species} block 'b' must be an integer ≥ 1, not '-1' (applied to \(path):8)",
        ])
        #expect(messages(swept(path, sweeps: ["steps=[1,2]", "steps=[3]"])) == ["error: --sweep steps=[3]: 'steps' is swept twice; give each key one list"])
        #expect(messages(swept(path, mode: "diagonal")) == ["error: --sweep-mode diagonal: must be grid or zip"])
    }

    @Test("a block no point changes is one job shared by every point; the plan's digest follows its jobs")
    func planSharesBlocks() throws {
        let path = try temporaryNotebook(twoSolves)
        let plan = RunPlan(notebooks: try swept(path, sweeps: ["b.h=[0.1,0.2,0.3]"]).get())
        #expect(plan.jobs.count == 4, "a once, b three times")
        #expect(plan.jobs[0].locations.count == 3 && plan.jobs[0].block.id == "a")
        #expect(plan.jobIndex[0].map { $0[0] } == [0, 0, 0])
        #expect(RunPlan(notebooks: try swept(path, sweeps: ["b.h=[0.1,0.2,0.3]"]).get()).digest == plan.digest)
        #expect(RunPlan(notebooks: try swept(path, sweeps: ["b.h=[0.1,0.2,0.4]"]).get()).digest != plan.digest)
    }

    @Test("shards cover every job exactly once for N = 1...8, the same way every time, balanced by cost")
    func shards() throws {
        var generator = SplitMix(seed: 15)
        let costs = (0..<37).map { _ in Double(1 + generator.next() % 1000) }
        let identities = costs.indices.map { String(format: "%064x", $0 &* 2_654_435_761) }
        for count in 1...8 {
            let assignment = ShardAssignment.assign(costs: costs, identities: identities, count: count)
            #expect(assignment.count == costs.count && assignment.allSatisfy { (0..<count).contains($0) })
            #expect(ShardAssignment.assign(costs: costs, identities: identities, count: count) == assignment)
            // The same jobs listed in another order get the same shards.
            let order = costs.indices.reversed()
            let reordered = ShardAssignment.assign(costs: order.map { costs[$0] }, identities: order.map { identities[$0] }, count: count)
            #expect(order.enumerated().allSatisfy { reordered[$0.offset] == assignment[$0.element] })
            let loads = (0..<count).map { shard in costs.indices.filter { assignment[$0] == shard }.map { costs[$0] }.reduce(0, +) }
            let bound = costs.reduce(0, +) / Double(count) + (costs.max() ?? 0)
            #expect(loads.max()! <= bound, "greedy balance: \(loads)")
        }
        #expect(throws: Diagnostic.self) { try ShardAssignment.parse("3/2") }
        #expect(throws: Diagnostic.self) { try ShardAssignment.parse("1-2") }
        let parsed = try ShardAssignment.parse("2/5")
        #expect(parsed.index == 2 && parsed.count == 5)
    }
}

/// File-name checks for the tests.
private enum FileAccessCheck {
    /// A plain file name: no `/`, no leading `.`, only characters safe in URLs and shells.
    static func isPlain(_ name: String) -> Bool {
        !name.hasPrefix(".") && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._=~+-".unicodeScalars.contains($0)) }
    }
}

/// SplitMix64, for test inputs.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
