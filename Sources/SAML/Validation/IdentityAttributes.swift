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

    init(assertion: XMLElement) throws {
        var found: [IdentityAttribute: String] = [:]
        let attributes = assertion.childElements(named: SAMLName.attributeStatement)
            .flatMap { $0.childElements(named: SAMLName.attribute) }
        for kind in IdentityAttribute.allCases {
            let matching = attributes.filter { kind.names.contains($0.attribute("Name") ?? "") }
            guard !matching.isEmpty else { continue }
            guard matching.count == 1, let attribute = matching.first else {
                throw Rejection(.attribute, "the \(kind.rawValue) attribute is sent more than once", expected: "1",
                    actual: String(matching.count))
            }
            let values = attribute.childElements(named: SAMLName.attributeValue)
            guard values.count == 1, let value = values.first else {
                throw Rejection(.attribute, "the \(kind.rawValue) attribute must have exactly one value", expected: "1",
                    actual: String(values.count))
            }
            switch value.singleTextNode() {
            case .success(let text):
                let trimmed = text.trimmingXMLWhitespace()
                if !trimmed.isEmpty { found[kind] = trimmed }
            case .failure(let problem):
                throw Rejection(.attribute, "the \(kind.rawValue) attribute value must be plain text: it \(problem)")
            }
        }
        email = found[.email]
        givenName = found[.givenName]
        familyName = found[.familyName]
    }
}
