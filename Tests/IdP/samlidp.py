#!/usr/bin/env python3
"""samlidp — an independent SAML 2.0 test IdP for samlgate's interop and e2e tests.

Everything SAML here is produced by pysaml2 (``saml2.server.Server``), a separate
implementation from samlgate's, so the tests exercise real interoperability rather
than samlgate agreeing with itself.  Signing goes through pysaml2's xmlsec1 backend.

Subcommands (see ``--help`` of each):
  keys      generate an IdP signing key + self-signed certificate (PEM)
  response  print base64 SAMLResponse(s) for an ACS/audience (one per line)
  serve     run a small HTTP IdP on 127.0.0.1 (metadata, SSO redirect and POST
            bindings, login form, IdP-initiated, last-response debugging endpoint);
            with the SP's metadata it can require signed AuthnRequests and encrypt
"""

from __future__ import annotations

import argparse
import base64
import datetime as _dt
import hashlib
import html
import json
import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import warnings
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

# --------------------------------------------------------------------------------------
# keys (only needs `cryptography`, which pysaml2 depends on anyway)
# --------------------------------------------------------------------------------------


def generate_keys(out_dir: str, key_type: str = "rsa", days: int = 3650,
                  common_name: str = "samlgate test IdP") -> tuple[str, str]:
    """Write key.pem + cert.pem into out_dir and return their paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    if key_type == "ec":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = _dt.datetime.now(_dt.UTC)
    # Backdate a little so a cert made just now is valid on a host whose clock lags.
    not_before = now - _dt.timedelta(minutes=5)
    # days <= 0 produces an already expired cert (for the "expired certificate" warnings).
    not_after = now + _dt.timedelta(days=days) if days > 0 else now + _dt.timedelta(days=days, minutes=-1)
    if not_after <= not_before:
        not_before = not_after - _dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    os.makedirs(out_dir, exist_ok=True)
    key_path = os.path.join(out_dir, "key.pem")
    cert_path = os.path.join(out_dir, "cert.pem")
    # The key is a test secret, but there is no reason to leave it world-readable.
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.private_bytes(serialization.Encoding.PEM,
                                   serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
    with open(cert_path, "wb") as fh:
        fh.write(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def key_is_ec(key_path: str) -> bool:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    with open(key_path, "rb") as fh:
        key = serialization.load_pem_private_key(fh.read(), password=None)
    return isinstance(key, ec.EllipticCurvePrivateKey)


# --------------------------------------------------------------------------------------
# pysaml2 plumbing
# --------------------------------------------------------------------------------------

# pysaml2 references cipher modes that newer `cryptography` moved to "decrepit"; the
# import-time warning is noise on every run (those ciphers are not used here).
warnings.filterwarnings("ignore", message=r".*cryptography\.hazmat\.decrepit")

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, saml, samlp  # noqa: E402
from saml2 import assertion as _saml2_assertion  # noqa: E402
from saml2 import entity as _saml2_entity  # noqa: E402
from saml2 import xmldsig as ds  # noqa: E402
from saml2.attribute_converter import AttributeConverterNOOP  # noqa: E402
from saml2.config import IdPConfig  # noqa: E402
from saml2.metadata import entity_descriptor  # noqa: E402
from saml2.response import IncorrectlySigned  # noqa: E402
from saml2.s_utils import do_ava, factory  # noqa: E402
from saml2.saml import (  # noqa: E402
    AUTHN_PASSWORD_PROTECTED,
    NAME_FORMAT_BASIC,
    NAME_FORMAT_UNSPECIFIED,
    NAMEID_FORMAT_EMAILADDRESS,
    SCM_BEARER,
    NameID,
    encrypted_id_from_string,
)
from saml2.server import Server  # noqa: E402
from saml2.sigver import (  # noqa: E402
    RSA_1_5,
    RSA_OAEP_MGF1P,
    TRIPLE_DES_CBC,
    get_pem_wrapped_unwrapped,
    make_temp,
    pre_encryption_part,
)

SIG_ALGS = {
    "rsa-sha1": ds.SIG_RSA_SHA1,
    "rsa-sha256": ds.SIG_RSA_SHA256,
    "rsa-sha384": ds.SIG_RSA_SHA384,
    "rsa-sha512": ds.SIG_RSA_SHA512,
    "ecdsa-sha1": ds.SIG_ECDSA_SHA1,
    "ecdsa-sha256": ds.SIG_ECDSA_SHA256,
    "ecdsa-sha384": ds.SIG_ECDSA_SHA384,
    "ecdsa-sha512": ds.SIG_ECDSA_SHA512,
}
DIGEST_ALGS = {
    "sha1": ds.DIGEST_SHA1,
    "sha256": ds.DIGEST_SHA256,
    "sha384": ds.DIGEST_SHA384,
    "sha512": ds.DIGEST_SHA512,
}
NAME_FORMATS = {"basic": NAME_FORMAT_BASIC, "unspecified": NAME_FORMAT_UNSPECIFIED}
# The Names of the email, given name and family name attributes: samlgate's own, or an LDAP directory's.
ATTRIBUTE_NAMES = {"default": ("email", "given_name", "family_name"), "ldap": ("mail", "givenName", "sn")}
DEFAULT_GROUP_ATTRIBUTE = "groups"
SIGN_MODES = ("assertion", "response", "both", "none")

# pysaml2's Entity.sign() (used when the *Response* is signed) refuses anything not in
# SIG_ALLOWED_ALG, which lists RSA only, although its xmlsec1 backend signs ECDSA fine
# (the Assertion-signing path has no such check).  Widen the list so EC IdP keys can be
# tested both ways; this touches only this process.
_saml2_entity.SIG_ALLOWED_ALG = tuple(ds.SIG_ALLOWED_ALG) + tuple(
    (f"SIG_ECDSA_{h}", getattr(ds, f"SIG_ECDSA_{h}")) for h in ("SHA1", "SHA256", "SHA384", "SHA512")
)

# Content algorithms: EncryptionMethod URI and the matching xmlsec1 `--session-key` (a fresh key per
# message).  tripledes-cbc is pysaml2's own (and only) choice, kept to show that an SP refuses it.
XMLENC = "http://www.w3.org/2001/04/xmlenc#"
XMLENC11 = "http://www.w3.org/2009/xmlenc11#"
CONTENT_ALGS = {
    "aes128-cbc": (XMLENC + "aes128-cbc", "aes-128"),
    "aes192-cbc": (XMLENC + "aes192-cbc", "aes-192"),
    "aes256-cbc": (XMLENC + "aes256-cbc", "aes-256"),
    "aes128-gcm": (XMLENC11 + "aes128-gcm", "aes-128"),
    "aes192-gcm": (XMLENC11 + "aes192-gcm", "aes-192"),
    "aes256-gcm": (XMLENC11 + "aes256-gcm", "aes-256"),
    "tripledes-cbc": (TRIPLE_DES_CBC, "des-192"),
}
KEY_TRANSPORTS = {"rsa-oaep-mgf1p": RSA_OAEP_MGF1P, "rsa-1_5": RSA_1_5}
ENCRYPT_WHAT = ("assertion", "name-id", "both")


@dataclass(frozen=True)
class Encryption:
    """What goes to the SP encrypted, and how: to `cert` (the SP's encryption certificate, PEM or bare
    base64 DER) with the `content` algorithm, its session key wrapped by `key_transport`."""

    cert: str
    content: str = "aes256-cbc"
    key_transport: str = "rsa-oaep-mgf1p"
    what: str = "assertion"

    @property
    def assertion(self) -> bool:
        return self.what in ("assertion", "both")

    @property
    def name_id(self) -> bool:
        return self.what in ("name-id", "both")


def bare_certificate(text: str) -> str:
    """A certificate as one line of base64 DER, from PEM or from bare (possibly wrapped) base64."""
    lines = [line.strip() for line in text.strip().splitlines()]
    return "".join(line for line in lines if line and not line.startswith("-----"))


class EncryptingServer(Server):
    """pysaml2's IdP Server with the encryption algorithms chosen per response.

    pysaml2 encrypts assertions with 3DES only (`pre_encryption_part`'s default template and xmlsec1's
    `des-192` session key) and has no EncryptedID for authentication responses.  `_encrypt_assertion` and
    `setup_assertion` are the only departures from its flow, so the order stays pysaml2's: the NameID is
    encrypted while the assertion is set up, the assertion is signed inside its EncryptedAssertion and
    then encrypted, and a Response signature is made last.  The choice is per thread (`encrypting`), as
    `response --count` makes responses on several threads at once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._per_thread = threading.local()

    # This IdP answers neither query; saying so also keeps pysaml2 from storing every assertion it
    # issues, in memory, under its NameID (which an EncryptedID replaces).
    def support_AssertionIDRequest(self) -> bool:  # noqa: N802
        return False

    def support_AuthnQuery(self) -> bool:  # noqa: N802
        return False

    @contextmanager
    def encrypting(self, encryption: Encryption | None) -> Iterator[None]:
        self._per_thread.encryption = encryption
        try:
            yield
        finally:
            self._per_thread.encryption = None

    def _encrypt(self, document, encryption: Encryption, node_xpath: str | None) -> str:
        """xmlsec1 replaces the node at `node_xpath` (default: the Assertion in EncryptedAssertion)."""
        unwrapped = bare_certificate(encryption.cert)
        wrapped, _ = get_pem_wrapped_unwrapped(unwrapped)
        cert_file = make_temp(wrapped.encode("ascii"), decode=False, delete_tmpfiles=self.config.delete_tmpfiles)
        method, session_key = CONTENT_ALGS[encryption.content]
        # KeyInfo names the certificate, as pysaml2 does: an SP with several keys can pick the right one.
        template = pre_encryption_part(msg_enc=method, key_enc=KEY_TRANSPORTS[encryption.key_transport],
                                       encrypt_cert=unwrapped)
        return self.sec.encrypt_assertion(document, cert_file.name, template, session_key, node_xpath=node_xpath)

    def _encrypt_assertion(self, encrypt_cert, sp_entity_id, response, node_xpath=None):
        encryption = getattr(self._per_thread, "encryption", None)
        if encryption is None:
            return super()._encrypt_assertion(encrypt_cert, sp_entity_id, response, node_xpath)
        return self._encrypt(response, encryption, node_xpath)

    def setup_assertion(self, *args, **kwargs):
        assertion = super().setup_assertion(*args, **kwargs)
        encryption = getattr(self._per_thread, "encryption", None)
        subject = assertion.subject
        if encryption is not None and encryption.name_id and subject is not None and subject.name_id is not None:
            # The NameID, self-contained (its own namespace declaration), in an EncryptedID whose
            # EncryptedData takes its place.
            name_id = ElementTree.tostring(subject.name_id._to_element_tree(), encoding="unicode")
            holder = f'<saml:EncryptedID xmlns:saml="{saml.NAMESPACE}">{name_id}</saml:EncryptedID>'
            xml = self._encrypt(holder, encryption, "/*[local-name()='EncryptedID']/*[local-name()='NameID']")
            subject.encrypted_id = encrypted_id_from_string(xml.encode("utf-8"))
            subject.name_id = None
        return assertion


