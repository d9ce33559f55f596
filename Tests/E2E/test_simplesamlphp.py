"""Sign-in end to end against SimpleSAMLphp, an IdP independent of the pysaml2/xmlsec one: Debian's package
(PHP, xmlseclibs) serving a throw-away IdP (samlgate_tools.simplesamlphp), samlgate-fcgi behind real nginx
with the shipped snippets, configured from SimpleSAMLphp's own metadata. SimpleSAMLphp requires signed
AuthnRequests from samlgate and encrypts to the SP certificate it read from samlgate's metadata; a
`requests.Session` plays the browser, login form included.

SimpleSAMLphp 1.19 encrypts an assertion (and an EncryptedID) to a certificate with AES-128-CBC, a session
key wrapped by RSA-OAEP-MGF1P, and offers no setting for another block cipher (`sharedkey_algorithm` is
for a pre-shared symmetric key, which samlgate does not use). The other ciphers are made by the same
library's steps: SimpleSAMLphp signs a plaintext assertion, xmlseclibs encrypts it, the Response is signed
again (SimpleSAMLphpIdP.encrypt_assertion).
"""
from __future__ import annotations

import base64
import re
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from samlgate_tools import harness, simplesamlphp

MISSING = simplesamlphp.missing()
if MISSING:
    pytest.skip(f"{MISSING}: scripts/install-deps.sh installs it", allow_module_level=True)

ALICE = simplesamlphp.User("alice@example.com", "alice passphrase", "Alice", "Liddell")

NS = {"samlp": "urn:oasis:names:tc:SAML:2.0:protocol", "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
      "xenc": "http://www.w3.org/2001/04/xmlenc#", "ds": "http://www.w3.org/2000/09/xmldsig#"}
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
RSA_OAEP_MGF1P = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"

# Block cipher → who encrypts: SimpleSAMLphp itself, or xmlseclibs after SimpleSAMLphp signed the assertion.
CIPHERS = {
    "aes128-cbc": ("http://www.w3.org/2001/04/xmlenc#aes128-cbc", "simplesamlphp"),
    "aes256-cbc": ("http://www.w3.org/2001/04/xmlenc#aes256-cbc", "xmlseclibs"),
    "aes256-gcm": ("http://www.w3.org/2009/xmlenc11#aes256-gcm", "xmlseclibs"),
}

# What SimpleSAMLphp's saml20-sp-remote entry for samlgate sets over its parsed metadata.
SP_OPTIONS = {
    "validate.authnrequest": True,  # HTTP-POST AuthnRequests must carry a valid enveloped signature
    "redirect.validate": True,  # HTTP-Redirect ones a valid query signature
    "assertion.encryption": True,
    "NameIDFormat": simplesamlphp.EMAIL_FORMAT,
}


@dataclass
class Site:
    base_url: str
    cli: harness.Samlgate
    idp: simplesamlphp.SimpleSAMLphpIdP
    sp_metadata: str
    sp_certificate: Path
    folder: Path

    @property
    def sp_entity_id(self) -> str:
        return f"{self.base_url}/sso/acme/metadata"

    def configure_sp(self, **changes) -> None:
        """SimpleSAMLphp's entry for samlgate: SP_OPTIONS with `changes` over them."""
        self.idp.add_sp(self.sp_metadata, **{**SP_OPTIONS, **changes})

    def import_idp_metadata(self, *options: str) -> None:
        """`saml set --idp-metadata` with what SimpleSAMLphp publishes now, and `options`."""
        metadata = self.folder / "idp-metadata.xml"
        metadata.write_text(requests.get(self.idp.metadata_url, timeout=10).text)
        self.cli("saml", "set", "--account", "acme", "--idp-metadata", str(metadata), *options)


