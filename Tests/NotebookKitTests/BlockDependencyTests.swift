import Experiments
import Foundation
import Testing
@testable import NotebookKit

/// A notebook where `fit` (written first) reads the table of `truth` (written second).
private func dependentNotebook(readerData: String = "{block: truth, columns: [t, x]}", truthData: String = "") -> String {
    """
    # Dependencies

    ```{ode}
    id: fit
    equations:
      x: -k*x
    params: {k: 0.5}
    initial: {x: 1}
    t_end: 2
    data: \(readerData)
    ```

    ```{ode}
    id: truth
    equations:
      x: -0.8*x
    initial: {x: 1}
    t_end: 2
    t_eval: [0, 0.5, 1, 1.5, 2]
    \(truthData)
    ```

    ```{ode}
    id: other
    equations:
      y: -y
    initial: {y: 1}
    t_end: 1
    ```
    """
}

/// The problems `notebook check` finds in `text`.
private func problems(_ text: String) throws -> [Diagnostic] {
    guard case let .failure(diagnostics) = NotebookLoader.load([try temporaryNotebook(text)]) else { return [] }
    return diagnostics.all
}

@Suite("Blocks that read other blocks' tables")
struct BlockDependencyTests {
    @Test("a block reading a later block runs after it; the others keep document order")
    func order() throws {
        let notebook = try NotebookLoader.load([try temporaryNotebook(dependentNotebook())]).get()[0]
        #expect(notebook.blocks.map(\.inputBlocks) == [["truth"], [], []])
        #expect(BlockDependencies.order(notebook.blocks) == [1, 0, 2])
        #expect(notebook.blocks[0].inputs.map(\.option) == ["data"])
        #expect(notebook.blocks[0].inputs[0].reference == BlockDataReference(block: "truth", columns: [.init(name: "t", source: "t"), .init(name: "x", source: "x")]))
    }

    @Test("a reference to a missing block is an error at its line, with the near id")
    func missingBlock() throws {
        let found = try problems(dependentNotebook(readerData: "{block: truht}"))
        #expect(found.map(\.line) == [10])
        #expect(found.map(\.message) == ["block 'fit' reads 'data' from block 'truht', which is not in the notebook; did you mean 'truth'?"])
    }

    @Test("a block reading itself, and blocks reading each other, are errors that name the cycle")
    func cycles() throws {
        var found = try problems(dependentNotebook(readerData: "{block: fit}"))
        #expect(found.map(\.message) == ["block 'fit' reads 'data' from itself; a block can only read tables that other blocks write"])
        #expect(found.map(\.line) == [10])
        found = try problems(dependentNotebook(truthData: "data: {block: fit, columns: [t, x]}"))
        #expect(found.map(\.message) == ["blocks read each other's tables in a cycle: 'fit' → 'truth' → 'fit'; one of them must not read the other"])
        #expect(found.map(\.line) == [10])
    }

    @Test("a malformed reference says what it takes")
    func malformed() throws {
        var found = try problems(dependentNotebook(readerData: "{block: truth, colums: [t]}"))
        #expect(found.map(\.message) == ["unknown key 'data.colums' in {ode} block 'fit': data from a block takes block, table and columns; did you mean 'columns'?"])
        found = try problems(dependentNotebook(readerData: "{block: truth, columns: 3}"))
        #expect(found.first?.message.hasPrefix("'data.columns' in {ode} block 'fit' must be a list of column names") == true)
    }

    @Test("the reader's identity includes its producer's: a change to the producer changes the reader's key")
    func identities() throws {
        let path = try temporaryNotebook(dependentNotebook())
        func plan(_ overrides: [String]) throws -> RunPlan {
            RunPlan(notebooks: try NotebookLoader.loadSwept(LoadRequest(paths: [path], overrides: overrides)).get())
        }
        let base = try plan([]), changed = try plan(["truth.equations.x=-0.6*x"])
        #expect(base.jobs[0].inputs == [1] && base.jobs[1].inputs.isEmpty && base.jobs[2].inputs.isEmpty)
        #expect(base.jobs[0].identity.text.contains("reads block truth: \(base.jobs[1].identity.digest)"))
        #expect(changed.jobs[1].identity != base.jobs[1].identity)
        #expect(changed.jobs[0].identity != base.jobs[0].identity, "the reader's key follows its producer's")
        #expect(changed.jobs[2].identity == base.jobs[2].identity)
    }

    @Test("in a sweep over the producer, each point's reader reads its own point's producer; an untouched block is one job")
    func sweeps() throws {
        let path = try temporaryNotebook(dependentNotebook())
        let plan = RunPlan(notebooks: try NotebookLoader.loadSwept(LoadRequest(paths: [path], sweeps: ["truth.t_end=[2,3]"])).get())
        let points = plan.jobIndex[0]
        #expect(points.count == 2)
        let (fitA, truthA, otherA) = (points[0][0], points[0][1], points[0][2])
        let (fitB, truthB, otherB) = (points[1][0], points[1][1], points[1][2])
        #expect(truthA != truthB && fitA != fitB, "the reader's key follows its point's producer")
        #expect(otherA == otherB, "a block that reads nothing and is not swept runs once")
        #expect(plan.jobs[fitA].inputs == [truthA] && plan.jobs[fitB].inputs == [truthB])
    }

    @Test("--shard keeps a reader in the shard of the blocks it reads")
    func shards() {
        let costs: [Double] = [1, 5, 4, 3, 2, 1]
        let identities = ["a", "b", "c", "d", "e", "f"]
        for count in 1...4 {
            let together: [[Int]] = [[3], [], [], [], [0], []]
            let assignment = ShardAssignment.assign(costs: costs, identities: identities, together: together, count: count)
            #expect(assignment[0] == assignment[3] && assignment[4] == assignment[0], "\(assignment)")
            #expect(assignment.allSatisfy { (0..<count).contains($0) })
        }
        #expect(ShardAssignment.assign(costs: costs, identities: identities, together: Array(repeating: [], count: 6), count: 3)
            == ShardAssignment.assign(costs: costs, identities: identities, count: 3))
    }

    @Test("the scheduler starts a job only after the jobs it depends on ended, and hands it their endings")
    func scheduler() {
        let log = EventLog()
        let jobs = [0, 1, 2, 3]
        // 0 waits for 3, 2 for 0 and 1.
        let scheduler = BlockScheduler<Int, Int>(jobs: jobs, timeLimits: jobs.map { _ in nil }, dependencies: [[3], [], [0, 1], []],
                                                 concurrency: 2) { job, _, inputs in
            log.append("start \(job)")
            let sum = inputs.reduce(0) { total, ending in if case let .finished(value) = ending { total + value } else { total } }
            Thread.sleep(forTimeInterval: 0.005)
            log.append("end \(job)")
            return job * 10 + sum
        }
        scheduler.start()
        var outputs = [Int: Int]()
        for _ in 0..<scheduler.count {
            let (index, ending) = scheduler.next()
            if case let .finished(value) = ending { outputs[index] = value }
        }
        #expect(outputs == [3: 30, 1: 10, 0: 30, 2: 20 + 30 + 10])
        let events = log.events
        func at(_ event: String) -> Int { events.firstIndex(of: event) ?? -1 }
        #expect(at("end 3") < at("start 0") && at("end 0") < at("start 2") && at("end 1") < at("start 2"), "\(events)")
    }
}

/// Events appended from several threads, in order.
private final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list = [String]()

    func append(_ event: String) {
        lock.lock()
        list.append(event)
        lock.unlock()
    }

    var events: [String] {
        lock.lock()
        defer { lock.unlock() }
        return list
    }
}
