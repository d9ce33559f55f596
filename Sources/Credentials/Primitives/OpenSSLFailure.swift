internal import COpenSSL

/// A failed OpenSSL call: what samlgate was doing and the reason OpenSSL queued for it.
///
/// OpenSSL reports errors on a thread-local queue. Reading it here, in one place, and clearing it every
/// time means a refusal names OpenSSL's own reason and no stale entry is left behind for an unrelated
/// later call to misreport.
struct OpenSSLFailure: Error, Sendable, Equatable {
    /// What was being done, e.g. `generate an RSA key`.
    let operation: String
    /// OpenSSL's reason, e.g. `error:1E08010C:DECODER routines::unsupported`.
    let reason: String

    /// Throws a failure naming `operation` unless `succeeded`; clears OpenSSL's error queue either way.
    static func check(_ succeeded: Bool, _ operation: String) throws(OpenSSLFailure) {
        guard succeeded else { throw OpenSSLFailure(operation: operation, reason: takeQueuedReason()) }
        ERR_clear_error()
    }

    /// Unwraps the object a constructor returned, or throws a failure naming `operation`.
    static func check<Object>(_ object: Object?, _ operation: String) throws(OpenSSLFailure) -> Object {
        guard let object else { throw OpenSSLFailure(operation: operation, reason: takeQueuedReason()) }
        return object
    }

    /// The earliest queued error as text (the most specific one), emptying the queue.
    static func takeQueuedReason() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return "OpenSSL gave no reason" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let text = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: text, as: UTF8.self)
    }
}
