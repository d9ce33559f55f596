import ArgumentParser
import Store

/// `--account SLUG`, shared by the per-account commands.
struct AccountOption: ParsableArguments {
    @Option(help: ArgumentHelp("The account's slug.", valueName: "slug"))
    var account: String
}
