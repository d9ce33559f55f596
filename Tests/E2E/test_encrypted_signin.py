"""Signed AuthnRequests and encrypted assertions end to end: real nginx with the shipped snippets, samlgate-fcgi,
and the pysaml2 IdP reading samlgate's SP metadata (through nginx), refusing AuthnRequests not signed by a key
in it, and encrypting its responses to a certificate from it.

The IdP keeps the SP metadata it fetched until it is told to fetch it again (POST /sp-metadata), as an IdP with
a cached copy does; the key rollover test relies on that to encrypt to a key samlgate no longer publishes.
"""
from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace

import pytest
import requests

from samlgate_tools import harness

EMAIL = "alice@example.com"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
XENC = "http://www.w3.org/2001/04/xmlenc#"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
CONTENT_ALGORITHMS = {
    "aes128-cbc": XENC + "aes128-cbc",
    "aes192-cbc": XENC + "aes192-cbc",
    "aes256-cbc": XENC + "aes256-cbc",
    "aes128-gcm": "http://www.w3.org/2009/xmlenc11#aes128-gcm",
    "aes192-gcm": "http://www.w3.org/2009/xmlenc11#aes192-gcm",
    "aes256-gcm": "http://www.w3.org/2009/xmlenc11#aes256-gcm",
}


@pytest.fixture(scope="module")
def site(bins, python_for_idp, work, processes):
    """nginx + samlgate-fcgi for account `acme`, and an IdP that requires signed requests and encrypts
    (aes256-cbc to the first encryption certificate of samlgate's metadata unless a request says otherwise)."""
    port = harness.free_port()
    base_url = f"http://127.0.0.1:{port}"
    folder = work / "encrypted"
    cli = harness.new_site(bins, folder, base_url)
    cli("user", "add", "--account", "acme", "--email", EMAIL, "--role", "user")
    idp = harness.start_idp(processes, python_for_idp, folder, f"{base_url}/sso/acme/acs",
                            f"{base_url}/sso/acme/metadata", [f"{EMAIL}:Alice:Liddell"],
                            ["--sp-metadata-url", f"{base_url}/sso/acme/metadata", "--require-signed-requests",
                             "--encrypt", "aes256-cbc"])
    cli("saml", "set", "--account", "acme", "--sso-url", f"{idp}/sso", "--cert", str(harness.IDP_CERT), "--enable")
    _, socket_path = harness.start_responder_on_socket(processes, bins, folder, "encrypted")
    app, app_port = harness.start_echo_app()
    harness.start_nginx(processes, folder, port, socket_path, app_port)
    yield {"base_url": base_url, "idp": idp, "cli": cli}
    app.shutdown()


@pytest.fixture()
def request_binding(site, request):
    """The account's AuthnRequest binding for one test (param: redirect or post), back to redirect after it."""
    site["cli"]("saml", "set", "--account", "acme", "--request-binding", request.param)
    yield request.param
    site["cli"]("saml", "set", "--account", "acme", "--request-binding", "redirect")


def sp_keys(site) -> list[dict]:
    return site["cli"].json("sp-key", "list", "--account", "acme")


def fingerprint(key: dict) -> str:
    return key["sha256"].replace(":", "").lower()


def idp_sp_metadata(site, refresh: bool = False) -> dict:
    """What the IdP knows of samlgate's metadata: SHA-256 fingerprints of its signing and encryption certificates."""
    url = f"{site['idp']}/sp-metadata"
    answer = requests.post(url, timeout=10) if refresh else requests.get(url, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


@dataclass(frozen=True)
class Outbound:
    """An AuthnRequest on its way to the IdP: the IdP's URL and the binding's fields, with, for HTTP-Redirect,
    the query exactly as samlgate wrote it (what its signature covers)."""

    url: str
    fields: dict[str, str]
    query: str | None  # None: HTTP-POST

    @property
    def binding(self) -> str:
        return "post" if self.query is None else "redirect"

    def with_fields(self, **changed: str) -> Outbound:
        fields = {**self.fields, **changed}
        return replace(self, fields=fields, query=None if self.query is None else urllib.parse.urlencode(fields))


def start_login(site, session: requests.Session, path: str) -> Outbound:
    """The app sends the anonymous browser to samlgate's login, which sends it on to the IdP."""
    base = site["base_url"]
    anonymous = session.get(base + path, allow_redirects=False, timeout=10)
    assert anonymous.status_code == 302
    login = session.get(anonymous.headers["Location"], allow_redirects=False, timeout=10)
    if login.status_code == 302:
        url = urllib.parse.urlsplit(login.headers["Location"])
        return Outbound(urllib.parse.urlunsplit(url._replace(query="")),
                        dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True)), url.query)
    assert login.status_code == 200, login.text
    action, fields = harness.form_fields(login.text)
    return Outbound(action, fields, None)


