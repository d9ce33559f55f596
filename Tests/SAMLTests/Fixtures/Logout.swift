import Foundation
import SAML
import TestSupport
import XMLSecurity

/// Runs a built Single Logout message through ``LogoutValidator`` by either binding.
enum Logout {
    static func validator(
        policy: IdentityProviderPolicy = IdentityProviderPolicy(entityID: ResponseBuilder.idpEntityID)
    )
        throws -> LogoutValidator
    {
        LogoutValidator(try Validation.validator(policy: policy))
    }

    static func redirect(
        _ query: String, policy: IdentityProviderPolicy = IdentityProviderPolicy(entityID: ResponseBuilder.idpEntityID),
        now: Date = ResponseBuilder().now
    ) throws -> Result<LogoutMessage, Rejection> {
        try validator(policy: policy).verify(redirectQuery: query, now: now)
    }

    static func post(
        _ builder: LogoutMessageBuilder, tampering edit: (String) -> String = { $0 },
        policy: IdentityProviderPolicy = IdentityProviderPolicy(entityID: ResponseBuilder.idpEntityID),
        now: Date? = nil
    ) throws -> Result<LogoutMessage, Rejection> {
        let value = try builder.postValue(tampering: edit)
        return try validator(policy: policy).verify(
            postedRequest: builder.kind == .request ? value : nil,
            postedResponse: builder.kind == .response ? value : nil,
            relayState: builder.relayState, now: now ?? builder.now)
    }

    /// Both bindings' results for `builder`.
    static func both(_ builder: LogoutMessageBuilder, now: Date? = nil) throws -> [Result<LogoutMessage, Rejection>] {
        [try redirect(builder.redirectQuery(), now: now ?? builder.now), try post(builder, now: now)]
    }
}

extension LogoutMessage {
    /// The request, or nil.
    var request: VerifiedLogoutRequest? {
        if case .request(let request) = content { return request }
        return nil
    }

    /// The response, or nil.
    var response: VerifiedLogoutResponse? {
        if case .response(let response) = content { return response }
        return nil
    }
}
