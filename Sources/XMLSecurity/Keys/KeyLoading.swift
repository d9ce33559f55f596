internal import CXMLSec

/// Loading keys into xmlsec, shared by ``SigningKey`` (PEM private keys) and ``TrustedKey`` (DER certificates).
enum KeyLoading {
    /// Loads `bytes` in `format`; on failure throws `.invalidKey` naming `what` was expected and xmlsec's reason.
    static func load(_ bytes: [UInt8], format: xmlSecKeyDataFormat, expected what: String) throws(XMLSecurityError)
        -> xmlSecKeyPtr
    {
        let (loaded, messages) = XMLSecErrorLog.capturing {
            bytes.withUnsafeBufferPointer { buffer in
                xmlSecOpenSSLAppKeyLoadMemory(buffer.baseAddress, CXMLSec_Size(buffer.count), format, nil, nil, nil)
            }
        }
        guard let loaded else { throw .invalidKey("not \(what) (\(messages.first ?? "xmlsec could not read it"))") }
        return loaded
    }

    /// RSA or EC for a loaded key's value, nil for anything else (DSA, GOST, HMAC…).
    static func family(of value: xmlSecKeyDataPtr) -> KeyFamily? {
        if value.pointee.id == xmlSecOpenSSLKeyDataRsaGetKlass() { return .rsa }
        if value.pointee.id == xmlSecOpenSSLKeyDataEcdsaGetKlass() { return .ecdsa }
        return nil
    }
}
