import Foundation

/// A flag that is claimed once per process, whichever thread asks first (for notes a run prints
/// once, however many notebooks it writes).
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false

    /// Creates an unclaimed flag.
    init() {}

    /// True the first time it is called, false afterwards.
    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if claimed { return false }
        claimed = true
        return true
    }
}
