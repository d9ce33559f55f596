import ArgumentParser

/// `samlgate-bench`: in-process measurements without HTTP — the validation floor and, for memory checks, the
/// full sign-in path through the gateway and the database.
@main
struct SamlgateBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samlgate-bench", abstract: "In-process samlgate benchmarks.",
        subcommands: [ValidateBenchmark.self, GatewayBenchmark.self], defaultSubcommand: ValidateBenchmark.self)
}
