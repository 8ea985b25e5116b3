import FlyingFox
import FlyingSocks
import Foundation

/// The preview's HTTP server (FlyingFox), bound to 127.0.0.1 only: the files of the output folder,
/// each HTML page with the live-reload script (and the problems overlay) added, and the event
/// stream the script listens to.
final class PreviewServer: @unchecked Sendable {
    let root: String
    let hub: PreviewHub
    private var server: HTTPServer?

    init(root: String, hub: PreviewHub) {
        self.root = root
        self.hub = hub
    }

    /// Starts serving on `port` (0: a free one) in the background; returns the port.
    func start(port: UInt16) throws -> UInt16 {
        // IPv4's loopback: FlyingFox's `.loopback` is IPv6's `::1`, which `127.0.0.1` does not reach.
        let server = HTTPServer(address: try sockaddr_in.inet(ip4: "127.0.0.1", port: port), logger: .disabled)
        self.server = server
        let outcome = StartOutcome()
        let ready = DispatchSemaphore(value: 0)
        let root = root, hub = hub
        Task.detached {
            await server.appendRoute("GET *") { request in Self.respond(to: request, root: root, hub: hub) }
            do { try await server.run() } catch {
                outcome.set(.failure(error))
                ready.signal()
            }
        }
        Task.detached {
            do {
                try await server.waitUntilListening(timeout: 10)
                if case let .ip4(_, port)? = await server.listeningAddress {
                    outcome.set(.success(port))
                } else {
                    outcome.set(.failure(PreviewError("the server listens on no IPv4 address")))
                }
            } catch {
                outcome.set(.failure(error))
            }
            ready.signal()
        }
        ready.wait()
        return try outcome.get()
    }

    /// The response to one request.
    static func respond(to request: HTTPRequest, root: String, hub: PreviewHub) -> HTTPResponse {
        if request.path == LiveReload.eventsPath {
            return HTTPResponse(statusCode: .ok, headers: headers("text/event-stream", cache: "no-cache"),
                                body: HTTPBodySequence(from: EventStreamBody(events: hub.subscribe())))
        }
        // The path as sent (`request.path` drops a trailing slash, which tells a folder from a file).
        switch ServedFile.lookup(request.target.path(percentEncoded: true), in: root) {
        case let .file(path, type):
            guard var data = FileManager.default.contents(atPath: path) else { return text(.notFound, "not found") }
            if type.hasPrefix("text/html") {
                data = Data(LiveReload.inject(into: String(decoding: data, as: UTF8.self), problems: hub.currentProblems).utf8)
            }
            return HTTPResponse(statusCode: .ok, headers: headers(type, cache: "no-store"), body: data)
        case let .redirect(location):
            return HTTPResponse(statusCode: .movedPermanently, headers: HTTPHeaders([.location: location]))
        case .notFound:
            if request.path == "/" || request.path.isEmpty, let problems = hub.currentProblems {
                // Nothing written yet: the problems alone.
                let page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>notebook watch</title></head><body></body></html>"
                return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                                    body: Data(LiveReload.inject(into: page, problems: problems).utf8))
            }
            return text(.notFound, "not found")
        case .refused:
            return text(.forbidden, "refused: only the files of the output folder are served")
        }
    }

    /// The headers of a response of media type `type`, told how long a browser may keep it.
    private static func headers(_ type: String, cache: String) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers[.contentType] = type
        headers[HTTPHeader("Cache-Control")] = cache
        return headers
    }

    private static func text(_ status: HTTPStatusCode, _ message: String) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: [.contentType: "text/plain; charset=utf-8"], body: Data((message + "\n").utf8))
    }

    /// The first outcome of starting, from whichever task knows it first.
    private final class StartOutcome: @unchecked Sendable {
        private let lock = NSLock()
        private var outcome: Result<UInt16, Error>?

        func set(_ value: Result<UInt16, Error>) {
            lock.lock()
            if outcome == nil { outcome = value }
            lock.unlock()
        }

        func get() throws -> UInt16 {
            lock.lock()
            defer { lock.unlock() }
            return try (outcome ?? .failure(PreviewError("the server did not start"))).get()
        }
    }
}

/// Why the preview server could not start.
struct PreviewError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
