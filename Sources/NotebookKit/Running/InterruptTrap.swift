import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into calls of a handler on a dispatch queue, instead of killing the
/// process, for as long as the trap is installed: the signals are ignored by the process and
/// watched by dispatch sources, so the handler runs as ordinary code and may take locks.
final class InterruptTrap: @unchecked Sendable {
    /// The signals trapped.
    static let signals: [Int32] = [SIGINT, SIGTERM]

    private let queue = DispatchQueue(label: "notebook.interrupt")
    private var sources = [DispatchSourceSignal]()

    /// Installs the trap; `handler` receives the signal's number, once per delivery.
    init(_ handler: @escaping @Sendable (Int32) -> Void) {
        for number in Self.signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { handler(number) }
            source.resume()
            sources.append(source)
        }
    }

    /// Removes the trap: the signals have their default effect again.
    func remove() {
        for source in sources { source.cancel() }
        sources.removeAll()
        for number in Self.signals { signal(number, SIG_DFL) }
    }

    /// The conventional exit status of a process stopped by `signal` (128 + its number: 130 for SIGINT).
    static func exitStatus(for signal: Int32) -> Int32 {
        128 + signal
    }
}
