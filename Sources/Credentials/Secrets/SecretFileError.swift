#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the secret file (the key-encryption key) could not be read or created, or a sealed value not opened.
///
/// Every case names the secret file's path: an admin who runs `samlgate` with the wrong `--secret-file`
/// or `$SAMLGATE_SECRET_FILE` sees at once which file was used, and the message says how to fix it.
public enum SecretFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No file at the path.
    case missing(path: String)
    /// The file exists but could not be opened or read; `reason` is the system's.
    case unreadable(path: String, reason: String)
    /// The path names a directory, a device, a socket or a FIFO rather than a regular file.
    case notARegularFile(path: String, kind: String)
    /// Users other than the owner and the group may read or write the file; `mode` is its permission bits.
    case accessibleByOthers(path: String, mode: UInt32)
    /// The file does not hold 64 hex digits plus an optional newline; `byteCount` is its size.
    case wrongLength(path: String, byteCount: Int)
    /// The file has the right length but a byte that is not a hex digit.
    case notHex(path: String)
    /// `create` found a file (or a link) at the path and left it alone.
    case alreadyExists(path: String)
    /// A missing directory on the way to the file could not be created.
    case cannotCreateDirectory(path: String, directory: String, reason: String)
    /// The file could not be created, written or flushed to disk; nothing is left behind.
    case cannotWrite(path: String, reason: String)
    /// A sealed value starts with a format version this build does not know.
    case unknownSealedFormat(path: String, version: UInt8)
    /// A sealed value is too short to hold the version, the nonce and the tag.
    case sealedValueTooShort(path: String, byteCount: Int)
    /// The tag check failed: another secret file, an altered row, or a row moved to another owner.
    case cannotDecrypt(path: String)

    /// The path of the secret file the error is about.
    public var path: String {
        switch self {
        case .missing(let path), .unreadable(let path, _), .notARegularFile(let path, _),
            .accessibleByOthers(let path, _), .wrongLength(let path, _), .notHex(let path), .alreadyExists(let path),
            .cannotCreateDirectory(let path, _, _), .cannotWrite(let path, _), .unknownSealedFormat(let path, _),
            .sealedValueTooShort(let path, _), .cannotDecrypt(let path):
            path
        }
    }

    /// The precise reason, naming the file.
    public var description: String {
        switch self {
        case .missing(let path):
            "the secret file \(path) does not exist (`samlgate init` creates it; --secret-file or "
                + "$SAMLGATE_SECRET_FILE choose another path)"
        case .unreadable(let path, let reason): "the secret file \(path) cannot be read: \(reason)"
        case .notARegularFile(let path, let kind): "the secret file \(path) is a \(kind), not a regular file"
        case .accessibleByOthers(let path, let mode):
            "the secret file \(path) is readable or writable by other users (mode \(Self.octal(mode))); "
                + "run `chmod 600 \(path)`"
        case .wrongLength(let path, let byteCount):
            "the secret file \(path) holds \(byteCount > 65 ? "more than 65" : String(byteCount)) bytes; it must hold "
                + "64 hex digits (the 32-byte key), optionally followed by a newline"
        case .notHex(let path):
            "the secret file \(path) holds a character that is not a hex digit; it must hold 64 hex digits "
                + "(the 32-byte key), optionally followed by a newline"
        case .alreadyExists(let path):
            "the secret file \(path) already exists; it is never replaced, as the SP keys encrypted under it "
                + "would be lost"
        case .cannotCreateDirectory(let path, let directory, let reason):
            "cannot create the directory \(directory) for the secret file \(path): \(reason)"
        case .cannotWrite(let path, let reason): "cannot write the secret file \(path): \(reason)"
        case .unknownSealedFormat(let path, let version):
            "the SP key cannot be decrypted with the secret file \(path): the stored value has format version "
                + "\(version), which this samlgate does not know"
        case .sealedValueTooShort(let path, let byteCount):
            "the SP key cannot be decrypted with the secret file \(path): the stored value is \(byteCount) "
                + "bytes, too short to be an encrypted key"
        case .cannotDecrypt(let path):
            "the SP key cannot be decrypted with the secret file \(path): wrong secret file, or the database "
                + "row was altered"
        }
    }

    /// `errno` as the system's sentence, e.g. `Permission denied`.
    static func systemReason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    private static func octal(_ mode: UInt32) -> String {
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
