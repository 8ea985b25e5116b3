import CKernels
import Dispatch
import Foundation
import Synchronization

/// A persistent helper thread that runs the second chunk of a two-chunk ``ParallelChunks`` split.
///
/// A training step hands the helper a few hundred short jobs (one per network pass, each tens of
/// microseconds), so waking a sleeping thread for every job, as a dispatch queue does, costs as
/// much as the job. The helper therefore spins for a short while after each job, watching for the
/// next one, and only then blocks on a semaphore (the spin-then-sleep policy of OpenMP runtimes).
///
/// Either thread may run the second chunk: the caller claims it itself when it finishes the first
/// chunk before the helper has started, so a job never waits for a sleeping helper longer than it
/// takes to run serially. Which thread runs a chunk never changes its result.
///
/// One caller at a time: a caller that finds the helper in use (another notebook block running
/// concurrently, or a chunk that itself splits) runs both chunks itself.
@usableFromInline
final class ChunkHelper: @unchecked Sendable {
    /// The helper of this process; `nil` on a single-core machine.
    @usableFromInline static let shared: ChunkHelper? = ProcessInfo.processInfo.activeProcessorCount > 1 ? ChunkHelper() : nil

    /// How long the helper keeps watching for the next job after finishing one.
    static let spinWindow: Duration = .microseconds(200)

    /// Held by the caller whose job the helper serves.
    private let inUse = Atomic<Bool>(false)
    /// The generation of the latest job posted.
    private let posted = Atomic<Int>(0)
    /// The generation whose second chunk has been claimed (by the caller or the helper).
    private let claimed = Atomic<Int>(0)
    /// The generation whose second chunk the helper has finished.
    private let finished = Atomic<Int>(0)
    /// Whether the helper is blocked (or about to block) on `wake`.
    private let sleeping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    /// The second chunk of the posted job; written before `posted` is raised, read after the
    /// helper has claimed it, and left alone by the caller until the helper has finished it.
    nonisolated(unsafe) private var job: (() -> Void)?

    private init() {
        let thread = Thread { [unowned self] in serve() }
        thread.name = "notebook chunk helper"
        thread.start()
    }

    /// Runs `first` on the calling thread and `second` on the helper (or on the calling thread if
    /// the helper has not taken it by then); returns when both have finished. Returns `false`
    /// without running anything when the helper is busy with another caller's job.
    @usableFromInline
    func run(_ first: () -> Void, _ second: () -> Void) -> Bool {
        guard inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { inUse.store(false, ordering: .releasing) }
        withoutActuallyEscaping(second) { second in
            let generation = posted.load(ordering: .relaxed) &+ 1
            job = second
            posted.store(generation, ordering: .sequentiallyConsistent)
            if sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.signal() }
            first()
            if claimed.compareExchange(expected: generation &- 1, desired: generation, ordering: .sequentiallyConsistent).exchanged {
                second()  // the helper had not started: run it here
            } else {
                while finished.load(ordering: .acquiring) != generation { ck_spin_pause() }
            }
            job = nil
        }
        return true
    }

    /// The helper's loop: watch for a posted job, claim and run it, then watch again; block when
    /// no job has come for `spinWindow`.
    private func serve() {
        var seen = 0
        let clock = ContinuousClock()
        while true {
            var idleSince = clock.now
            var spins = 0
            while posted.load(ordering: .sequentiallyConsistent) == seen {
                ck_spin_pause()
                spins &+= 1
                guard spins & 63 == 0, clock.now - idleSince > Self.spinWindow else { continue }
                sleeping.store(true, ordering: .sequentiallyConsistent)
                if posted.load(ordering: .sequentiallyConsistent) == seen {
                    wake.wait()
                } else if !sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                    wake.wait()  // a caller saw us asleep and signalled: take that signal
                }
                idleSince = clock.now
            }
            let generation = posted.load(ordering: .sequentiallyConsistent)
            seen = generation
            if claimed.compareExchange(expected: generation &- 1, desired: generation, ordering: .sequentiallyConsistent).exchanged {
                runClaimedJob()
                finished.store(generation, ordering: .releasing)
            }
        }
    }

    /// Runs the claimed job; a function of its own so that its reference to the job is dropped
    /// before the caller is told the job has finished.
    @inline(never)
    private func runClaimedJob() {
        job?()
    }
}
