import Dispatch

/// A fixed split of a batch into contiguous chunks, run concurrently.
///
/// The split depends only on the batch size (never on the number of threads or cores), so work
/// reduced per chunk and then combined in chunk order gives the same bits on any machine.
@usableFromInline
struct ParallelChunks: Sendable {
    /// The batch size.
    @usableFromInline let total: Int
    /// The number of chunks.
    @usableFromInline let count: Int

    /// Batches smaller than this are one chunk; larger ones are split in two, multiples of 8 first.
    @inlinable static var splitThreshold: Int { 512 }
    /// Work (multiply–adds) below which a batch stays one chunk, as handing it to a second thread
    /// costs more than it saves.
    @inlinable static var workThreshold: Int { 250_000 }

    /// The split of `total` samples costing `work` multiply–adds in all (`nil`: enough to split).
    @inlinable
    init(count total: Int, work: Int? = nil) {
        self.total = total
        count = total >= Self.splitThreshold && (work ?? Self.workThreshold) >= Self.workThreshold ? 2 : 1
    }

    /// Where chunk `index` starts and how many samples it holds.
    @inlinable
    func range(_ index: Int) -> (start: Int, count: Int) {
        if count == 1 { return (0, total) }
        let half = ((total / 2) + 7) & ~7
        return index == 0 ? (0, half) : (half, total - half)
    }

    /// Runs `body(start, count)` for every chunk, concurrently when there are several.
    @inlinable
    func run(_ body: (Int, Int) -> Void) {
        runIndexed { _, start, count in body(start, count) }
    }

    /// Runs `body(index, start, count)` for every chunk, concurrently when there are several.
    @inlinable
    func runIndexed(_ body: (Int, Int, Int) -> Void) {
        if count == 1 {
            body(0, 0, total)
            return
        }
        withoutActuallyEscaping(body) { body in
            let work = ChunkWork(body: body)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                let (start, size) = range(index)
                work.body(index, start, size)
            }
        }
    }
}

/// The body of a concurrent run (its captures are only read, or write disjoint memory).
@usableFromInline
final class ChunkWork: @unchecked Sendable {
    @usableFromInline let body: (Int, Int, Int) -> Void

    @inlinable
    init(body: @escaping (Int, Int, Int) -> Void) { self.body = body }
}