_session_index = threading.local()
_pysaml2_sid = _saml2_assertion.sid


def _chosen_session_index() -> str:
    """pysaml2's AuthnStatement SessionIndex (its only use of `sid` in saml2.assertion), or the one the
    IdP chose for the response being made on this thread, so the IdP knows it even when it encrypts."""
    chosen = getattr(_session_index, "value", None)
    return chosen if chosen is not None else _pysaml2_sid()


_saml2_assertion.sid = _chosen_session_index


class AttributeConverterExact(AttributeConverterNOOP):
    """pysaml2's no-op converter without its lowercasing of each Name: `givenName`, `memberOf` and a
    claim URI go out spelled as given."""

    def to_(self, attrvals):
        return [factory(saml.Attribute, name=name, name_format=self.name_format, attribute_value=do_ava(value))
                for name, value in attrvals.items()]


def sp_metadata_xml(entity_id: str, acs_url: str) -> str:
    """Minimal SP metadata so pysaml2 knows the SP (entityID = audience, POST ACS)."""
    e = html.escape
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        f'entityID="{e(entity_id)}">'
        '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        f"<md:NameIDFormat>{NAMEID_FORMAT_EMAILADDRESS}</md:NameIDFormat>"
        f'<md:AssertionConsumerService Binding="{BINDING_HTTP_POST}" '
        f'Location="{e(acs_url)}" index="0" isDefault="true"/>'
        "</md:SPSSODescriptor></md:EntityDescriptor>"
    )


def xmlsec_binary() -> str:
    path = shutil.which("xmlsec1")
    if not path:
        sys.exit("samlidp: xmlsec1 not found on PATH (apt-get install -y xmlsec1, or run setup.sh)")
    return path


def build_server(*, issuer: str, key: str, cert: str, sp_entity_id: str, acs_url: str,
                 valid_seconds: int = 300, name_format: str = "basic",
                 sso_urls: list[str] | None = None, want_signed_requests: bool = False,
                 slo_urls: list[str] | None = None) -> EncryptingServer:
    """A pysaml2 IdP Server whose whole configuration is built here (no config files).  It knows the SP
    from minimal metadata until `load_sp_metadata` gives it the SP's own."""
    fmt = NAME_FORMATS[name_format]
    conf = {
        "entityid": issuer,
        "key_file": os.path.abspath(key),
        "cert_file": os.path.abspath(cert),
        "xmlsec_binary": xmlsec_binary(),
        "metadata": {"inline": [sp_metadata_xml(sp_entity_id, acs_url)]},
        # Request signatures are checked with the SP metadata's signing certificates only, never with
        # a certificate the request carries (pysaml2's default, stated because it is the point).
        "only_use_keys_in_metadata": True,
        # A clock skew tolerance for incoming AuthnRequests; pysaml2 only logs on excess.
        "accepted_time_diff": 180,
        "service": {
            "idp": {
                "name": "samlgate test IdP",
                "endpoints": {
                    "single_sign_on_service": [(u, binding) for binding in (BINDING_HTTP_REDIRECT, BINDING_HTTP_POST)
                                               for u in (sso_urls or [])],
                    "single_logout_service": [(u, binding) for binding in (BINDING_HTTP_REDIRECT, BINDING_HTTP_POST)
                                              for u in (slo_urls or [])],
                },
                "policy": {
                    "default": {
                        # Governs Conditions/@NotOnOrAfter and SubjectConfirmationData/@NotOnOrAfter.
                        "lifetime": {"seconds": valid_seconds},
                        "name_form": fmt,
                    },
                },
                "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                # pysaml2 then refuses an HTTP-Redirect request without a valid SigAlg/Signature over
                # its query, and an HTTP-POST one without a valid enveloped signature.
                "want_authn_requests_signed": want_signed_requests,
            },
        },
    }
    config = IdPConfig()
    config.load(conf)
    server = EncryptingServer(config=config)
    # pysaml2's default attribute maps would rename `email` & co. to OID/mace names; the
    # tests want the attribute Names to be exactly email/given_name/family_name (or the
    # ldap set, and the group attribute's Name, each exactly as chosen).
    server.config.attribute_converters = [AttributeConverterExact(fmt)]
    # pysaml2 runs `xmlsec1 --version` before every signature (~15% of bulk time);
    # ask once and pin the answer on a subclass (it is a property, not an attribute).
    crypto = server.sec.crypto
    crypto.__class__ = type("XmlSec1VersionCached", (type(crypto),), {"version": crypto.version})
    return server


def load_sp_metadata(server: Server, xml: bytes) -> None:
    """Replaces what `server` knows about SPs with this metadata (the SP's certificates and endpoints).
    The store is changed in place: pysaml2's security context holds the same object."""
    store = server.metadata
    store.metadata.clear()
    store.load("inline", xml.decode("utf-8"))


def sha256_fingerprint(cert: str) -> str:
    """Lowercase hex SHA-256 of a certificate's DER, as `samlgate sp-key list` shows it (minus colons)."""
    return hashlib.sha256(base64.b64decode(bare_certificate(cert))).hexdigest()


