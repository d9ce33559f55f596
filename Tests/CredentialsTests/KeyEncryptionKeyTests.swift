import Basics
import Foundation
import Testing

@testable import Credentials

/// The secret file: where it is looked for, what is accepted on disk, and how it is created.
struct KeyEncryptionKeyTests {
    static let validHex = String(repeating: "0123456789abcdef", count: 4)

    /// Writes `contents` to `name` in `directory` with `mode` and returns the path.
    func write(_ contents: [UInt8], to name: String, in directory: String, mode: Int = 0o600) throws -> String {
        let path = directory + "/" + name
        try Data(contents).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test func resolvePathPrefersTheOptionThenTheEnvironmentThenTheDefault() {
        let environment = ["SAMLGATE_SECRET_FILE": "/run/env.key"]
        #expect(KeyEncryptionKey.resolvePath("/opt/option.key", environment: environment) == "/opt/option.key")
        #expect(KeyEncryptionKey.resolvePath(nil, environment: environment) == "/run/env.key")
        #expect(
            KeyEncryptionKey.resolvePath(nil, environment: ["SAMLGATE_SECRET_FILE": ""]) == "/etc/samlgate/secret.key")
        #expect(KeyEncryptionKey.resolvePath(nil, environment: [:]) == KeyEncryptionKey.defaultPath)
    }

    @Test(arguments: [validHex + "\n", validHex, validHex.uppercased() + "\n"])
    func loadAcceptsSixtyFourHexDigitsWithAnOptionalNewline(contents: String) throws {
        try withTemporaryDirectory { directory in
            let path = try write(Array(contents.utf8), to: "secret.key", in: directory)
            let key = try KeyEncryptionKey.load(path: path)
            #expect(key.bytes == Hex.decode(Array(Self.validHex.utf8)))
            #expect(key.path == path)
        }
    }

    @Test func loadAcceptsAGroupReadableFile() throws {
        try withTemporaryDirectory { directory in
            let path = try write(Array(Self.validHex.utf8), to: "secret.key", in: directory, mode: 0o640)
            #expect(throws: Never.self) { try KeyEncryptionKey.load(path: path) }
        }
    }

