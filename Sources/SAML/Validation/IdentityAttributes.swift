import Credentials
import Foundation
import XMLSecurity

/// The email, given name and family name attributes of a verified Assertion (rule 10).
///
/// Each attribute used must appear once with exactly one value that is a single text node: two
/// values, or the same attribute under two of its names, would make "which one?" an attacker's choice.
struct IdentityAttributes {
    var email: String?
    var givenName: String?
    var familyName: String?

    init(assertion: LibXMLElement) throws(Rejection) {
        // One read of each Attribute's Name, grouped by kind (the kinds' Names are disjoint); then the
        // checks run kind by kind in declaration order, so the first problem reported stays the same.
        let kinds = IdentityAttribute.allCases
        var matching = [[LibXMLElement]](repeating: [], count: kinds.count)
        for statement in assertion.childElements(named: SAMLName.attributeStatement) {
            for attribute in statement.childElements(named: SAMLName.attribute) {
                let name = attribute.attribute("Name") ?? ""
                guard let index = kinds.firstIndex(where: { $0.names.contains(name) }) else { continue }
                matching[index].append(attribute)
            }
        }
        for (kind, found) in zip(kinds, matching) where !found.isEmpty {
            guard found.count == 1, let attribute = found.first else {
                throw Rejection(
                    .attribute, "the \(kind.rawValue) attribute is sent more than once", expected: "1",
                    actual: String(found.count))
            }
            let values = attribute.childElements(named: SAMLName.attributeValue)
            guard values.count == 1, let value = values.first else {
                throw Rejection(
                    .attribute, "the \(kind.rawValue) attribute must have exactly one value", expected: "1",
                    actual: String(values.count))
            }
            switch value.singleTextNode() {
            case .success(let text):
                let trimmed = text.trimmingXMLWhitespace()
                guard !trimmed.isEmpty else { continue }
                switch kind {
                case .email: email = trimmed
                case .givenName: givenName = trimmed
                case .familyName: familyName = trimmed
                }
            case .failure(let problem):
                throw Rejection(.attribute, "the \(kind.rawValue) attribute value must be plain text: it \(problem)")
            }
        }
    }
}
