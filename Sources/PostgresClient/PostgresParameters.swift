internal import CPostgres

/// Statement parameters laid out as libpq's parallel arrays: value pointers, lengths, formats and types.
///
/// Text values are sent with type 0 ("unspecified") so the server infers each type from the statement, as it
/// does for a quoted literal; a `bytea` is sent in binary format and must then be declared (`bytea`, OID 17),
/// since binary data is only meaningful for a known type. The type list is part of a prepared statement, so it
/// is also part of the statement cache's key (``signature``).
struct PostgresParameters {
    /// The OID of `bytea` in every PostgreSQL catalog (`pg_type`).
    static let byteaType: Oid = 17

    /// Each parameter's bytes (a NUL-terminated string for text) or `nil` for SQL NULL.
    private let values: [[UInt8]?]
    /// Each parameter's declared type, 0 for "infer it".
    let types: [Oid]
    /// Each parameter's format: 0 text, 1 binary.
    private let formats: [Int32]

    init(_ parameters: [PostgresValue?]) throws(PostgresError) {
        var values: [[UInt8]?] = []
        var types: [Oid] = []
        var formats: [Int32] = []
        for (offset, parameter) in parameters.enumerated() {
            let text: String
            switch parameter {
            case nil:
                values.append(nil)
                types.append(0)
                formats.append(0)
                continue
            case .bytea(let bytes):
                values.append(bytes)
                types.append(Self.byteaType)
                formats.append(1)
                continue
            case .text(let value):
                guard !value.utf8.contains(0) else {
                    throw .invalidParameter(position: offset + 1, reason: "text cannot contain a zero character")
                }
                text = value
            case .int64(let value): text = String(value)
            case .bool(let value): text = value ? "true" : "false"
            case .double(let value): text = value.description
            }
            values.append(Array(text.utf8) + [0])
            types.append(0)
            formats.append(0)
        }
        self.values = values
        self.types = types
        self.formats = formats
    }

    /// The part of the statement cache's key that depends on the parameters: their declared types.
    var signature: String { types.map(String.init).joined(separator: ",") }

    /// Calls `body` with the arrays libpq reads; the pointers are valid only during the call.
    func withUnsafeArrays<Result>(
        _ body: (
            _ count: Int32, _ values: [UnsafePointer<CChar>?], _ lengths: [Int32], _ formats: [Int32]
        ) -> Result
    ) -> Result {
        // One buffer holding every value back to back keeps the pointers alive for the whole call; the extra
        // byte at the end means it is never empty, so an empty bytea still gets a non-NULL pointer (a NULL
        // pointer would send SQL NULL).
        let buffer = values.reduce(into: [UInt8]()) { $0 += $1 ?? [] } + [0]
        return buffer.withUnsafeBufferPointer { storage in
            var pointers: [UnsafePointer<CChar>?] = []
            var lengths: [Int32] = []
            var offset = 0
            for value in values {
                guard let value, let base = storage.baseAddress else {
                    pointers.append(nil)
                    lengths.append(0)
                    continue
                }
                pointers.append(UnsafeRawPointer(base + offset).assumingMemoryBound(to: CChar.self))
                lengths.append(Int32(value.count))
                offset += value.count
            }
            return body(Int32(values.count), pointers, lengths, formats)
        }
    }
}