@pytest.fixture(scope="module")
def site(bins, work, processes):
    folder = work / "simplesamlphp"
    port = harness.free_port()
    base_url = f"http://127.0.0.1:{port}"
    cli = harness.new_site(bins, folder / "samlgate", base_url)
    cli("user", "add", "--account", "acme", "--email", ALICE.email, "--role", "user", "--given-name", "Alice",
        "--family-name", "Old")
    _, socket_path = harness.start_responder_on_socket(processes, bins, folder / "samlgate", "simplesamlphp")
    app, app_port = harness.start_echo_app()
    harness.start_nginx(processes, folder / "samlgate", port, socket_path, app_port)

    sp_metadata = requests.get(f"{base_url}/sso/acme/metadata", timeout=10)
    assert sp_metadata.status_code == 200
    sp_certificate = folder / "sp.crt"
    sp_certificate.write_text(cli("sp-key", "cert", "--account", "acme").stdout)
    idp = simplesamlphp.SimpleSAMLphpIdP(folder / "idp", harness.free_port(), [ALICE])
    built = Site(base_url, cli, idp, sp_metadata.text, sp_certificate, folder)
    built.configure_sp()
    idp.start(processes)
    built.import_idp_metadata("--enable", "--require-encryption")
    yield built
    app.shutdown()


@pytest.fixture(autouse=True)
def defaults(site):
    """Every test starts from the same SimpleSAMLphp entry and samlgate settings."""
    yield
    site.configure_sp()
    site.idp.configure_idp()
    site.cli("saml", "set", "--account", "acme", "--sign-requests", "--request-binding", "redirect",
             "--require-encryption")


def drive(site: Site, session: requests.Session, page: requests.Response) -> tuple[str, dict[str, str]]:
    """Goes on from `page` as a browser with a user would — submits samlgate's auto-post AuthnRequest form,
    fills in SimpleSAMLphp's login form — up to SimpleSAMLphp's auto-post form with the SAMLResponse,
    whose action and fields it returns. Fails on any other page (an IdP error, say)."""
    for _ in range(4):
        action, fields = harness.form_fields(page.text)
        if "SAMLResponse" in fields:
            return action, fields
        if "SAMLRequest" in fields:
            page = session.post(urllib.parse.urljoin(page.url, action), data=fields, timeout=10)
        elif "username" in fields and "AuthState" in fields:
            fields.update(username=ALICE.email, password=ALICE.password)
            page = session.post(urllib.parse.urljoin(page.url, action), data=fields, timeout=10)
        else:
            raise AssertionError(f"no form to go on with at {page.url} ({page.status_code}): {page.text[:3000]}\n"
                                 f"{site.idp.log_tail()}")
    raise AssertionError(f"no SAMLResponse after {page.url}")


def encrypted_with(site: Site, fields: dict[str, str], cipher: str) -> dict[str, str]:
    """The SAMLResponse as it reaches samlgate for `cipher`: SimpleSAMLphp's own for AES-128-CBC, else
    SimpleSAMLphp's plaintext-assertion response encrypted by xmlseclibs."""
    uri, encrypter = CIPHERS[cipher]
    if encrypter == "xmlseclibs":
        response = site.idp.encrypt_assertion(base64.b64decode(fields["SAMLResponse"]), uri, site.sp_certificate)
        fields = {**fields, "SAMLResponse": base64.b64encode(response).decode()}
    return fields


def assert_encrypted(fields: dict[str, str], cipher_uri: str) -> ET.Element:
    """The Response carries one EncryptedAssertion (no plaintext one) under `cipher_uri` with an RSA-OAEP
    key transport, and is signed."""
    root = ET.fromstring(base64.b64decode(fields["SAMLResponse"]))
    assert root.find("saml:Assertion", NS) is None
    encrypted = root.findall("saml:EncryptedAssertion/xenc:EncryptedData", NS)
    assert len(encrypted) == 1
    assert encrypted[0].find("xenc:EncryptionMethod", NS).get("Algorithm") == cipher_uri
    transport = encrypted[0].find(".//xenc:EncryptedKey/xenc:EncryptionMethod", NS)
    assert transport is not None and transport.get("Algorithm") == RSA_OAEP_MGF1P
    assert root.find("ds:Signature", NS) is not None
    return root


