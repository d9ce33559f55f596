import Testing

@testable import Credentials

/// scrypt hashes: verify the right password, refuse others, never accept a malformed hash.
struct PasswordHasherTests {
    /// Small parameters keep the suite fast; production uses ln=15.
    let hasher = PasswordHasher(logN: 10, blockSize: 8, parallelism: 1)

    @Test func verifiesTheRightPasswordOnly() {
        let hash = hasher.hash("correct horse battery")
        #expect(hash.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(PasswordHasher.verify("correct horse battery", against: hash))
        #expect(!PasswordHasher.verify("correct horse batterY", against: hash))
        #expect(!PasswordHasher.verify("", against: hash))
    }

    @Test func saltsEachHash() {
        #expect(hasher.hash("same password") != hasher.hash("same password"))
    }

    @Test func productionParametersAreMemoryHard() {
        let hash = PasswordHasher().hash("a password")
        #expect(hash.hasPrefix("$scrypt$ln=15,r=8,p=1$"))
        #expect(PasswordHasher.verify("a password", against: hash))
    }

    @Test(arguments: [
        "", "plain", "$scrypt$ln=10,r=8,p=1$", "$scrypt$ln=99,r=8,p=1$AAAA$AAAA", "$bcrypt$ln=10,r=8,p=1$AAAA$AAAA",
        "$scrypt$ln=10,r=8$AAAA$AAAA", "$scrypt$ln=10,r=8,p=1$AAAA$",
    ])
    func refusesMalformedHashes(hash: String) {
        #expect(!PasswordHasher.verify("anything", against: hash))
    }
}
