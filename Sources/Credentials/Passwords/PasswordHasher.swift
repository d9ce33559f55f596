internal import COpenSSL

/// Memory-hard password hashing with scrypt (OpenSSL `EVP_PBE_scrypt`), per-password random salt.
///
/// Stored form: `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64url, PHC-like), so parameters can be
/// raised later while old hashes keep verifying. ln=15, r=8 costs 32 MiB and roughly 0.1 s per
/// attempt: cheap for one sign-in, expensive for an offline guesser.
public struct PasswordHasher: Sendable {
    /// log2 of the scrypt cost N.
    public let logN: Int
    /// scrypt block size r.
    public let blockSize: Int
    /// scrypt parallelism p.
    public let parallelism: Int

    /// The production parameters; tests may pass smaller ones to stay fast.
    public init(logN: Int = 15, blockSize: Int = 8, parallelism: Int = 1) {
        self.logN = logN
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// Hashes `password` with a fresh 16-byte salt.
    public func hash(_ password: String) -> String {
        let salt = SecureRandom.bytes(16)
        guard let key = Self.scrypt(Array(password.utf8), salt: salt, logN: logN, r: blockSize, p: parallelism) else {
            // Only invalid parameters or an out-of-memory OpenSSL fail here; neither is recoverable.
            preconditionFailure("scrypt failed for ln=\(logN), r=\(blockSize), p=\(parallelism)")
        }
        return "$scrypt$ln=\(logN),r=\(blockSize),p=\(parallelism)$\(Base64URL.encode(salt))$\(Base64URL.encode(key))"
    }

    /// Checks `password` against a stored hash in constant time; false for a malformed hash.
    public static func verify(_ password: String, against encoded: String) -> Bool {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "scrypt" else { return false }
        var parameters: [Substring: Int] = [:]
        for pair in parts[2].split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, let value = Int(kv[1]) else { return false }
            parameters[kv[0]] = value
        }
        guard let logN = parameters["ln"], let r = parameters["r"], let p = parameters["p"],
            (1...20).contains(logN), (1...32).contains(r), (1...16).contains(p),
            let salt = Base64URLDecoder.decode(parts[3]), let expected = Base64URLDecoder.decode(parts[4]),
            !expected.isEmpty,
            let actual = scrypt(Array(password.utf8), salt: salt, logN: logN, r: r, p: p, length: expected.count)
        else { return false }
        return ConstantTime.equal(expected, actual)
    }

    private static func scrypt(
        _ password: [UInt8], salt: [UInt8], logN: Int, r: Int, p: Int, length: Int = 32
    ) -> [UInt8]? {
        var key = [UInt8](repeating: 0, count: length)
        let n = UInt64(1) << UInt64(logN)
        let maxMemory = UInt64(128 * r * p) * n + UInt64(256 << 20)
        let status = password.withUnsafeBufferPointer { pw in
            salt.withUnsafeBufferPointer { s in
                key.withUnsafeMutableBufferPointer { out in
                    pw.withMemoryRebound(to: CChar.self) { pwChars in
                        EVP_PBE_scrypt(
                            pwChars.baseAddress, pw.count, s.baseAddress, s.count, n, UInt64(r), UInt64(p), maxMemory,
                            out.baseAddress, out.count)
                    }
                }
            }
        }
        return status == 1 ? key : nil
    }
}