def send_to_idp(outbound: Outbound, **idp_options: str) -> requests.Response:
    """The browser carries the AuthnRequest to the IdP; `user=` (and any response options) answer its login."""
    extra = {"user": EMAIL, **idp_options}
    if outbound.query is not None:
        # The IdP's own fields go after samlgate's query, which stays as it was signed.
        return requests.get(f"{outbound.url}?{outbound.query}&{urllib.parse.urlencode(extra)}", timeout=30)
    return requests.post(outbound.url, data={**outbound.fields, **extra}, timeout=30)


def post_to_acs(site, session: requests.Session, idp_page: requests.Response) -> requests.Response:
    assert idp_page.status_code == 200, idp_page.text
    action, fields = harness.form_fields(idp_page.text)
    assert action == f"{site['base_url']}/sso/acme/acs"
    return session.post(action, data=fields, allow_redirects=False, timeout=10)


def encryption_of(idp_page: requests.Response) -> tuple[str | None, bool]:
    """(content algorithm of the EncryptedAssertion, or None when the assertion is in plaintext; whether the
    sent Response anywhere shows the user's email in clear)."""
    _, fields = harness.form_fields(idp_page.text)
    xml = base64.b64decode(fields["SAMLResponse"])
    root = ET.fromstring(xml)
    encrypted = root.find(f"{{{SAML}}}EncryptedAssertion")
    if encrypted is None:
        assert root.find(f"{{{SAML}}}Assertion") is not None
        return None, EMAIL.encode() in xml
    method = encrypted.find(f"{{{XENC}}}EncryptedData/{{{XENC}}}EncryptionMethod").get("Algorithm")
    return method, EMAIL.encode() in xml


def assert_signed_in(site, session: requests.Session, acs: requests.Response, path: str) -> None:
    assert acs.status_code == 303, acs.text
    assert acs.headers["Location"] == site["base_url"] + path
    assert acs.headers["Set-Cookie"].startswith("samlgate_acme=")
    app = session.get(site["base_url"] + path, allow_redirects=False, timeout=10)
    assert app.status_code == 200
    seen = {k.lower(): v for k, v in app.json()["headers"].items()}
    assert seen["x-samlgate-email"] == EMAIL
    assert seen["x-samlgate-auth-method"] == "saml"


def refusal(site, response: requests.Response) -> dict:
    """The sign-in log's row for a refused response, found by the reference on samlgate's error page."""
    assert response.status_code == 403, response.text
    reference = re.search(r"SG-[A-Z0-9]{10}", response.text).group(0)
    log = site["cli"].json("log", "--account", "acme", "--failures")
    return next(entry for entry in log if entry["reference"] == reference)


def encrypted_to(idp_page: requests.Response) -> str:
    """SHA-256 of the certificate the EncryptedAssertion's key was encrypted to (pysaml2 names it in KeyInfo)."""
    _, fields = harness.form_fields(idp_page.text)
    root = ET.fromstring(base64.b64decode(fields["SAMLResponse"]))
    cert = root.find(f"{{{SAML}}}EncryptedAssertion/{{{XENC}}}EncryptedData/{DS}KeyInfo/{{{XENC}}}EncryptedKey/"
                     f"{DS}KeyInfo/{DS}X509Data/{DS}X509Certificate")
    return hashlib.sha256(base64.b64decode(cert.text)).hexdigest()