def encryption_certificates(metadata: str) -> list[str]:
    """The base64 certificates of the encryption KeyDescriptors in SP metadata, in order."""
    root = ET.fromstring(metadata)
    return ["".join(cert.text.split()) for descriptor in root.iter(f"{{{MD}}}KeyDescriptor")
            if descriptor.get("use") == "encryption" for cert in descriptor.iter(f"{{{NS['ds']}}}X509Certificate")]


def pem_body(path: Path) -> str:
    """The base64 of the one certificate in the PEM file `path`, on one line."""
    return "".join(line for line in path.read_text().splitlines() if not line.startswith("-----"))


def assert_signed_in(site: Site, session: requests.Session, action: str, fields: dict[str, str],
                     path: str) -> None:
    """Posting the form to samlgate's ACS opens a session for Alice that reaches `path` in the app."""
    assert action == f"{site.base_url}/sso/acme/acs"
    acs = session.post(action, data=fields, allow_redirects=False, timeout=10)
    assert acs.status_code == 303, acs.text
    assert acs.headers["Location"] == f"{site.base_url}{path}"
    app = session.get(acs.headers["Location"], allow_redirects=False, timeout=10)
    assert app.status_code == 200, app.text
    seen = {k.lower(): v for k, v in app.json()["headers"].items()}
    assert seen["x-samlgate-email"] == ALICE.email
    assert seen["x-samlgate-given-name"] == ALICE.given_name
    assert seen["x-samlgate-family-name"] == ALICE.family_name  # updated from SimpleSAMLphp's attribute
    assert seen["x-samlgate-auth-method"] == "saml"


def start_sp_initiated(site: Site, session: requests.Session, binding: str) -> requests.Response:
    """Opens the protected app anonymously and follows samlgate to SimpleSAMLphp. Checks that the
    AuthnRequest left signed: a SigAlg/Signature query (redirect) or an enveloped signature (post)."""
    page = session.get(f"{site.base_url}/app/reports", timeout=10)
    first = page.history[0]
    assert first.status_code == 302
    assert first.headers["Location"] == f"{site.base_url}/sso/acme/login?return_to=%2Fapp%2Freports"
    if binding == "redirect":
        login = next(hop for hop in page.history if hop.url.startswith(f"{site.base_url}/sso/acme/login"))
        to_idp = login.headers["Location"]
        assert to_idp.startswith(site.idp.base_url + "saml2/idp/SSOService.php?SAMLRequest=")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(to_idp).query)
        assert query["SigAlg"] == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"]
        assert query["Signature"][0]
    else:
        action, fields = harness.form_fields(page.text)
        assert action == site.idp.base_url + "saml2/idp/SSOService.php"
        request = ET.fromstring(base64.b64decode(fields["SAMLRequest"]))
        assert request.find("ds:Signature", NS) is not None
    return page


def test_idp_metadata_import_takes_the_sso_service_and_request_signing(site):
    settings = site.cli.json("saml", "show", "--account", "acme")
    assert settings["sso_url"] == site.idp.base_url + "saml2/idp/SSOService.php"
    assert settings["idp_entity_id"] == site.idp.entity_id
    assert [c["subject"] for c in settings["certificates"]] == ["CN=SimpleSAMLphp test IdP"]
    assert settings["request_binding"] == "redirect"

    # WantAuthnRequestsSigned (from validate.authnrequest) turns signing on; an HTTP-POST-only IdP gets
    # HTTP-POST requests.
    site.cli("saml", "set", "--account", "acme", "--no-sign-requests")
    site.idp.configure_idp(SingleSignOnServiceBinding=["urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"])
    site.import_idp_metadata()
    settings = site.cli.json("saml", "show", "--account", "acme")
    assert settings["sign_requests"] is True
    assert settings["request_binding"] == "post"


