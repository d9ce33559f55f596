import CCurl
import Foundation

/// One libcurl easy handle, one request: the only code in samlgate that touches libcurl.
///
/// Redirects are not followed by libcurl (``DocumentFetcher`` checks each target itself); every other
/// protocol but http and https is disabled, signals are off (the responder is threaded), and the body is
/// collected by a write callback that stops the transfer as soon as it passes the size limit.
struct CurlTransfer {
    /// What one request answered.
    enum Outcome {
        /// A 200 answer's body.
        case body([UInt8])
        /// A 3xx answer's absolute Location.
        case redirect(String)
    }

    let fetcher: DocumentFetcher

    /// libcurl's process-wide set-up, done once before the first handle (it is not thread-safe itself).
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    func perform(_ url: String) throws(FetchError) -> Outcome {
        guard Self.globalInit == CURLE_OK, let handle = curl_easy_init() else {
            throw .transfer("libcurl could not be initialised")
        }
        defer { curl_easy_cleanup(handle) }
        let sink = BodySink(limit: fetcher.limits.maxBytes)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let limits = fetcher.limits
        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { buffer in
            var setup = [
                CCurl_setopt_string(handle, CURLOPT_URL, url),
                CCurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"),
                CCurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0),
                CCurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
                CCurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, limits.connectTimeout),
                CCurl_setopt_long(handle, CURLOPT_TIMEOUT, limits.timeout),
                CCurl_setopt_offset(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limits.maxBytes)),
                CCurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1),
                CCurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2),
                CCurl_setopt_string(handle, CURLOPT_USERAGENT, "samlgate"),
                CCurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress),
                CCurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context),
                CCurl_setopt_write_function(handle, collectBody),
            ]
            if let caFile = fetcher.caFile { setup.append(CCurl_setopt_string(handle, CURLOPT_CAINFO, caFile)) }
            if let failed = setup.first(where: { $0 != CURLE_OK }) { return failed }
            return curl_easy_perform(handle)
        }
        withExtendedLifetime(sink) {}
        switch code {
        case CURLE_OK: break
        case CURLE_OPERATION_TIMEDOUT: throw .timedOut(seconds: limits.timeout)
        case CURLE_FILESIZE_EXCEEDED: throw .tooLarge(limit: limits.maxBytes)
        case CURLE_WRITE_ERROR where sink.overflowed: throw .tooLarge(limit: limits.maxBytes)
        default:
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .transfer(detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
        }
        var status = 0
        _ = CCurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        if (300..<400).contains(status) {
            var location: UnsafeMutablePointer<CChar>?
            guard CCurl_getinfo_string(handle, CURLINFO_REDIRECT_URL, &location) == CURLE_OK, let location else {
                throw .status(status)
            }
            return .redirect(String(cString: location))
        }
        guard status == 200 else { throw .status(status) }
        return .body(sink.bytes)
    }
}

/// The write callback: appends to the ``BodySink`` behind `context`; answering fewer bytes than given
/// makes libcurl stop with `CURLE_WRITE_ERROR`.
private func collectBody(data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, context: UnsafeMutableRawPointer?)
    -> Int
{
    guard let data, let context else { return 0 }
    let sink = Unmanaged<BodySink>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    return sink.append(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}
