internal import CXMLSec

/// The data-encryption algorithms an `EncryptedData` may use: AES in GCM or CBC mode.
///
/// 3DES is refused (a 64-bit block, and no IdP we know needs it); anything unknown is refused by name.
enum ContentEncryptionAlgorithm: CaseIterable {
    case aes128GCM, aes192GCM, aes256GCM
    case aes128CBC, aes192CBC, aes256CBC

    /// The algorithm's URI in `EncryptionMethod/@Algorithm`.
    var uri: String {
        switch self {
        case .aes128GCM: XMLNamespace.xmlEnc11 + "aes128-gcm"
        case .aes192GCM: XMLNamespace.xmlEnc11 + "aes192-gcm"
        case .aes256GCM: XMLNamespace.xmlEnc11 + "aes256-gcm"
        case .aes128CBC: XMLNamespace.xmlEnc + "aes128-cbc"
        case .aes192CBC: XMLNamespace.xmlEnc + "aes192-cbc"
        case .aes256CBC: XMLNamespace.xmlEnc + "aes256-cbc"
        }
    }

    /// The AES key length in bytes.
    var keyByteCount: Int {
        switch self {
        case .aes128GCM, .aes128CBC: 16
        case .aes192GCM, .aes192CBC: 24
        case .aes256GCM, .aes256CBC: 32
        }
    }

    /// The xmlsec transform that decrypts it: the only one the data context enables.
    var transformID: xmlSecTransformId {
        switch self {
        case .aes128GCM: xmlSecOpenSSLTransformAes128GcmGetKlass()
        case .aes192GCM: xmlSecOpenSSLTransformAes192GcmGetKlass()
        case .aes256GCM: xmlSecOpenSSLTransformAes256GcmGetKlass()
        case .aes128CBC: xmlSecOpenSSLTransformAes128CbcGetKlass()
        case .aes192CBC: xmlSecOpenSSLTransformAes192CbcGetKlass()
        case .aes256CBC: xmlSecOpenSSLTransformAes256CbcGetKlass()
        }
    }

    /// The algorithm named by `uri`, or the refusal naming it.
    static func named(_ uri: String?) -> Result<Self, DecryptionFailure> {
        guard let uri else { return .failure(.structure("the EncryptedData's EncryptionMethod has no Algorithm")) }
        if let algorithm = allCases.first(where: { $0.uri == uri }) { return .success(algorithm) }
        if uri.hasSuffix("#tripledes-cbc") {
            return .failure(.refusedAlgorithm(uri: uri, reason: "3DES is not accepted; use AES-GCM or AES-CBC"))
        }
        return .failure(
            .refusedAlgorithm(uri: uri, reason: "not a data encryption algorithm samlgate accepts (AES-GCM, AES-CBC)"))
    }
}
