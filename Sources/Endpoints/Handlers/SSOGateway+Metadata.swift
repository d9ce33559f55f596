import HTTP
import SAML

extension SSOGateway {
    /// `GET …/metadata`: the SP metadata, served at the Audience URI itself.
    func metadata(_ context: AccountContext) -> HTTPResponse {
        HTTPResponse(
            status: 200,
            headers: [
                ("Content-Type", "application/samlmetadata+xml; charset=utf-8"), ("Cache-Control", "max-age=300"),
            ],
            body: Array(ServiceProviderMetadata.xml(for: context.provider).utf8)
        ).with(outcome: "metadata")
    }
}
