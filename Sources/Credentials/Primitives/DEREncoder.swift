/// Runs one of OpenSSL's `i2d_*` encoders into a Swift array.
///
/// Every `i2d_*` function follows one protocol: called with no output it returns the length, called with
/// a cursor it writes that many bytes and advances the cursor. Doing both steps here keeps the buffer
/// sizing in one place.
enum DEREncoder {
    /// The DER bytes `encode` produces, or nil when OpenSSL refuses to encode the object.
    static func encode(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> [UInt8]? {
        let length = encode(nil)
        guard length > 0 else { return nil }
        var output = [UInt8](repeating: 0, count: Int(length))
        let written = output.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return encode(&cursor)
        }
        return written == length ? output : nil
    }
}
