import Foundation
internal import COpenSSL

/// Reads the facts samlgate shows about a certificate out of its DER bytes, through OpenSSL.
enum X509Parser {
    static func parse(der: [UInt8]) throws(CertificateImportError) -> Certificate {
        guard !der.isEmpty else { throw .empty }
        let parsed: (subject: String, notAfter: Date)? = der.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            guard let x509 = d2i_X509(nil, &cursor, buffer.count) else {
                ERR_clear_error()
                return nil
            }
            defer { X509_free(x509) }
            // Trailing bytes after the certificate mean the file is something else (or two things).
            guard let end = cursor, end == base + buffer.count else { return nil }
            guard let subject = subjectString(of: x509), let notAfter = notAfterDate(of: x509) else { return nil }
            return (subject, notAfter)
        }
        guard let parsed else { throw .notACertificate }
        return Certificate(
            der: der, subject: parsed.subject, sha256: Digests.sha256Fingerprint(der), notAfter: parsed.notAfter)
    }

    private static func subjectString(of x509: OpaquePointer) -> String? {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard let name = X509_get_subject_name(x509), COpenSSL_X509_NAME_print_rfc2253(bio, name) >= 0 else {
            return nil
        }
        var data: UnsafeMutablePointer<CChar>?
        let length = COpenSSL_BIO_get_mem_data(bio, &data)
        guard length >= 0, let data else { return length == 0 ? "" : nil }
        let bytes = UnsafeRawBufferPointer(start: data, count: length)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func notAfterDate(of x509: OpaquePointer) -> Date? {
        guard let time = X509_get0_notAfter(x509) else { return nil }
        var components = tm()
        guard ASN1_TIME_to_tm(time, &components) == 1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&components)))
    }
}
