/// The bytes of one transfer, up to a limit; used by one transfer on one thread.
final class BodySink {
    let limit: Int
    private(set) var bytes: [UInt8] = []
    /// Set when a write would have passed ``limit`` (the transfer was then stopped).
    private(set) var overflowed = false

    init(limit: Int) {
        self.limit = limit
    }

    /// Appends `chunk`, or refuses it (and remembers why) when the total would pass ``limit``.
    func append(_ chunk: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count + chunk.count <= limit else {
            overflowed = true
            return false
        }
        bytes.append(contentsOf: chunk)
        return true
    }
}
