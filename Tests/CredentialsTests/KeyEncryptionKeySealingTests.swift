import Testing

@testable import Credentials

/// Sealing SP keys: what opens, and every way a sealed value is refused.
struct KeyEncryptionKeySealingTests {
    static let key = KeyEncryptionKey(bytes: SecureRandom.bytes(32), path: "/etc/samlgate/secret.key")
    static let otherKey = KeyEncryptionKey(bytes: SecureRandom.bytes(32), path: "/srv/other.key")
    static let associatedData = Array("sp-key:acme:1".utf8)
    static let plaintext = Array("-----BEGIN PRIVATE KEY----- pretend".utf8)

    @Test(arguments: [0, 1, 35, 5000])
    func sealThenOpenGivesThePlaintextBack(length: Int) throws {
        let plaintext = SecureRandom.bytes(length)
        let sealed = Self.key.seal(plaintext, associatedData: Self.associatedData)
        #expect(sealed.count == 1 + 12 + plaintext.count + 16)
        #expect(sealed.first == 0x01)
        #expect(try Self.key.open(sealed, associatedData: Self.associatedData) == plaintext)
    }

    @Test func everySealUsesAFreshNonce() {
        let first = Self.key.seal(Self.plaintext, associatedData: Self.associatedData)
        let second = Self.key.seal(Self.plaintext, associatedData: Self.associatedData)
        #expect(first[1..<13] != second[1..<13])
        #expect(first != second)
    }

    @Test func theCiphertextDoesNotContainThePlaintext() {
        let sealed = Self.key.seal(Self.plaintext, associatedData: Self.associatedData)
        #expect(sealed.firstRange(of: Self.plaintext.prefix(10)) == nil)
    }

    @Test func anotherSecretFileCannotDecrypt() {
        let sealed = Self.key.seal(Self.plaintext, associatedData: Self.associatedData)
        let error = #expect(throws: SecretFileError.self) {
            try Self.otherKey.open(sealed, associatedData: Self.associatedData)
        }
        #expect(error == .cannotDecrypt(path: "/srv/other.key"))
        #expect(
            error?.description
                == "the SP key cannot be decrypted with the secret file /srv/other.key: wrong secret file, "
                + "or the database row was altered")
    }

    @Test(arguments: [[], Array("sp-key:acme:2".utf8), Array("sp-key:other:1".utf8)])
    func otherAssociatedDataCannotDecrypt(associatedData: [UInt8]) {
        let sealed = Self.key.seal(Self.plaintext, associatedData: Self.associatedData)
        #expect(throws: SecretFileError.cannotDecrypt(path: Self.key.path)) {
            try Self.key.open(sealed, associatedData: associatedData)
        }
    }

    /// One flipped bit in the nonce, the first or last ciphertext byte, or the tag.
    @Test(arguments: [1, 12, 13, 13 + 34, 13 + 35, 13 + 35 + 15])
    func aTamperedByteCannotDecrypt(index: Int) {
        var sealed = Self.key.seal(Self.plaintext, associatedData: Self.associatedData)
        sealed[index] ^= 0x01
        #expect(throws: SecretFileError.cannotDecrypt(path: Self.key.path)) {
            try Self.key.open(sealed, associatedData: Self.associatedData)
        }
    }

    @Test func anUnknownFormatVersionIsNamed() {
        var sealed = Self.key.seal(Self.plaintext, associatedData: Self.associatedData)
        sealed[0] = 0x02
        let error = #expect(throws: SecretFileError.self) {
            try Self.key.open(sealed, associatedData: Self.associatedData)
        }
        #expect(error == .unknownSealedFormat(path: Self.key.path, version: 2))
        #expect(error?.description.contains(Self.key.path) == true)
    }

    @Test(arguments: [0, 1, 28])
    func aTruncatedValueIsRefused(length: Int) {
        let sealed = Self.key.seal([], associatedData: Self.associatedData)
        #expect(throws: SecretFileError.sealedValueTooShort(path: Self.key.path, byteCount: length)) {
            try Self.key.open(Array(sealed.prefix(length)), associatedData: Self.associatedData)
        }
    }

    @Test func droppingTheLastByteCannotDecrypt() {
        let sealed = Self.key.seal(Self.plaintext, associatedData: Self.associatedData)
        #expect(throws: SecretFileError.cannotDecrypt(path: Self.key.path)) {
            try Self.key.open(Array(sealed.dropLast()), associatedData: Self.associatedData)
        }
    }
}
