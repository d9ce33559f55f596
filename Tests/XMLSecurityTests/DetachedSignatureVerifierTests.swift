import Foundation
import Testing
import TestSupport
@_spi(Testing) import XMLSecurity

/// Signatures over raw octets (the redirect binding's query signature), made by the `openssl` command.
@Suite(.timeLimit(.minutes(1)))
struct DetachedSignatureVerifierTests {
    static let octets = Array("SAMLRequest=fZBLa8MwEITv%2BRVC9%2FgRWmgXyyE0pOkL&SigAlg=x".utf8)

    static func verifier(_ certificates: [[UInt8]], allowSHA1: Bool = false) throws -> DetachedSignatureVerifier {
        try XMLSecurity.initialize()
        return DetachedSignatureVerifier(
            keys: try TrustedKeys(certificatesDER: certificates), policy: SignaturePolicy(allowSHA1: allowSHA1))
    }

    @Test(arguments: [
        ("sha256", SignatureAlgorithm.rsaSHA256), ("sha384", .rsaSHA384), ("sha512", .rsaSHA512),
    ])
    func aTrustedKeysSignatureVerifies(digest: String, algorithm: SignatureAlgorithm) throws {
        let signature = try OpenSSLCommand.sign(Self.octets, key: "idp-rsa-key.pem", digest: digest)
        let verifier = try Self.verifier([TestKeys.attackerDER, TestKeys.idpRSADER])
        let key = try verifier.verify(octets: Self.octets, signature: signature, algorithmURI: algorithm.uri).get()
        #expect(key.sha256Fingerprint == CertificateFingerprint.sha256(ofDER: TestKeys.idpRSADER))
    }

    @Test func changedOctetsOrAnotherKeyDoNotVerify() throws {
        let signature = try OpenSSLCommand.sign(Self.octets, key: "idp-rsa-key.pem")
        let verifier = try Self.verifier([TestKeys.idpRSADER])
        let uri = SignatureAlgorithm.rsaSHA256.uri
        #expect(
            verifier.verify(octets: Self.octets + [0x26], signature: signature, algorithmURI: uri).failure
                == .untrustedKey(fingerprint: nil))
        var flipped = signature
        flipped[10] ^= 1
        #expect(verifier.verify(octets: Self.octets, signature: flipped, algorithmURI: uri).failure != nil)
        let attacker = try OpenSSLCommand.sign(Self.octets, key: "attacker-key.pem")
        #expect(verifier.verify(octets: Self.octets, signature: attacker, algorithmURI: uri).failure != nil)
        #expect(verifier.verify(octets: Self.octets, signature: [], algorithmURI: uri).failure == .noSignature)
        // A signature by a trusted key under another digest than SigAlg names does not verify.
        let sha512 = try OpenSSLCommand.sign(Self.octets, key: "idp-rsa-key.pem", digest: "sha512")
        #expect(verifier.verify(octets: Self.octets, signature: sha512, algorithmURI: uri).failure != nil)
    }

    @Test func sha1OnlyWhenAllowedAndUnknownAlgorithmsNever() throws {
        let signature = try OpenSSLCommand.sign(Self.octets, key: "idp-rsa-key.pem", digest: "sha1")
        let sha1 = SignatureAlgorithm.rsaSHA1.uri
        #expect(
            try Self.verifier([TestKeys.idpRSADER]).verify(
                octets: Self.octets, signature: signature, algorithmURI: sha1
            )
            .failure == .sha1NotAllowed(sha1))
        #expect(
            try Self.verifier([TestKeys.idpRSADER], allowSHA1: true).verify(
                octets: Self.octets, signature: signature, algorithmURI: sha1
            ).failure == nil)
        let hmac = "http://www.w3.org/2000/09/xmldsig#hmac-sha1"
        #expect(
            try Self.verifier([TestKeys.idpRSADER]).verify(
                octets: Self.octets, signature: signature, algorithmURI: hmac
            )
            .failure == .disallowedAlgorithm(hmac))
    }

    /// An RSA algorithm never tries an EC key (and the reverse), so a key of the wrong family is untrusted.
    @Test func onlyKeysOfTheAlgorithmsFamilyAreTried() throws {
        let signature = try OpenSSLCommand.sign(Self.octets, key: "idp-rsa-key.pem")
        #expect(
            try Self.verifier([TestKeys.idpECDER]).verify(
                octets: Self.octets, signature: signature, algorithmURI: SignatureAlgorithm.rsaSHA256.uri
            ).failure == .untrustedKey(fingerprint: nil))
    }
}

extension Result {
    fileprivate var failure: Failure? {
        guard case .failure(let failure) = self else { return nil }
        return failure
    }
}
