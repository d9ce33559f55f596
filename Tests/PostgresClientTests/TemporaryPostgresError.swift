/// Why the test cluster could not be set up, with the command's output when one failed.
struct TemporaryPostgresError: Error, CustomStringConvertible {
    let description: String
}
