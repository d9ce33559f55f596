import XMLSecurity

/// A NameID exactly as the IdP sent it: the value and the attributes that qualify it.
///
/// Single Logout names the user by the NameID of their sign-in, and IdPs compare all of it: a
/// LogoutRequest must carry the Format and qualifiers the Assertion had, byte for byte (an IdP that
/// sent `SPNameQualifier` and gets a LogoutRequest without it finds no session to end).
public struct NameIdentifier: Sendable, Hashable {
    /// The NameID's text, untrimmed.
    public var value: String
    /// `Format`, when sent.
    public var format: String?
    /// `NameQualifier`, when sent.
    public var nameQualifier: String?
    /// `SPNameQualifier`, when sent.
    public var spNameQualifier: String?

    /// A NameID with the given parts.
    public init(value: String, format: String? = nil, nameQualifier: String? = nil, spNameQualifier: String? = nil) {
        self.value = value
        self.format = format
        self.nameQualifier = nameQualifier
        self.spNameQualifier = spNameQualifier
    }

    /// Reads a `saml:NameID` element whose text was already checked to be one text node.
    init(element: LibXMLElement, text: String) {
        self.init(
            value: text, format: element.attribute("Format"), nameQualifier: element.attribute("NameQualifier"),
            spNameQualifier: element.attribute("SPNameQualifier"))
    }

    /// The `saml:NameID` element, for a message we send (the `saml` prefix must be declared around it).
    public var xml: String {
        var attributes = ""
        if let format { attributes += #" Format="\#(XMLEscaping.attribute(format))""# }
        if let nameQualifier { attributes += #" NameQualifier="\#(XMLEscaping.attribute(nameQualifier))""# }
        if let spNameQualifier { attributes += #" SPNameQualifier="\#(XMLEscaping.attribute(spNameQualifier))""# }
        return "<saml:NameID\(attributes)>\(XMLEscaping.attribute(value))</saml:NameID>"
    }
}
