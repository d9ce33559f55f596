import HTTP

extension SSOGateway {
    /// `GET …/sso/{slug}/unavailable?reference=SG-…`: the page a signed-in (or anonymous) visitor sees when
    /// the session check could not be answered — the store unreachable or busy. nginx's protect snippet sends
    /// the protected request here (`error_page 500`) with the reference from the failed check's
    /// `X-Samlgate-Reference`, so the visitor's screenshot names the log line with the reason.
    ///
    /// It reads nothing from the store, which is what just failed. A reference that is not exactly one
    /// of ours (this address is public too) is replaced by a new one, logged here.
    func checkUnavailablePage(_ request: HTTPRequest) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return methodNotAllowed(request, .unavailable)
        }
        let given = FormData(urlEncoded: request.query).single("reference").flatMap {
            ReferenceID.isWellFormed($0) ? $0 : nil
        }
        let reference = given ?? ReferenceID.make()
        var response = pages.error(
            status: 503, title: "Sign-in unavailable",
            message: "The sign-in service cannot check your session right now. Please try again in a moment; "
                + "if it persists, give your administrator this reference.",
            reference: reference)
        response.headers += [("Retry-After", "30"), ("Cache-Control", "no-store")]
        response.logMetadata = ["outcome": "check_unavailable", "reference": reference]
        return response
    }
}
