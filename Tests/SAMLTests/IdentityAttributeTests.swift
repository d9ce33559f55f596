import Foundation
@_spi(Testing) import SAML
import TestSupport
import Testing

/// The attribute Names IdPs really send, groups as multi-valued attributes, and what is never read.
struct IdentityAttributeTests {
    static func response(_ attributes: [(String, [String])], policy: IdentityProviderPolicy = IdentityProviderPolicy())
        throws -> Result<AcceptedResponse, Rejection>
    {
        var builder = ResponseBuilder()
        builder.nameIDContent = "_e74c1f"
        builder.attributes = attributes
        return try Validation.run(builder, policy: policy)
    }

    /// SimpleSAMLphp, Shibboleth (basic name format) and LDAP-backed IdPs; Okta set-ups; Entra ID and ADFS.
    @Test(arguments: [
        ["mail", "givenName", "sn"], ["email", "firstName", "lastName"], ["emailAddress", "given_name", "surname"],
        [
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        ],
        ["urn:oid:0.9.2342.19200300.100.1.3", "urn:oid:2.5.4.42", "urn:oid:2.5.4.4"],
    ])
    func theCommonNamesOfEachAttributeAreRead(names: [String]) throws {
        let accepted = try #require(
            try Self.response([(names[0], ["zoe@acme.test"]), (names[1], ["Zoë"]), (names[2], ["Ångström"])]).accepted)
        #expect(accepted.response.identity == "zoe@acme.test")
        #expect(accepted.response.givenName == "Zoë" && accepted.response.familyName == "Ångström")
    }

    @Test func oneAttributeUnderTwoOfItsNamesIsAcceptedWhenBothSayTheSame() throws {
        let same = try Self.response([("mail", ["zoe@acme.test"]), ("email", ["zoe@acme.test"])])
        #expect(same.accepted?.response.identity == "zoe@acme.test")
        let different = try Self.response([("mail", ["zoe@acme.test"]), ("email", ["admin@acme.test"])])
        #expect(different.rejection?.check == .attribute)
        #expect(different.rejection?.reason.contains("different values") == true)
    }

    @Test func groupsAreEveryValueOfTheFirstDefaultAttributePresent() throws {
        let accepted = try #require(
            try Self.response([
                ("mail", ["zoe@acme.test"]),
                ("http://schemas.xmlsoap.org/claims/Group", ["Domain Users"]),
                ("memberOf", ["cn=Support,ou=Groups,dc=acme,dc=test", "cn=Sales,ou=Groups,dc=acme,dc=test"]),
                ("memberOf", ["cn=Admins,ou=Groups,dc=acme,dc=test"]),
            ]).accepted)
        // memberOf comes before ADFS's claim in the defaults; its two Attribute elements add up.
        #expect(
            accepted.response.groups == [
                "cn=Support,ou=Groups,dc=acme,dc=test", "cn=Sales,ou=Groups,dc=acme,dc=test",
                "cn=Admins,ou=Groups,dc=acme,dc=test",
            ])
    }

    @Test(arguments: IdentityProviderPolicy.defaultGroupAttributes)
    func eachDefaultGroupAttributeIsRead(name: String) throws {
        let accepted = try #require(try Self.response([("mail", ["zoe@acme.test"]), (name, ["a", "b"])]).accepted)
        #expect(accepted.response.groups == ["a", "b"])
    }

    @Test func aConfiguredGroupAttributeIsTheOnlyOneRead() throws {
        var policy = IdentityProviderPolicy()
        policy.groupAttributes = ["Role"]
        let accepted = try #require(
            try Self.response(
                [("mail", ["zoe@acme.test"]), ("groups", ["admins"]), ("Role", ["agents"])], policy: policy
            )
            .accepted)
        #expect(accepted.response.groups == ["agents"])
        let none = try #require(try Self.response([("groups", ["admins"])], policy: policy).accepted)
        #expect(none.response.groups == nil)
    }

    @Test func noGroupAttributeIsNilAndAnEmptyOneIsEmpty() throws {
        #expect(try Self.response([("mail", ["zoe@acme.test"])]).accepted?.response.groups == nil)
        #expect(try Self.response([("groups", [])]).accepted?.response.groups == [])
    }

    @Test func entraIDsOverageClaimIsNoticed() throws {
        let accepted = try #require(
            try Self.response([
                (
                    "http://schemas.microsoft.com/claims/groups.link",
                    ["https://graph.windows.net/t/users/u/getMemberObjects"]
                )
            ]).accepted)
        #expect(accepted.response.groups == nil && accepted.response.groupOverage)
    }

    /// Only the Assertion was signed: a group an attacker adds to the Response around it is never read.
    @Test func aGroupInAnUnsignedPartOfTheMessageIsIgnored() throws {
        var builder = ResponseBuilder()
        builder.attributes = [("email", ["alice@example.com"]), ("groups", ["users"])]
        builder.extraResponseXML = """
            <saml:AttributeStatement xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">\
            <saml:Attribute Name="groups"><saml:AttributeValue>admins</saml:AttributeValue></saml:Attribute>\
            </saml:AttributeStatement>
            """
        let accepted = try #require(try Validation.run(builder).accepted)
        #expect(accepted.response.groups == ["users"])
        // Added inside the signed Assertion instead, it breaks the signature.
        let tampered = try builder.encoded(tampering: {
            $0.replacingOccurrences(
                of: "<saml:AttributeValue>users</saml:AttributeValue>",
                with:
                    "<saml:AttributeValue>users</saml:AttributeValue><saml:AttributeValue>admins</saml:AttributeValue>")
        })
        #expect(try Validation.run(tampered, now: builder.now).rejection?.check == .signature)
    }

    @Test func theAttributeNamesReceivedAreKeptOnceEachInOrder() throws {
        let accepted = try #require(
            try Self.response([("mail", ["z@acme.test"]), ("sn", ["Z"]), ("groups", ["a"]), ("groups", ["b"])]).accepted
        )
        #expect(accepted.response.receivedAttributes == ["mail", "sn", "groups"])
    }
}
