import HTTP
import SAML
import Store

extension SSOGateway {
    /// `GET …/metadata`: the SP metadata, served at the Audience URI itself.
    func metadata(_ context: AccountContext) -> HTTPResponse {
        HTTPResponse(
            status: 200,
            headers: [
                ("Content-Type", "application/samlmetadata+xml; charset=utf-8"), ("Cache-Control", "max-age=300"),
            ],
            body: Array(
                ServiceProviderMetadata.xml(
                    for: context.provider, certificatesDER: context.keys.publishedCertificates,
                    signsRequests: context.settings.signRequests, groupAttribute: context.settings.groupAttribute
                ).utf8)
        ).with(outcome: "metadata")
    }
}
