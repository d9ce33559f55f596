"""Self-test of the test IdP: run with the venv's python, `python -m pytest Tests/IdP`.

Signatures are checked with the xmlsec1 CLI, independently of pysaml2, so these tests
show that what samlgate will receive is verifiable by a third implementation.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html.parser
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
import zlib

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SAMLIDP = os.path.join(HERE, "samlidp.py")

NS = {
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
}
ASSERTION_ID = "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"
RESPONSE_ID = "urn:oasis:names:tc:SAML:2.0:protocol:Response"
ACS = "https://help.example.test/sso/acme/acs"
AUDIENCE = "https://help.example.test/sso/acme/metadata"


def run_idp(*args: str) -> str:
    res = subprocess.run([sys.executable, SAMLIDP, *args], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout


@pytest.fixture(scope="session")
def rsa_keys(tmp_path_factory):
    out = tmp_path_factory.mktemp("rsa")
    run_idp("keys", "--out", str(out))
    return str(out / "key.pem"), str(out / "cert.pem")


@pytest.fixture(scope="session")
def ec_keys(tmp_path_factory):
    out = tmp_path_factory.mktemp("ec")
    run_idp("keys", "--out", str(out), "--type", "ec")
    return str(out / "key.pem"), str(out / "cert.pem")


def make_response(keys, *extra: str) -> bytes:
    key, cert = keys
    out = run_idp("response", "--acs", ACS, "--audience", AUDIENCE, "--email", "ann@example.test",
                  "--key", key, "--cert", cert, *extra)
    lines = out.split()
    assert len(lines) == 1
    return base64.b64decode(lines[0], validate=True)


def xmlsec_verify(xml: bytes, cert: str, tmp_path, *id_attrs: str, node_xpath: str | None = None) -> bool:
    path = tmp_path / f"msg-{os.urandom(4).hex()}.xml"
    path.write_bytes(xml)
    cmd = ["xmlsec1", "--verify", "--pubkey-cert-pem", cert]
    for attr in id_attrs:
        cmd += ["--id-attr:ID", attr]
    if node_xpath:
        cmd += ["--node-xpath", node_xpath]
    res = subprocess.run(cmd + [str(path)], capture_output=True, text=True)
    return res.returncode == 0


def check_common(root: ET.Element, *, in_response_to: str | None, email: str = "ann@example.test",
                 acs: str = ACS, audience: str = AUDIENCE):
    """What every response must carry; returns (assertion element, {name: [values]})."""
    assert root.tag == f"{{{NS['samlp']}}}Response"
    assert root.get("Version") == "2.0"
    status = root.find("samlp:Status/samlp:StatusCode", NS)
    assert status.get("Value") == "urn:oasis:names:tc:SAML:2.0:status:Success"
    assertions = root.findall(".//saml:Assertion", NS)
    assert len(assertions) == 1
    a = assertions[0]
    nameid = a.find("saml:Subject/saml:NameID", NS)
    assert nameid.get("Format") == "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    assert nameid.text == email
    sc = a.find("saml:Subject/saml:SubjectConfirmation", NS)
    assert sc.get("Method") == "urn:oasis:names:tc:SAML:2.0:cm:bearer"
    scd = sc.find("saml:SubjectConfirmationData", NS)
    assert scd.get("Recipient") == acs
    assert scd.get("NotOnOrAfter")
    assert scd.get("InResponseTo") == in_response_to
    assert root.get("InResponseTo") == in_response_to
    audiences = [e.text for e in a.findall("saml:Conditions/saml:AudienceRestriction/saml:Audience", NS)]
    assert audiences == [audience]
    attrs = {e.get("Name"): [v.text for v in e.findall("saml:AttributeValue", NS)]
             for e in a.findall("saml:AttributeStatement/saml:Attribute", NS)}
    assert attrs["email"] == [email]
    return a, attrs


# --------------------------------------------------------------------------------------
# `response`
# --------------------------------------------------------------------------------------


def test_assertion_signed_by_default(rsa_keys, tmp_path):
    xml = make_response(rsa_keys, "--in-response-to", "_req1", "--given-name", "Ann",
                        "--family-name", "Lee", "--issuer", "https://idp.example.test")
    root = ET.fromstring(xml)
    a, attrs = check_common(root, in_response_to="_req1")
    assert root.get("Destination") == ACS
    assert attrs == {"email": ["ann@example.test"], "given_name": ["Ann"], "family_name": ["Lee"]}
    assert a.find("saml:Issuer", NS).text == "https://idp.example.test"
    assert a.find("ds:Signature", NS) is not None
    assert root.find("ds:Signature", NS) is None
    sig = a.find("ds:Signature/ds:SignedInfo", NS)
    assert sig.find("ds:SignatureMethod", NS).get("Algorithm").endswith("rsa-sha256")
    assert sig.find("ds:Reference", NS).get("URI") == "#" + a.get("ID")
    assert xmlsec_verify(xml, rsa_keys[1], tmp_path, ASSERTION_ID)


def attributes(xml: bytes) -> dict[str, list[str]]:
    """The Assertion's attributes by Name, exactly as spelled, each with its values in order."""
    assertion = ET.fromstring(xml).find("saml:Assertion", NS)
    return {e.get("Name"): [v.text for v in e.findall("saml:AttributeValue", NS)]
            for e in assertion.findall("saml:AttributeStatement/saml:Attribute", NS)}


