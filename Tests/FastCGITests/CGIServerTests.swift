import HTTP
import Foundation
import Logging
import Testing

@testable import FastCGI

/// Plain CGI mode, driven through pipes instead of a real stdin/stdout.
@Suite(.timeLimit(.minutes(1))) struct CGIServerTests {
    private struct Pipes {
        let input: (read: Int32, write: Int32)
        let output: (read: Int32, write: Int32)

        init() {
            var a: [Int32] = [0, 0]
            var b: [Int32] = [0, 0]
            _ = pipe(&a)
            _ = pipe(&b)
            input = (a[0], a[1])
            output = (b[0], b[1])
        }

        func feed(_ bytes: [UInt8]) {
            // Written on another thread: a body larger than the pipe buffer would block us.
            let fd = input.write
            Thread {
                var offset = 0
                while offset < bytes.count {
                    let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    guard written > 0 else { break }
                    offset += written
                }
                close(fd)
            }.start()
        }

        func collect() -> String {
            close(output.write)
            var result: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let got = buffer.withUnsafeMutableBytes { read(output.read, $0.baseAddress, $0.count) }
                guard got > 0 else { break }
                result += buffer[..<got]
            }
            close(output.read)
            close(input.read)
            return String(decoding: result, as: UTF8.self)
        }
    }

    private let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test func servesOnePostFromEnvironmentAndStdin() {
        let pipes = Pipes()
        pipes.feed(Array("SAMLResponse=abc".utf8))
        let recorder = Recorder()
        let environment = [
            "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST", "REQUEST_URI": "/sso/acme/acs?x=1",
            "QUERY_STRING": "x=1", "CONTENT_LENGTH": "16", "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "HTTP_COOKIE": "c=1",
        ]
        let response = CGIServer.serveOne(
            handler: TestHandler(recorder: recorder), environment: environment, input: pipes.input.read,
            output: pipes.output.write, logger: quiet)
        #expect(response.status == 200)
        #expect(
            pipes.collect()
                == "Status: 200 OK\r\nContent-Type: application/octet-stream\r\nX-Path: /sso/acme/acs\r\n"
                + "Content-Length: 16\r\n\r\nSAMLResponse=abc")
        let seen = recorder.requests.first
        #expect(seen?.role == .responder)
        #expect(seen?.query == "x=1")
        #expect(seen?.headers["cookie"] == "c=1")
    }

    @Test func bodyOverTheLimitIsDiscarded() {
        let pipes = Pipes()
        pipes.feed([UInt8](repeating: 7, count: 300_000))
        let recorder = Recorder()
        let response = CGIServer.serveOne(
            handler: TestHandler(recorder: recorder),
            environment: ["REQUEST_METHOD": "POST", "REQUEST_URI": "/acs", "CONTENT_LENGTH": "300000"],
            input: pipes.input.read, output: pipes.output.write, logger: quiet)
        #expect(response.status == 413)
        #expect(recorder.requests.first?.bodyTooLarge == true)
        #expect(recorder.requests.first?.body.isEmpty == true)
        #expect(pipes.collect().hasPrefix("Status: 413 Content Too Large\r\n"))
    }

    @Test func noContentLengthMeansNoBodyEvenIfStdinStaysOpen() {
        let pipes = Pipes()  // nothing written, write end left open: reading would hang
        let recorder = Recorder()
        CGIServer.serveOne(
            handler: TestHandler(recorder: recorder), environment: ["REQUEST_METHOD": "GET", "REQUEST_URI": "/m"],
            input: pipes.input.read, output: pipes.output.write, logger: quiet)
        #expect(recorder.requests.first?.body == [])
        close(pipes.input.write)
        #expect(pipes.collect().hasPrefix("Status: 200 OK\r\n"))
    }

    @Test func aPathWhoseBodyTheHandlerDoesNotReadIsServedWithoutReadingStdin() {
        let pipes = Pipes()  // nothing written, write end left open: reading would hang
        let recorder = Recorder()
        let response = CGIServer.serveOne(
            handler: TestHandler(recorder: recorder),
            environment: ["REQUEST_METHOD": "POST", "REQUEST_URI": "/check", "CONTENT_LENGTH": "100"],
            input: pipes.input.read, output: pipes.output.write, logger: quiet)
        #expect(response.status == 200)
        #expect(recorder.requests.first?.body == [])
        close(pipes.input.write)
        _ = pipes.collect()
    }

    @Test func truncatedBodyIsA400WithoutTheHandler() {
        let pipes = Pipes()
        pipes.feed(Array("short".utf8))
        let recorder = Recorder()
        let response = CGIServer.serveOne(
            handler: TestHandler(recorder: recorder),
            environment: ["REQUEST_METHOD": "POST", "REQUEST_URI": "/acs", "CONTENT_LENGTH": "100"],
            input: pipes.input.read, output: pipes.output.write, logger: quiet)
        #expect(response.status == 400)
        #expect(recorder.requests.isEmpty)
        _ = pipes.collect()
    }

    @Test func plainCGIDetection() {
        let pipes = Pipes()
        defer {
            close(pipes.input.write)
            _ = pipes.collect()
        }
        #expect(CGIServer.isPlainCGI(environment: ["GATEWAY_INTERFACE": "CGI/1.1"], input: pipes.input.read))
        #expect(!CGIServer.isPlainCGI(environment: [:], input: pipes.input.read))
        // A connected socket (mod_cgid's stdin) is still CGI; a listening socket is FastCGI.
        var pair: [Int32] = [0, 0]
        _ = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair)
        #expect(CGIServer.isPlainCGI(environment: ["GATEWAY_INTERFACE": "CGI/1.1"], input: pair[0]))
        close(pair[0])
        close(pair[1])
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        _ = listen(listener, 1)
        #expect(!CGIServer.isPlainCGI(environment: ["GATEWAY_INTERFACE": "CGI/1.1"], input: listener))
        close(listener)
    }
}
