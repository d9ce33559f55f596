import HTTP
import FastCGI
import Foundation
import Logging
import Synchronization

/// Records what the handler saw, for assertions from the test thread.
final class Recorder: Sendable {
    private struct Seen {
        var requests: [HTTPRequest] = []
        var threads: Set<UInt> = []
        var inFlight = 0
        var peak = 0
    }

    private let seen = Mutex(Seen())

    func begin(_ request: HTTPRequest) {
        seen.withLock {
            $0.requests.append(request)
            $0.threads.insert(UInt(bitPattern: Int(pthread_self())))
            $0.inFlight += 1
            $0.peak = max($0.peak, $0.inFlight)
        }
    }

    func end() { seen.withLock { $0.inFlight -= 1 } }
    var requests: [HTTPRequest] { seen.withLock { $0.requests } }
    var threads: Set<UInt> { seen.withLock { $0.threads } }
    var peak: Int { seen.withLock { $0.peak } }
}

/// Echo-ish handler: `/sleep?ms=N` sleeps; the Authorizer allows a `user=` cookie; `/check` reads no body.
struct TestHandler: HTTPHandler {
    let recorder: Recorder

    func readsBody(path: String) -> Bool { path != "/check" }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        recorder.begin(request)
        defer { recorder.end() }
        if request.role == .authorizer {
            guard request.headers["cookie"]?.contains("user=alice") == true else {
                return HTTPResponse(status: 401, headers: [("Content-Type", "text/plain")], body: Array("no\n".utf8))
            }
            return HTTPResponse(status: 200, headers: [("Variable-SAMLGATE_EMAIL", "alice@example.com")])
        }
        if request.bodyTooLarge { return HTTPResponse(status: 413, body: Array("too large\n".utf8)) }
        if request.path == "/sleep" { usleep(UInt32(Int(request.query.dropFirst(3)) ?? 300) * 1000) }
        return HTTPResponse(
            status: 200, headers: [("Content-Type", "application/octet-stream"), ("X-Path", request.path)],
            body: request.body, logMetadata: ["outcome": "echo"])
    }
}

/// A server on a fresh unix socket, running on its own thread.
final class RunningServer: @unchecked Sendable {
    let server: FastCGIServer
    let path: String
    let recorder = Recorder()
    private let finished = DispatchSemaphore(value: 0)
    private(set) var runError: (any Error)?

    init(threads: Int = 2, maximumBodySize: Int = 1024) throws {
        path = "/tmp/fcgi-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        var logger = Logger(label: "test") { LogfmtLogHandler(label: $0) }
        logger.logLevel = .warning
        server = try FastCGIServer(
            configuration: .init(
                listen: .unixSocket(path: path), threadCount: threads, maximumBodySize: maximumBodySize, logger: logger),
            handler: TestHandler(recorder: recorder))
        let thread = Thread { [self] in
            do { try server.run() } catch { runError = error }
            finished.signal()
        }
        thread.start()
    }

    /// Stops the server and waits (up to `seconds`) for `run()` to return; true when it did.
    func stopAndWait(seconds: Double = 10) -> Bool {
        server.stop()
        return waitForExit(seconds: seconds)
    }

    func waitForExit(seconds: Double) -> Bool {
        finished.wait(timeout: .now() + seconds) == .success
    }

    func client() throws -> FastCGITestClient { try FastCGITestClient(unixPath: path) }
}

/// Standard CGI parameters for a request.
func cgiParams(method: String = "GET", uri: String, body: Int? = nil, extra: [(String, String)] = []) -> [(
    String, String
)] {
    var params: [(String, String)] = [
        ("REQUEST_METHOD", method), ("REQUEST_URI", uri), ("SCRIPT_NAME", "/x"), ("SERVER_PROTOCOL", "HTTP/1.1"),
        ("GATEWAY_INTERFACE", "CGI/1.1"), ("REMOTE_ADDR", "127.0.0.1"),
    ]
    if let question = uri.firstIndex(of: "?") {
        params.append(("QUERY_STRING", String(uri[uri.index(after: question)...])))
    }
    if let body { params.append(("CONTENT_LENGTH", "\(body)")) }
    return params + extra
}
