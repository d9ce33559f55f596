import ArgumentParser
import Credentials
import Foundation
import Store

/// `samlgate init`: create the database or bring its schema up to date.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the database, or apply pending schema migrations.",
        discussion: """
            Safe to run again: migrations already applied are skipped. Creates the SQLite file's parent folder if missing. \
            Creates the secret file (mode 0600) when it does not exist, and gives every account without an \
            SP key its first one (RSA 2048, valid 10 years). Back the secret file up with the database: \
            without it the SP keys cannot be used.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var secret: SecretFileOptions

    func run() throws {
        let path = database.path
        let folder = Store.isPostgreSQLURL(path) ? "" : (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
            } catch {
                throw CLIError("cannot create the folder \(folder): \(error.localizedDescription)")
            }
        }
        let store = try Store(path: path, create: true)
        let applied = try store.migrate()
        if applied.isEmpty {
            print("Database \(store.path) is up to date.")
        } else {
            print("Initialised database \(store.path) (applied: \(applied.joined(separator: ", "))).")
        }
        // A database with sealed keys and no secret file lost its file: making a new one would strand them.
        if !FileManager.default.fileExists(atPath: secret.path), try store.read({ try $0.anySPKey() }) != nil {
            throw CLIError(
                "the database holds SP keys sealed under a secret file, and there is none at \(secret.path): restore "
                    + "that file there, or point --secret-file or $SAMLGATE_SECRET_FILE at it")
        }
        let (key, created) = try KeyEncryptionKey.loadOrCreate(path: secret.path)
        if created { print("Created the secret file \(secret.path) (mode 0600); back it up with the database.") }
        try store.read { tx in try SPKeySealing.checkOpensStoredKeys(with: key, transaction: tx) }
        for account in try store.read({ try $0.accountsWithoutSPKey() }) {
            let material = try SPKeyMaterial.generate(
                bits: 2048, days: 3650, commonName: SPKeySealing.commonName(slug: account.slug))
            let added = try store.write { tx -> SPKey? in
                // Another command may have given the account a key meanwhile: then it keeps that one.
                guard try !tx.spKeys(accountID: account.id).contains(where: { $0.state == .active }) else { return nil }
                return try SPKeySealing.store(
                    material, state: .active, accountID: account.id, key: key, transaction: tx)
            }
            if let added { print("Gave account \(account.slug) its first SP key (\(added.sha256)).") }
        }
    }
}
