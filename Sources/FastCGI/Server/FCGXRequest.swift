internal import CFCGI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One libfcgi `FCGX_Request`, owned by the single worker thread that accepts into it.
///
/// libfcgi keeps the connection, the parameter block and the stream buffers inside it; this
/// class is their only Swift owner and frees them (closing any kept connection) in `deinit`.
/// Not `Sendable`: it never leaves its thread.
final class FCGXRequest {
    private let request: UnsafeMutablePointer<FCGX_Request>

    /// Prepares a request that accepts on the listening descriptor `listener`.
    init(listener: Int32) throws(FastCGIError) {
        request = .allocate(capacity: 1)
        request.initialize(to: FCGX_Request())
        let rc = FCGX_InitRequest(request, listener, 0)
        guard rc == 0 else {
            request.deallocate()
            throw .libraryInitFailed(code: rc)
        }
    }

    deinit {
        FCGX_Free(request, 1)
        request.deinitialize(count: 1)
        request.deallocate()
    }

    /// Waits for the next request (finishing the previous one); 0 on success, a negative errno otherwise.
    ///
    /// libfcgi retries by itself on protocol errors and on aborted connections; what comes back
    /// negative is an accept failure (EMFILE, or EINVAL once `stop()` shut the socket down).
    func accept() -> Int32 {
        FCGX_Accept_r(request)
    }

    /// Flushes the response, sends END_REQUEST, and closes the connection unless the web server asked to keep it.
    func finish() {
        FCGX_Finish_r(request)
    }

    /// The connection kept open for the next request (nginx `fastcgi_keep_conn on`), or nil.
    ///
    /// Reads a field fcgiapp.h marks private (`ipcFd`); it has been stable since libfcgi 2.4.0.
    var keptConnection: Int32? {
        request.pointee.ipcFd >= 0 ? request.pointee.ipcFd : nil
    }

    /// Whether the input stream has been read to its end (libfcgi saw the empty STDIN record).
    var inputAtEnd: Bool {
        FCGX_HasSeenEOF(request.pointee.in) == EOF
    }

    /// Makes `finish()` close the connection with a plain `close(2)` instead of libfcgi's lingering
    /// close (shutdown, then wait in `poll` until the web server closes its end).
    ///
    /// The linger exists for TCP, where closing with unread input sends an RST that can destroy the
    /// response in flight. A unix-domain socket has no RST: Linux lets the peer read everything we
    /// wrote before it sees the reset, so there the linger is only a sleep and a wake-up per request,
    /// a real share of a request as short as an `auth` check. Only for unix sockets and only after a
    /// request whose input was read to its end (``inputAtEnd``), so the web server is not writing
    /// any more; uses `FCGX_Detach`, whose one effect in libfcgi 2.4
    /// is exactly this (`FCGX_Free` passes `!detached` as the shutdown flag, then clears it).
    func closeWithoutLinger() {
        _ = FCGX_Detach(request)
    }

    /// Makes `finish()` close the connection even if the web server asked to keep it
    /// (after a body we could not drain, the stream is out of step).
    func closeConnectionAfterRequest() {
        request.pointee.keepConnection = 0
    }

    /// The parameters of the accepted request (`FCGI_ROLE` included), by name.
    ///
    /// Split at the first `=` with `memchr` over the C strings, not a Character-level search: about
    /// thirty arrive with every request, including each `auth` check.
    func parameters() -> [String: String] {
        var result: [String: String] = [:]
        result.reserveCapacity(40)
        guard var entry = request.pointee.envp else { return result }
        while let pointer = entry.pointee {
            entry += 1
            let length = strlen(pointer)
            guard let equals = memchr(pointer, 0x3D, length) else { continue }
            let start = UnsafeRawPointer(pointer)
            let nameLength = UnsafeRawPointer(equals) - start
            let name = String(decoding: UnsafeRawBufferPointer(start: start, count: nameLength), as: UTF8.self)
            let value = String(
                decoding: UnsafeRawBufferPointer(start: start + nameLength + 1, count: length - nameLength - 1),
                as: UTF8.self)
            result[name] = value
        }
        return result
    }

    /// Reads body bytes into `buffer`: the count, 0 at end of input, -1 on a stream error.
    func readInput(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let got = FCGX_GetStr(base.assumingMemoryBound(to: CChar.self), Int32(buffer.count), request.pointee.in)
        if got == 0 && FCGX_GetError(request.pointee.in) != 0 { return -1 }
        return Int(got)
    }

    /// Writes `bytes` to the STDOUT stream; false once the web server has gone away.
    func write(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self) else { return true }
            var offset = 0
            while offset < raw.count {
                let count = min(64 * 1024, raw.count - offset)
                guard FCGX_PutStr(base + offset, Int32(count), request.pointee.out) == count else { return false }
                offset += count
            }
            return FCGX_FFlush(request.pointee.out) == 0
        }
    }
}
