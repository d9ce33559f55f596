internal import CZlib

/// Raw DEFLATE (RFC 1951, no zlib header), as the SAML HTTP-Redirect binding requires (bindings §3.4.4.1).
public enum RawDeflate {
    /// Compresses `bytes`.
    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        // windowBits -15: raw deflate. Failure here means zlib itself is broken.
        precondition(CZlib_deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK)
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 16)
        var input = bytes
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "deflate did not finish in a deflateBound-sized buffer")
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(produced))
    }

    /// Decompresses `bytes`, refusing output larger than `limit` (a deflate bomb) or a corrupt stream.
    @_spi(Testing) public static func decompress(_ bytes: [UInt8], limit: Int = 256 * 1024) -> [UInt8]? {
        var stream = z_stream()
        guard CZlib_inflateInit2(&stream, -15) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var input = bytes
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        return input.withUnsafeMutableBufferPointer { inBuffer -> [UInt8]? in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inBuffer.count)
            while true {
                let (status, count) = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(outBuffer.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, outBuffer.count - Int(stream.avail_out))
                }
                output += chunk.prefix(count)
                if output.count > limit { return nil }
                if status == Z_STREAM_END { return output }
                if status != Z_OK || (count == 0 && stream.avail_in == 0) { return nil }
            }
        }
    }
}
