import HTTP
import Testing

@testable import FastCGI

@Suite struct CGIRequestMappingTests {
    @Test func mapsAGetWithQueryAndHeaders() throws {
        let request = try CGIRequestMapping.request(parameters: [
            "FCGI_ROLE": "RESPONDER", "REQUEST_METHOD": "get", "REQUEST_URI": "/help/sso/acme/login?return_to=%2Fx",
            "QUERY_STRING": "return_to=%2Fx", "HTTP_COOKIE": "a=b", "HTTP_X_FORWARDED_FOR": "10.0.0.1",
            "HTTP_HOST": "help.example.com", "REMOTE_ADDR": "127.0.0.1",
        ])
        #expect(request.role == .responder)
        #expect(request.method == "GET")
        #expect(request.path == "/help/sso/acme/login")
        #expect(request.query == "return_to=%2Fx")
        #expect(request.headers == ["cookie": "a=b", "x-forwarded-for": "10.0.0.1", "host": "help.example.com"])
        #expect(request.parameters["REMOTE_ADDR"] == "127.0.0.1")
        #expect(request.remoteAddress == "127.0.0.1")
    }

    @Test func contentTypeAndLengthBecomeHeaders() throws {
        let request = try CGIRequestMapping.request(
            parameters: [
                "REQUEST_METHOD": "POST", "REQUEST_URI": "/acs", "CONTENT_TYPE": "application/x-www-form-urlencoded",
                "CONTENT_LENGTH": "3",
            ],
            body: [1, 2, 3])
        #expect(request.headers["content-type"] == "application/x-www-form-urlencoded")
        #expect(request.headers["content-length"] == "3")
        #expect(request.body == [1, 2, 3])
        #expect(!request.bodyTooLarge)
    }

    @Test func authorizerRole() throws {
        let request = try CGIRequestMapping.request(parameters: ["FCGI_ROLE": "AUTHORIZER", "REQUEST_URI": "/app/"])
        #expect(request.role == .authorizer)
        #expect(request.method == "GET")
    }

    @Test func filterRoleIsRefused() {
        #expect(throws: FastCGIError.unsupportedRole("FILTER")) {
            try CGIRequestMapping.request(parameters: ["FCGI_ROLE": "FILTER"])
        }
    }

    @Test func tooLargeNeverCarriesABody() throws {
        let request = try CGIRequestMapping.request(parameters: ["REQUEST_URI": "/"], body: [1], bodyTooLarge: true)
        #expect(request.bodyTooLarge)
        #expect(request.body.isEmpty)
    }

    @Test(
        arguments: [
            (["REQUEST_URI": "/a/b?x=1"], "/a/b", "x=1"),
            (["REQUEST_URI": "/a%20b/c?"], "/a%20b/c", ""),
            (["REQUEST_URI": "http://evil.example/sso/acme/acs?q"], "/sso/acme/acs", "q"),
            (["REQUEST_URI": "https://h"], "/", ""),
            (["REQUEST_URI": "/p#frag"], "/p", ""),
            (["DOCUMENT_URI": "/doc/uri"], "/doc/uri", ""),
            (["SCRIPT_NAME": "/sso", "PATH_INFO": "/acme/metadata"], "/sso/acme/metadata", ""),
            (["SCRIPT_NAME": "", "PATH_INFO": ""], "/", ""),
            ([:], "/", ""),
            (["REQUEST_URI": "/a?from=uri", "QUERY_STRING": "from=qs"], "/a", "from=qs"),
        ] as [([String: String], String, String)])
    func pathAndQuery(parameters: [String: String], path: String, query: String) throws {
        let request = try CGIRequestMapping.request(parameters: parameters)
        #expect(request.path == path)
        #expect(request.query == query)
    }

    @Test func emptyOrOddHeaderParameters() throws {
        let request = try CGIRequestMapping.request(parameters: ["HTTP_": "x", "CONTENT_LENGTH": "", "HTTP_A_B_C": "v"])
        #expect(request.headers == ["a-b-c": "v"])
    }
}
