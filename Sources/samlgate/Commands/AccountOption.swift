import ArgumentParser
import Store

/// `--account SLUG`, shared by the per-account commands.
struct AccountOption: ParsableArguments {
    @Option(help: ArgumentHelp("The account's slug.", valueName: "slug"))
    var account: String

    /// The account's row id, looked up in `transaction`; a missing account is the store's clear error.
    func id(in transaction: StoreTransaction) throws -> Int64 {
        try transaction.requireAccount(slug: account).id
    }
}
