/// The SAML parameters of an HTTP-Redirect binding query as they arrived, still percent-encoded.
///
/// A query signature (bindings §3.4.4.1) covers the parameters' octets exactly as they appear in
/// the URL, in the fixed order `SAMLRequest|SAMLResponse`, `RelayState`, `SigAlg`. So the signed
/// octets are rebuilt here from the raw encoded values, never from decoded ones: a receiver that
/// re-encodes would accept a signature over a different spelling of the message, and one that
/// signs what it decoded would refuse every IdP that encodes differently from it.
public struct RedirectQuery: Sendable, Hashable {
    /// Which message parameter carried the message.
    public let parameter: RedirectBinding.Parameter
    /// The message parameter's value as received.
    public let encodedMessage: String
    /// `RelayState` as received, when present.
    public let encodedRelayState: String?
    /// `SigAlg` as received, when present.
    public let encodedSignatureAlgorithm: String?
    /// `Signature` as received, when present.
    public let encodedSignature: String?

    /// Why a query is not a redirect-binding message.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// Neither `SAMLRequest` nor `SAMLResponse`, or both.
        case noMessage
        /// A SAML parameter given more than once: which one the signature covers would be ambiguous.
        case repeated(String)

        /// The reason, for the log.
        public var description: String {
            switch self {
            case .noMessage: "the query must carry exactly one of SAMLRequest and SAMLResponse"
            case .repeated(let name): "the query carries \(name) more than once"
            }
        }
    }

    /// Splits `query` (the part after `?`, as received) into the binding's parameters; other
    /// parameters are ignored, as the binding allows.
    public init(query: String) throws(Problem) {
        var values: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let equals = pair.firstIndex(of: "=") {
                name = pair[..<equals]
                value = pair[pair.index(after: equals)...]
            } else {
                name = pair
                value = ""
            }
            guard Self.names.contains(String(name)) else { continue }
            guard values.updateValue(String(value), forKey: String(name)) == nil else {
                throw .repeated(String(name))
            }
        }
        let request = values[RedirectBinding.Parameter.request.rawValue]
        let response = values[RedirectBinding.Parameter.response.rawValue]
        switch (request, response) {
        case (let value?, nil):
            parameter = .request
            encodedMessage = value
        case (nil, let value?):
            parameter = .response
            encodedMessage = value
        default:
            throw .noMessage
        }
        encodedRelayState = values["RelayState"]
        encodedSignatureAlgorithm = values["SigAlg"]
        encodedSignature = values["Signature"]
    }

    private static let names: Set<String> = ["SAMLRequest", "SAMLResponse", "RelayState", "SigAlg", "Signature"]

    /// The octets the signature covers: `parameter=…[&RelayState=…]&SigAlg=…` as received; nil
    /// without a `SigAlg`.
    public var signedOctets: [UInt8]? {
        guard let encodedSignatureAlgorithm else { return nil }
        var text = parameter.rawValue + "=" + encodedMessage
        if let encodedRelayState { text += "&RelayState=" + encodedRelayState }
        text += "&SigAlg=" + encodedSignatureAlgorithm
        return Array(text.utf8)
    }
}
