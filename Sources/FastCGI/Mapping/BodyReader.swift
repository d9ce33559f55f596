/// What reading the body produced.
public enum BodyOutcome: Sendable, Equatable {
    /// The whole body.
    case complete([UInt8])
    /// Over the limit: nothing kept. `drained` is false when discarding stopped early (more than
    /// ``BodyReader/maximumDiscard`` bytes, or an input error), so the connection should be closed.
    case tooLarge(drained: Bool)
    /// The input ended (client gone, proxy timeout) before `CONTENT_LENGTH` bytes arrived.
    case truncated(expected: Int, received: Int)
}

/// Reads a body according to a ``BodyPlan`` from any byte source: libfcgi's stream or a CGI stdin.
///
/// Pure apart from the `read` closure, so the limit rules are tested with in-memory input.
public enum BodyReader {
    /// Discarding stops after this many bytes; nginx (1 MiB) and Apache limit bodies well before it.
    public static let maximumDiscard = 64 << 20
    static let chunkSize = 16 * 1024

    /// Follows `plan`; `read` fills the buffer and returns the count, 0 at end of input, negative on error.
    ///
    /// - Parameter drainsUnknownLength: whether `.tooLarge(discard: nil)` reads to end of input
    ///   (FastCGI: the stream ends) or leaves it (CGI: stdin may never end).
    public static func read(
        _ plan: BodyPlan, limit: Int, drainsUnknownLength: Bool = true,
        from read: (UnsafeMutableRawBufferPointer) -> Int
    ) -> BodyOutcome {
        switch plan {
        case .empty:
            return .complete([])
        case .read(let length):
            let body = readUpTo(length, from: read)
            return body.count == length ? .complete(body) : .truncated(expected: length, received: body.count)
        case .readToEnd:
            let body = readUpTo(limit + 1, from: read)
            guard body.count > limit else { return .complete(body) }
            return .tooLarge(drained: discard(nil, from: read))
        case .tooLarge(let length):
            guard length != nil || drainsUnknownLength else { return .tooLarge(drained: false) }
            return .tooLarge(drained: discard(length, from: read))
        }
    }

    private static func readUpTo(_ count: Int, from read: (UnsafeMutableRawBufferPointer) -> Int) -> [UInt8] {
        var body = [UInt8](repeating: 0, count: count)
        var filled = 0
        body.withUnsafeMutableBytes { buffer in
            while filled < count {
                let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<min(count, filled + chunkSize)])
                let got = read(slice)
                guard got > 0 else { break }
                filled += got
            }
        }
        body.removeLast(count - filled)
        return body
    }

    /// Reads and drops whatever input is left, up to its end (FastCGI: the empty STDIN record that
    /// closes a Responder's stream); true when the end was reached.
    public static func drainToEnd(from read: (UnsafeMutableRawBufferPointer) -> Int) -> Bool {
        discard(nil, from: read)
    }

    /// Reads and drops `length` bytes (`nil`: to end of input); true when it got there.
    private static func discard(_ length: Int?, from read: (UnsafeMutableRawBufferPointer) -> Int) -> Bool {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 1)
        defer { buffer.deallocate() }
        var remaining = length ?? Int.max
        var total = 0
        while remaining > 0 {
            guard total < maximumDiscard else { return false }
            let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(chunkSize, remaining)])
            let got = read(slice)
            if got == 0 { return length == nil }
            guard got > 0 else { return false }
            remaining -= got
            total += got
        }
        return true
    }
}
