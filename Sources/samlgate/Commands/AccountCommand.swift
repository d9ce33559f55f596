import ArgumentParser
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
                from it, never from request headers.
                """)

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Account slug: lower-case letters, digits and '-', used in URLs (/sso/SLUG/…).")
        var slug: String
        @Option(help: ArgumentHelp("Public base URL of the application.", valueName: "url"))
        var baseURL: String
        @Option(help: "Display name (default: the slug).")
        var name: String?

        func run() throws {
            let store = try database.openStore()
            let account = try store.write { try $0.addAccount(slug: slug, name: name ?? slug, baseURL: baseURL) }
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