def normalise_fingerprint(text: str) -> str:
    return text.replace(":", "").strip().lower()


class ResponseMaker:
    """Builds signed SAML Responses with one pysaml2 Server (creating it is the slow part)."""

    def __init__(self, server: Server, *, acs_url: str, audience: str, sign: str = "assertion",
                 digest: str = "sha256", sig_alg: str | None = None, destination: str | None = "",
                 ec_key: bool = False):
        if sign not in SIGN_MODES:
            raise ValueError(f"sign must be one of {SIGN_MODES}")
        self.server = server
        self.acs_url = acs_url
        self.audience = audience
        self.sign = sign
        self.digest = DIGEST_ALGS[digest]
        self.sig_alg = SIG_ALGS[sig_alg or ("ecdsa-sha256" if ec_key else "rsa-sha256")]
        # "" means "Destination = ACS" (the normal case), None means "omit Destination".
        self.destination = acs_url if destination == "" else destination

    def make(self, *, email: str, name_id: str | None = None, given_name: str | None = None,
             family_name: str | None = None, in_response_to: str | None = None,
             email_attribute: bool = True, encryption: Encryption | None = None,
             groups: list[str] | tuple[str, ...] = (), group_attribute: str = DEFAULT_GROUP_ATTRIBUTE,
             attribute_names: str = "default") -> bytes:
        """`groups`, when there are any, go in one multi-valued attribute named `group_attribute`
        (none at all otherwise); `attribute_names` picks the Names of the other three (ATTRIBUTE_NAMES)."""
        email_name, given_name_name, family_name_name = ATTRIBUTE_NAMES[attribute_names]
        identity: dict[str, list[str]] = {}
        if email_attribute:
            identity[email_name] = [email]
        if given_name:
            identity[given_name_name] = [given_name]
        if family_name:
            identity[family_name_name] = [family_name]
        if groups:
            identity[group_attribute] = list(groups)
        # Recipient/InResponseTo are given explicitly so that the Response's Destination
        # can be varied independently (pysaml2 otherwise derives both from one URL).
        farg = {
            "assertion": {
                "subject": {
                    "subject_confirmation": {
                        "method": SCM_BEARER,
                        "subject_confirmation_data": {
                            "recipient": self.acs_url,
                            "in_response_to": in_response_to,
                        },
                    }
                }
            }
        }
        encrypt_assertion = encryption is not None and encryption.assertion
        with self.server.encrypting(encryption):
            resp = self.server.create_authn_response(
                identity,
                in_response_to,
                self.destination,
                self.audience,
                name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=name_id or email),
                authn={"class_ref": AUTHN_PASSWORD_PROTECTED},
                sign_assertion=self.sign in ("assertion", "both"),
                sign_response=self.sign in ("response", "both"),
                sign_alg=self.sig_alg,
                digest_alg=self.digest,
                farg=farg,
                encrypt_assertion=encrypt_assertion,
                # pysaml2 encrypts only when it has a certificate; EncryptingServer then uses `encryption`.
                encrypt_cert_assertion=encryption.cert if encrypt_assertion else None,
                encrypted_advice_attributes=False,
            )
        # Unsigned results come back as a pysaml2 object, signed ones as a string.
        if isinstance(resp, str):
            return resp.encode("utf-8")
        if isinstance(resp, bytes):
            return resp
        return resp.to_string()


# --------------------------------------------------------------------------------------
# Single Logout (HTTP-Redirect query signatures by hand, over the octets as sent; XML by pysaml2)
# --------------------------------------------------------------------------------------

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
SLO_SIG_ALG = ds.SIG_RSA_SHA256


