import Foundation
import SAML
import Testing
@_spi(Testing) import TestSupport
@_spi(Testing) import XMLSecurity

/// Rule 3 for encrypted assertions and NameIDs: what is accepted, and every attack refused with its check.
struct ResponseValidatorEncryptionTests {
    @Test(
        arguments: ["aes256-gcm", "aes128-gcm", "aes192-gcm"].map { XMLNamespace.xmlEnc11 + $0 }
            + ["aes128-cbc", "aes192-cbc", "aes256-cbc"].map { XMLNamespace.xmlEnc + $0 })
    func encryptedSignedAssertionIsAccepted(_ algorithm: String) throws {
        var builder = ResponseBuilder()
        var options = EncryptionOptions()
        options.contentAlgorithm = algorithm
        builder.encryption = options
        let accepted = try #require(try Validation.run(builder).accepted, "\(algorithm)")
        #expect(accepted.response.identity == "alice@example.com")
    }
}
