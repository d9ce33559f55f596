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
        let (account, settings, keys) = try database.openStore().read { tx in
            let account = try tx.requireAccount(slug: self.account.account)
            return (account, try tx.samlSettings(accountID: account.id), try tx.spKeys(accountID: account.id))
        }
        let published = keys.filter(\.state.isPublished).map(\.certificateDER)
        print(
            ServiceProviderMetadata.xml(
                for: ServiceProvider(slug: account.slug, baseURL: account.baseURL), certificatesDER: published,
                signsRequests: settings.signRequests, groupAttribute: settings.groupAttribute),
            terminator: "")
    }
}