@pytest.mark.parametrize("cipher", list(CIPHERS))
@pytest.mark.parametrize("binding", ["redirect", "post"])
def test_sp_initiated_encrypted_sign_in(site, binding, cipher):
    site.cli("saml", "set", "--account", "acme", "--request-binding", binding)
    uri, encrypter = CIPHERS[cipher]
    site.configure_sp(**{"assertion.encryption": encrypter == "simplesamlphp"})
    session = requests.Session()
    page = start_sp_initiated(site, session, binding)
    action, fields = drive(site, session, page)
    fields = encrypted_with(site, fields, cipher)
    root = assert_encrypted(fields, uri)
    assert root.get("InResponseTo")
    assert fields["RelayState"]
    assert_signed_in(site, session, action, fields, "/app/reports")


@pytest.mark.parametrize("cipher", list(CIPHERS))
def test_idp_initiated_encrypted_sign_in(site, cipher):
    uri, encrypter = CIPHERS[cipher]
    site.configure_sp(**{"assertion.encryption": encrypter == "simplesamlphp"})
    session = requests.Session()
    page = session.get(site.idp.idp_initiated_url(site.sp_entity_id, relay_state="/app/tiles"), timeout=10)
    action, fields = drive(site, session, page)
    fields = encrypted_with(site, fields, cipher)
    root = assert_encrypted(fields, uri)
    assert root.get("InResponseTo") is None
    assert fields["RelayState"] == "/app/tiles"
    assert_signed_in(site, session, action, fields, "/app/tiles")


def idp_error(page: requests.Response) -> str:
    """The text of SimpleSAMLphp's error page, after checking it is one: neither a login form nor a
    response to go on with. (With its classic templates it answers such pages with status 200; with
    `showerrors` the page names the exception.)"""
    _, fields = harness.form_fields(page.text)
    assert "SAMLResponse" not in fields and "username" not in fields, page.text[:3000]
    return page.text


@pytest.mark.parametrize("binding", ["redirect", "post"])
def test_unsigned_request_is_refused(site, binding):
    site.cli("saml", "set", "--account", "acme", "--no-sign-requests", "--request-binding", binding)
    session = requests.Session()
    page = session.get(f"{site.base_url}/sso/acme/login?return_to=%2Fapp%2F", timeout=10)
    if binding == "redirect":
        to_idp = page.history[0].headers["Location"]
        assert "SAMLRequest=" in to_idp and "Signature=" not in to_idp
    else:
        action, fields = harness.form_fields(page.text)
        assert ET.fromstring(base64.b64decode(fields["SAMLRequest"])).find("ds:Signature", NS) is None
        page = session.post(action, data=fields, timeout=10)
    text = idp_error(page)
    assert "no signature found on message" in text


def test_altered_signed_request_is_refused(site):
    """A signed HTTP-Redirect request whose RelayState was changed after signing fails SimpleSAMLphp's check
    of the query signature: it verifies, not only looks for one."""
    session = requests.Session()
    login = session.get(f"{site.base_url}/sso/acme/login?return_to=%2Fapp%2F", allow_redirects=False, timeout=10)
    to_idp = login.headers["Location"]
    parts = urllib.parse.urlsplit(to_idp)
    query = urllib.parse.parse_qsl(parts.query)
    assert [name for name, _ in query] == ["SAMLRequest", "RelayState", "SigAlg", "Signature"]
    altered = [(name, value + "x" if name == "RelayState" else value) for name, value in query]
    text = idp_error(session.get(parts._replace(query=urllib.parse.urlencode(altered)).geturl(), timeout=10))
    assert "Unable to validate signature on query string" in text
    # The unaltered one goes through.
    action, fields = drive(site, session, session.get(to_idp, timeout=10))
    assert action == f"{site.base_url}/sso/acme/acs"


