/// An IdP's SingleLogoutService for one binding: where LogoutRequests go and, when the IdP names a
/// separate one, where LogoutResponses go.
public struct SingleLogoutEndpoint: Sendable, Hashable {
    /// `Location`.
    public let location: String
    /// `ResponseLocation`, when given.
    public let responseLocation: String?

    /// An endpoint with these URLs.
    public init(location: String, responseLocation: String?) {
        self.location = location
        self.responseLocation = responseLocation
    }
}