def redirect_value(xml: str) -> str:
    """A message as the HTTP-Redirect binding carries it: raw DEFLATE, base64 (not yet URL-encoded)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return base64.b64encode(compressor.compress(xml.encode("utf-8")) + compressor.flush()).decode("ascii")


def inflate_value(value: str) -> str:
    return zlib.decompress(base64.b64decode(value), -15).decode("utf-8")


def quote(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def signed_redirect(destination: str, parameter: str, xml: str, relay_state: str | None, key_path: str | None) -> str:
    """`destination` with the message in `parameter`, signed over the query octets (bindings §3.4.4.1) with
    RSA-SHA256 by `key_path` (None: unsigned)."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    query = f"{parameter}={quote(redirect_value(xml))}"
    if relay_state is not None:
        query += f"&RelayState={quote(relay_state)}"
    if key_path:
        query += f"&SigAlg={quote(SLO_SIG_ALG)}"
        with open(key_path, "rb") as fh:
            key = serialization.load_pem_private_key(fh.read(), password=None)
        signature = key.sign(query.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
        query += "&Signature=" + quote(base64.b64encode(signature).decode("ascii"))
    return destination + ("&" if "?" in destination else "?") + query


def verify_redirect(raw_query: str, certs: list[str]) -> str | None:
    """None when the query's Signature verifies over its SAMLRequest/SAMLResponse, RelayState and SigAlg octets
    exactly as received with one of `certs` (RSA-SHA256/SHA-1 or ECDSA-SHA256); else why not."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding

    raw: dict[str, str] = {}
    for pair in raw_query.split("&"):
        name, _, value = pair.partition("=")
        if name in raw:
            return f"{name} given twice"
        raw[name] = value
    if "Signature" not in raw or "SigAlg" not in raw:
        return "unsigned (no SigAlg/Signature)"
    message = "SAMLRequest" if "SAMLRequest" in raw else "SAMLResponse"
    octets = f"{message}={raw.get(message, '')}"
    if "RelayState" in raw:
        octets += f"&RelayState={raw['RelayState']}"
    octets += f"&SigAlg={raw['SigAlg']}"
    algorithm = urllib.parse.unquote_plus(raw["SigAlg"])
    digests = {ds.SIG_RSA_SHA256: hashes.SHA256(), ds.SIG_RSA_SHA1: hashes.SHA1(), ds.SIG_ECDSA_SHA256: hashes.SHA256()}
    if algorithm not in digests:
        return f"SigAlg {algorithm} not supported"
    signature = base64.b64decode(urllib.parse.unquote_plus(raw["Signature"]))
    for cert in certs:
        wrapped, _ = get_pem_wrapped_unwrapped(bare_certificate(cert))
        key = x509.load_pem_x509_certificate(wrapped.encode("ascii")).public_key()
        try:
            if isinstance(key, ec.EllipticCurvePublicKey):
                key.verify(signature, octets.encode("utf-8"), ec.ECDSA(digests[algorithm]))
            else:
                key.verify(signature, octets.encode("utf-8"), padding.PKCS1v15(), digests[algorithm])
            return None
        except (InvalidSignature, ValueError):
            continue
    return f"the signature does not verify with the SP's {len(certs)} signing certificate(s)"


def verify_xml(xml: str, certs: list[str], node: str) -> str | None:
    """None when `xml`'s enveloped signature on its root `node` (LogoutRequest or LogoutResponse) verifies
    with one of `certs`, by the xmlsec1 command; else why not."""
    if "Signature" not in xml:
        return "unsigned (no ds:Signature)"
    with tempfile.TemporaryDirectory() as folder:
        document = os.path.join(folder, "message.xml")
        with open(document, "w", encoding="utf-8") as fh:
            fh.write(xml)
        for index, cert in enumerate(certs):
            wrapped, _ = get_pem_wrapped_unwrapped(bare_certificate(cert))
            pem = os.path.join(folder, f"cert-{index}.pem")
            with open(pem, "w", encoding="ascii") as fh:
                fh.write(wrapped)
            checked = subprocess.run([xmlsec_binary(), "--verify", "--pubkey-cert-pem", pem, "--id-attr:ID",
                                      f"{SAMLP}:{node}", document], capture_output=True, text=True)
            if checked.returncode == 0:
                return None
    return f"the XML signature does not verify with the SP's {len(certs)} signing certificate(s)"


def logout_fields(xml: str) -> dict:
    """What a LogoutRequest or LogoutResponse says (read without trust, for tests and logs)."""
    root = ElementTree.fromstring(xml)
    name_id = root.find(f"{{{SAML_NS}}}NameID")
    status = root.find(f"{{{SAMLP}}}Status/{{{SAMLP}}}StatusCode")
    issuer = root.find(f"{{{SAML_NS}}}Issuer")
    return {
        "root": root.tag.rsplit("}", 1)[-1], "id": root.get("ID"), "destination": root.get("Destination"),
        "in_response_to": root.get("InResponseTo"), "not_on_or_after": root.get("NotOnOrAfter"),
        "issuer": issuer.text.strip() if issuer is not None and issuer.text else None,
        "name_id": name_id.text if name_id is not None else None,
        "name_id_format": name_id.get("Format") if name_id is not None else None,
        "session_indexes": [e.text for e in root.findall(f"{{{SAMLP}}}SessionIndex")],
        "status": status.get("Value") if status is not None else None,
    }


# --------------------------------------------------------------------------------------
# `response`
# --------------------------------------------------------------------------------------


def cmd_response(args: argparse.Namespace) -> int:
    server = build_server(issuer=args.issuer, key=args.key, cert=args.cert,
                          sp_entity_id=args.audience, acs_url=args.acs,
                          valid_seconds=args.valid_seconds, name_format=args.name_format)
    maker = ResponseMaker(server, acs_url=args.acs, audience=args.audience, sign=args.sign,
                          digest=args.digest, sig_alg=args.sig_alg,
                          destination=None if args.no_destination else (args.destination or ""),
                          ec_key=key_is_ec(args.key))
    encryption = None
    if args.encrypt:
        with open(args.encrypt_cert, encoding="ascii") as fh:
            encryption = Encryption(cert=fh.read(), content=args.encrypt, key_transport=args.key_transport,
                                    what=args.encrypt_what)

    def one(_i: int) -> str:
        xml = maker.make(email=args.email, name_id=args.name_id, given_name=args.given_name,
                         family_name=args.family_name, in_response_to=args.in_response_to,
                         email_attribute=not args.no_email_attribute, encryption=encryption,
                         groups=args.group, group_attribute=args.group_attribute,
                         attribute_names=args.attribute_names)
        return base64.b64encode(xml).decode("ascii")

    # Each signature is an xmlsec1 subprocess; running several at once is what makes bulk
    # generation fast.  Building the message objects is cheap and pysaml2 keeps no shared
    # mutable state on this path (NameID given explicitly, no assertion store).
    workers = max(1, min(args.count, os.cpu_count() or 1, 16)) if args.count > 1 else 1
    out = open(args.out, "w", encoding="ascii") if args.out else sys.stdout
    try:
        if workers == 1:
            for i in range(args.count):
                out.write(one(i) + "\n")
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for line in pool.map(one, range(args.count)):
                    out.write(line + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


# --------------------------------------------------------------------------------------
# `serve`
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    """What the IdP's directory says about a user: the names it sends, and the groups (none: no group
    attribute at all)."""

    given: str = ""
    family: str = ""
    groups: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, value: dict) -> User:
        groups = value.get("groups") or []
        if not isinstance(groups, list) or not all(isinstance(group, str) for group in groups):
            raise ValueError("groups must be a list of strings")
        return cls((value.get("given_name") or "").strip(), (value.get("family_name") or "").strip(),
                   tuple(groups))


def parse_user_spec(spec: str) -> tuple[str, User]:
    """`email:given:family[:group|group…]`: the groups are everything after the third colon (a group
    name may hold colons, as a URN does), split on `|`; empty names are dropped."""
    email, given, family, groups = (spec.split(":", 3) + ["", "", ""])[:4]
    return email.strip(), User(given.strip(), family.strip(), tuple(g for g in groups.split("|") if g))


def load_users(path: str | None, specs: list[str] | None) -> dict[str, User]:
    """email(lowercased) -> User.  File: JSON list of objects (`email`, `given_name`, `family_name`,
    `groups`: a list), or lines `email:given:family[:group|group…]` (# comments and blank lines ignored)."""
    users: dict[str, User] = {}

    def add(email: str, user: User) -> None:
        if email:
            users[email.lower()] = user

    if path:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, list):
            for u in data:
                add((u.get("email") or "").strip(), User.from_json(u))
        else:
            for line in text.splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    add(*parse_user_spec(line))
    for spec in specs or []:
        add(*parse_user_spec(spec))
    return users


AUTOSUBMIT_JS = b"document.addEventListener('DOMContentLoaded',function(){document.forms[0].submit();});\n"

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>{head}</head>
<body>{body}</body></html>
"""


class _QueryInsensitiveURLs(list):
    """Endpoint list whose `in` ignores the query string.  pysaml2 checks an
    AuthnRequest's Destination with `in`; an SP may be configured with an SSO URL like
    http://127.0.0.1:P/sso?user=x (to use the `user=` shortcut without a browser) and
    then rightly puts that whole URL in Destination."""

    def __contains__(self, url) -> bool:
        return super().__contains__(str(url).split("?", 1)[0])


class OptionError(ValueError):
    """A request asked for something this IdP cannot do (answered 400)."""


class SPMetadataUnavailable(Exception):
    """--sp-metadata-url could not be fetched or read (answered 502)."""


# Per-request overrides of `serve`'s response options: query or form fields with these names, like `user=`.
OPTION_FIELDS = ("encrypt", "encrypt_what", "encrypt_to", "key_transport", "attribute_names", "group_attribute")


@dataclass(frozen=True)
class ResponseOptions:
    """How `serve` makes a response: its command line defaults, or a request's own fields."""

    encrypt: str | None = None  # content algorithm; None: the assertion goes in plaintext
    encrypt_what: str = "assertion"
    encrypt_to: str = "1"  # 1-based position among the SP metadata's encryption certificates, or a SHA-256
    key_transport: str = "rsa-oaep-mgf1p"
    attribute_names: str = "default"  # a key of ATTRIBUTE_NAMES
    group_attribute: str = DEFAULT_GROUP_ATTRIBUTE

    def overridden(self, fields: dict[str, list[str]]) -> ResponseOptions:
        values = {name: fields[name][0] for name in OPTION_FIELDS if fields.get(name)}
        encrypt = values.get("encrypt", self.encrypt)
        if encrypt == "none":
            encrypt = None
        choices = {"encrypt": (encrypt, CONTENT_ALGS), "encrypt_what": (values.get("encrypt_what"), ENCRYPT_WHAT),
                   "key_transport": (values.get("key_transport"), KEY_TRANSPORTS),
                   "attribute_names": (values.get("attribute_names"), ATTRIBUTE_NAMES)}
        for name, (value, allowed) in choices.items():
            if value is not None and value not in allowed:
                raise OptionError(f"{name}={value!r}: choose one of {', '.join(allowed)}")
        return ResponseOptions(encrypt=encrypt, encrypt_what=values.get("encrypt_what", self.encrypt_what),
                               encrypt_to=values.get("encrypt_to", self.encrypt_to),
                               key_transport=values.get("key_transport", self.key_transport),
                               attribute_names=values.get("attribute_names", self.attribute_names),
                               group_attribute=values.get("group_attribute", self.group_attribute))


