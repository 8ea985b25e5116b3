import Dispatch
import Synchronization
import Testing
@testable import Learning

/// The two-chunk split runs on the calling thread and the helper thread; callers that find the
/// helper busy (other threads, or a chunk that splits again) run their chunks themselves.
@Suite("Parallel chunks")
struct ParallelChunksTests {
    @Test("Every sample is visited exactly once, over many consecutive runs")
    func visitsEverySampleOnce() {
        let total = 1000
        let chunks = ParallelChunks(count: total)
        #expect(chunks.count == 2)
        let visits = UnsafeMutableBufferPointer<Int>.allocate(capacity: total)
        defer { visits.deallocate() }
        visits.initialize(repeating: 0)
        for _ in 0..<2000 {
            chunks.run { start, count in
                for s in start..<(start + count) { visits[s] += 1 }
            }
        }
        #expect(visits.allSatisfy { $0 == 2000 })
    }

    @Test("Concurrent callers and nested splits all finish, each chunk once")
    func concurrentAndNested() {
        let runs = Atomic<Int>(0), inner = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<300 {
                ParallelChunks(count: 600).runIndexed { index, start, count in
                    runs.add(1, ordering: .relaxed)
                    #expect(index == 0 ? start == 0 : start > 0)
                    ParallelChunks(count: 512).run { _, _ in inner.add(1, ordering: .relaxed) }
                }
            }
        }
        #expect(runs.load(ordering: .relaxed) == 4 * 300 * 2)
        #expect(inner.load(ordering: .relaxed) == 4 * 300 * 2 * 2)
    }

    @Test("Runs after the helper has gone to sleep still finish")
    func afterSleep() async throws {
        let total = Atomic<Int>(0)
        for _ in 0..<5 {
            try await Task.sleep(for: .milliseconds(5))  // longer than the helper's spin window
            ParallelChunks(count: 1024).run { _, count in total.add(count, ordering: .relaxed) }
        }
        #expect(total.load(ordering: .relaxed) == 5 * 1024)
    }
}
