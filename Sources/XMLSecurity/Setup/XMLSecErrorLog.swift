internal import CXMLSec

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Collects xmlsec's error reports for one operation on the calling thread.
///
/// xmlsec has a single process-wide error callback. It is pointed at a function that appends to the
/// log installed for the current thread (a pthread key), or drops the message when none is: messages
/// therefore never reach stderr and never cross threads.
final class XMLSecErrorLog {
    /// The most informative messages first reported, capped so a hostile document cannot grow it.
    private(set) var messages: [String] = []

    private static let capacity = 8

    /// Runs `body` with a fresh log installed for this thread and returns its result plus the messages.
    static func capturing<Result>(_ body: () -> Result) -> (result: Result, messages: [String]) {
        let log = XMLSecErrorLog()
        let previous = pthread_getspecific(errorLogKey)
        pthread_setspecific(errorLogKey, Unmanaged.passUnretained(log).toOpaque())
        defer { pthread_setspecific(errorLogKey, previous) }
        let result = withExtendedLifetime(log) { body() }
        return (result, log.messages)
    }

    /// Points xmlsec's global callback at the per-thread logs; called once from `XMLSecurity.initialize()`.
    static func installCallback() {
        _ = errorLogKey
        xmlSecErrorsDefaultCallbackEnableOutput(0)
        xmlSecErrorsSetCallback(recordError)
    }

    fileprivate func record(_ message: String) {
        guard messages.count < Self.capacity else { return }
        messages.append(message)
    }
}

/// The thread-local slot holding the current thread's log (nil when nothing is capturing).
private let errorLogKey: pthread_key_t = {
    var key = pthread_key_t()
    precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
    return key
}()

private let recordError: xmlSecErrorsCallback = { _, _, function, errorObject, errorSubject, reason, message in
    guard let slot = pthread_getspecific(errorLogKey) else { return }
    let log = Unmanaged<XMLSecErrorLog>.fromOpaque(slot).takeUnretainedValue()
    var parts: [String] = []
    if let function { parts.append(String(cString: function)) }
    if let errorSubject { parts.append(String(cString: errorSubject)) }
    if let errorObject { parts.append("object=\(String(cString: errorObject))") }
    if let reasonText = xmlSecErrorsGetMsgText(reason) { parts.append(reasonText) }
    if let message { parts.append(String(cString: message)) }
    log.record(parts.joined(separator: ": "))
}

private func xmlSecErrorsGetMsgText(_ reason: Int32) -> String? {
    var index: CXMLSec_Size = 0
    while let text = xmlSecErrorsGetMsg(index) {
        if xmlSecErrorsGetCode(index) == reason { return String(cString: text) }
        index += 1
    }
    return nil
}