def sign_in(site, path: str, **idp_options: str) -> requests.Response:
    """A whole SP-initiated sign-in, checking the IdP encrypted as asked (by default: aes256-cbc); returns the
    IdP's page (its response, for inspection)."""
    session = requests.Session()
    idp_page = send_to_idp(start_login(site, session, path), **idp_options)
    algorithm = idp_options.get("encrypt", "aes256-cbc")
    if algorithm != "none" and idp_options.get("encrypt_what") != "name-id":
        assert encryption_of(idp_page) == (CONTENT_ALGORITHMS[algorithm], False)
        if "encrypt_to" in idp_options:
            assert encrypted_to(idp_page) == idp_options["encrypt_to"]
    assert_signed_in(site, session, post_to_acs(site, session, idp_page), path)
    return idp_page


def test_the_idp_reads_the_keys_from_samlgate_metadata(site):
    (active,) = sp_keys(site)
    known = idp_sp_metadata(site)
    assert known["signing"] == [fingerprint(active)]
    assert known["encryption"] == [fingerprint(active)]


@pytest.mark.parametrize("request_binding", ["redirect", "post"], indirect=True)
@pytest.mark.parametrize("algorithm", sorted(CONTENT_ALGORITHMS))
def test_sp_initiated_encrypted_sign_in(site, request_binding, algorithm):
    path = f"/app/{request_binding}/{algorithm}"
    session = requests.Session()
    outbound = start_login(site, session, path)
    assert (outbound.url, outbound.binding) == (f"{site['idp']}/sso", request_binding)
    if request_binding == "redirect":
        assert outbound.fields["SigAlg"] == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
        assert outbound.fields["Signature"]
    else:
        assert set(outbound.fields) == {"SAMLRequest", "RelayState"}
        assert b"<ds:Signature" in base64.b64decode(outbound.fields["SAMLRequest"])
    idp_page = send_to_idp(outbound, encrypt=algorithm)
    assert encryption_of(idp_page) == (CONTENT_ALGORITHMS[algorithm], False)
    assert_signed_in(site, session, post_to_acs(site, session, idp_page), path)
    (latest,) = site["cli"].json("log", "--account", "acme", "--limit", "1")
    assert (latest["outcome"], latest["email"], latest["reason"]) == ("accepted", EMAIL, "signed in (SP-initiated)")


@pytest.mark.parametrize("what", ["both", "name-id"])
def test_encrypted_name_id(site, what):
    """An EncryptedID, inside the EncryptedAssertion or in a plaintext Assertion."""
    idp_page = sign_in(site, f"/app/name-id/{what}", encrypt="aes256-gcm", encrypt_what=what)
    method, email_in_clear = encryption_of(idp_page)
    assert method == (CONTENT_ALGORITHMS["aes256-gcm"] if what == "both" else None)
    # With only the NameID encrypted, the email attribute beside it stays readable.
    assert email_in_clear == (what == "name-id")
    _, fields = harness.form_fields(idp_page.text)
    assert (b"EncryptedID" in base64.b64decode(fields["SAMLResponse"])) == (what == "name-id")


def test_idp_initiated_encrypted_sign_in(site):
    session = requests.Session()
    idp_page = requests.get(f"{site['idp']}/idp-initiated", timeout=30,
                            params={"user": EMAIL, "relay_state": "/app/tile", "encrypt": "aes128-gcm"})
    assert encryption_of(idp_page) == (CONTENT_ALGORITHMS["aes128-gcm"], False)
    assert_signed_in(site, session, post_to_acs(site, session, idp_page), "/app/tile")
    (latest,) = site["cli"].json("log", "--account", "acme", "--limit", "1")
    assert (latest["outcome"], latest["reason"]) == ("accepted", "signed in (IdP-initiated)")


