import Foundation

/// What the watch loop tells the pages: whether the notebooks validate (the problems to show
/// when they do not) and when a report changed. Each open page holds one subscription, an event
/// stream in the format of server-sent events.
final class PreviewHub: @unchecked Sendable {
    private let lock = NSLock()
    private var problems: String?
    private var subscribers = [UUID: AsyncStream<Data>.Continuation]()

    /// The problems of the notebooks that do not validate, as the terminal showed them; `nil`
    /// when all validate.
    var currentProblems: String? {
        lock.lock()
        defer { lock.unlock() }
        return problems
    }

    /// How many pages listen.
    var subscriberCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return subscribers.count
    }

    /// A new page's stream of events; it ends when the page goes away.
    func subscribe() -> AsyncStream<Data> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Data>.makeStream(bufferingPolicy: .bufferingNewest(16))
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        // A comment first, so that the browser sees the stream open at once.
        continuation.yield(Data(": notebook watch\n\n".utf8))
        lock.lock()
        subscribers[id] = continuation
        lock.unlock()
        return stream
    }

    /// Tells every page to reload.
    func publishReload() {
        broadcast(Self.event("reload", data: "1"))
    }

    /// Sets the problems (`nil`: none) and tells every page.
    func publishProblems(_ text: String?) {
        lock.lock()
        problems = text
        lock.unlock()
        broadcast(Self.event("problems", data: text.map(Self.jsonString) ?? ""))
    }

    /// One server-sent event; `data` is one line.
    static func event(_ name: String, data: String) -> Data {
        Data("event: \(name)\ndata: \(data)\n\n".utf8)
    }

    /// `text` as a JSON string literal, on one line.
    static func jsonString(_ text: String) -> String {
        let encoded = (try? JSONEncoder().encode(text)).map { String(decoding: $0, as: UTF8.self) }
        return encoded ?? "\"\""
    }

    private func broadcast(_ data: Data) {
        lock.lock()
        let targets = Array(subscribers.values)
        lock.unlock()
        for continuation in targets { continuation.yield(data) }
    }

    private func remove(_ id: UUID) {
        lock.lock()
        subscribers[id] = nil
        lock.unlock()
    }
}
