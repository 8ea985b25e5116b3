/// A fixed split of a batch into contiguous chunks, run concurrently.
///
/// The split depends only on the batch size (never on the number of threads or cores), so work
/// reduced per chunk and then combined in chunk order gives the same bits on any machine.
public struct ParallelChunks: Sendable {
    /// The batch size.
    public let total: Int
    /// The number of chunks (1 or 2).
    public let count: Int

    /// Batches smaller than this are one chunk; larger ones are split in two, multiples of 8 first.
    @inlinable static var splitThreshold: Int { 512 }
    /// Work (multiply–adds) below which a batch stays one chunk, as handing it to a second thread
    /// costs more than it saves.
    @inlinable static var workThreshold: Int { 250_000 }

    /// The split of `total` samples costing `work` multiply–adds in all (`nil`: enough to split).
    @inlinable
    public init(count total: Int, work: Int? = nil) {
        self.total = total
        count = total >= Self.splitThreshold && (work ?? Self.workThreshold) >= Self.workThreshold ? 2 : 1
    }

    /// Where chunk `index` starts and how many samples it holds.
    @inlinable
    public func range(_ index: Int) -> (start: Int, count: Int) {
        if count == 1 { return (0, total) }
        let half = ((total / 2) + 7) & ~7
        return index == 0 ? (0, half) : (half, total - half)
    }

    /// Runs `body(start, count)` for every chunk, concurrently when there are several.
    @inlinable
    public func run(_ body: (Int, Int) -> Void) {
        runIndexed { _, start, count in body(start, count) }
    }

    /// Runs `body(index, start, count)` for every chunk, concurrently when there are several (on
    /// the calling thread and the `ChunkHelper`; one after the other when the helper is busy).
    @inlinable
    public func runIndexed(_ body: (Int, Int, Int) -> Void) {
        if count == 1 {
            body(0, 0, total)
            return
        }
        let (firstStart, firstCount) = range(0), (secondStart, secondCount) = range(1)
        if let helper = ChunkHelper.shared, helper.run({ body(0, firstStart, firstCount) }, { body(1, secondStart, secondCount) }) { return }
        body(0, firstStart, firstCount)
        body(1, secondStart, secondCount)
    }
}