def test_plaintext_assertion_is_refused_when_encryption_is_required(site):
    site.configure_sp(**{"assertion.encryption": False})
    session = requests.Session()
    action, fields = drive(site, session, start_sp_initiated(site, session, "redirect"))
    root = ET.fromstring(base64.b64decode(fields["SAMLResponse"]))
    assert root.find("saml:Assertion", NS) is not None
    refused = session.post(action, data=fields, allow_redirects=False, timeout=10)
    assert refused.status_code == 403
    reference = re.search(r"SG-[A-Z0-9]{10}", refused.text).group(0)
    row = next(row for row in site.cli.json("log", "--account", "acme", "--failures") if row["reference"] == reference)
    assert row["failed_check"] == "encryption_required"
    # Not required, the same kind of response signs in.
    site.cli("saml", "set", "--account", "acme", "--no-require-encryption")
    session = requests.Session()
    action, fields = drive(site, session, start_sp_initiated(site, session, "redirect"))
    assert_signed_in(site, session, action, fields, "/app/reports")


@pytest.mark.parametrize("assertion_encrypted", [False, True], ids=["plaintext-assertion", "encrypted-assertion"])
def test_encrypted_nameid_identifies_the_user(site, assertion_encrypted):
    """With no email attribute released, the user is the NameID, which SimpleSAMLphp sends as an
    EncryptedID (AES-128-CBC) — inside an encrypted assertion or a plaintext, signed one."""
    site.configure_sp(**{
        "nameid.encryption": True,
        "assertion.encryption": assertion_encrypted,
        # Runs between the IdP's NameID filter (10) and attribute map (90): mail leaves only as the NameID.
        "authproc": {50: {"class": "core:AttributeLimit", "0": "givenName", "1": "sn"}},
    })
    if not assertion_encrypted:
        site.cli("saml", "set", "--account", "acme", "--no-require-encryption")
    session = requests.Session()
    action, fields = drive(site, session, start_sp_initiated(site, session, "redirect"))
    root = ET.fromstring(base64.b64decode(fields["SAMLResponse"]))
    if assertion_encrypted:
        assert_encrypted(fields, CIPHERS["aes128-cbc"][0])
    else:
        subject = root.find("saml:Assertion/saml:Subject", NS)
        assert subject.find("saml:NameID", NS) is None
        method = subject.find("saml:EncryptedID/xenc:EncryptedData/xenc:EncryptionMethod", NS)
        assert method.get("Algorithm") == CIPHERS["aes128-cbc"][0]
        names = [a.get("Name") for a in root.iter(f"{{{NS['saml']}}}Attribute")]
        assert sorted(names) == ["urn:oid:2.5.4.4", "urn:oid:2.5.4.42"]
    assert_signed_in(site, session, action, fields, "/app/reports")


def test_sp_key_rollover_without_breaking_sign_in(site):
    """An SP key rollover as an admin runs it against SimpleSAMLphp, which keeps the SP metadata it was
    given until someone imports it again. Runs last: it leaves the account on its new key."""
    cli = site.cli

    def sign_in() -> None:
        session = requests.Session()
        action, fields = drive(site, session, start_sp_initiated(site, session, "redirect"))
        assert_encrypted(fields, CIPHERS["aes128-cbc"][0])
        assert_signed_in(site, session, action, fields, "/app/reports")

    old_metadata = site.sp_metadata
    cli("sp-key", "add", "--account", "acme")
    keys = cli.json("sp-key", "list", "--account", "acme")
    next_id = next(key["id"] for key in keys if key["state"] == "next")
    sign_in()  # SimpleSAMLphp does not know the next key yet: nothing changes

    site.sp_metadata = requests.get(f"{site.base_url}/sso/acme/metadata", timeout=10).text
    # SimpleSAMLphp encrypts to an entry's first encryption certificate: the active key's, listed first.
    assert encryption_certificates(site.sp_metadata)[0] == pem_body(site.sp_certificate)
    assert len(encryption_certificates(site.sp_metadata)) == 2
    site.configure_sp()
    sign_in()  # it knows both now

    cli("sp-key", "activate", "--account", "acme", "--id", str(next_id))
    # Requests are signed with the new key: an IdP that still had only the old metadata refuses them ...
    site.idp.add_sp(old_metadata, **SP_OPTIONS)
    session = requests.Session()
    page = session.get(f"{site.base_url}/sso/acme/login?return_to=%2Fapp%2F", timeout=10)
    assert "Unable to validate signature on query string" in idp_error(page)
    # ... while the one that read the metadata with the next key in it goes on, still encrypting to the
    # now retired key, which samlgate keeps for decryption.
    site.configure_sp()
    sign_in()

    # Imported again, the metadata leads with the new active key.
    site.sp_metadata = requests.get(f"{site.base_url}/sso/acme/metadata", timeout=10).text
    site.sp_certificate.write_text(cli("sp-key", "cert", "--account", "acme").stdout)
    assert encryption_certificates(site.sp_metadata)[0] == pem_body(site.sp_certificate)
    site.configure_sp()
    sign_in()


