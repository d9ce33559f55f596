import ArgumentParser
import Credentials
import Foundation
import SAML
import Store

/// `samlgate sp-key …`: the account's own key pairs, which sign AuthnRequests and decrypt assertions.
///
/// Rollover without an outage: `add` makes a `next` key (published in metadata, so the IdP can start
/// encrypting to it), `activate` makes it the one that signs and retires the old one (still decrypts),
/// `remove` drops a `next` or `retired` key.
struct SPKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sp-key", abstract: "List, add, activate and remove the account's SP keys; print a certificate.",
        subcommands: [List.self, Add.self, Activate.self, Remove.self, Cert.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the account's SP keys.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption
        @Flag(help: "Print a JSON array of {id, state, sha256, not_after, created_at}.") var json = false

        func run() throws {
            let keys = try database.openStore().read { tx in try tx.spKeys(accountID: account.id(in: tx)) }
            if json {
                print(
                    JSONValue.array(
                        keys.map { key in
                            .object([
                                ("id", .int(Int(key.id))), ("state", .string(key.state.rawValue)),
                                ("sha256", .string(key.sha256)), ("not_after", .string(SAMLTime.format(key.notAfter))),
                                ("created_at", .string(SAMLTime.format(key.createdAt))),
                            ])
                        }
                    ).serialized())
                return
            }
            if keys.isEmpty { print("No SP keys. Add one with: samlgate sp-key add --account \(account.account)") }
            for key in keys {
                print(
                    Terminal.row([
                        String(key.id), key.state.rawValue, key.sha256, "expires " + SAMLTime.format(key.notAfter),
                    ]))
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate or import an SP key: the account's first key is active, later ones are next.",
            discussion: """
                A new key is published in the SP metadata as soon as it is added, so an IdP that reads the \
                metadata can encrypt to it; activate it once the IdP knows it. --import-key and \
                --import-cert bring an existing RSA key pair (PEM); a key that does not match its \
                certificate is refused.
                """)
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var secret: SecretFileOptions
        @OptionGroup var account: AccountOption
        @Option(help: "RSA key size: 2048, 3072 or 4096.") var bits = 2048
        @Option(help: "Days the self-signed certificate is valid.") var days = 3650
        @Option(help: ArgumentHelp("An RSA private key to import (PEM).", valueName: "file")) var importKey: String?
        @Option(help: ArgumentHelp("Its certificate (PEM).", valueName: "file")) var importCert: String?

        func validate() throws {
            guard (importKey == nil) == (importCert == nil) else {
                throw ValidationError("--import-key and --import-cert go together")
            }
            guard (1...36_500).contains(days) else { throw ValidationError("--days must be between 1 and 36500") }
        }

        func run() throws {
            let key = try secret.load()
            let material: SPKeyMaterial
            if let importKey, let importCert {
                material = try SPKeyMaterial.importing(
                    keyPEM: try Self.read(importKey), certificatePEM: try Self.read(importCert))
            } else {
                material = try SPKeyMaterial.generate(
                    bits: bits, days: days, commonName: SPKeySealing.commonName(slug: account.account))
            }
            let added = try database.openStore().write { tx in
                let accountID = try account.id(in: tx)
                let existing = try tx.spKeys(accountID: accountID)
                let state: SPKey.State = existing.contains { $0.state == .active } ? .next : .active
                return try SPKeySealing.store(
                    material, state: state, accountID: accountID, key: key, transaction: tx)
            }
            print("Added SP key \(added.id) (\(added.state.rawValue)), SHA-256 \(added.sha256).")
            if added.state == .next {
                print("It is in the SP metadata now; once the IdP has it, run:")
                print("  samlgate sp-key activate --account \(account.account) --id \(added.id)")
            }
        }

        /// A PEM file of at most 1 MiB (a key and a certificate are a few KiB).
        static func read(_ path: String) throws -> [UInt8] {
            guard let handle = FileHandle(forReadingAtPath: path) else { throw CLIError("cannot read \(path)") }
            defer { try? handle.close() }
            let limit = 1 << 20
            guard let data = try handle.read(upToCount: limit + 1) else { return [] }
            guard data.count <= limit else {
                throw CLIError("\(path) is larger than 1 MiB: not a PEM key or certificate")
            }
            return [UInt8](data)
        }
    }

    struct Activate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a next key the active one; the previous active key is retired (it still decrypts).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption
        @Option(help: "The key's id (see sp-key list).") var id: Int64

        func run() throws {
            try database.openStore().write { tx in try tx.activateSPKey(accountID: account.id(in: tx), id: id) }
            print("SP key \(id) is active; the previous active key is retired.")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a next or retired key (the active key cannot be removed).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption
        @Option(help: "The key's id (see sp-key list).") var id: Int64

        func run() throws {
            try database.openStore().write { tx in try tx.removeSPKey(accountID: account.id(in: tx), id: id) }
            print("Removed SP key \(id).")
        }
    }

    struct Cert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an SP key's certificate as PEM (default: the active key), for IdPs that want a file.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var account: AccountOption
        @Option(help: "The key's id (default: the active key).") var id: Int64?

        func run() throws {
            let keys = try database.openStore().read { tx in try tx.spKeys(accountID: account.id(in: tx)) }
            let chosen = id.map { id in keys.first { $0.id == id } } ?? keys.first { $0.state == .active }
            guard let chosen else {
                throw CLIError(
                    id.map { "account \(account.account) has no SP key \($0)" }
                        ?? "account \(account.account) has no active SP key (add one with: samlgate sp-key add)")
            }
            print(try Certificate(der: chosen.certificateDER).pem, terminator: "")
        }
    }
}
