import ArgumentParser
import Credentials
import SAML
import Store

/// `samlgate account …`: the applications (tenants) samlgate signs users in to.
struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "Add and list accounts.", subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account.",
            discussion: """
                The base URL is the public address of the application, with any path prefix and no trailing \
                slash (e.g. https://help.example.com or https://example.com/helpdesk). Every SAML URL is derived \
                from it, never from request headers. The account gets its first SP key (it signs \
                AuthnRequests and decrypts assertions), sealed under the secret file.
                """)

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var secret: SecretFileOptions
        @Argument(help: "Account slug: lower-case letters, digits and '-', used in URLs (/sso/SLUG/…).")
        var slug: String
        @Option(help: ArgumentHelp("Public base URL of the application.", valueName: "url"))
        var baseURL: String
        @Option(help: "Display name (default: the slug).")
        var name: String?
        @Option(help: "Size of the first SP key: 2048, 3072 or 4096 bits.")
        var keyBits = 2048

        func run() throws {
            let store = try database.openStore()
            let key = try secret.load()
            let material = try SPKeyMaterial.generate(
                bits: keyBits, days: 3650, commonName: SPKeySealing.commonName(slug: slug))
            let account = try store.write { tx in
                let account = try tx.addAccount(slug: slug, name: name ?? slug, baseURL: baseURL)
                _ = try SPKeySealing.store(material, state: .active, accountID: account.id, key: key, transaction: tx)
                return account
            }
            let provider = ServiceProvider(slug: account.slug, baseURL: account.baseURL)
            print("Added account \(account.slug) (\(account.name)).")
            print("Give your identity provider these two values:")
            print("  Post-back URL (ACS):  \(provider.postbackURL)")
            print("  Audience URI:         \(provider.audienceURI)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")

        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print a JSON array of {slug, name, base_url}.") var json = false

        func run() throws {
            let accounts = try database.openStore().read { try $0.accounts() }
            if json {
                print(
                    JSONValue.array(
                        accounts.map {
                            .object([
                                ("slug", .string($0.slug)), ("name", .string($0.name)),
                                ("base_url", .string($0.baseURL)),
                            ])
                        }
                    ).serialized())
                return
            }
            if accounts.isEmpty {
                print("No accounts. Add one with: samlgate account add SLUG --base-url URL")
            }
            for account in accounts {
                print(Terminal.row([account.slug, account.name, account.baseURL]))
            }
        }
    }
}