class IdPState:
    """Shared state of the HTTP IdP.

    With --sp-metadata-url the SP's own metadata replaces the minimal built-in one: its signing
    certificates check AuthnRequest signatures, its encryption certificates are what responses are
    encrypted to.  It is fetched at first use and again only on demand (POST /sp-metadata), as an IdP
    that caches metadata would, so a test can show what an IdP with a stale copy does in a key rollover."""

    def __init__(self, args: argparse.Namespace, base_url: str, port: int):
        self.base_url = base_url
        self.acs_url = args.sp_acs
        self.audience = args.sp_audience
        self.users = load_users(args.users, args.user)
        self.sp_metadata_url: str | None = args.sp_metadata_url
        self.sp_metadata_loaded = False
        self.defaults = ResponseOptions(encrypt=args.encrypt, encrypt_what=args.encrypt_what,
                                        encrypt_to=args.encrypt_to, key_transport=args.key_transport,
                                        attribute_names=args.attribute_names, group_attribute=args.group_attribute)
        # Accept AuthnRequests addressed to either loopback spelling of our SSO URL.
        sso_urls = [f"{base_url}/sso", f"http://localhost:{port}/sso"]
        self.slo_urls = [f"{base_url}/slo", f"http://localhost:{port}/slo"]
        self.server = build_server(issuer=args.issuer or f"{base_url}/metadata", key=args.key,
                                   cert=args.cert, sp_entity_id=args.sp_audience,
                                   acs_url=args.sp_acs, valid_seconds=args.valid_seconds,
                                   name_format=args.name_format, sso_urls=sso_urls,
                                   want_signed_requests=args.require_signed_requests, slo_urls=self.slo_urls[:1])
        self.key = args.key
        self.require_signed = args.require_signed_requests
        self.password: str | None = args.password
        self.sp_slo = args.sp_slo or args.sp_acs.rsplit("/", 1)[0] + "/slo"
        # IdP sessions by cookie: the email signed in, and the SessionIndex of every response issued in it.
        self.sessions: dict[str, dict] = {}
        self.sent_logout_requests: set[str] = set()
        self.last_logout_request: dict = {}
        self.last_logout_response: dict = {}
        # A key pair never published, for LogoutRequests a test wants signed by the wrong key.
        self.wrong_key, _ = generate_keys(tempfile.mkdtemp(prefix="samlidp-wrong-"))
        self.maker = ResponseMaker(self.server, acs_url=args.sp_acs, audience=args.sp_audience,
                                   sign=args.sign, digest=args.digest, sig_alg=args.sig_alg,
                                   ec_key=key_is_ec(args.key))
        # Serialises pysaml2 use (cheap; tests are not load tests) and guards `last_*` and the SP metadata.
        self.lock = threading.Lock()
        self.last_response_b64 = ""
        self.last_request_xml = ""
        metadata = str(entity_descriptor(self.server.config))
        if args.slo_response_location:
            metadata = metadata.replace(f'Location="{self.slo_urls[0]}"',
                                        f'Location="{self.slo_urls[0]}" ResponseLocation="{base_url}/slo-response"')
        self.metadata_xml = metadata.encode("utf-8")
        endpoint = self.server.config.endpoint
        self.server.config.endpoint = lambda *a, **kw: _QueryInsensitiveURLs(endpoint(*a, **kw))

    # -- the SP's metadata (call with the lock held) -------------------------------------------

    def refresh_sp_metadata(self) -> None:
        self.sp_metadata_loaded = False  # until it is in place; a failure leaves the next request to retry
        try:
            with urllib.request.urlopen(self.sp_metadata_url, timeout=10) as answer:
                xml = answer.read()
            load_sp_metadata(self.server, xml)
        except Exception as exc:
            raise SPMetadataUnavailable(f"SP metadata from {self.sp_metadata_url}: {exc!r}") from exc
        if self.audience not in self.server.metadata.keys():
            raise SPMetadataUnavailable(f"SP metadata from {self.sp_metadata_url} does not describe {self.audience}")
        self.sp_metadata_loaded = True
        summary = self.sp_metadata_summary()
        sys.stderr.write(f"samlidp: loaded SP metadata from {self.sp_metadata_url}: signing "
                         f"{summary['signing']}, encryption {summary['encryption']}\n")

    def ensure_sp_metadata(self) -> None:
        if self.sp_metadata_url and not self.sp_metadata_loaded:
            self.refresh_sp_metadata()

    def sp_certs(self, use: str) -> list[str]:
        """The SP's certificates for `use` (KeyDescriptors without a use count for both), in metadata order."""
        try:
            certs = self.server.metadata.certs(self.audience, "spsso", use)
        except KeyError:  # the metadata does not describe --sp-audience
            return []
        return list(dict.fromkeys(bare_certificate(cert) for _name, cert in certs))

    def sp_metadata_summary(self) -> dict:
        return {"url": self.sp_metadata_url, "loaded": self.sp_metadata_loaded,
                "signing": [sha256_fingerprint(c) for c in self.sp_certs("signing")],
                "encryption": [sha256_fingerprint(c) for c in self.sp_certs("encryption")]}

    def encryption_for(self, options: ResponseOptions) -> Encryption | None:
        if options.encrypt is None:
            return None
        if not self.sp_metadata_url:
            raise OptionError("encryption needs the SP's certificate: start with --sp-metadata-url")
        certs = self.sp_certs("encryption")
        wanted = options.encrypt_to.strip()
        if wanted.isdigit():
            position = int(wanted)
            if not 1 <= position <= len(certs):
                raise OptionError(f"encrypt_to={wanted}: the SP metadata has {len(certs)} encryption certificate(s)")
            cert = certs[position - 1]
        else:
            matching = [c for c in certs if sha256_fingerprint(c) == normalise_fingerprint(wanted)]
            if not matching:
                raise OptionError(f"encrypt_to={wanted}: no such encryption certificate in the SP metadata "
                                  f"(it has {[sha256_fingerprint(c) for c in certs]})")
            cert = matching[0]
        return Encryption(cert=cert, content=options.encrypt, key_transport=options.key_transport,
                          what=options.encrypt_what)

    # -- IdP sessions and Single Logout (call with the lock held) ------------------------------------

    def open_session(self, email: str) -> str:
        session = secrets.token_urlsafe(16)
        self.sessions[session] = {"email": email.strip(), "indexes": []}
        return session

    def end_sessions(self, email: str, indexes: list[str]) -> list[str]:
        """Ends the IdP sessions of `email` (only those that issued one of `indexes`, when given)."""
        ended = [sid for sid, data in self.sessions.items()
                 if data["email"].lower() == email.strip().lower()
                 and (not indexes or set(indexes) & set(data["indexes"]))]
        for sid in ended:
            del self.sessions[sid]
        return ended

    def sp_signing_certs(self) -> list[str]:
        self.ensure_sp_metadata()
        return self.sp_certs("signing")

    def sp_slo_url(self, binding: str) -> str:
        """The SP's SingleLogoutService for `binding` (ResponseLocation first) from its metadata, else --sp-slo."""
        try:
            services = self.server.metadata.single_logout_service(self.audience, binding, "spsso")
        except Exception:
            services = []
        for service in services or []:
            return service.get("response_location") or service["location"]
        return self.sp_slo

    # -- responses ---------------------------------------------------------------------------------

    def respond(self, email: str, in_response_to: str | None, options: ResponseOptions | None = None,
                session: str | None = None) -> str:
        options = options or self.defaults
        with self.lock:
            user = self.users.get(email.strip().lower(), User())
            self.ensure_sp_metadata()
            encryption = self.encryption_for(options)
            _session_index.value = "_si-" + secrets.token_hex(8)
            try:
                xml = self.maker.make(email=email.strip(), given_name=user.given, family_name=user.family,
                                      in_response_to=in_response_to, encryption=encryption, groups=user.groups,
                                      group_attribute=options.group_attribute,
                                      attribute_names=options.attribute_names)
            finally:
                index, _session_index.value = _session_index.value, None
            if session in self.sessions:
                self.sessions[session]["indexes"].append(index)
            b64 = base64.b64encode(xml).decode("ascii")
            self.last_response_b64 = b64
        return b64


