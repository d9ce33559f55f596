import Credentials
import Foundation
import XMLSecurity

/// The attributes of a verified Assertion samlgate uses: email, given name and family name (rule 10),
/// and the groups the identity rules read.
///
/// Each identity attribute used must have exactly one value that is a single text node: two values
/// would make "which one?" an attacker's choice. An IdP may send one under several of its names (`mail`
/// and `email`); that is accepted when every copy says the same, and refused when they differ.
///
/// Groups are multi-valued: every plain-text value of every Attribute with the group attribute's Name, in
/// order.
struct IdentityAttributes {
    var email: String?
    var givenName: String?
    var familyName: String?
    /// The groups, when a group attribute was sent (empty when it had no values).
    var groups: [String]?
    /// The common group attributes present when there are several and none was configured: which one is
    /// the user's groups is then not for samlgate to guess (one may carry values users can set).
    var ambiguousGroupAttributes: [String]?
    /// Whether Entra ID sent its group overage claim (a link to look the groups up) instead of groups.
    var groupOverage = false
    /// The Names of the attributes received, in order, each once (for the log when a user is unknown).
    var received: [String] = []

    /// The claim Entra ID sends instead of the groups claim when a user is in more groups than fit in a token.
    static let entraGroupOverageClaim = "http://schemas.microsoft.com/claims/groups.link"

    /// The attributes of `assertion`; groups from the first of `groupAttributes` present (none: not read).
    init(assertion: LibXMLElement, groupAttributes: [String] = []) throws(Rejection) {
        // One read of each Attribute's Name, grouped by kind (the kinds' Names are disjoint); then the
        // checks run kind by kind in declaration order, so the first problem reported stays the same.
        let kinds = IdentityAttribute.allCases
        var matching = [[LibXMLElement]](repeating: [], count: kinds.count)
        var groupCandidates: [(name: String, attribute: LibXMLElement)] = []
        var seen = Set<String>()
        for statement in assertion.childElements(named: SAMLName.attributeStatement) {
            for attribute in statement.childElements(named: SAMLName.attribute) {
                let name = attribute.attribute("Name") ?? ""
                if seen.insert(name).inserted { received.append(name) }
                if name == Self.entraGroupOverageClaim { groupOverage = true }
                if groupAttributes.contains(name) { groupCandidates.append((name, attribute)) }
                guard let index = kinds.firstIndex(where: { $0.names.contains(name) }) else { continue }
                matching[index].append(attribute)
            }
        }
        for (kind, found) in zip(kinds, matching) where !found.isEmpty {
            var value: String?
            for attribute in found {
                let text = try Self.singleValue(of: attribute, kind: kind)
                guard let previous = value else {
                    value = text
                    continue
                }
                guard previous == text else {
                    throw Rejection(
                        .attribute, "the \(kind.rawValue) attribute is sent more than once, with different values",
                        expected: "1", actual: String(found.count))
                }
            }
            guard let value, !value.isEmpty else { continue }
            switch kind {
            case .email: email = value
            case .givenName: givenName = value
            case .familyName: familyName = value
            }
        }
        let present = groupAttributes.filter { name in groupCandidates.contains { $0.name == name } }
        if present.count > 1 { ambiguousGroupAttributes = present }
        if let chosen = present.first {
            var values: [String] = []
            for candidate in groupCandidates where candidate.name == chosen {
                values += Self.values(of: candidate.attribute)
            }
            groups = values
        }
    }

    /// The one value of an identity attribute, trimmed.
    private static func singleValue(of attribute: LibXMLElement, kind: IdentityAttribute) throws(Rejection) -> String {
        let values = attribute.childElements(named: SAMLName.attributeValue)
        guard values.count == 1, let value = values.first else {
            throw Rejection(
                .attribute, "the \(kind.rawValue) attribute must have exactly one value", expected: "1",
                actual: String(values.count))
        }
        switch value.singleTextNode() {
        case .success(let text):
            return text.trimmingXMLWhitespace()
        case .failure(let problem):
            throw Rejection(.attribute, "the \(kind.rawValue) attribute value must be plain text: it \(problem)")
        }
    }

    /// Every value of a group attribute that is plain text, trimmed; empty ones and any other (an element,
    /// a comment) are left out: a group no one can read is no group, and groups alone never refuse a sign-in.
    private static func values(of attribute: LibXMLElement) -> [String] {
        attribute.childElements(named: SAMLName.attributeValue).compactMap { value in
            guard case .success(let text) = value.singleTextNode() else { return nil }
            let trimmed = text.trimmingXMLWhitespace()
            return trimmed.isEmpty ? nil : trimmed
        }
    }
}