# -- Single Logout -----------------------------------------------------------------------------------------

POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"


def sign_in(site: Site, session: requests.Session) -> None:
    """Alice signs in through SimpleSAMLphp (its login form when she has no SimpleSAMLphp session)."""
    page = session.get(f"{site.base_url}/sso/acme/login", timeout=10)
    action, fields = drive(site, session, page)
    acs = session.post(action, data=fields, allow_redirects=False, timeout=10)
    assert acs.status_code == 303, acs.text
    assert signed_in(site, session)


def signed_in(site: Site, session: requests.Session) -> bool:
    return session.get(f"{site.base_url}/app/inbox", allow_redirects=False, timeout=10).status_code == 200


def follow(session: requests.Session, response: requests.Response, site: Site, limit: int = 10) -> requests.Response:
    """Follows redirects and auto-posting forms (samlgate's and SimpleSAMLphp's) to a page that is neither."""
    for _ in range(limit):
        if response.status_code in (301, 302, 303):
            response = session.get(urllib.parse.urljoin(response.url, response.headers["Location"]),
                                   allow_redirects=False, timeout=10)
            continue
        action, fields = harness.form_fields(response.text)
        if response.status_code == 200 and ("SAMLRequest" in fields or "SAMLResponse" in fields):
            response = session.post(urllib.parse.urljoin(response.url, action), data=fields, allow_redirects=False,
                                    timeout=10)
            continue
        return response
    raise AssertionError(f"still redirecting at {response.url}")


def sign_out_rows(site: Site) -> list[dict]:
    return [row for row in site.cli.json("log", "--account", "acme", "--limit", "10") if row["event"] == "sign_out"]


def test_idp_metadata_import_takes_the_single_logout_service(site):
    settings = site.cli.json("saml", "show", "--account", "acme")
    assert settings["slo_url"] == site.idp.base_url + "saml2/idp/SingleLogoutService.php"
    assert settings["slo_binding"] == "redirect"


@pytest.fixture()
def logout_binding(site, request):
    """The binding SimpleSAMLphp offers for Single Logout in one test (param), imported into samlgate."""
    if request.param == "post":
        site.idp.configure_idp(SingleLogoutServiceBinding=[POST_BINDING])
        site.import_idp_metadata()
        assert site.cli.json("saml", "show", "--account", "acme")["slo_binding"] == "post"
    yield request.param
    if request.param == "post":
        site.idp.configure_idp()
        site.import_idp_metadata()


