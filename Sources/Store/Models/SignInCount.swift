/// How many sign-ins of one account ended one way: a row of the metrics' sign-in counter.
public struct SignInCount: Sendable, Hashable {
    /// The account's slug.
    public let account: String
    /// `saml` or `password`.
    public let method: String
    /// `accepted` or `rejected`.
    public let outcome: String
    /// The failed check of a rejection (a fixed name such as `audience` or `password`); `""` when accepted.
    public let check: String
    /// Sign-ins counted.
    public let count: Int64

    /// One counter row.
    public init(account: String, method: String, outcome: String, check: String, count: Int64) {
        self.account = account
        self.method = method
        self.outcome = outcome
        self.check = check
        self.count = count
    }
}
