"""Encrypted assertions for the benchmark: a signed Response's Assertion replaced by an EncryptedAssertion,
as an IdP that encrypts to the SP's certificate sends it.

The Assertion (signature included, bytes unchanged) becomes the plaintext of
`<saml:EncryptedAssertion><xenc:EncryptedData Type="…#Element">` with AES-256-GCM (or AES-256-CBC) content
encryption and an inline `<xenc:EncryptedKey>` (RSA-OAEP-MGF1P, SHA-1 digest: what IdPs send by default)
holding a fresh AES key for every Response. The namespace declarations the Assertion inherits from the
Response are copied onto it, so the plaintext parses on its own (as Santuario's decrypter parses it);
exclusive canonicalization renders them the same way, so the signature still verifies.

Done with `cryptography` (pinned in Tests/IdP/requirements.txt for pysaml2) rather than xmlsec: ≈ 30 µs of
RSA public-key work and a few µs of AES per Response, in the generating process.
"""
from __future__ import annotations

import base64
import os
import re

from cryptography import x509
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.asymmetric import padding as asymmetric_padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

XENC = "http://www.w3.org/2001/04/xmlenc#"
DS = "http://www.w3.org/2000/09/xmldsig#"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
CONTENT_ALGORITHMS = {"aes256-gcm": "http://www.w3.org/2009/xmlenc11#aes256-gcm",
                      "aes256-cbc": XENC + "aes256-cbc"}
NAMES = {"aes256-gcm": "AES-256-GCM", "aes256-cbc": "AES-256-CBC"}
_OAEP = asymmetric_padding.OAEP(mgf=asymmetric_padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)
_DECLARATION = re.compile(rb'\sxmlns(?::([\w.-]+))?="[^"]*"')


def public_key(cert_pem: bytes) -> RSAPublicKey:
    """The RSA key of the SP's certificate (PEM), which the assertions are encrypted to."""
    key = x509.load_pem_x509_certificate(cert_pem).public_key()
    if not isinstance(key, RSAPublicKey):
        raise ValueError("the SP certificate's key is not RSA")
    return key


def _encrypt_content(algorithm: str, key: bytes, plaintext: bytes) -> bytes:
    """CipherValue octets: IV ‖ ciphertext (‖ tag for GCM), as XML Encryption 1.1 lays them out."""
    if algorithm == "aes256-gcm":
        nonce = os.urandom(12)
        return nonce + AESGCM(key).encrypt(nonce, plaintext, None)
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()  # its last octet is the padding length, as XML Encryption reads it
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return iv + encryptor.update(padded) + encryptor.finalize()


def _standalone(document: bytes, start: int, end: int, prefix: bytes) -> bytes:
    """The Assertion element `document[start:end]` with the root element's namespace declarations it
    lacks added to its start tag."""
    root_start = document.index(b"<", document.index(b"?>") + 2 if document.startswith(b"<?xml") else 0)
    root_tag = document[root_start:document.index(b">", root_start)]
    element = document[start:end]
    tag_end = element.index(b">")
    own = {match.group(1) for match in _DECLARATION.finditer(element[:tag_end])}
    missing = [match.group(0) for match in _DECLARATION.finditer(root_tag) if match.group(1) not in own]
    name_end = len(b"<") + len(prefix) + len(b"Assertion")
    return element[:name_end] + b"".join(missing) + element[name_end:]


def encrypt_assertion(document: bytes, key: RSAPublicKey, algorithm: str = "aes256-gcm") -> bytes:
    """`document` (a Response with exactly one signed Assertion) with that Assertion encrypted to `key`."""
    match = re.search(rb"<(?:([\w.-]+):)?Assertion[\s>]", document)
    if not match:
        raise ValueError("no Assertion in the Response")
    prefix = match.group(1) + b":" if match.group(1) else b""
    close = b"</" + prefix + b"Assertion>"
    end = document.index(close) + len(close)
    if document.count(close) != 1:
        raise ValueError("more than one Assertion in the Response")
    plaintext = _standalone(document, match.start(), end, prefix)
    content_key = os.urandom(32)
    cipher_value = base64.b64encode(_encrypt_content(algorithm, content_key, plaintext)).decode()
    key_value = base64.b64encode(key.encrypt(content_key, _OAEP)).decode()
    encrypted = (
        f'<saml:EncryptedAssertion xmlns:saml="{SAML}">'
        f'<xenc:EncryptedData xmlns:xenc="{XENC}" Type="{XENC}Element">'
        f'<xenc:EncryptionMethod Algorithm="{CONTENT_ALGORITHMS[algorithm]}"/>'
        f'<ds:KeyInfo xmlns:ds="{DS}"><xenc:EncryptedKey>'
        f'<xenc:EncryptionMethod Algorithm="{XENC}rsa-oaep-mgf1p"><ds:DigestMethod Algorithm="{DS}sha1"/>'
        f"</xenc:EncryptionMethod>"
        f"<xenc:CipherData><xenc:CipherValue>{key_value}</xenc:CipherValue></xenc:CipherData>"
        f"</xenc:EncryptedKey></ds:KeyInfo>"
        f"<xenc:CipherData><xenc:CipherValue>{cipher_value}</xenc:CipherValue></xenc:CipherData>"
        f"</xenc:EncryptedData></saml:EncryptedAssertion>"
    )
    return document[:match.start()] + encrypted.encode() + document[end:]