@pytest.mark.parametrize("logout_binding", ["redirect", "post"], indirect=True)
def test_sp_initiated_single_logout_ends_the_simplesamlphp_session(site, logout_binding):
    browser = requests.Session()
    sign_in(site, browser)
    page = browser.get(f"{site.base_url}/sso/acme/logout", timeout=10)
    action, fields = harness.form_fields(page.text)
    answer = browser.post(urllib.parse.urljoin(page.url, action), data=fields, allow_redirects=False, timeout=10)
    slo = site.idp.base_url + "saml2/idp/SingleLogoutService.php"
    if logout_binding == "redirect":
        assert answer.status_code == 302 and answer.headers["Location"].startswith(slo + "?SAMLRequest=")
    else:
        action, fields = harness.form_fields(answer.text)
        assert answer.status_code == 200 and action == slo and "SAMLRequest" in fields
    assert not signed_in(site, browser)
    final = follow(browser, answer, site)
    context = f"{final.url}\n{final.text[:800]}\n{site.idp.log_tail()}"
    assert final.url == f"{site.base_url}/sso/acme/signed-out", context
    assert "You are signed out" in final.text
    (confirmed, sent) = sign_out_rows(site)[:2]
    assert confirmed["outcome"] == "accepted" and "confirmed" in confirmed["reason"], confirmed
    assert "sent to" in sent["reason"]
    # SimpleSAMLphp's session is gone: signing in again asks for the password.
    page = browser.get(f"{site.base_url}/sso/acme/login", timeout=10)
    assert "username" in harness.form_fields(page.text)[1], page.text[:500]


@pytest.mark.parametrize("binding", ["redirect", "post"])
def test_idp_initiated_single_logout_ends_the_samlgate_session(site, binding):
    if binding == "post":
        # SimpleSAMLphp logs an SP out by the first SingleLogoutService of its metadata: offer POST only.
        site.configure_sp(SingleLogoutService=[{"Binding": POST_BINDING, "Location": f"{site.base_url}/sso/acme/slo"}])
    browser = requests.Session()
    sign_in(site, browser)
    done = site.idp.base_url + "module.php/core/welcome"
    start = browser.get(site.idp.logout_url(done), allow_redirects=False, timeout=10)
    final = follow(browser, start, site)
    assert not signed_in(site, browser)
    # SimpleSAMLphp accepted samlgate's signed LogoutResponse and went on to the RelayState it was given.
    assert final.url == done or final.url.startswith(done), f"{final.url}\n{final.text[:800]}\n{site.idp.log_tail()}"
    row = sign_out_rows(site)[0]
    assert row["outcome"] == "accepted" and "ended 1 session(s)" in row["reason"], row


def test_an_unsigned_logout_request_from_simplesamlphp_ends_nothing(site):
    browser = requests.Session()
    sign_in(site, browser)
    hop = browser.get(site.idp.logout_url(site.idp.base_url), allow_redirects=False, timeout=10)
    while hop.status_code == 302 and not hop.headers["Location"].startswith(f"{site.base_url}/sso/acme/slo?"):
        hop = browser.get(urllib.parse.urljoin(hop.url, hop.headers["Location"]), allow_redirects=False, timeout=10)
    to_samlgate = hop.headers["Location"]
    assert to_samlgate.startswith(f"{site.base_url}/sso/acme/slo?SAMLRequest="), to_samlgate
    url = urllib.parse.urlsplit(to_samlgate)
    unsigned = "&".join(p for p in url.query.split("&") if not p.startswith(("Signature=", "SigAlg=")))
    refused = browser.get(urllib.parse.urlunsplit(url._replace(query=unsigned)), allow_redirects=False, timeout=10)
    assert refused.status_code == 403 and "Nothing was changed" in refused.text
    assert signed_in(site, browser)
    assert sign_out_rows(site)[0]["failed_check"] == "signature"


def test_idp_initiated_logout_of_one_browser_leaves_the_other_signed_in(site):
    first, second = requests.Session(), requests.Session()
    sign_in(site, first)
    sign_in(site, second)
    final = follow(first, first.get(site.idp.logout_url(site.idp.base_url), allow_redirects=False, timeout=10), site)
    assert final.status_code == 200, site.idp.log_tail()
    assert not signed_in(site, first)
    assert signed_in(site, second), "the other browser's SessionIndex was not named"