class Handler(BaseHTTPRequestHandler):
    server_version = "samlidp/1"
    state: IdPState  # set on the class by serve()

    # -- helpers -------------------------------------------------------------------------

    def _send(self, code: int, body: bytes, ctype: str = "text/html; charset=utf-8",
              headers: list[tuple[str, str]] | None = None) -> None:
        self.send_response(code)
        for name, value in (headers or []) + getattr(self, "_cookies", []):
            self.send_header(name, value)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _page(self, code: int, title: str, body: str, head: str = "") -> None:
        self._send(code, PAGE.format(title=html.escape(title), head=head, body=body).encode("utf-8"))

    def _error(self, code: int, message: str) -> None:
        self.log_message("error %d: %s", code, message)
        self._page(code, "Error", f"<h1>Error</h1><p>{html.escape(message)}</p>")

    def _json(self, value) -> None:
        self._send(200, json.dumps(value).encode("utf-8"), "application/json")

    def _session_cookie(self) -> str | None:
        """The IdP session the browser's `samlidp_session` cookie names, if it is live."""
        for part in (self.headers.get("Cookie") or "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "samlidp_session" and value in self.state.sessions:
                return value
        return None

    def _signed_in(self, email: str) -> str:
        """The IdP session for `email`: the browser's own if it is that user's, else a new one (cookie set)."""
        with self.state.lock:
            current = self._session_cookie()
            if current and self.state.sessions[current]["email"].lower() == email.strip().lower():
                return current
            session = self.state.open_session(email)
        self._cookies = [("Set-Cookie", f"samlidp_session={session}; Path=/; HttpOnly")]
        return session

    def _post_form(self, email: str, in_response_to: str | None, relay_state: str | None,
                   options: ResponseOptions) -> None:
        """The HTTP-POST binding: a page that posts SAMLResponse (+RelayState) to the ACS."""
        b64 = self.state.respond(email, in_response_to, options, session=self._signed_in(email))
        self.log_message("issued response for %r InResponseTo=%s RelayState=%r encrypt=%s",
                         email, in_response_to, relay_state,
                         f"{options.encrypt_what}:{options.encrypt}:{options.encrypt_to}" if options.encrypt else "no")
        self._auto_post(self.state.acs_url, "SAMLResponse", b64, relay_state, "Signing in…")

    def _login_form(self, in_response_to: str | None, relay_state: str | None, hint: str,
                    fields: dict[str, list[str]]) -> None:
        e = html.escape
        hidden = ""
        if in_response_to:
            hidden += f'<input type="hidden" name="InResponseTo" value="{e(in_response_to)}">'
        if relay_state is not None:
            hidden += f'<input type="hidden" name="RelayState" value="{e(relay_state)}">'
        # The request's own response options go along to /login.
        for name in OPTION_FIELDS:
            if fields.get(name):
                hidden += f'<input type="hidden" name="{name}" value="{e(fields[name][0])}">'
        with self.state.lock:  # POST /users may be changing the directory
            names = sorted(self.state.users)
        known = "".join(f"<li>{e(u)}</li>" for u in names)
        body = ('<h1>Test IdP sign-in</h1><form method="post" action="/login">'
                f'<label>Email <input type="email" name="email" id="email" value="{e(hint)}" '
                'required autofocus></label>'
                + ('<label>Password <input type="password" name="password" id="password" required></label>'
                   if self.state.password is not None else "")
                + f'{hidden}<input type="submit" id="submit" value="Sign in"></form>'
                + (f"<p>Known users:</p><ul>{known}</ul>" if known else ""))
        self._page(200, "Test IdP sign-in", body)

    @staticmethod
    def _one(q: dict[str, list[str]], name: str) -> str | None:
        v = q.get(name)
        return v[0] if v else None

    def _form(self) -> dict[str, list[str]]:
        length = int(self.headers.get("Content-Length") or 0)
        return parse_qs(self.rfile.read(length).decode("utf-8", "replace"), keep_blank_values=True)

    def _answer(self, route) -> None:
        """Runs a route, turning its failures into pages: a test IdP should answer, not hang up, on bugs."""
        try:
            route()
        except OptionError as exc:
            self._error(400, str(exc))
        except SPMetadataUnavailable as exc:
            self._error(502, str(exc))
        except Exception as exc:
            self.log_message("internal error: %r", exc)
            self._error(500, f"internal error: {exc!r}")

    # -- routes --------------------------------------------------------------------------

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        q = parse_qs(url.query, keep_blank_values=True)
        self._answer(lambda: self._get(url.path, q))

    def _get(self, path: str, q: dict[str, list[str]]) -> None:
        if path == "/metadata":
            self._send(200, self.state.metadata_xml, "application/samlmetadata+xml")
        elif path == "/sso":
            self._sso(q, BINDING_HTTP_REDIRECT)
        elif path == "/idp-initiated":
            user = self._one(q, "user")
            if not user:
                return self._error(400, "user= is required")
            self._post_form(user, None, self._one(q, "relay_state"), self.state.defaults.overridden(q))
        elif path == "/sp-metadata":
            with self.state.lock:
                self.state.ensure_sp_metadata()
                self._json(self.state.sp_metadata_summary())
        elif path == "/last-response":
            self._send(200, self.state.last_response_b64.encode("ascii"), "text/plain; charset=us-ascii")
        elif path == "/last-request":
            self._send(200, self.state.last_request_xml.encode("utf-8"), "application/xml")
        elif path in ("/slo", "/slo-response"):
            self._slo(q, BINDING_HTTP_REDIRECT, urlsplit(self.path).query)
        elif path == "/idp-logout":
            self._idp_logout(q)
        elif path == "/sessions":
            with self.state.lock:
                self._json([{"email": d["email"], "session_indexes": d["indexes"]}
                            for d in self.state.sessions.values()])
        elif path == "/last-logout-request":
            self._json(self.state.last_logout_request)
        elif path == "/last-logout-response":
            self._json(self.state.last_logout_response)
        elif path == "/autosubmit.js":
            self._send(200, AUTOSUBMIT_JS, "text/javascript")
        elif path == "/":
            self._page(200, "samlidp", '<h1>samlgate test IdP</h1><ul>'
                       '<li><a href="/metadata">metadata</a></li>'
                       '<li><a href="/last-response">last response</a></li></ul>')
        else:
            self._error(404, "not found")

    def do_POST(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        if path == "/login":
            self._answer(self._login)
        elif path == "/sso":
            self._answer(lambda: self._sso(self._form(), BINDING_HTTP_POST))
        elif path == "/sp-metadata":
            self._answer(self._refresh_sp_metadata)
        elif path == "/users":
            self._answer(self._set_user)
        elif path in ("/slo", "/slo-response"):
            self._answer(lambda: self._slo(self._form(), BINDING_HTTP_POST, None))
        else:
            self._error(404, "not found")

    def _login(self) -> None:
        form = self._form()
        email = (self._one(form, "email") or "").strip()
        if not email:
            return self._error(400, "email is required")
        if self.state.password is not None and self._one(form, "password") != self.state.password:
            return self._error(403, "wrong password")
        self._post_form(email, self._one(form, "InResponseTo") or None, self._one(form, "RelayState"),
                        self.state.defaults.overridden(form))

    def _set_user(self) -> None:
        """Adds or replaces one user of the directory (JSON: `email`, `given_name`, `family_name`, `groups`),
        as an IdP admin changing a user's groups between two sign-ins would."""
        length = int(self.headers.get("Content-Length") or 0)
        try:
            value = json.loads(self.rfile.read(length) or b"null")
            email = (value.get("email") or "").strip()
            user = User.from_json(value)
        except (ValueError, AttributeError) as exc:
            return self._error(400, f"a JSON object with email, given_name, family_name, groups: {exc}")
        if not email:
            return self._error(400, "email is required")
        with self.state.lock:
            self.state.users[email.lower()] = user
        self.log_message("user %r: groups %r", email, list(user.groups))
        self._json({"email": email, "given_name": user.given, "family_name": user.family,
                    "groups": list(user.groups)})

    def _refresh_sp_metadata(self) -> None:
        self._form()
        if not self.state.sp_metadata_url:
            return self._error(400, "no --sp-metadata-url")
        with self.state.lock:
            self.state.refresh_sp_metadata()
            self._json(self.state.sp_metadata_summary())

    def _sso(self, q: dict[str, list[str]], binding: str) -> None:
        """An AuthnRequest by HTTP-Redirect (query: deflated SAMLRequest, SigAlg + Signature over the query)
        or HTTP-POST (form: SAMLRequest with an enveloped signature)."""
        saml_request = self._one(q, "SAMLRequest")
        if not saml_request:
            return self._error(400, "SAMLRequest is required")
        relay_state = self._one(q, "RelayState")
        options = self.state.defaults.overridden(q)
        try:
            with self.state.lock:
                self.state.ensure_sp_metadata()
                if binding == BINDING_HTTP_REDIRECT:
                    req = self.state.server.parse_authn_request(saml_request, binding, relay_state=relay_state,
                                                                sigalg=self._one(q, "SigAlg"),
                                                                signature=self._one(q, "Signature"))
                else:
                    req = self.state.server.parse_authn_request(saml_request, binding)
                self.state.last_request_xml = req.xmlstr if isinstance(req.xmlstr, str) \
                    else req.xmlstr.decode("utf-8", "replace")
        except IncorrectlySigned as exc:
            # Unsigned where a signature is required, or not verifiable with the SP metadata's certificates.
            cause = exc.__cause__ or exc
            return self._error(403, f"AuthnRequest signature missing or invalid: {cause!r}")
        except SPMetadataUnavailable:
            raise
        except Exception as exc:
            return self._error(400, f"could not parse AuthnRequest: {exc!r}")
        msg = req.message
        issuer = msg.issuer.text.strip() if msg.issuer is not None and msg.issuer.text else None
        self.log_message("AuthnRequest ID=%s Issuer=%s ACS=%s binding=%s signature=%s", msg.id, issuer,
                         msg.assertion_consumer_service_url, binding.rsplit(":", 1)[-1],
                         "verified" if self.state.server.config.getattr("want_authn_requests_signed", "idp")
                         else "not required")
        # Like a real IdP we answer to the registered ACS, not to whatever the request names.
        if issuer and issuer != self.state.audience:
            self.log_message("warning: request Issuer %r != registered SP %r", issuer, self.state.audience)
        if msg.assertion_consumer_service_url and msg.assertion_consumer_service_url != self.state.acs_url:
            self.log_message("warning: request ACS %r != registered ACS %r",
                             msg.assertion_consumer_service_url, self.state.acs_url)
        user = self._one(q, "user")
        with self.state.lock:
            current = self._session_cookie()
            session_user = self.state.sessions[current]["email"] if current else None
        if user or session_user:
            # An IdP session answers at once, as a real IdP's single sign-on does.
            self._post_form(user or session_user, msg.id, relay_state, options)
        else:
            self._login_form(msg.id, relay_state, self._one(q, "login_hint") or "", q)

    # -- Single Logout ---------------------------------------------------------------------------

    def _auto_post(self, action: str, field: str, value: str, relay_state: str | None, title: str) -> None:
        """A page that posts `field` (+RelayState) to `action`; its script is external rather than inline, so
        it also works where inline JS is blocked."""
        e = html.escape
        fields = f'<input type="hidden" name="{field}" value="{e(value)}">'
        if relay_state is not None:
            fields += f'<input type="hidden" name="RelayState" value="{e(relay_state)}">'
        body = (f'<form method="post" action="{e(action)}">{fields}'
                '<noscript><p>JavaScript is off: press the button to continue.</p></noscript>'
                '<input type="submit" value="Continue"></form>')
        self._page(200, title, body, head='<script src="/autosubmit.js"></script>')

    def _slo(self, q: dict[str, list[str]], binding: str, raw_query: str | None) -> None:
        """A LogoutRequest from the SP (end its IdP session, answer a signed LogoutResponse in the same
        binding) or the SP's LogoutResponse to ours (record whether it verified)."""
        relay_state = self._one(q, "RelayState")
        request, response = self._one(q, "SAMLRequest"), self._one(q, "SAMLResponse")
        if bool(request) == bool(response):
            return self._error(400, "exactly one of SAMLRequest and SAMLResponse is required")
        encoded = request or response
        xml = inflate_value(encoded) if binding == BINDING_HTTP_REDIRECT else base64.b64decode(encoded).decode()
        fields = logout_fields(xml)
        with self.state.lock:
            certs = self.state.sp_signing_certs()
        if binding == BINDING_HTTP_REDIRECT:
            problem = verify_redirect(raw_query or "", certs)
        else:
            problem = verify_xml(xml, certs, fields["root"])
        record = {**fields, "xml": xml, "binding": binding.rsplit(":", 1)[-1], "relay_state": relay_state,
                  "verified": problem is None, "reason": problem}
        if response:
            known = fields["in_response_to"] in self.state.sent_logout_requests
            record["answers_ours"] = known
            self.state.last_logout_response = record
            self.log_message("LogoutResponse InResponseTo=%s status=%s verified=%s (%s)", fields["in_response_to"],
                             fields["status"], problem is None, problem)
            return self._page(200, "Logged out", f"<h1>Logged out</h1><p>verified: {problem is None}, "
                              f"answers our request: {known}</p>")
        if fields["destination"] not in self.state.slo_urls:
            record["reason"] = problem = f"Destination {fields['destination']!r} is not this IdP's SLO URL"
        elif fields["issuer"] != self.state.audience:
            record["reason"] = problem = f"Issuer {fields['issuer']!r} is not the SP {self.state.audience!r}"
        if problem and (self.state.require_signed or record["verified"]):
            self.state.last_logout_request = record
            return self._error(403, f"LogoutRequest refused: {problem}")
        with self.state.lock:
            ended = self.state.end_sessions(fields["name_id"] or "", fields["session_indexes"])
        record["ended_sessions"] = len(ended)
        self.state.last_logout_request = record
        self.log_message("LogoutRequest ID=%s NameID=%s SessionIndex=%s binding=%s verified=%s: ended %d session(s)",
                         fields["id"], fields["name_id"], fields["session_indexes"], record["binding"],
                         problem is None, len(ended))
        self._cookies = [("Set-Cookie", "samlidp_session=; Path=/; Max-Age=0; HttpOnly")]
        with self.state.lock:
            destination = self.state.sp_slo_url(binding)
            server = self.state.server
            # pysaml2's own LogoutResponse (create_logout_response without its endpoint lookup), XML-signed
            # for HTTP-POST; an HTTP-Redirect one is signed over the query instead.
            answer = server._status_response(
                samlp.LogoutResponse, server._issuer(), None, sign=binding == BINDING_HTTP_POST,
                sign_alg=SLO_SIG_ALG, digest_alg=ds.DIGEST_SHA256, in_response_to=fields["id"],
                destination=destination)
        answer = str(answer)
        if binding == BINDING_HTTP_REDIRECT:
            url = signed_redirect(destination, "SAMLResponse", answer, relay_state, self.state.key)
            self._send(302, b"", headers=[("Location", url)])
        else:
            self._auto_post(destination, "SAMLResponse", base64.b64encode(answer.encode()).decode(), relay_state,
                            "Signing out…")

    def _idp_logout(self, q: dict[str, list[str]]) -> None:
        """IdP-initiated logout of `user`: ends the user's IdP sessions and sends the SP a LogoutRequest
        (binding=redirect|post; session_index= to name one, empty for none; sign=none|wrong-key;
        not_on_or_after_seconds=N; id=X; format=json to get the message instead of being sent)."""
        user = self._one(q, "user")
        if not user:
            return self._error(400, "user= is required")
        binding = BINDING_HTTP_POST if self._one(q, "binding") == "post" else BINDING_HTTP_REDIRECT
        with self.state.lock:
            indexes = [i for d in self.state.sessions.values() if d["email"].lower() == user.lower()
                       for i in d["indexes"]]
            if "session_index" in q:
                indexes = [v for v in q["session_index"] if v]
            if self._one(q, "keep_session") != "1":
                self.state.end_sessions(user, [])
            destination = self.state.sp_slo_url(binding)
            seconds = int(self._one(q, "not_on_or_after_seconds") or 300)
            expire = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds))
            sign = self._one(q, "sign") or "normal"
            request_id, message = self.state.server.create_logout_request(
                destination, self.state.audience, name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=user),
                expire=expire, session_indexes=indexes or None, message_id=self._one(q, "id") or 0,
                sign=binding == BINDING_HTTP_POST and sign == "normal", sign_alg=SLO_SIG_ALG,
                digest_alg=ds.DIGEST_SHA256)
            self.state.sent_logout_requests.add(request_id)
        xml = str(message)
        key = {"normal": self.state.key, "wrong-key": self.state.wrong_key, "none": None}[sign]
        relay_state = self._one(q, "relay_state")
        if binding == BINDING_HTTP_REDIRECT:
            url = signed_redirect(destination, "SAMLRequest", xml, relay_state, key)
            if self._one(q, "format") == "json":
                return self._json({"binding": "redirect", "url": url, "id": request_id})
            return self._send(302, b"", headers=[("Location", url)])
        if sign == "wrong-key":
            return self._error(400, "sign=wrong-key is for the HTTP-Redirect binding")
        value = base64.b64encode(xml.encode()).decode()
        if self._one(q, "format") == "json":
            fields = {"SAMLRequest": value, **({"RelayState": relay_state} if relay_state is not None else {})}
            return self._json({"binding": "post", "action": destination, "fields": fields, "id": request_id})
        self._auto_post(destination, "SAMLRequest", value, relay_state, "Signing out…")

    def log_message(self, fmt: str, *args) -> None:
        # `fmt % args`: http.server's log_message interface.
        sys.stderr.write(f"samlidp: {self.address_string()} {fmt % args}\n")


