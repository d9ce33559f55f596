@testable import Endpoints
import HTTP
import TestSupport
import Testing

/// The page nginx shows when a session check could not be answered (`error_page 500` in the protect
/// snippet): the failed check's reference, or a new one; never anything else from the request.
@Suite(.timeLimit(.minutes(1)))
struct SSOGatewayUnavailableTests {
    @Test func showsTheReferenceOfTheFailedCheck() throws {
        let harness = try GatewayHarness()
        let reference = ReferenceID.make()
        let response = harness.get("/sso/_check/sso/acme/unavailable", query: "reference=\(reference)")
        #expect(response.status == 503)
        #expect(response.header("Retry-After") == "30")
        #expect(response.header("Cache-Control") == "no-store")
        #expect(GatewayHarness.text(response).contains(reference))
        #expect(GatewayHarness.text(response).contains("cannot check your session"))
        #expect(response.logMetadata["outcome"] == "check_unavailable")
        #expect(response.logMetadata["reference"] == reference)
    }

    @Test func aReferenceThatIsNotOneOfOursIsReplaced() throws {
        let harness = try GatewayHarness()
        for hostile in [
            "SG-<script>x", "SG-ABCDEFGHJ%0d%0aSet-Cookie:x", "SG-ABCDEFGHJKL", "SG-ABCDEFGHI1", "sg-abcdefghjk", "",
        ] {
            let response = harness.get("/sso/acme/unavailable", query: "reference=\(hostile)")
            #expect(response.status == 503)
            let page = GatewayHarness.text(response)
            let shown = try #require(response.logMetadata["reference"])
            #expect(ReferenceID.isWellFormed(shown) && shown != hostile)
            #expect(page.contains(shown))
            #expect(!page.contains("script") && !page.contains("Set-Cookie"))
            for (name, value) in response.headers where !hostile.isEmpty {
                #expect(!value.contains("\n") && !value.contains(hostile), "\(name)")
            }
        }
    }

    @Test func readsNothingFromTheStoreAndAnswersOnlyGetAndHead() throws {
        let harness = try GatewayHarness()
        // No account behind the slug: the page does not look one up.
        #expect(harness.get("/sso/nobody/unavailable").status == 503)
        // Reached from nginx's body-less internal location with the protected request's CONTENT_LENGTH.
        #expect(!harness.gateway.readsBody(path: "/sso/_check/sso/acme/unavailable"))
        let post = harness.post("/sso/acme/unavailable", form: [("reference", ReferenceID.make())])
        #expect(post.status == 405)
        #expect(post.header("Allow") == "GET, HEAD")
    }

    @Test func referenceIDsAreRecognisedExactly() {
        for _ in 0..<100 { #expect(ReferenceID.isWellFormed(ReferenceID.make())) }
        #expect(!ReferenceID.isWellFormed("SG-0000000000"))  // 0 and 1 are not in the alphabet
        #expect(!ReferenceID.isWellFormed("XX-ABCDEFGHJK"))
    }
}