def test_groups_and_ldap_attribute_names(rsa_keys, tmp_path):
    xml = make_response(rsa_keys, "--given-name", "Ann", "--family-name", "Lee", "--attribute-names", "ldap",
                        "--group", "cn=Support,dc=acme", "--group", "Équipe Zürich",
                        "--group-attribute", "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups")
    assert attributes(xml) == {
        "mail": ["ann@example.test"], "givenName": ["Ann"], "sn": ["Lee"],
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups": ["cn=Support,dc=acme", "Équipe Zürich"]}
    assert xmlsec_verify(xml, rsa_keys[1], tmp_path, ASSERTION_ID)
    # Without --group there is no group attribute at all; the default Name is `groups`.
    assert "groups" not in attributes(make_response(rsa_keys))
    assert attributes(make_response(rsa_keys, "--group", "staff"))["groups"] == ["staff"]


def test_wrong_certificate_does_not_verify(rsa_keys, ec_keys, tmp_path):
    xml = make_response(rsa_keys)
    assert not xmlsec_verify(xml, ec_keys[1], tmp_path, ASSERTION_ID)


def test_response_signed(rsa_keys, tmp_path):
    xml = make_response(rsa_keys, "--sign", "response")
    root = ET.fromstring(xml)
    a, _ = check_common(root, in_response_to=None)
    assert a.find("ds:Signature", NS) is None
    assert root.find("ds:Signature", NS) is not None
    assert xmlsec_verify(xml, rsa_keys[1], tmp_path, RESPONSE_ID)


def test_both_signed(rsa_keys, tmp_path):
    xml = make_response(rsa_keys, "--sign", "both")
    root = ET.fromstring(xml)
    check_common(root, in_response_to=None)
    ids = (RESPONSE_ID, ASSERTION_ID)
    assert xmlsec_verify(xml, rsa_keys[1], tmp_path, *ids)  # first Signature: the Response's
    assert xmlsec_verify(xml, rsa_keys[1], tmp_path, *ids,
                         node_xpath="//*[local-name()='Assertion']/*[local-name()='Signature']")


def test_unsigned_and_no_destination(rsa_keys):
    root = ET.fromstring(make_response(rsa_keys, "--sign", "none", "--no-destination"))
    check_common(root, in_response_to=None)
    assert root.find(".//ds:Signature", NS) is None
    assert root.get("Destination") is None


def test_ec_key_and_sha512(ec_keys, tmp_path):
    xml = make_response(ec_keys, "--sign", "both", "--digest", "sha512")
    assert b"ecdsa-sha256" in xml and b"xmlenc#sha512" in xml
    assert xmlsec_verify(xml, ec_keys[1], tmp_path, RESPONSE_ID, ASSERTION_ID)


def test_sha1_and_options(rsa_keys, tmp_path):
    xml = make_response(rsa_keys, "--digest", "sha1", "--sig-alg", "rsa-sha1", "--name-id", "ANN-42",
                        "--no-email-attribute", "--name-format", "unspecified",
                        "--given-name", "Ann", "--destination", "https://elsewhere.test/acs")
    root = ET.fromstring(xml)
    assert b"xmldsig#rsa-sha1" in xml and b"xmldsig#sha1" in xml
    assert root.get("Destination") == "https://elsewhere.test/acs"
    a = root.find("saml:Assertion", NS)
    assert a.find("saml:Subject/saml:NameID", NS).text == "ANN-42"
    attr = a.findall("saml:AttributeStatement/saml:Attribute", NS)
    assert [(e.get("Name"), e.get("NameFormat")) for e in attr] == [
        ("given_name", "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified")]
    assert xmlsec_verify(xml, rsa_keys[1], tmp_path, ASSERTION_ID)


def test_validity_window(rsa_keys):
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for secs in (600, -600):
        a = ET.fromstring(make_response(rsa_keys, "--valid-seconds", str(secs))).find("saml:Assertion", NS)
        for el in (a.find("saml:Conditions", NS), a.find(".//saml:SubjectConfirmationData", NS)):
            noa = dt.datetime.strptime(el.get("NotOnOrAfter"), "%Y-%m-%dT%H:%M:%SZ")
            assert abs((noa - now).total_seconds() - secs) < 30


def test_count_gives_unique_ids(rsa_keys, tmp_path):
    key, cert = rsa_keys
    out = run_idp("response", "--acs", ACS, "--audience", AUDIENCE, "--email", "ann@example.test",
                  "--key", key, "--cert", cert, "--count", "8")
    lines = out.splitlines()
    assert len(lines) == 8
    ids = set()
    for line in lines:
        root = ET.fromstring(base64.b64decode(line, validate=True))
        ids.add(root.get("ID"))
        ids.add(root.find("saml:Assertion", NS).get("ID"))
    assert len(ids) == 16
    assert xmlsec_verify(base64.b64decode(lines[-1]), cert, tmp_path, ASSERTION_ID)


# --------------------------------------------------------------------------------------
# `serve`
# --------------------------------------------------------------------------------------

SP_ACS = "http://127.0.0.1:8/sso/acme/acs"
SP_AUDIENCE = "http://127.0.0.1:8/sso/acme/metadata"
SP = {"acs": SP_ACS, "audience": SP_AUDIENCE}


@pytest.fixture(scope="module")
def idp(rsa_keys):
    key, cert = rsa_keys
    proc = subprocess.Popen(
        [sys.executable, SAMLIDP, "serve", "--port", "0", "--key", key, "--cert", cert,
         "--sp-acs", SP_ACS, "--sp-audience", SP_AUDIENCE, "--user", "ann@example.test:Ann:Lee",
         "--user", "gus@example.test:Gus:Gray:staff|urn:mace:example.test:cn=Support,dc=acme|Équipe Zürich"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline().strip()
    assert line.startswith("READY http://127.0.0.1:"), line
    yield line.split()[1], proc
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def authn_request(base: str, req_id: str, destination: str | None = None) -> str:
    """A minimal AuthnRequest, deflated + base64 as the HTTP-Redirect binding wants."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    xml = (f'<samlp:AuthnRequest xmlns:samlp="{NS["samlp"]}" xmlns:saml="{NS["saml"]}" '
           f'ID="{req_id}" Version="2.0" IssueInstant="{now}" '
           f'Destination="{destination or base + "/sso"}" AssertionConsumerServiceURL="{SP_ACS}" '
           'ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">'
           f"<saml:Issuer>{SP_AUDIENCE}</saml:Issuer></samlp:AuthnRequest>")
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.b64encode(c.compress(xml.encode()) + c.flush()).decode()


class Forms(html.parser.HTMLParser):
    """Collects forms: [{'action':…, 'method':…, 'inputs': {name: value}, 'submit': bool}]."""

    def __init__(self, text: str):
        super().__init__()
        self.forms: list[dict] = []
        self.scripts: list[dict] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action"), "method": a.get("method"), "inputs": {}, "submit": False})
        elif tag == "input" and self.forms:
            if a.get("type") == "submit":
                self.forms[-1]["submit"] = True
            elif a.get("name"):
                self.forms[-1]["inputs"][a["name"]] = a.get("value")
        elif tag == "script":
            self.scripts.append(a)


def auto_post(body: bytes) -> dict:
    p = Forms(body.decode())
    assert len(p.forms) == 1
    form = p.forms[0]
    assert form["method"] == "post" and form["action"] == SP_ACS and form["submit"]
    assert any(s.get("src") for s in p.scripts)  # auto-submit without inline script
    return form["inputs"]


def test_metadata(idp):
    base, _ = idp
    status, ctype, body = get(base + "/metadata")
    assert status == 200 and "xml" in ctype
    root = ET.fromstring(body)
    assert root.tag == f"{{{NS['md']}}}EntityDescriptor"
    assert root.get("entityID") == base + "/metadata"
    sso = root.findall("md:IDPSSODescriptor/md:SingleSignOnService", NS)
    assert (base + "/sso") in [e.get("Location") for e in sso]
    assert root.find("md:IDPSSODescriptor/md:KeyDescriptor//ds:X509Certificate", NS).text


def test_sso_user_shortcut(idp, rsa_keys, tmp_path):
    base, _ = idp
    q = urllib.parse.urlencode({"SAMLRequest": authn_request(base, "_sp_req_1"),
                                "RelayState": "tok&<1>", "user": "ann@example.test"})
    status, _, body = get(f"{base}/sso?{q}")
    assert status == 200
    inputs = auto_post(body)
    assert inputs["RelayState"] == "tok&<1>"
    xml = base64.b64decode(inputs["SAMLResponse"], validate=True)
    _, attrs = check_common(ET.fromstring(xml), in_response_to="_sp_req_1", **SP)
    assert attrs["given_name"] == ["Ann"] and attrs["family_name"] == ["Lee"]
    assert xmlsec_verify(xml, rsa_keys[1], tmp_path, ASSERTION_ID)
    assert get(base + "/last-response")[2].decode() == inputs["SAMLResponse"]
    assert b"_sp_req_1" in get(base + "/last-request")[2]


def test_sso_form_then_login(idp):
    base, _ = idp
    q = urllib.parse.urlencode({"SAMLRequest": authn_request(base, "_sp_req_2"),
                                "RelayState": "r2", "login_hint": "bob@example.test"})
    status, _, body = get(f"{base}/sso?{q}")
    assert status == 200
    form = Forms(body.decode()).forms[0]
    assert form["action"] == "/login" and form["inputs"]["email"] == "bob@example.test"
    data = dict(form["inputs"], email="Unknown@Example.test")  # unknown users still get a response
    req = urllib.request.Request(base + "/login", data=urllib.parse.urlencode(data).encode())
    with urllib.request.urlopen(req, timeout=30) as r:
        inputs = auto_post(r.read())
    assert inputs["RelayState"] == "r2"
    root = ET.fromstring(base64.b64decode(inputs["SAMLResponse"]))
    _, attrs = check_common(root, in_response_to="_sp_req_2", email="Unknown@Example.test", **SP)
    assert set(attrs) == {"email"}


def test_sso_destination_with_query(idp):
    # An SP configured with SSO URL ".../sso?user=X" sends that as Destination.
    base, _ = idp
    dest = base + "/sso?user=ann@example.test"
    q = urllib.parse.urlencode({"SAMLRequest": authn_request(base, "_sp_req_3", dest)})
    status, _, body = get(f"{dest}&{q}")
    assert status == 200
    xml = base64.b64decode(auto_post(body)["SAMLResponse"])
    check_common(ET.fromstring(xml), in_response_to="_sp_req_3", **SP)


def test_idp_initiated(idp):
    base, _ = idp
    status, _, body = get(base + "/idp-initiated?user=ann@example.test&relay_state=/tickets/7")
    assert status == 200
    inputs = auto_post(body)
    assert inputs["RelayState"] == "/tickets/7"
    check_common(ET.fromstring(base64.b64decode(inputs["SAMLResponse"])), in_response_to=None, **SP)


def test_served_groups_follow_the_directory(idp):
    base, _ = idp

    def served(query: str = "") -> dict[str, list[str]]:
        status, _, body = get(f"{base}/idp-initiated?user=gus@example.test{query}")
        assert status == 200
        return attributes(base64.b64decode(auto_post(body)["SAMLResponse"]))

    groups = ["staff", "urn:mace:example.test:cn=Support,dc=acme", "Équipe Zürich"]
    assert served() == {"email": ["gus@example.test"], "given_name": ["Gus"], "family_name": ["Gray"],
                        "groups": groups}
    # A request's own attribute_names and group_attribute, like its encrypt= fields.
    assert served("&attribute_names=ldap&group_attribute=isMemberOf") == {
        "mail": ["gus@example.test"], "givenName": ["Gus"], "sn": ["Gray"], "isMemberOf": groups}
    assert get(f"{base}/idp-initiated?user=gus@example.test&attribute_names=x500")[0] == 400

    def set_user(value) -> int:
        req = urllib.request.Request(base + "/users", data=json.dumps(value).encode(),
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    assert set_user({"email": "Gus@example.test", "given_name": "Gus", "groups": ["contractors"]}) == 200
    assert served() == {"email": ["gus@example.test"], "given_name": ["Gus"], "groups": ["contractors"]}
    assert set_user({"email": "gus@example.test", "given_name": "Gus", "family_name": "Gray"}) == 200
    assert "groups" not in served()
    assert set_user({"email": "gus@example.test", "groups": "staff"}) == 400
    assert set_user({"groups": []}) == 400


def test_bad_requests(idp):
    base, _ = idp
    assert get(base + "/sso")[0] == 400
    assert get(base + "/sso?SAMLRequest=not-a-request")[0] == 400
    assert get(base + "/nope")[0] == 404


def test_sigterm_exits_cleanly(rsa_keys):
    key, cert = rsa_keys
    proc = subprocess.Popen(
        [sys.executable, SAMLIDP, "serve", "--port", "0", "--key", key, "--cert", cert,
         "--sp-acs", SP_ACS, "--sp-audience", SP_AUDIENCE],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout.readline().startswith("READY ")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0


# --------------------------------------------------------------------------------------
# encryption and signed AuthnRequests
# --------------------------------------------------------------------------------------

ENCRYPTION_METHODS = {
    "aes128-cbc": "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
    "aes192-cbc": "http://www.w3.org/2001/04/xmlenc#aes192-cbc",
    "aes256-cbc": "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
    "aes128-gcm": "http://www.w3.org/2009/xmlenc11#aes128-gcm",
    "aes192-gcm": "http://www.w3.org/2009/xmlenc11#aes192-gcm",
    "aes256-gcm": "http://www.w3.org/2009/xmlenc11#aes256-gcm",
    "tripledes-cbc": "http://www.w3.org/2001/04/xmlenc#tripledes-cbc",
}
XENC = "http://www.w3.org/2001/04/xmlenc#"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
ASSERTION_SIGNATURE = "//*[local-name()='Assertion']/*[local-name()='Signature']"


@pytest.fixture(scope="session")
def sp_keys(tmp_path_factory):
    """Two SP key pairs, as an SP in the middle of a key rollover has (the first one active)."""
    pairs = []
    for name in ("sp1", "sp2"):
        out = tmp_path_factory.mktemp(name)
        run_idp("keys", "--out", str(out), "--cn", name)
        pairs.append((str(out / "key.pem"), str(out / "cert.pem")))
    return pairs


def cert_body(cert_pem: str) -> str:
    with open(cert_pem) as fh:
        return "".join(line for line in fh.read().splitlines() if line and not line.startswith("-----"))


def fingerprint(cert_pem: str) -> str:
    return hashlib.sha256(base64.b64decode(cert_body(cert_pem))).hexdigest()


def sp_metadata(*certs: str) -> str:
    """SP metadata as samlgate publishes it: each key for signing and for encryption, in this order."""
    def descriptor(use: str, cert: str) -> str:
        return (f'<md:KeyDescriptor use="{use}"><ds:KeyInfo xmlns:ds="{NS["ds"]}"><ds:X509Data>'
                f"<ds:X509Certificate>{cert_body(cert)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
                "</md:KeyDescriptor>")

    keys = "".join(descriptor("signing", c) for c in certs) + "".join(descriptor("encryption", c) for c in certs)
    return (f'<md:EntityDescriptor xmlns:md="{NS["md"]}" entityID="{SP_AUDIENCE}">'
            '<md:SPSSODescriptor AuthnRequestsSigned="true" '
            'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            f"{keys}<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>"
            '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
            f'Location="{SP_ACS}" index="0" isDefault="true"/></md:SPSSODescriptor></md:EntityDescriptor>')


def xmlsec_decrypt(xml: bytes, key: str, tmp_path) -> bytes | None:
    """xmlsec1's decryption of the first EncryptedData; None when it fails."""
    path = tmp_path / f"enc-{os.urandom(4).hex()}.xml"
    path.write_bytes(xml)
    res = subprocess.run(["xmlsec1", "--decrypt", "--privkey-pem", key, str(path)], capture_output=True)
    return res.stdout if res.returncode == 0 else None


def encrypted_data_methods(element: ET.Element) -> tuple[str, str]:
    """(content algorithm, key transport) of the EncryptedData directly under `element`."""
    data = element.find(f"{{{XENC}}}EncryptedData")
    key = data.find(f"ds:KeyInfo/{{{XENC}}}EncryptedKey", NS)
    return (data.find(f"{{{XENC}}}EncryptionMethod").get("Algorithm"),
            key.find(f"{{{XENC}}}EncryptionMethod").get("Algorithm"))


@pytest.mark.parametrize("alg", sorted(ENCRYPTION_METHODS))
def test_encrypted_assertion(rsa_keys, sp_keys, tmp_path, alg):
    sp_key, sp_cert = sp_keys[0]
    xml = make_response(rsa_keys, "--encrypt", alg, "--encrypt-cert", sp_cert, "--in-response-to", "_e1")
    root = ET.fromstring(xml)
    assert root.find("saml:Assertion", NS) is None
    encrypted = root.find("saml:EncryptedAssertion", NS)
    assert encrypted_data_methods(encrypted) == (ENCRYPTION_METHODS[alg], XENC + "rsa-oaep-mgf1p")
    assert b"ann@example.test" not in xml
    assert xmlsec_decrypt(xml, sp_keys[1][0], tmp_path) is None  # the other SP key cannot open it
    plain = xmlsec_decrypt(xml, sp_key, tmp_path)
    check_common(ET.fromstring(plain), in_response_to="_e1")
    # Signed before it was encrypted: the decrypted Assertion's signature verifies.
    assert xmlsec_verify(plain, rsa_keys[1], tmp_path, ASSERTION_ID, node_xpath=ASSERTION_SIGNATURE)


def test_encrypted_name_id_and_signed_response(rsa_keys, sp_keys, tmp_path):
    sp_key, sp_cert = sp_keys[0]
    xml = make_response(rsa_keys, "--encrypt", "aes128-gcm", "--encrypt-cert", sp_cert, "--encrypt-what", "both",
                        "--sign", "both", "--key-transport", "rsa-1_5")
    assert xmlsec_verify(xml, rsa_keys[1], tmp_path, RESPONSE_ID)  # the Response, signed after encryption
    root = ET.fromstring(xml)
    assert encrypted_data_methods(root.find("saml:EncryptedAssertion", NS)) == (
        ENCRYPTION_METHODS["aes128-gcm"], XENC + "rsa-1_5")
    assertion_plain = xmlsec_decrypt(xml, sp_key, tmp_path)
    subject = ET.fromstring(assertion_plain).find(".//saml:Assertion/saml:Subject", NS)
    assert subject.find("saml:NameID", NS) is None
    assert encrypted_data_methods(subject.find("saml:EncryptedID", NS))[0] == ENCRYPTION_METHODS["aes128-gcm"]
    # The Assertion's signature covers the EncryptedID, as sent.
    assert xmlsec_verify(assertion_plain, rsa_keys[1], tmp_path, ASSERTION_ID, node_xpath=ASSERTION_SIGNATURE)
    name_id = ET.fromstring(xmlsec_decrypt(assertion_plain, sp_key, tmp_path)).find(
        ".//saml:Subject/saml:EncryptedID/saml:NameID", NS)
    assert name_id.text == "ann@example.test"


def test_encrypted_name_id_in_plain_assertion(rsa_keys, sp_keys, tmp_path):
    sp_key, sp_cert = sp_keys[0]
    xml = make_response(rsa_keys, "--encrypt", "aes256-cbc", "--encrypt-cert", sp_cert, "--encrypt-what", "name-id")
    a = ET.fromstring(xml).find("saml:Assertion", NS)
    assert a.find("saml:Subject/saml:NameID", NS) is None
    assert a.find("saml:Subject/saml:EncryptedID", NS) is not None
    assert xmlsec_verify(xml, rsa_keys[1], tmp_path, ASSERTION_ID)
    assert b"ann@example.test</" in xmlsec_decrypt(xml, sp_key, tmp_path)


@pytest.fixture()
def secured_idp(rsa_keys, sp_keys, tmp_path):
    """An IdP that requires signed AuthnRequests and encrypts, reading the SP's metadata from a file."""
    key, cert = rsa_keys
    metadata = tmp_path / "sp-metadata.xml"
    metadata.write_text(sp_metadata(sp_keys[0][1]))
    proc = subprocess.Popen(
        [sys.executable, SAMLIDP, "serve", "--port", "0", "--key", key, "--cert", cert,
         "--sp-acs", SP_ACS, "--sp-audience", SP_AUDIENCE, "--sp-metadata-url", metadata.as_uri(),
         "--require-signed-requests", "--encrypt", "aes256-gcm"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline().strip()
    assert line.startswith("READY http://127.0.0.1:"), line
    yield line.split()[1], metadata
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)


def signed_redirect_query(base: str, req_id: str, key: str, relay_state: str = "rs") -> dict[str, str]:
    """The HTTP-Redirect binding's signed query: SigAlg and Signature over SAMLRequest, RelayState, SigAlg."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    fields = {"SAMLRequest": authn_request(base, req_id), "RelayState": relay_state, "SigAlg": RSA_SHA256}
    signed = urllib.parse.urlencode(fields).encode("ascii")
    with open(key, "rb") as fh:
        private = serialization.load_pem_private_key(fh.read(), password=None)
    fields["Signature"] = base64.b64encode(private.sign(signed, padding.PKCS1v15(), hashes.SHA256())).decode()
    return fields


def signed_post_request(base: str, req_id: str, key: str, tmp_path) -> str:
    """An AuthnRequest with an enveloped signature (made by xmlsec1), base64 as the HTTP-POST binding wants."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    ds = NS["ds"]
    template = (
        f'<samlp:AuthnRequest xmlns:samlp="{NS["samlp"]}" xmlns:saml="{NS["saml"]}" ID="{req_id}" Version="2.0" '
        f'IssueInstant="{now}" Destination="{base}/sso" AssertionConsumerServiceURL="{SP_ACS}">'
        f"<saml:Issuer>{SP_AUDIENCE}</saml:Issuer>"
        f'<ds:Signature xmlns:ds="{ds}"><ds:SignedInfo>'
        '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
        f'<ds:SignatureMethod Algorithm="{RSA_SHA256}"/><ds:Reference URI="#{req_id}"><ds:Transforms>'
        f'<ds:Transform Algorithm="{ds}enveloped-signature"/>'
        '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>'
        '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>'
        "</ds:SignedInfo><ds:SignatureValue/></ds:Signature></samlp:AuthnRequest>")
    path = tmp_path / f"{req_id}.xml"
    path.write_text(template)
    res = subprocess.run(["xmlsec1", "--sign", "--privkey-pem", key, "--id-attr:ID",
                          "urn:oasis:names:tc:SAML:2.0:protocol:AuthnRequest", str(path)],
                         capture_output=True, check=True)
    return base64.b64encode(res.stdout).decode()


def post(url: str, fields: dict[str, str]) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode())
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_signed_redirect_request_gets_an_encrypted_response(secured_idp, sp_keys, tmp_path):
    base, _ = secured_idp
    sp_key = sp_keys[0][0]
    q = signed_redirect_query(base, "_s1", sp_key)
    status, _, body = get(f"{base}/sso?{urllib.parse.urlencode(q)}&user=ann@example.test")
    assert status == 200, body
    inputs = auto_post(body)
    xml = base64.b64decode(inputs["SAMLResponse"])
    root = ET.fromstring(xml)
    assert encrypted_data_methods(root.find("saml:EncryptedAssertion", NS))[0] == ENCRYPTION_METHODS["aes256-gcm"]
    check_common(ET.fromstring(xmlsec_decrypt(xml, sp_key, tmp_path)), in_response_to="_s1", **SP)


def test_unsigned_or_badly_signed_redirect_requests_are_refused(secured_idp, sp_keys):
    base, _ = secured_idp
    unsigned = {"SAMLRequest": authn_request(base, "_u1"), "user": "ann@example.test"}
    status, _, body = get(f"{base}/sso?{urllib.parse.urlencode(unsigned)}")
    assert status == 403 and b"signature" in body
    other_key = signed_redirect_query(base, "_u2", sp_keys[1][0])  # a key the metadata does not list
    assert get(f"{base}/sso?{urllib.parse.urlencode(other_key)}")[0] == 403
    tampered = dict(signed_redirect_query(base, "_u3", sp_keys[0][0]), RelayState="changed")
    assert get(f"{base}/sso?{urllib.parse.urlencode(tampered)}")[0] == 403
    assert get(base + "/last-response")[2] == b""  # nothing was issued


def test_post_binding_request(secured_idp, sp_keys, tmp_path):
    base, _ = secured_idp
    signed = signed_post_request(base, "_p1", sp_keys[0][0], tmp_path)
    status, body = post(f"{base}/sso", {"SAMLRequest": signed, "RelayState": "p", "user": "ann@example.test"})
    assert status == 200, body
    xml = base64.b64decode(auto_post(body)["SAMLResponse"])
    check_common(ET.fromstring(xmlsec_decrypt(xml, sp_keys[0][0], tmp_path)), in_response_to="_p1", **SP)
    unsigned = base64.b64encode(zlib.decompress(base64.b64decode(authn_request(base, "_p2")), -15)).decode()
    assert post(f"{base}/sso", {"SAMLRequest": unsigned, "user": "ann@example.test"})[0] == 403
    by_other_key = signed_post_request(base, "_p3", sp_keys[1][0], tmp_path)
    assert post(f"{base}/sso", {"SAMLRequest": by_other_key})[0] == 403


def test_sp_metadata_is_reread_on_demand(secured_idp, sp_keys, tmp_path):
    base, metadata = secured_idp
    (key1, cert1), (key2, cert2) = sp_keys
    status, _, body = get(base + "/sp-metadata")
    assert status == 200
    assert json.loads(body)["encryption"] == [fingerprint(cert1)]
    # The SP adds a next key; the IdP keeps its copy until asked to fetch it again.
    metadata.write_text(sp_metadata(cert1, cert2))
    assert json.loads(get(base + "/sp-metadata")[2])["encryption"] == [fingerprint(cert1)]
    status, body = post(base + "/sp-metadata", {})
    assert status == 200
    assert json.loads(body)["encryption"] == [fingerprint(cert1), fingerprint(cert2)]

    def issued(**options: str) -> bytes:
        query = urllib.parse.urlencode({"user": "ann@example.test", **options})
        status, _, body = get(f"{base}/idp-initiated?{query}")
        assert status == 200, body
        return base64.b64decode(auto_post(body)["SAMLResponse"])

    by_position = issued(encrypt_to="2", encrypt="aes128-cbc")
    assert xmlsec_decrypt(by_position, key1, tmp_path) is None
    assert xmlsec_decrypt(by_position, key2, tmp_path) is not None
    assert encrypted_data_methods(ET.fromstring(by_position).find("saml:EncryptedAssertion", NS))[0] == \
        ENCRYPTION_METHODS["aes128-cbc"]
    colons = ":".join(fingerprint(cert1)[i:i + 2] for i in range(0, 64, 2)).upper()
    assert xmlsec_decrypt(issued(encrypt_to=colons), key1, tmp_path) is not None
    assert ET.fromstring(issued(encrypt="none")).find("saml:Assertion", NS) is not None
    assert get(f"{base}/idp-initiated?user=ann@example.test&encrypt_to=3")[0] == 400
    assert get(f"{base}/idp-initiated?user=ann@example.test&encrypt=rot13")[0] == 400


# -- Single Logout -------------------------------------------------------------------------------------

SP_SLO = "http://127.0.0.1:8/sso/acme/slo"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get_no_redirect(url: str) -> tuple[int, dict, bytes]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def deflated(xml: str) -> str:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.b64encode(c.compress(xml.encode()) + c.flush()).decode()


def logout_request(base: str, req_id: str, session_index: str | None) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    index = f"<samlp:SessionIndex>{session_index}</samlp:SessionIndex>" if session_index else ""
    return (f'<samlp:LogoutRequest xmlns:samlp="{NS["samlp"]}" xmlns:saml="{NS["saml"]}" ID="{req_id}" '
            f'Version="2.0" IssueInstant="{now}" Destination="{base}/slo"><saml:Issuer>{SP_AUDIENCE}</saml:Issuer>'
            f'<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">ann@example.test'
            f"</saml:NameID>{index}</samlp:LogoutRequest>")


def signed_query(parameter: str, xml: str, key: str | None) -> str:
    """`parameter=…&SigAlg=…&Signature=…`, signed (as samlgate does) over the query octets as written."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    query = f"{parameter}={urllib.parse.quote(deflated(xml), safe='')}"
    if key is None:
        return query
    query += "&SigAlg=" + urllib.parse.quote(RSA_SHA256, safe="")
    with open(key, "rb") as fh:
        private = serialization.load_pem_private_key(fh.read(), password=None)
    signature = private.sign(query.encode(), padding.PKCS1v15(), hashes.SHA256())
    return query + "&Signature=" + urllib.parse.quote(base64.b64encode(signature).decode(), safe="")


def query_signature_verifies(url: str, cert: str) -> bool:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    query = urllib.parse.urlsplit(url).query
    signed, _, signature = query.rpartition("&Signature=")
    with open(cert, "rb") as fh:
        key = x509.load_pem_x509_certificate(fh.read()).public_key()
    try:
        key.verify(base64.b64decode(urllib.parse.unquote(signature)), signed.encode(), padding.PKCS1v15(),
                   hashes.SHA256())
        return True
    except InvalidSignature:
        return False


def inflated(url: str, parameter: str) -> ET.Element:
    value = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)[parameter][0]
    return ET.fromstring(zlib.decompress(base64.b64decode(value), -15))


def sessions(base: str) -> list[dict]:
    return json.loads(get(base + "/sessions")[2])


def test_sp_logout_request_ends_the_session_and_is_answered_signed(secured_idp, rsa_keys, sp_keys):
    base, _ = secured_idp
    assert get(f"{base}/idp-initiated?user=ann@example.test")[0] == 200
    (session,) = [s for s in sessions(base) if s["email"] == "ann@example.test"]
    index = session["session_indexes"][0]
    status, headers, _ = get_no_redirect(
        f"{base}/slo?" + signed_query("SAMLRequest", logout_request(base, "_lr1", index), sp_keys[0][0]))
    assert status == 302, headers
    location = headers["Location"]
    assert location.startswith(SP_SLO + "?SAMLResponse=")
    assert query_signature_verifies(location, rsa_keys[1])
    response = inflated(location, "SAMLResponse")
    assert response.get("InResponseTo") == "_lr1" and response.get("Destination") == SP_SLO
    assert response.find("samlp:Status/samlp:StatusCode", NS).get("Value").endswith(":Success")
    assert not [s for s in sessions(base) if s["email"] == "ann@example.test"]
    record = json.loads(get(base + "/last-logout-request")[2])
    assert record["verified"] and record["ended_sessions"] == 1 and record["session_indexes"] == [index]


@pytest.mark.parametrize("key", [None, "other"])
def test_unsigned_or_foreign_sp_logout_requests_are_refused(secured_idp, sp_keys, key):
    base, _ = secured_idp
    assert get(f"{base}/idp-initiated?user=ann@example.test")[0] == 200
    before = sessions(base)
    signing_key = None if key is None else sp_keys[1][0]  # sp2 is not in the SP metadata for signing
    status, _, body = get_no_redirect(
        f"{base}/slo?" + signed_query("SAMLRequest", logout_request(base, "_lr2", None), signing_key))
    assert status == 403, body
    assert sessions(base) == before


def test_idp_initiated_logout_requests_are_signed_for_either_binding(secured_idp, rsa_keys, tmp_path):
    base, _ = secured_idp
    assert get(f"{base}/idp-initiated?user=ann@example.test")[0] == 200
    indexes = [i for s in sessions(base) if s["email"] == "ann@example.test" for i in s["session_indexes"]]
    redirect = json.loads(get(f"{base}/idp-logout?user=ann@example.test&keep_session=1&format=json")[2])
    assert redirect["url"].startswith(SP_SLO + "?SAMLRequest=")
    assert query_signature_verifies(redirect["url"], rsa_keys[1])
    request = inflated(redirect["url"], "SAMLRequest")
    assert request.get("ID") == redirect["id"] and request.get("NotOnOrAfter")
    assert request.find("saml:NameID", NS).text == "ann@example.test"
    assert [e.text for e in request.findall("samlp:SessionIndex", NS)] == indexes
    post = json.loads(get(f"{base}/idp-logout?user=ann@example.test&binding=post&session_index=_x&format=json")[2])
    xml = base64.b64decode(post["fields"]["SAMLRequest"])
    assert xmlsec_verify(xml, rsa_keys[1], tmp_path, "urn:oasis:names:tc:SAML:2.0:protocol:LogoutRequest")
    assert [e.text for e in ET.fromstring(xml).findall("samlp:SessionIndex", NS)] == ["_x"]
    assert not [s for s in sessions(base) if s["email"] == "ann@example.test"]
    unsigned = json.loads(get(f"{base}/idp-logout?user=ann@example.test&sign=none&format=json")[2])
    assert "Signature=" not in unsigned["url"]


def test_a_password_is_asked_when_configured(rsa_keys):
    key, cert = rsa_keys
    proc = subprocess.Popen(
        [sys.executable, SAMLIDP, "serve", "--port", "0", "--key", key, "--cert", cert, "--sp-acs", SP_ACS,
         "--sp-audience", SP_AUDIENCE, "--password", "pw"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True)
    try:
        base = proc.stdout.readline().strip().split()[1]
        q = urllib.parse.urlencode({"SAMLRequest": authn_request(base, "_pw1")})
        assert b'name="password"' in get(f"{base}/sso?{q}")[2]
        assert post(f"{base}/login", {"email": "ann@example.test", "password": "no"})[0] == 403
        assert post(f"{base}/login", {"email": "ann@example.test", "password": "pw"})[0] == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
