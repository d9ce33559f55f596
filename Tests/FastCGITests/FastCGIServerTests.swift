import HTTP
import Foundation
import Logging
import Synchronization
import Testing

@testable import FastCGI

/// The server in-process on a unix socket, driven by a FastCGI client written in the test.
@Suite(.serialized, .timeLimit(.minutes(1))) struct FastCGIServerTests {
    @Test func getWithQuery() throws {
        let running = try RunningServer()
        defer { _ = running.stopAndWait() }
        let reply = try running.client().request(params: cgiParams(uri: "/sso/acme/metadata?a=1&b=2"))
        #expect(reply.protocolStatus == 0)
        #expect(reply.status == 200)
        #expect(reply.header("X-Path") == "/sso/acme/metadata")
        let seen = try #require(running.recorder.requests.first)
        #expect(seen.method == "GET")
        #expect(seen.query == "a=1&b=2")
        #expect(seen.parameters["FCGI_ROLE"] == "RESPONDER")
    }

    @Test func postBodyIsEchoed() throws {
        let running = try RunningServer(maximumBodySize: 200_000)
        defer { _ = running.stopAndWait() }
        let body = (0..<150_000).map { UInt8($0 % 256) }  // several STDIN records
        let reply = try running.client().request(
            params: cgiParams(
                method: "POST", uri: "/sso/acme/acs", body: body.count,
                extra: [("CONTENT_TYPE", "application/x-www-form-urlencoded")]),
            stdin: body)
        #expect(reply.status == 200)
        #expect(reply.body == body)
        #expect(reply.header("Content-Length") == "\(body.count)")
        #expect(running.recorder.requests.first?.headers["content-type"] == "application/x-www-form-urlencoded")
    }

    @Test func bodyOverTheLimitIsNotRead() throws {
        let running = try RunningServer(maximumBodySize: 1024)
        defer { _ = running.stopAndWait() }
        let client = try running.client()
        let big = [UInt8](repeating: 65, count: 100_000)
        let reply = try client.request(
            params: cgiParams(method: "POST", uri: "/sso/acme/acs", body: big.count), stdin: big, keepConnection: true)
        #expect(reply.status == 413)
        let seen = try #require(running.recorder.requests.first)
        #expect(seen.bodyTooLarge)
        #expect(seen.body.isEmpty)
        // The body was drained, so the kept connection is still in step for the next request.
        let next = try client.request(params: cgiParams(uri: "/after"), requestID: 2, keepConnection: true)
        #expect(next.status == 200)
        #expect(next.header("X-Path") == "/after")
    }

    @Test func bodyWithoutLengthOverTheLimit() throws {
        let running = try RunningServer(maximumBodySize: 1024)
        defer { _ = running.stopAndWait() }
        let reply = try running.client().request(
            params: cgiParams(method: "POST", uri: "/x"), stdin: [UInt8](repeating: 1, count: 5000))
        #expect(reply.status == 413)
        #expect(running.recorder.requests.first?.bodyTooLarge == true)
    }

    /// What nginx sends for an `auth_request` check of a POST: the POST's method and CONTENT_LENGTH, no body.
    @Test func aLengthWithoutABodyIsNotTruncatedWhereTheHandlerReadsNone() throws {
        let running = try RunningServer()
        defer { _ = running.stopAndWait() }
        let client = try running.client()
        let reply = try client.request(params: cgiParams(method: "POST", uri: "/check", body: 3), keepConnection: true)
        #expect(reply.status == 200)
        #expect(running.recorder.requests.first?.body == [])
        // The STDIN stream was consumed to its end: the kept connection serves the next request.
        let next = try client.request(params: cgiParams(uri: "/after"), requestID: 2, keepConnection: true)
        #expect(next.header("X-Path") == "/after")
        // Elsewhere the same request is a truncated body.
        let truncated = try running.client().request(params: cgiParams(method: "POST", uri: "/acs", body: 3))
        #expect(truncated.status == 400)
    }

    @Test func authorizerAllowsWithVariablesAndDenies() throws {
        let running = try RunningServer()
        defer { _ = running.stopAndWait() }
        let allowed = try running.client().request(
            role: .authorizer, params: cgiParams(uri: "/app/", extra: [("HTTP_COOKIE", "user=alice")]))
        #expect(allowed.status == 200)
        #expect(allowed.header("Variable-SAMLGATE_EMAIL") == "alice@example.com")
        let denied = try running.client().request(role: .authorizer, params: cgiParams(uri: "/app/"))
        #expect(denied.status == 401)
        #expect(denied.bodyText == "no\n")
        #expect(running.recorder.requests.allSatisfy { $0.role == .authorizer })
    }

    @Test func authorizerWithoutStdinLikeModFcgid() throws {
        let running = try RunningServer()
        defer { _ = running.stopAndWait() }
        let start = ContinuousClock.now
        let reply = try running.client().request(
            role: .authorizer, params: [("REQUEST_URI", "/app/"), ("HTTP_COOKIE", "user=alice")], sendsStdin: false)
        #expect(reply.status == 200)
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func filterRoleGets500AndTheServerLivesOn() throws {
        let running = try RunningServer()
        defer { _ = running.stopAndWait() }
        let reply = try running.client().request(role: .filter, params: cgiParams(uri: "/f"))
        #expect(reply.status == 500)
        #expect(try running.client().request(params: cgiParams(uri: "/ok")).status == 200)
    }

    @Test func garbageRecordsDoNotKillTheServer() throws {
        let running = try RunningServer()
        defer { _ = running.stopAndWait() }
        let garbage = try running.client()
        try garbage.writeAll([9, 9, 9, 9, 9, 9, 9, 9] + [UInt8](repeating: 0xFF, count: 64))
        #expect(garbage.isClosedByServer())
        // A params record with lengths pointing far past its end (the CVE-2025-23016 shape).
        let lying = try running.client()
        try lying.writeAll(FastCGITestClient.record(type: 1, id: 1, content: [0, 1, 0, 0, 0, 0, 0, 0]))
        try lying.writeAll(
            FastCGITestClient.record(type: 4, id: 1, content: [0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF]))
        try lying.writeAll(FastCGITestClient.record(type: 4, id: 1, content: []))
        #expect(lying.isClosedByServer())
        #expect(try running.client().request(params: cgiParams(uri: "/still-alive")).status == 200)
    }

    @Test func concurrentRequestsRunOnSeveralThreads() throws {
        let running = try RunningServer(threads: 4)
        defer { _ = running.stopAndWait() }
        let group = DispatchGroup()
        let statuses = Shared([Int]())
        let start = ContinuousClock.now
        for index in 0..<8 {
            group.enter()
            Thread {
                let status =
                    (try? running.client().request(params: cgiParams(uri: "/sleep?ms=300&i=\(index)")))?.status ?? -1
                statuses.value.withLock { $0.append(status) }
                group.leave()
            }.start()
        }
        #expect(group.wait(timeout: .now() + 20) == .success)
        let elapsed = ContinuousClock.now - start
        #expect(statuses.value.withLock { $0 } == [Int](repeating: 200, count: 8))
        #expect(running.recorder.threads.count >= 2)
        #expect(running.recorder.peak >= 2)
        #expect(elapsed < .milliseconds(2400), "8 × 300 ms on 4 threads took \(elapsed)")
    }

    /// Over a unix socket a finished connection is closed at once, not after libfcgi's linger (which
    /// waits up to 2 s for the web server to close first): with one thread, a client that keeps its
    /// end open must not delay the next connection.
    @Test func unixConnectionsCloseWithoutLinger() throws {
        let running = try RunningServer(threads: 1)
        defer { _ = running.stopAndWait() }
        let lingering = try running.client()
        #expect(try lingering.request(params: cgiParams(uri: "/first")).status == 200)
        let start = ContinuousClock.now
        #expect(try running.client().request(params: cgiParams(uri: "/second")).status == 200)
        let elapsed = ContinuousClock.now - start
        #expect(elapsed < .milliseconds(1000), "the second connection waited \(elapsed) for the first to close")
        withExtendedLifetime(lingering) {}
    }

    @Test func stopLetsInFlightRequestsFinish() throws {
        let running = try RunningServer(threads: 2)
        let reply = Shared<FastCGITestClient.Reply?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            let result = try? running.client().request(params: cgiParams(uri: "/sleep?ms=800"))
            reply.value.withLock { $0 = result }
            done.signal()
        }.start()
        // Wait until the handler is running, then stop.
        let deadline = ContinuousClock.now + .seconds(10)
        while running.recorder.requests.isEmpty && ContinuousClock.now < deadline { usleep(10_000) }
        #expect(!running.recorder.requests.isEmpty)
        running.server.stop()
        #expect(running.waitForExit(seconds: 10), "run() did not return")
        #expect(done.wait(timeout: .now() + 5) == .success)
        let finished = try #require(reply.value.withLock { $0 })
        #expect(finished.status == 200)
        #expect(finished.ended)
        #expect(running.runError == nil)
        // Nothing accepts any more.
        #expect(throws: (any Error).self) { _ = try running.client().request(params: cgiParams(uri: "/late")) }
    }

    @Test func stopWakesWorkersIdlingOnAKeptConnection() throws {
        let running = try RunningServer(threads: 1)
        let client = try running.client()
        #expect(try client.request(params: cgiParams(uri: "/one"), keepConnection: true).status == 200)
        // The only worker now waits on this kept connection.
        #expect(running.stopAndWait(seconds: 5))
        #expect(client.isClosedByServer())
    }

    @Test func stopBeforeRunReturnsAtOnce() throws {
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let server = try FastCGIServer(
            configuration: .init(listen: .unixSocket(path: "/tmp/fcgi-test-\(getpid())-early.sock"), logger: logger),
            handler: TestHandler(recorder: Recorder()))
        server.stop()
        try server.run()  // returns at once: stopped before it started
        #expect(server.isStopping)
    }

    @Test func staleSocketIsReplacedButALiveOneIsNot() throws {
        let path = "/tmp/fcgi-test-\(getpid())-stale.sock"
        let first = try RunningServer()
        defer { _ = first.stopAndWait() }
        #expect(throws: FastCGIError.socketPathInUse(path: first.path, reason: "another process is listening on it")) {
            _ = try FastCGIServer(
                configuration: .init(listen: .unixSocket(path: first.path)), handler: TestHandler(recorder: Recorder()))
        }
        // A leftover socket file nobody listens on.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8) }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        close(fd)
        let server = try FastCGIServer(
            configuration: .init(listen: .unixSocket(path: path, permissions: 0o666)),
            handler: TestHandler(recorder: Recorder()))
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o666)
        _ = server
        // Not a socket: refused, and left alone.
        let file = "/tmp/fcgi-test-\(getpid())-file"
        _ = FileManager.default.createFile(atPath: file, contents: Data("keep".utf8))
        defer { unlink(file) }
        #expect(throws: FastCGIError.socketPathInUse(path: file, reason: "the path exists and is not a socket")) {
            _ = try FastCGIServer(
                configuration: .init(listen: .unixSocket(path: file)), handler: TestHandler(recorder: Recorder()))
        }
        #expect(FileManager.default.contents(atPath: file) == Data("keep".utf8))
    }

    @Test func socketPermissionsAndGroup() throws {
        let path = "/tmp/fcgi-test-\(getpid())-group.sock"
        let server = try FastCGIServer(
            configuration: .init(listen: .unixSocket(path: path, permissions: 0o660, group: "root")),
            handler: TestHandler(recorder: Recorder()))
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)
        #expect(info.st_gid == 0)
        _ = server
        let missing = "/tmp/fcgi-test-\(getpid())-nogroup.sock"
        #expect(throws: FastCGIError.socketPathInUse(path: missing, reason: "no such group 'no-such-group-x'")) {
            _ = try FastCGIServer(
                configuration: .init(listen: .unixSocket(path: missing, group: "no-such-group-x")),
                handler: TestHandler(recorder: Recorder()))
        }
        #expect(access(missing, F_OK) != 0)
    }

    @Test func standardInputMustBeAListeningSocket() {
        // The test runner's fd 0 is a terminal, /dev/null or a pipe: never a listening socket.
        #expect(throws: FastCGIError.standardInputNotListening) {
            _ = try FastCGIServer(
                configuration: .init(listen: .standardInput), handler: TestHandler(recorder: Recorder()))
        }
    }
}
