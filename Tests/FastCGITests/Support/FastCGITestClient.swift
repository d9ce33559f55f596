import Glibc

/// A tiny blocking FastCGI client (web server side) for the integration tests.
///
/// Speaks just enough of the protocol: BEGIN_REQUEST, PARAMS, STDIN out; STDOUT, STDERR and
/// END_REQUEST in. One instance is one connection, reusable when `keepConnection` is set.
final class FastCGITestClient {
    enum Role: UInt16 {
        case responder = 1
        case authorizer = 2
        case filter = 3
    }

    struct Reply {
        var stdout: [UInt8] = []
        var appStatus: UInt32 = 0
        var protocolStatus: UInt8 = 0
        var ended = false

        /// The CGI response split into status, headers and body.
        var status: Int {
            guard let line = headers.first(where: { $0.name == "Status" }) else { return 200 }
            return Int(line.value.prefix(3)) ?? 0
        }

        var headers: [(name: String, value: String)] {
            let head = String(decoding: stdout[..<(headerEnd ?? stdout.count)], as: UTF8.self)
            return head.split(separator: "\r\n").compactMap { line in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), String(line[line.index(after: colon)...].drop(while: { $0 == " " })))
            }
        }

        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }

        var body: [UInt8] { headerEnd.map { Array(stdout[($0 + 4)...]) } ?? [] }
        var bodyText: String { String(decoding: body, as: UTF8.self) }

        private var headerEnd: Int? {
            guard stdout.count >= 4 else { return nil }
            for index in 0...(stdout.count - 4)
            where stdout[index] == 13 && stdout[index + 1] == 10 && stdout[index + 2] == 13 && stdout[index + 3] == 10 {
                return index
            }
            return nil
        }
    }

    struct ClientError: Error, CustomStringConvertible {
        var description: String
    }

    let fd: Int32

    /// Connects to a unix socket.
    init(unixPath: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: unixPath.utf8) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw ClientError(description: "connect \(unixPath): errno \(code)")
        }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Sends one request and reads the reply up to END_REQUEST.
    func request(
        role: Role = .responder, params: [(String, String)], stdin: [UInt8] = [], requestID: UInt16 = 1,
        keepConnection: Bool = false, sendsStdin: Bool = true
    ) throws -> Reply {
        try sendRequest(
            role: role, params: params, stdin: stdin, requestID: requestID, keepConnection: keepConnection,
            sendsStdin: sendsStdin)
        return try readReply()
    }

    /// `sendsStdin: false` mimics mod_fcgid's Authorizer requests, which carry no STDIN records at all.
    func sendRequest(
        role: Role, params: [(String, String)], stdin: [UInt8], requestID: UInt16, keepConnection: Bool,
        sendsStdin: Bool = true
    ) throws {
        var out: [UInt8] = []
        let roleBytes = [UInt8(role.rawValue >> 8), UInt8(role.rawValue & 0xFF), keepConnection ? 1 : 0, 0, 0, 0, 0, 0]
        out += Self.record(type: 1, id: requestID, content: roleBytes)
        var encoded: [UInt8] = []
        for (name, value) in params {
            encoded +=
                Self.length(name.utf8.count) + Self.length(value.utf8.count) + Array(name.utf8) + Array(value.utf8)
        }
        for chunk in Self.chunks(encoded) { out += Self.record(type: 4, id: requestID, content: chunk) }
        out += Self.record(type: 4, id: requestID, content: [])
        try writeAll(out)
        guard sendsStdin else { return }
        for chunk in Self.chunks(stdin) { try writeAll(Self.record(type: 5, id: requestID, content: chunk)) }
        try writeAll(Self.record(type: 5, id: requestID, content: []))
    }

    func readReply() throws -> Reply {
        var reply = Reply()
        while !reply.ended {
            let header = try readExactly(8)
            let type = header[1]
            let length = Int(header[4]) << 8 | Int(header[5])
            let content = try readExactly(length)
            _ = try readExactly(Int(header[6]))
            switch type {
            case 6: reply.stdout += content
            case 3:
                reply.appStatus =
                    UInt32(content[0]) << 24 | UInt32(content[1]) << 16 | UInt32(content[2]) << 8 | UInt32(content[3])
                reply.protocolStatus = content[4]
                reply.ended = true
            default: break
            }
        }
        return reply
    }

    func writeAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw ClientError(description: "send: errno \(errno)") }
            offset += written
        }
    }

    func readExactly(_ count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = buffer[filled...].withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard got > 0 else { throw ClientError(description: "connection closed or timed out (errno \(errno))") }
            filled += got
        }
        return buffer
    }

    /// True when the server closed the connection (read returns 0) within a second.
    func isClosedByServer() -> Bool {
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 0
    }

    static func record(type: UInt8, id: UInt16, content: [UInt8]) -> [UInt8] {
        let padding = (8 - content.count % 8) % 8
        return [
            1, type, UInt8(id >> 8), UInt8(id & 0xFF), UInt8(content.count >> 8), UInt8(content.count & 0xFF),
            UInt8(padding), 0,
        ]
            + content + [UInt8](repeating: 0, count: padding)
    }

    static func length(_ value: Int) -> [UInt8] {
        value < 128
            ? [UInt8(value)]
            : [UInt8(value >> 24) | 0x80, UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func chunks(_ bytes: [UInt8]) -> [[UInt8]] {
        stride(from: 0, to: bytes.count, by: 65535).map { Array(bytes[$0..<min($0 + 65535, bytes.count)]) }
    }
}
