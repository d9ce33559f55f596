import ArgumentParser
import SAML
import Store

/// `samlgate metadata`: the SP metadata XML, for IdPs that import a file instead of two URLs.
struct MetadataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata", abstract: "Print the account's SP metadata XML (also served at the Audience URI).")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var account: AccountOption

    func run() throws {
        let account = try database.openStore().read { try $0.requireAccount(slug: self.account.account) }
        print(
            ServiceProviderMetadata.xml(for: ServiceProvider(slug: account.slug, baseURL: account.baseURL)),
            terminator: "")
    }
}