    @Test func loadRefusesAMissingFileNamingIt() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/absent.key"
            let error = #expect(throws: SecretFileError.self) { try KeyEncryptionKey.load(path: path) }
            #expect(error == .missing(path: path))
            #expect(error?.description.contains(path) == true)
            #expect(error?.description.contains("does not exist") == true)
        }
    }

    @Test(arguments: [
        ("raw 32 bytes", [UInt8](repeating: 0xA5, count: 32)),
        ("63 digits", Array(String(validHex.dropLast()).utf8)),
        ("65 digits", Array((validHex + "0").utf8)),
        ("two newlines", Array((validHex + "\n\n").utf8)),
        ("CRLF", Array((validHex + "\r\n").utf8)),
        ("empty", []),
    ])
    func loadRefusesTheWrongLength(label: String, contents: [UInt8]) throws {
        try withTemporaryDirectory { directory in
            let path = try write(contents, to: "secret.key", in: directory)
            let error = #expect(throws: SecretFileError.self, "\(label)") { try KeyEncryptionKey.load(path: path) }
            #expect(error == .wrongLength(path: path, byteCount: min(contents.count, 66)))
            #expect(error?.description.contains(path) == true)
            #expect(error?.description.contains("64 hex digits") == true)
        }
    }

    @Test func loadRefusesWhatIsNotHex() throws {
        try withTemporaryDirectory { directory in
            let path = try write(Array((String(repeating: "g", count: 64) + "\n").utf8), to: "k", in: directory)
            let error = #expect(throws: SecretFileError.self) { try KeyEncryptionKey.load(path: path) }
            #expect(error == .notHex(path: path))
            #expect(error?.description.contains(path) == true)
        }
    }

    @Test(arguments: [0o644, 0o604, 0o602, 0o666])
    func loadRefusesAFileOtherUsersCanReadOrWrite(mode: Int) throws {
        try withTemporaryDirectory { directory in
            let path = try write(Array(Self.validHex.utf8), to: "secret.key", in: directory, mode: mode)
            let error = #expect(throws: SecretFileError.self) { try KeyEncryptionKey.load(path: path) }
            #expect(error == .accessibleByOthers(path: path, mode: UInt32(mode)))
            #expect(error?.description.contains("chmod 600 \(path)") == true)
            #expect(error?.description.contains(String(mode, radix: 8)) == true)
        }
    }

    @Test func loadRefusesADirectory() throws {
        try withTemporaryDirectory { directory in
            let error = #expect(throws: SecretFileError.self) { try KeyEncryptionKey.load(path: directory) }
            #expect(error == .notARegularFile(path: directory, kind: "directory"))
            #expect(error?.description.contains(directory) == true)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func loadRefusesAFIFOWithoutBlocking() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/fifo.key"
            #expect(mkfifo(path, 0o600) == 0)
            let error = #expect(throws: SecretFileError.self) { try KeyEncryptionKey.load(path: path) }
            #expect(error == .notARegularFile(path: path, kind: "FIFO"))
        }
    }

    @Test func createWritesAPrivateFileInANewPrivateDirectoryThatLoadReadsBack() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/etc/samlgate/secret.key"
            let created = try KeyEncryptionKey.create(path: path)
            #expect(try permissions(of: path) == 0o600)
            #expect(try permissions(of: directory + "/etc/samlgate") == 0o700)
            #expect(try permissions(of: directory + "/etc") == 0o700)
            let contents = try String(contentsOfFile: path, encoding: .utf8)
            #expect(contents.count == 65 && contents.hasSuffix("\n"))
            let loaded = try KeyEncryptionKey.load(path: path)
            #expect(loaded.bytes == created.bytes)
            #expect(created.bytes.count == 32)
        }
    }

    @Test func createRefusesAnExistingFileAndLeavesItAlone() throws {
        try withTemporaryDirectory { directory in
            let path = try write(Array("keep me".utf8), to: "secret.key", in: directory)
            let error = #expect(throws: SecretFileError.self) { try KeyEncryptionKey.create(path: path) }
            #expect(error == .alreadyExists(path: path))
            #expect(error?.description.contains(path) == true)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["secret.key"])
        }
    }

    /// The key is linked into place whole: the folder holds the secret file and nothing else afterwards.
    @Test func createLeavesNoTemporaryFileBehind() throws {
        try withTemporaryDirectory { directory in
            _ = try KeyEncryptionKey.create(path: directory + "/secret.key")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["secret.key"])
            var status = stat()
            #expect(stat(directory + "/secret.key", &status) == 0 && status.st_nlink == 1)
        }
    }

    @Test func createDoesNotFollowALinkPlantedAtThePath() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/secret.key"
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: directory + "/elsewhere")
            #expect(throws: SecretFileError.alreadyExists(path: path)) { try KeyEncryptionKey.create(path: path) }
            #expect(!FileManager.default.fileExists(atPath: directory + "/elsewhere"))
        }
    }

    @Test func createRefusesWhenTheParentIsAFile() throws {
        try withTemporaryDirectory { directory in
            let file = try write([0x41], to: "plain", in: directory)
            let path = file + "/secret.key"
            let error = #expect(throws: SecretFileError.self) { try KeyEncryptionKey.create(path: path) }
            #expect(error == .cannotCreateDirectory(path: path, directory: file, reason: "it is not a directory"))
        }
    }

    @Test func loadOrCreateCreatesOnceThenLoads() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/secret.key"
            let first = try KeyEncryptionKey.loadOrCreate(path: path)
            let second = try KeyEncryptionKey.loadOrCreate(path: path)
            #expect(first.created && !second.created)
            #expect(first.key.bytes == second.key.bytes)
        }
    }

    @Test func loadOrCreateStillRefusesABadFile() throws {
        try withTemporaryDirectory { directory in
            let path = try write(Array(Self.validHex.utf8), to: "secret.key", in: directory, mode: 0o644)
            #expect(throws: SecretFileError.accessibleByOthers(path: path, mode: 0o644)) {
                try KeyEncryptionKey.loadOrCreate(path: path)
            }
        }
    }

    @Test func printingAKeyShowsOnlyItsPath() throws {
        let key = KeyEncryptionKey(bytes: [UInt8](repeating: 0xAB, count: 32), path: "/k")
        #expect(String(describing: key) == "KeyEncryptionKey(path: /k)")
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains("171"))
    }
}
