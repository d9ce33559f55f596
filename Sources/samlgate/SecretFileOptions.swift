import ArgumentParser
import Credentials

/// `--secret-file PATH`: the key-encryption key that seals the SP private keys, kept outside the database.
struct SecretFileOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Path of the secret file that encrypts the SP private keys.",
            discussion: "Default: $SAMLGATE_SECRET_FILE, else \(KeyEncryptionKey.defaultPath).",
            valueName: "path"))
    var secretFile: String?

    /// The resolved path.
    var path: String { KeyEncryptionKey.resolvePath(secretFile) }

    /// The existing secret file's key; a missing one is an error that says how to create it.
    func load() throws -> KeyEncryptionKey {
        try KeyEncryptionKey.load(path: path)
    }
}