@pytest.mark.parametrize("request_binding", ["redirect", "post"], indirect=True)
def test_the_idp_refuses_unsigned_and_altered_requests(site, request_binding):
    cli = site["cli"]
    before = requests.get(f"{site['idp']}/last-response", timeout=10).text

    # A signed request changed on the way: the signed RelayState of the query, or the ACS URL inside the
    # enveloped signature.
    outbound = start_login(site, requests.Session(), "/app/altered")
    assert outbound.binding == request_binding
    if request_binding == "redirect":
        altered = outbound.with_fields(RelayState=outbound.fields["RelayState"][::-1])
    else:
        acs = f'AssertionConsumerServiceURL="{site["base_url"]}/sso/acme/acs"'.encode()
        xml = base64.b64decode(outbound.fields["SAMLRequest"])
        assert acs in xml
        altered = outbound.with_fields(SAMLRequest=base64.b64encode(
            xml.replace(acs, b'AssertionConsumerServiceURL="http://127.0.0.1:9/sso/acme/acs"')).decode())
    refused = send_to_idp(altered)
    assert refused.status_code == 403 and "signature missing or invalid" in refused.text

    cli("saml", "set", "--account", "acme", "--no-sign-requests")
    try:
        outbound = start_login(site, requests.Session(), "/app/unsigned")
        if request_binding == "redirect":
            assert "Signature" not in outbound.fields and "SigAlg" not in outbound.fields
        else:
            assert b"Signature" not in base64.b64decode(outbound.fields["SAMLRequest"])
        refused = send_to_idp(outbound)
        assert refused.status_code == 403 and "signature missing or invalid" in refused.text
    finally:
        cli("saml", "set", "--account", "acme", "--sign-requests")
    assert requests.get(f"{site['idp']}/last-response", timeout=10).text == before  # nothing was issued
    sign_in(site, "/app/signed-again")


def test_require_encryption_refuses_a_plaintext_assertion(site):
    cli = site["cli"]
    sign_in(site, "/app/plain-allowed", encrypt="none")  # accepted while encryption is optional
    cli("saml", "set", "--account", "acme", "--require-encryption")
    try:
        session = requests.Session()
        idp_page = send_to_idp(start_login(site, session, "/app/plain"), encrypt="none")
        assert encryption_of(idp_page) == (None, True)
        acs = post_to_acs(site, session, idp_page)
        assert "Set-Cookie" not in acs.headers
        row = refusal(site, acs)
        assert row["failed_check"] == "encryption_required" and row["outcome"] == "rejected"
        assert session.get(f"{site['base_url']}/app/plain", allow_redirects=False, timeout=10).status_code == 302
        # An encrypted NameID does not make the Assertion around it encrypted.
        session = requests.Session()
        idp_page = send_to_idp(start_login(site, session, "/app/name-id-only"), encrypt="aes256-gcm",
                               encrypt_what="name-id")
        assert refusal(site, post_to_acs(site, session, idp_page))["failed_check"] == "encryption_required"
        sign_in(site, "/app/encrypted-required", encrypt="aes256-gcm")
    finally:
        cli("saml", "set", "--account", "acme", "--no-require-encryption")


@pytest.mark.parametrize("options", [{"encrypt": "tripledes-cbc"},
                                     {"encrypt": "aes256-cbc", "key_transport": "rsa-1_5"}],
                         ids=["3des-pysaml2-default", "rsa-1_5-key-transport"])
def test_weak_encryption_is_refused(site, options):
    """pysaml2's own default content algorithm (3DES) and RSA-1.5 key transport are refused, and logged."""
    session = requests.Session()
    idp_page = send_to_idp(start_login(site, session, "/app/weak"), **options)
    assert encryption_of(idp_page)[0] == (XENC + "tripledes-cbc" if options["encrypt"] == "tripledes-cbc"
                                          else CONTENT_ALGORITHMS["aes256-cbc"])
    row = refusal(site, post_to_acs(site, session, idp_page))
    assert row["failed_check"] == "decryption"


def encrypted_response(site, python: str, folder, sign: str) -> str:
    """An unsolicited response from `samlidp.py response`, its Assertion encrypted (aes192-gcm) to the
    certificate `samlgate sp-key cert` prints; base64."""
    cert = folder / "sp.pem"
    cert.write_text(site["cli"]("sp-key", "cert", "--account", "acme").stdout)
    base = site["base_url"]
    made = subprocess.run(
        [python, str(harness.REPO / "Tests" / "IdP" / "samlidp.py"), "response", "--acs",
         f"{base}/sso/acme/acs", "--audience", f"{base}/sso/acme/metadata", "--email", EMAIL,
         "--key", str(harness.IDP_KEY), "--cert", str(harness.IDP_CERT), "--sign", sign,
         "--encrypt", "aes192-gcm", "--encrypt-cert", str(cert)],
        capture_output=True, text=True, check=True)
    encoded = made.stdout.strip()
    xml = base64.b64decode(encoded)
    assert b"EncryptedAssertion" in xml and EMAIL.encode() not in xml
    return encoded


