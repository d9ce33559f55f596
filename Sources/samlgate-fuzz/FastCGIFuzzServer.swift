import Endpoints
import FastCGI
import Foundation
import Logging
import Store
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The `fastcgi` target: a request sent over a unix socket to a real ``FastCGIServer`` serving the
/// real ``SSOGateway`` over a scratch database.
///
/// The input is read like an HTTP message: `NAME=VALUE` parameter lines up to the first empty line,
/// then the body (a first line `AUTHORIZER` switches the role). The harness encodes them as valid
/// FastCGI records, so one input exercises everything of ours on that path: the parameter split,
/// body plan and reader, the request mapping, routing, the form and multipart parsers, the handlers
/// and the response encoder. The record layer itself is libfcgi's: a raw-bytes version of this
/// target found at once that a PARAMS length near 2^31 makes libfcgi abort the process (Debian's fix
/// for CVE-2025-23016 turns the overflow into an assertion) — see SECURITY.md, "Known limits".
///
/// After the request the client shuts its sending side, so the server always sees the end of its
/// input: an exchange that does not finish within five seconds means a request can hold a worker
/// thread for ever, and is reported as a crash.
final class FastCGIFuzzServer: @unchecked Sendable {
    private let socketPath: String
    private let server: FastCGIServer

    init() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("samlgate-fuzz-\(getpid())")
        let fixture = try GatewayFixture(
            folder: folder, databaseName: "fuzz.db",
            users: [.init("owner@example.com", role: .owner), .init("alice@example.com")])
        socketPath = folder.appendingPathComponent("fcgi.sock").path
        var logger = Logger(label: "fuzz") { LogfmtLogHandler(label: $0) }
        logger.logLevel = .critical
        server = try FastCGIServer(
            configuration: .init(
                listen: .unixSocket(path: socketPath), threadCount: 2, handlesSignals: false, logger: logger),
            handler: SSOGateway(store: fixture.store, secret: fixture.secret))
        let server = self.server
        Thread {
            do { try server.run() } catch { fatalError("fuzz server stopped: \(error)") }
        }.start()
    }

    /// Sends the request `input` describes (see the type's comment) and reads the answer to its end.
    func exchange(_ input: [UInt8]) {
        send(Self.records(for: input))
    }

    /// FastCGI records for the parameters and body in `input`.
    static func records(for input: [UInt8]) -> [UInt8] {
        var lines = input.split(separator: 0x0A, maxSplits: Int.max, omittingEmptySubsequences: false)[...]
        var role: UInt16 = 1
        if lines.first.map(Array.init) == Array("AUTHORIZER".utf8) {
            role = 2
            lines = lines.dropFirst()
        }
        var params: [UInt8] = []
        var consumed = role == 2 ? 11 : 0
        for line in lines {
            consumed += line.count + 1
            if line.isEmpty { break }
            let equals = line.firstIndex(of: 0x3D) ?? line.endIndex
            let name = line[..<equals]
            let value = equals < line.endIndex ? line[(equals + 1)...] : []
            params += length(name.count) + length(value.count) + name + value
        }
        let body = consumed < input.count ? Array(input[consumed...]) : []
        var out = record(type: 1, [UInt8(role >> 8), UInt8(role & 0xFF), 0, 0, 0, 0, 0, 0])
        out += chunked(type: 4, params) + record(type: 4, [])
        if role == 1 { out += chunked(type: 5, body) + record(type: 5, []) }
        return out
    }

    private static func length(_ count: Int) -> [UInt8] {
        count < 128
            ? [UInt8(count)]
            : [UInt8(count >> 24) | 0x80, UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
    }

    private static func record(type: UInt8, _ content: [UInt8]) -> [UInt8] {
        [1, type, 0, 1, UInt8(content.count >> 8), UInt8(content.count & 0xFF), 0, 0] + content
    }

    private static func chunked(type: UInt8, _ bytes: [UInt8]) -> [UInt8] {
        stride(from: 0, to: bytes.count, by: 65535).flatMap {
            record(type: type, Array(bytes[$0..<min($0 + 65535, bytes.count)]))
        }
    }

    /// Sends `bytes` as one connection's whole input and reads the answer to its end.
    private func send(_ bytes: [UInt8]) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        precondition(fd >= 0, "socket: errno \(errno)")
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: socketPath.utf8) }
        var connected: Int32 = -1
        for _ in 0..<200 {  // the server thread may still be starting
            connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            if connected == 0 { break }
            usleep(10_000)
        }
        precondition(connected == 0, "connect: errno \(errno)")
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let sent = Glibc.send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                guard sent > 0 else { return }  // the server may close early (a refused request)
                offset += sent
            }
        }
        shutdown(fd, Int32(SHUT_WR))
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let got = recv(fd, &buffer, buffer.count, 0)
            if got > 0 { continue }
            if got == 0 || errno == ECONNRESET { return }
            precondition(
                errno != EAGAIN && errno != EWOULDBLOCK, "the server held the connection for 5 s after its input ended")
            return
        }
    }
}
