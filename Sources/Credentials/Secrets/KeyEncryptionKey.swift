import Basics
import Foundation

/// The 32-byte key-encryption key that seals SP private keys before they reach the database.
///
/// It lives in the secret file, outside the database, so a copy of the database alone reveals no private
/// key. The file holds the key as 64 hex digits and an optional newline rather than raw bytes: hex
/// survives being copied between terminals, pasted into a secret manager or printed, where raw bytes get
/// mangled. The key remembers its file's path so every refusal, including a failed decryption, names it.
public struct KeyEncryptionKey: Sendable {
    /// Where the secret file is when neither `--secret-file` nor `$SAMLGATE_SECRET_FILE` says otherwise.
    public static let defaultPath = "/etc/samlgate/secret.key"
    /// The environment variable that names the secret file when no option does.
    public static let environmentVariable = "SAMLGATE_SECRET_FILE"

    /// The key length in bytes (AES-256).
    static let byteCount = AES256GCM.keyByteCount

    /// The secret file this key was read from or written to.
    public let path: String
    let bytes: [UInt8]

    init(bytes: [UInt8], path: String) {
        precondition(bytes.count == Self.byteCount, "a key-encryption key is 32 bytes")
        self.bytes = bytes
        self.path = path
    }

    /// The secret file's path: `option` (from `--secret-file`), else a non-empty `$SAMLGATE_SECRET_FILE`,
    /// else ``defaultPath``; the same rule for the CLI and the responder.
    public static func resolvePath(
        _ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let option { return option }
        if let variable = environment[environmentVariable], !variable.isEmpty { return variable }
        return defaultPath
    }

    /// Reads the key from the secret file at `path`.
    ///
    /// Refused, with a message naming the file: a missing file, anything but a regular file, a file that
    /// other users may read or write (`chmod 600` fixes it), and contents other than 64 hex digits with an
    /// optional trailing newline.
    public static func load(path: String) throws(SecretFileError) -> KeyEncryptionKey {
        // Reading one byte past the longest valid file tells "too long" apart from "exactly right".
        let contents = try SecretFile.read(path: path, limit: 2 * byteCount + 2)
        let digits = contents.last == UInt8(ascii: "\n") ? contents.dropLast() : contents[...]
        guard digits.count == 2 * byteCount else { throw .wrongLength(path: path, byteCount: contents.count) }
        guard let bytes = Hex.decode(digits) else { throw .notHex(path: path) }
        return KeyEncryptionKey(bytes: bytes, path: path)
    }

    /// Creates a secret file at `path` holding a fresh random key, and returns that key.
    ///
    /// Refuses when anything is already at `path`: replacing a key-encryption key would make every SP key
    /// sealed under it unreadable. The file is mode 0600 and flushed to disk; a missing parent directory is
    /// created with mode 0700.
    public static func create(path: String) throws(SecretFileError) -> KeyEncryptionKey {
        let bytes = SecureRandom.bytes(byteCount)
        try SecretFile.create(path: path, contents: Array((Hex.encode(bytes) + "\n").utf8))
        return KeyEncryptionKey(bytes: bytes, path: path)
    }

    /// Reads the secret file at `path`, creating it first when there is none (what `samlgate init` does).
    ///
    /// `created` says which happened, so the caller can tell the admin to back the new file up. When
    /// another process creates the file at the same moment, its key is read rather than replaced.
    public static func loadOrCreate(path: String) throws(SecretFileError) -> (key: KeyEncryptionKey, created: Bool) {
        do {
            return (try load(path: path), false)
        } catch .missing {
            do {
                return (try create(path: path), true)
            } catch .alreadyExists {
                return (try load(path: path), false)
            }
        }
    }
}

extension KeyEncryptionKey: CustomStringConvertible, CustomReflectable {
    /// Names the file only, so logging or printing a key never shows its bytes.
    public var description: String { "KeyEncryptionKey(path: \(path))" }

    /// Hides the bytes from `dump` and debuggers' summaries as well.
    public var customMirror: Mirror { Mirror(self, children: ["path": path]) }
}
