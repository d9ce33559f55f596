import Credentials

/// An account's identity rules: who of the users the IdP vouches for may sign in, and as what.
///
/// They run inside the sign-in's transaction, on values read only from the verified Assertion: the domain
/// before the user is looked up, the groups after. Domains and groups compare with ASCII case folding only,
/// like identities (``Identity/key(_:)``), byte for byte: Active Directory treats `Support` and `support` as
/// one group, and Unicode folding or canonical equivalence would let lookalike names match.
public struct IdentityRules: Sendable, Hashable {
    /// When not empty, the identity must end in `@` and one of these (no subdomains).
    public var emailDomains: [String]
    /// When not empty, the user must be in one of these groups.
    public var requiredGroups: [String]
    /// When not empty, a member of one of these groups is made `admin`, anyone else `user`.
    public var adminGroups: [String]
    /// The attributes groups are read from (the policy's ``IdentityProviderPolicy/groupAttributes``), named
    /// when none arrived.
    public var groupAttributes: [String]

    /// Rules with the given lists; empty lists are rules not set. `groupAttribute` is the account's own
    /// group attribute, nil for the common ones.
    public init(
        emailDomains: [String] = [], requiredGroups: [String] = [], adminGroups: [String] = [],
        groupAttribute: String? = nil
    ) {
        self.emailDomains = emailDomains
        self.requiredGroups = requiredGroups
        self.adminGroups = adminGroups
        groupAttributes = groupAttribute.map { [$0] } ?? IdentityProviderPolicy.defaultGroupAttributes
    }

    /// Throws `email_domain` unless the identity's domain (after its last `@`) is one of ``emailDomains``.
    public func checkDomain(of identity: String) throws(Rejection) {
        guard !emailDomains.isEmpty else { return }
        let domain = identity.lastIndex(of: "@").map { String(identity[identity.index(after: $0)...]) }
        let allowed = Set(emailDomains.map(Self.key))
        guard let domain, !domain.isEmpty, allowed.contains(Self.key(domain)) else {
            throw Rejection(
                .emailDomain, "the identity \(identity) is not in an email domain this account accepts",
                expected: emailDomains.map { "@" + $0 }.joined(separator: " or "),
                actual: domain.map { "@" + $0 } ?? "no @domain")
        }
    }

    /// Throws `group` unless the user is in one of ``requiredGroups``; the reason says when the IdP sent
    /// no group attribute at all, or Entra ID's overage claim instead of the groups.
    public func checkGroups(of response: VerifiedResponse) throws(Rejection) {
        guard !requiredGroups.isEmpty else { return }
        let expected = requiredGroups.joined(separator: " or ")
        if let names = response.ambiguousGroupAttributes {
            throw Rejection(
                .group,
                "the IdP sent groups in more than one attribute (\(names.joined(separator: ", "))): name the one "
                    + "to read as the group attribute", expected: "one group attribute", actual: String(names.count))
        }
        guard let groups = response.groups else {
            if response.groupOverage {
                throw Rejection(
                    .group,
                    "Entra ID sent a link to the user's groups instead of the groups (the user is in too many "
                        + "groups for a token)", expected: expected, actual: "the groups.link overage claim")
            }
            throw Rejection(
                .group, "the IdP sent no group attribute (looked for \(groupAttributes.joined(separator: ", ")))",
                expected: expected, actual: "no group attribute")
        }
        guard Self.intersects(groups, requiredGroups) else {
            throw Rejection(
                .group, "the user is in none of the groups this account requires", expected: expected,
                actual: groups.isEmpty ? "no groups" : Self.summary(groups))
        }
    }

    /// Whether the admin groups make the user `admin` (true) or `user` (false); nil when none are set,
    /// so the role stays as the admin set it.
    ///
    /// Groups from several of the common attributes at once are no one's: the user is made `user`.
    public func grantsAdmin(_ response: VerifiedResponse) -> Bool? {
        guard !adminGroups.isEmpty else { return nil }
        guard response.ambiguousGroupAttributes == nil else { return false }
        return Self.intersects(response.groups ?? [], adminGroups)
    }

    private static func intersects(_ groups: [String], _ wanted: [String]) -> Bool {
        let keys = Set(wanted.map(key))
        return groups.contains { keys.contains(key($0)) }
    }

    /// The bytes names compare by: `String` equality would make canonically equivalent text (a decomposed
    /// accent, U+037E for `;`) equal.
    private static func key(_ name: String) -> [UInt8] { Array(Identity.key(name).utf8) }

    /// The first groups, for a log line of bounded length.
    private static func summary(_ groups: [String]) -> String {
        let shown = groups.prefix(10).joined(separator: ", ")
        return groups.count > 10 ? shown + " and \(groups.count - 10) more" : shown
    }
}
