/// One of our AuthnRequests, found unused and now marked used: what the ACS needs of it.
public struct ConsumedRequest: Sendable, Hashable {
    /// The path the user asked for when sign-in started; nil when none was given.
    public let returnPath: String?

    /// Creates the record of a consumed request.
    public init(returnPath: String?) {
        self.returnPath = returnPath
    }
}