def cmd_serve(args: argparse.Namespace) -> int:
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    httpd.daemon_threads = True
    port = httpd.server_address[1]  # --port 0 picks a free one
    base_url = f"http://127.0.0.1:{port}"
    Handler.state = IdPState(args, base_url, port)

    def on_term(_signo, _frame):
        # Raising out of serve_forever() in the main thread is the clean way out; calling
        # httpd.shutdown() here would deadlock (it waits for this very thread).
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_term)
    print(f"READY {base_url}", flush=True)
    try:
        httpd.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        httpd.server_close()
        sys.stderr.write("samlidp: stopped\n")
    return 0


# --------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------


def add_signing_args(p: argparse.ArgumentParser, sign_default: str) -> None:
    p.add_argument("--sign", choices=SIGN_MODES, default=sign_default,
                   help=f"what to sign (default {sign_default})")
    p.add_argument("--digest", choices=sorted(DIGEST_ALGS), default="sha256")
    p.add_argument("--sig-alg", choices=sorted(SIG_ALGS), default=None,
                   help="default rsa-sha256, or ecdsa-sha256 for an EC key")
    p.add_argument("--valid-seconds", type=int, default=300,
                   help="lifetime of Conditions and SubjectConfirmationData (negative: already expired)")
    p.add_argument("--name-format", choices=sorted(NAME_FORMATS), default="basic",
                   help="attribute NameFormat")
    p.add_argument("--attribute-names", choices=sorted(ATTRIBUTE_NAMES), default="default",
                   help="Names of the email, given and family name attributes: default (email, given_name, "
                        "family_name) or ldap (mail, givenName, sn)")
    p.add_argument("--group-attribute", default=DEFAULT_GROUP_ATTRIBUTE, metavar="NAME",
                   help=f"Name of the multi-valued groups attribute (default {DEFAULT_GROUP_ATTRIBUTE}); "
                        "sent only for a user with groups")