@pytest.mark.parametrize("sign", ["response", "both"])
def test_response_signature_over_the_encrypted_assertion(site, python_for_idp, tmp_path, sign):
    """The Response signed after its Assertion was encrypted, alone or with the Assertion signed inside."""
    encoded = encrypted_response(site, python_for_idp, tmp_path, sign)
    base = site["base_url"]
    session = requests.Session()
    acs = session.post(f"{base}/sso/acme/acs", data={"SAMLResponse": encoded, "RelayState": "/app/signed-response"},
                       allow_redirects=False, timeout=10)
    assert_signed_in(site, session, acs, "/app/signed-response")
    # The same bytes once more: refused as a replay although the assertion was never seen in clear on the wire.
    assert refusal(site, requests.post(f"{base}/sso/acme/acs", data={"SAMLResponse": encoded},
                                       allow_redirects=False, timeout=10))["failed_check"] == "replay"


def test_encryption_is_not_a_signature(site, python_for_idp, tmp_path):
    """Anyone can encrypt to the SP's public certificate: an encrypted assertion signed by nobody is refused."""
    encoded = encrypted_response(site, python_for_idp, tmp_path, "none")
    row = refusal(site, requests.post(f"{site['base_url']}/sso/acme/acs", data={"SAMLResponse": encoded},
                                      allow_redirects=False, timeout=10))
    assert row["failed_check"] == "signature"


def test_key_rollover(site):
    cli = site["cli"]
    (old,) = sp_keys(site)
    assert old["state"] == "active"

    # A next key: published for signing and encryption beside the active one; an IdP that fetched the
    # metadata since may encrypt to it before it is activated.
    cli("sp-key", "add", "--account", "acme")
    new = next(key for key in sp_keys(site) if key["id"] != old["id"])
    assert new["state"] == "next"
    known = idp_sp_metadata(site, refresh=True)
    assert sorted(known["encryption"]) == sorted([fingerprint(old), fingerprint(new)])
    assert sorted(known["signing"]) == sorted(known["encryption"])
    sign_in(site, "/app/to-next", encrypt_to=fingerprint(new), encrypt="aes128-gcm")
    sign_in(site, "/app/to-active", encrypt_to=fingerprint(old))

    # Activated: the old key is retired. The IdP still has the metadata with both keys (requests are now
    # signed with the new key, which that copy lists) and may still encrypt to the old one.
    cli("sp-key", "activate", "--account", "acme", "--id", str(new["id"]))
    states = {key["id"]: key["state"] for key in sp_keys(site)}
    assert states == {old["id"]: "retired", new["id"]: "active"}
    sign_in(site, "/app/to-retired", encrypt_to=fingerprint(old))
    sign_in(site, "/app/to-new-active", encrypt_to=fingerprint(new))
    cli("saml", "set", "--account", "acme", "--request-binding", "post")
    try:
        sign_in(site, "/app/to-retired-by-post", encrypt_to=fingerprint(old))
    finally:
        cli("saml", "set", "--account", "acme", "--request-binding", "redirect")

    # Removed: an assertion encrypted to the old key can no longer be opened; the active key still works.
    cli("sp-key", "remove", "--account", "acme", "--id", str(old["id"]))
    assert [key["id"] for key in sp_keys(site)] == [new["id"]]
    session = requests.Session()
    idp_page = send_to_idp(start_login(site, session, "/app/to-removed"), encrypt_to=fingerprint(old))
    assert encryption_of(idp_page) == (CONTENT_ALGORITHMS["aes256-cbc"], False)
    assert encrypted_to(idp_page) == fingerprint(old)
    acs = post_to_acs(site, session, idp_page)
    assert "Set-Cookie" not in acs.headers
    assert refusal(site, acs)["failed_check"] == "decryption"
    sign_in(site, "/app/after-removal", encrypt_to=fingerprint(new))

    # Refreshed, the IdP knows only the new key, for signing and encryption.
    known = idp_sp_metadata(site, refresh=True)
    assert known["encryption"] == [fingerprint(new)] and known["signing"] == [fingerprint(new)]
    unknown = send_to_idp(start_login(site, requests.Session(), "/app/gone"), encrypt_to=fingerprint(old))
    assert unknown.status_code == 400 and "no such encryption certificate" in unknown.text
    sign_in(site, "/app/after-refresh")
