"""Bulk unique signed SAML Responses for the benchmark, ~10x faster than `samlidp.py response --count`.

`samlidp.py response` runs one `xmlsec1` process per signature (pysaml2's backend): ≈ 80 responses/s
on a busy 2-core machine, far too slow for tens of thousands. Here pysaml2 (through samlidp.py's own
`build_server`/`ResponseMaker`, with the same options) builds the Response once, stopping just before
its signing step, which is captured; then for each copy the Response ID, the Assertion ID (and so the
Reference URI) and the SessionIndex are replaced with fresh random ones, and the copies are signed by
`xmlsec1 --sign` exactly as pysaml2 signs them, but hundreds of files per xmlsec1 process.

With `--encrypt-to CERT` each signed Assertion is then encrypted to that SP certificate
(samlgate_tools.bench.encryption: AES-256-GCM or, with `--content-encryption aes256-cbc`, AES-256-CBC, the
key transported with RSA-OAEP-MGF1P), in this process.

Output: one base64 SAMLResponse per line, like `samlidp.py response`. The programs are bench/responses.py
and bench/responses_unique.py (one user per Response).
"""
from __future__ import annotations

import argparse
import base64
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import samlidp  # the test IdP (Tests/IdP/samlidp.py): pysaml2 configured as in the interop tests
from samlgate_tools.bench import encryption

ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"
DECLARATION = '<?xml version="1.0"?>\n'


def template(args) -> tuple[str, list[str]]:
    """pysaml2's unsigned Response with its signature template, and the ID-like values to renew."""
    server = samlidp.build_server(issuer=args.issuer, key=args.key, cert=args.cert, sp_entity_id=args.audience,
                                  acs_url=args.acs, valid_seconds=args.valid_seconds)
    captured = {}

    def capture(statement, node_name, key_file, node_id, *rest, **kwargs):
        if node_name != ASSERTION:
            raise RuntimeError(f"unexpected signing of {node_name}")
        captured["xml"] = statement.decode() if isinstance(statement, bytes) else statement
        return statement

    server.sec.crypto.sign_statement = capture
    maker = samlidp.ResponseMaker(server, acs_url=args.acs, audience=args.audience)
    maker.make(email=args.email, given_name=args.given_name, family_name=args.family_name)
    xml = captured["xml"]
    renew = re.findall(r' ID="([^"]+)"', xml) + re.findall(r' SessionIndex="([^"]+)"', xml)
    if len(renew) != 3 or xml.count("<ns2:Signature ") != 1:
        raise RuntimeError("unexpected template from pysaml2: " + xml[:400])
    return xml, renew


def sign_batch(xmlsec: str, key: str, texts: list[str], folder: Path, index: int) -> list[bytes]:
    files = []
    for number, text in enumerate(texts):
        path = folder / f"{index}-{number}.xml"
        path.write_text(text)
        files.append(str(path))
    # The same command line pysaml2's xmlsec1 backend uses, minus --node-id (one Signature per file)
    # and --output (several files: the signed documents follow each other on stdout).
    result = subprocess.run([xmlsec, "--sign", "--privkey-pem", key, "--id-attr:ID", ASSERTION, *files],
                            capture_output=True, timeout=600)
    for path in files:
        os.unlink(path)
    if result.returncode != 0:
        raise RuntimeError(f"xmlsec1 --sign failed: {result.stderr.decode()[-800:]}")
    documents = [DECLARATION.encode() + part for part in result.stdout.split(DECLARATION.encode()) if part.strip()]
    if len(documents) != len(texts):
        raise RuntimeError(f"xmlsec1 signed {len(documents)} of {len(texts)} documents")
    return documents


def one_user_per_response(xml: str, renew: list[str], email: str) -> tuple[str, list[str]]:
    """The template with `email` (the NameID and the email attribute) replaced by `user.id-<random>@<its
    domain>`, the random part renewed in every copy like the IDs (bench/responses_unique.py says why)."""
    if email not in xml or "@" not in email:
        raise RuntimeError(f"{email} not found in pysaml2's template")
    placeholder = "id-" + secrets.token_hex(16)
    domain = email.split("@", 1)[1]
    return xml.replace(email, f"user.{placeholder}@{domain}"), [*renew, placeholder]


def main(description: str = __doc__, unique_users: bool = False) -> int:
    """The programs' command line; `unique_users`: a different user in every Response."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--acs", required=True)
    parser.add_argument("--audience", required=True)
    parser.add_argument("--issuer", default="urn:samlgate:test-idp")
    parser.add_argument("--email", required=True)
    parser.add_argument("--given-name")
    parser.add_argument("--family-name")
    parser.add_argument("--key", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--valid-seconds", type=int, default=3600)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--batch", type=int, default=250, help="documents per xmlsec1 process")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="xmlsec1 processes at once")
    parser.add_argument("--encrypt-to", metavar="CERT", help="encrypt each Assertion to this SP certificate (PEM)")
    parser.add_argument("--content-encryption", choices=sorted(encryption.CONTENT_ALGORITHMS), default="aes256-gcm",
                        help="with --encrypt-to: the EncryptedData's algorithm")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    xml, renew = template(args)
    if unique_users:
        xml, renew = one_user_per_response(xml, renew, args.email)
    xmlsec = shutil.which("xmlsec1")
    if not xmlsec:
        sys.exit("responses.py: xmlsec1 not found on PATH")

    recipient = encryption.public_key(Path(args.encrypt_to).read_bytes()) if args.encrypt_to else None

    def make_batch(texts: list[str], folder: Path, index: int) -> list[bytes]:
        documents = sign_batch(xmlsec, args.key, texts, folder, index)
        if recipient:
            documents = [encryption.encrypt_assertion(d, recipient, args.content_encryption) for d in documents]
        return documents

    def copy() -> str:
        text = xml
        for old in renew:
            text = text.replace(old, "id-" + secrets.token_hex(16))
        return text

    batches = []
    left = args.count
    while left > 0:
        size = min(args.batch, left)
        batches.append(size)
        left -= size
    with tempfile.TemporaryDirectory(prefix="bench-responses-") as folder, open(args.out, "w") as out, \
            ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(make_batch, [copy() for _ in range(size)], Path(folder), index)
                   for index, size in enumerate(batches)]
        for future in futures:
            for document in future.result():
                out.write(base64.b64encode(document).decode("ascii") + "\n")
    return 0