def add_encryption_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--encrypt", choices=sorted(CONTENT_ALGS), metavar="ALG",
                   help="encrypt with this content algorithm: " + ", ".join(sorted(CONTENT_ALGS)))
    p.add_argument("--encrypt-what", choices=ENCRYPT_WHAT, default="assertion",
                   help="with --encrypt: the Assertion (EncryptedAssertion), the NameID (EncryptedID) or both")
    p.add_argument("--key-transport", choices=sorted(KEY_TRANSPORTS), default="rsa-oaep-mgf1p",
                   help="how the session key is encrypted to the SP's certificate")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="samlidp", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("keys", help="generate an IdP key and self-signed certificate")
    p.add_argument("--out", required=True, help="directory for key.pem and cert.pem")
    p.add_argument("--type", choices=("rsa", "ec"), default="rsa")
    p.add_argument("--days", type=int, default=3650, help="validity; <= 0 makes an expired cert")
    p.add_argument("--cn", default="samlgate test IdP", help="certificate subject CN")

    p = sub.add_parser("response", help="print base64 SAMLResponse(s), one per line")
    p.add_argument("--acs", required=True, help="Post-back URL (Recipient, Destination)")
    p.add_argument("--audience", required=True, help="Audience URI (SP entity ID)")
    p.add_argument("--email", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--issuer", default="urn:samlgate:test-idp")
    p.add_argument("--name-id", help="NameID value (default: --email)")
    p.add_argument("--given-name")
    p.add_argument("--family-name")
    p.add_argument("--no-email-attribute", action="store_true",
                   help="omit the email attribute (identity then comes from the NameID)")
    p.add_argument("--group", action="append", default=[], metavar="GROUP",
                   help="a group the user is in (repeatable): the values of --group-attribute")
    p.add_argument("--in-response-to", help="AuthnRequest ID (omit for IdP-initiated)")
    add_signing_args(p, "assertion")
    d = p.add_mutually_exclusive_group()
    d.add_argument("--destination", help="Response Destination (default: --acs)")
    d.add_argument("--no-destination", action="store_true", help="omit the Destination attribute")
    p.add_argument("--count", type=int, default=1, help="number of responses, each with fresh IDs")
    p.add_argument("--out", help="write to FILE instead of stdout")
    add_encryption_args(p)
    p.add_argument("--encrypt-cert", metavar="PEM", help="the SP's encryption certificate (with --encrypt)")

    p = sub.add_parser("serve", help="run the HTTP test IdP on 127.0.0.1")
    p.add_argument("--port", type=int, required=True, help="0 picks a free port (see READY line)")
    p.add_argument("--key", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--sp-acs", required=True)
    p.add_argument("--sp-audience", required=True)
    p.add_argument("--issuer", help="IdP entity ID (default: http://127.0.0.1:PORT/metadata)")
    p.add_argument("--users", help="file: JSON [{email,given_name,family_name,groups}] or lines "
                                   "email:given:family[:group|group...]")
    p.add_argument("--user", action="append", metavar="EMAIL:GIVEN:FAMILY[:GROUP|GROUP...]",
                   help="repeatable; a group name may hold colons, not |")
    add_signing_args(p, "assertion")
    p.add_argument("--sp-metadata-url", metavar="URL",
                   help="the SP's metadata (http:, https: or file:), fetched at first use and on POST "
                        "/sp-metadata: its signing certificates check AuthnRequests, its encryption "
                        "certificates receive encrypted responses")
    p.add_argument("--require-signed-requests", action="store_true",
                   help="refuse (403) AuthnRequests and LogoutRequests not signed by a signing key in the SP "
                        "metadata")
    p.add_argument("--sp-slo", metavar="URL",
                   help="the SP's Single Logout URL when its metadata names none (default: --sp-acs's /acs → /slo)")
    p.add_argument("--slo-response-location", action="store_true",
                   help="publish SingleLogoutService with ResponseLocation …/slo-response (served like /slo)")
    p.add_argument("--password", help="the login form asks for this password too (any user)")
    add_encryption_args(p)
    p.add_argument("--encrypt-to", default="1", metavar="N|SHA256",
                   help="which encryption certificate of the SP metadata: its position (default 1) or "
                        "its SHA-256 fingerprint (colons optional)")

    args = ap.parse_args(argv)
    # pysaml2 logs a lot at WARNING for harmless things; keep stderr readable.
    logging.basicConfig(level=logging.ERROR)

    if args.cmd == "keys":
        key_path, cert_path = generate_keys(args.out, args.type, args.days, args.cn)
        print(key_path)
        print(cert_path)
        return 0
    if args.cmd == "response":
        if args.count < 1:
            ap.error("--count must be >= 1")
        if bool(args.encrypt) != bool(args.encrypt_cert):
            ap.error("--encrypt and --encrypt-cert go together")
        return cmd_response(args)
    if (args.require_signed_requests or args.encrypt) and not args.sp_metadata_url:
        ap.error("--require-signed-requests and --encrypt need --sp-metadata-url")
    return cmd_serve(args)


if __name__ == "__main__":
    sys.exit(main())
