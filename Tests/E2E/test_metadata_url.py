"""IdP metadata from a URL, through real nginx serving the documents the tests swap (https from a test CA).

An ADFS-style rollover (a new certificate added, then made primary, the old one removed) keeps sign-ins
working at every step; every kind of bad document changes nothing and is reported; two responders on one
store fetch once per due time; and the metrics and health endpoints answer through the shipped snippet,
to this host only.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import requests

from samlgate_tools import harness

MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata"
ENTITY_ID = "https://adfs.example.test/adfs/services/trust"
OLD_KEY, OLD_CERT = harness.IDP_KEY, harness.IDP_CERT
NEW_KEY = harness.FIXTURES / "attacker-key.pem"
NEW_CERT = harness.FIXTURES / "attacker-cert.pem"
# The key that signs the metadata documents themselves, pinned with --metadata-signing-cert.
PIN_KEY = harness.FIXTURES / "sp-next-key.pem"
PIN_CERT = harness.FIXTURES / "sp-next-cert.pem"
WRONG_PIN_KEY = harness.FIXTURES / "sp-rsa-key.pem"
WRONG_PIN_CERT = harness.FIXTURES / "sp-rsa-cert.pem"


def der_base64(pem: Path) -> str:
    body = "".join(line for line in pem.read_text().splitlines() if line and not line.startswith("-----"))
    return body


def metadata(certs: list[Path], *, entity_id: str = ENTITY_ID, sso: str = "https://adfs.example.test/adfs/ls/",
             valid_until: str | None = None, cache_duration: str | None = None, use: str = "signing",
             doctype: bool = False, padding: int = 0, signed: bool = False) -> str:
    """An IdP EntityDescriptor with `certs` as signing KeyDescriptors (ADFS lists the primary first)."""
    keys = "".join(
        f'<md:KeyDescriptor use="{use}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{der_base64(cert)}'
        "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>" for cert in certs)
    attributes = f' validUntil="{valid_until}"' if valid_until else ""
    attributes += f' cacheDuration="{cache_duration}"' if cache_duration else ""
    signature = ""
    if signed:
        signature = (
            '<ds:Signature><ds:SignedInfo>'
            '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
            '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
            '<ds:Reference URI="#_md1"><ds:Transforms>'
            '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
            '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>'
            '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/>'
            '</ds:Reference></ds:SignedInfo><ds:SignatureValue/></ds:Signature>')
    doctype_text = '<!DOCTYPE md:EntityDescriptor [<!ENTITY x "y">]>' if doctype else ""
    pad = f"<!--{'x' * padding}-->" if padding else ""
    return (f'<?xml version="1.0"?>{doctype_text}<md:EntityDescriptor xmlns:md="{MD_NS}" '
            f'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" ID="_md1" entityID="{entity_id}"{attributes}>'
            f'{signature}<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            f'{keys}<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
            f'Location="{sso}"/></md:IDPSSODescriptor>{pad}</md:EntityDescriptor>')


def sign(xml: str, key: Path, cert: Path, work: Path) -> str:
    """The document with its Signature template filled in by xmlsec1 (the IdP's own tool chain)."""
    source = work / "unsigned.xml"
    source.write_text(xml)
    out = work / "signed.xml"
    subprocess.run(["xmlsec1", "--sign", "--privkey-pem", f"{key},{cert}", "--id-attr:ID",
                    f"{MD_NS}:EntityDescriptor", "--output", str(out), str(source)], check=True, capture_output=True)
    return out.read_text()


def make_ca(folder: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate for 127.0.0.1 and localhost signed by it."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = folder / "ca.key", folder / "ca.pem"
    server_key, server_cert = folder / "server.key", folder / "server.pem"
    run = lambda *args: subprocess.run(["openssl", *args], check=True, capture_output=True)  # noqa: E731
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out", str(ca_cert), "-days", "2",
        "-subj", "/CN=samlgate test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(server_key), "-out", str(folder / "server.csr"),
        "-subj", "/CN=127.0.0.1")
    extensions = folder / "san.cnf"
    extensions.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    run("x509", "-req", "-in", str(folder / "server.csr"), "-CA", str(ca_cert), "-CAkey", str(ca_key),
        "-CAcreateserial", "-out", str(server_cert), "-days", "2", "-extfile", str(extensions))
    return ca_cert, server_cert, server_key


def start_metadata_server(processes: harness.Processes, folder: Path, cert: Path, key: Path) -> tuple[int, int, Path]:
    """nginx serving `folder/docs` over https (the test CA) and http, with a slow path and redirects."""
    docs = folder / "docs"
    (docs / "slow").mkdir(parents=True, exist_ok=True)
    (folder / "logs").mkdir(exist_ok=True)
    https_port, http_port = harness.free_port(), harness.free_port()
    conf = folder / "nginx.conf"
    conf.write_text(harness.nginx_main(folder, connections=64) + f"""
http {{
    types {{ application/samlmetadata+xml xml; }}
    log_format timed '$msec $request_uri $status';
    access_log {folder}/logs/access.log timed;
    client_body_temp_path {folder}/body;
    server {{
        listen 127.0.0.1:{https_port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        root {docs};
        location /slow/ {{ limit_rate 1k; }}
        location = /to-http {{ return 302 http://127.0.0.1:{http_port}/idp.xml; }}
        location = /to-https {{ return 302 https://127.0.0.1:{https_port}/idp.xml; }}
        location = /missing {{ return 404; }}
    }}
    server {{
        listen 127.0.0.1:{http_port};
        root {docs};
    }}
}}
""")
    processes.start("nginx (metadata)", ["nginx", "-c", str(conf), "-p", str(folder)], folder / "nginx.log")
    harness.wait_for_port(https_port)
    harness.wait_for_port(http_port)
    return https_port, http_port, docs


@pytest.fixture(scope="module")
def md(bins, python_for_idp, work, processes):
    """A samlgate site behind nginx whose account takes its IdP settings from the metadata server."""
    folder = work / "metadata-url"
    ca, server_cert, server_key = make_ca(folder / "tls")
    https_port, http_port, docs = start_metadata_server(processes, folder / "mdserver", server_cert, server_key)
    port = harness.free_port()
    base_url = f"http://127.0.0.1:{port}"
    cli = harness.new_site(bins, folder / "site", base_url)
    cli.environment["SAMLGATE_CA_FILE"] = str(ca)
    cli("user", "add", "--account", "acme", "--email", "owner@example.com", "--role", "owner", "--password-stdin",
        stdin="owner passphrase\n")
    cli("user", "add", "--account", "acme", "--email", "alice@example.com", "--role", "user")
    site = cli.db.parent
    socket_path = site / "samlgate.sock"
    processes.start("samlgate-fcgi (metadata)",
                    [str(bins / "samlgate-fcgi"), "--db", str(cli.db), "--secret-file", str(cli.secret_file),
                     "--listen", f"unix:{socket_path}", "--threads", "2"], site / "samlgate-fcgi.log",
                    env={**os.environ, "SAMLGATE_CA_FILE": str(ca)})
    harness.wait_for_unix_socket(socket_path)
    app, app_port = harness.start_echo_app()
    harness.start_nginx(processes, site, port, socket_path, app_port)
    env = {"cli": cli, "base_url": base_url, "docs": docs, "https": f"https://127.0.0.1:{https_port}",
           "http": f"http://127.0.0.1:{http_port}", "ca": ca, "work": folder, "python": python_for_idp,
           "bins": bins, "processes": processes, "access_log": folder / "mdserver" / "logs" / "access.log"}
    yield env
    app.shutdown()


def publish(env: dict, xml: str, name: str = "idp.xml") -> None:
    """Swaps the served document (renamed into place, so nginx never serves half a file)."""
    target = env["docs"] / name
    temporary = target.with_suffix(".tmp")
    temporary.write_text(xml)
    temporary.rename(target)


def response(env: dict, key: Path, cert: Path, email: str = "alice@example.com") -> str:
    base_url = env["base_url"]
    result = subprocess.run(
        [env["python"], str(harness.REPO / "Tests" / "IdP" / "samlidp.py"), "response", "--acs",
         f"{base_url}/sso/acme/acs", "--audience", f"{base_url}/sso/acme/metadata", "--email", email, "--key",
         str(key), "--cert", str(cert), "--issuer", ENTITY_ID], check=True, capture_output=True, text=True)
    return result.stdout.strip()


def signs_in(env: dict, key: Path, cert: Path) -> bool:
    status = harness.acs_status(env["base_url"], response(env, key, cert))
    assert status in (303, 403), status
    return status == 303


def show(env: dict) -> dict:
    return env["cli"].json("saml", "show", "--account", "acme")


def fingerprints(env: dict) -> list[str]:
    return [c["sha256"] for c in show(env)["certificates"]]


def sha256_of(cert: Path) -> str:
    out = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-fingerprint", "-sha256"],
                         check=True, capture_output=True, text=True).stdout
    return out.strip().split("=", 1)[1]


def use_metadata_url(env: dict, certs: list[Path] | None = None) -> None:
    """Serves a good document with `certs` (default: the new key's) and points the account at it afresh, so
    the document's certificates are all there is."""
    publish(env, metadata(certs or [NEW_CERT]))
    env["cli"]("saml", "set", "--account", "acme", "--idp-metadata-url", "")
    env["cli"]("saml", "set", "--account", "acme", "--idp-metadata-url", f"{env['https']}/idp.xml", "--enable")


def refresh(env: dict, *extra: str) -> subprocess.CompletedProcess:
    return env["cli"]("saml", "refresh", "--account", "acme", *extra, check=False)


def test_adfs_style_rollover_keeps_sign_ins_working(md):
    old, new = sha256_of(OLD_CERT), sha256_of(NEW_CERT)
    # Start from an account configured by hand (an uploaded certificate), as before the switch to a URL.
    md["cli"]("saml", "set", "--account", "acme", "--idp-metadata-url", "", "--cert", str(OLD_CERT))
    publish(md, metadata([OLD_CERT]))
    out = md["cli"]("saml", "set", "--account", "acme", "--idp-metadata-url", f"{md['https']}/idp.xml", "--enable")
    assert "Applied IdP metadata for " + ENTITY_ID in out.stdout
    settings = show(md)
    assert settings["idp_metadata_url"] == f"{md['https']}/idp.xml"
    assert settings["idp_entity_id"] == ENTITY_ID and settings["sso_url"] == "https://adfs.example.test/adfs/ls/"
    assert [(c["sha256"], c["origin"]) for c in settings["certificates"]] == [(old, "metadata")]
    assert signs_in(md, OLD_KEY, OLD_CERT) and not signs_in(md, NEW_KEY, NEW_CERT)

    # ADFS creates the new certificate and publishes it as secondary: both sign in at once.
    publish(md, metadata([OLD_CERT, NEW_CERT]))
    out = refresh(md)
    assert out.returncode == 0, out.stderr
    assert "trusted now" in out.stdout and new in out.stdout
    assert sorted(fingerprints(md)) == sorted([old, new])
    assert signs_in(md, OLD_KEY, OLD_CERT) and signs_in(md, NEW_KEY, NEW_CERT)

    # Five days later the new one becomes primary; the old one is still listed.
    publish(md, metadata([NEW_CERT, OLD_CERT]))
    assert refresh(md).returncode == 0
    assert signs_in(md, OLD_KEY, OLD_CERT) and signs_in(md, NEW_KEY, NEW_CERT)

    # The old one is removed from the metadata: still trusted for the grace period.
    publish(md, metadata([NEW_CERT]))
    out = refresh(md)
    assert out.returncode == 0 and "trusted until" in out.stdout
    text = md["cli"]("saml", "show", "--account", "acme").stdout
    assert "gone from the document; trusted until" in text
    assert signs_in(md, OLD_KEY, OLD_CERT) and signs_in(md, NEW_KEY, NEW_CERT)

    # After the grace (shortened here to 2 s), the old certificate is no longer trusted.
    md["cli"]("saml", "set", "--account", "acme", "--metadata-cert-grace", "2")
    time.sleep(3)
    out = refresh(md)
    assert out.returncode == 0 and "no longer trusted" in out.stdout
    assert fingerprints(md) == [new]
    assert not signs_in(md, OLD_KEY, OLD_CERT) and signs_in(md, NEW_KEY, NEW_CERT)
    md["cli"]("saml", "set", "--account", "acme", "--metadata-cert-grace", "604800")


BAD_DOCUMENTS = [
    ("unparsable", lambda: "<md:EntityDescriptor", "parse"),
    ("doctype", lambda: metadata([NEW_CERT], doctype=True), "parse"),
    ("wrong entity ID", lambda: metadata([NEW_CERT], entity_id="https://evil.example/idp"), "entity_id"),
    ("expired validUntil", lambda: metadata([NEW_CERT], valid_until="2020-01-01T00:00:00Z"), "valid_until"),
    ("no signing certificate", lambda: metadata([NEW_CERT], use="encryption"), "signing_certificate"),
    ("10 MB body", lambda: metadata([NEW_CERT], padding=10 << 20),
     "larger than 1048576 bytes"),
]


@pytest.mark.parametrize("name,document,expected", BAD_DOCUMENTS, ids=[b[0] for b in BAD_DOCUMENTS])
def test_a_bad_document_changes_nothing_and_is_reported(md, name, document, expected):
    use_metadata_url(md)
    assert refresh(md).returncode == 0
    before = show(md)
    publish(md, document())
    out = refresh(md)
    assert out.returncode == 1
    assert "nothing changed" in out.stderr and expected in out.stderr, out.stderr
    after = show(md)
    assert after["certificates"] == before["certificates"] and after["sso_url"] == before["sso_url"]
    assert after["idp_entity_id"] == before["idp_entity_id"]
    assert after["metadata_last_error"] and expected in after["metadata_last_error"]
    assert after["metadata_last_success"] == before["metadata_last_success"]
    assert signs_in(md, NEW_KEY, NEW_CERT)
    publish(md, metadata([NEW_CERT]))


@pytest.mark.parametrize("path,extra,expected", [
    ("/to-http", [], "refused a redirect to 'http://"),
    ("/missing", [], "HTTP 404"),
    ("/slow/idp.xml", ["--fetch-timeout", "2"], "within 2 seconds"),
    ("closed-port", [], "connect"),
    ("plain-http-remote", [], "must use https"),
], ids=["redirect to http", "404", "slow server past the time-out", "server down", "http to a remote host"])
def test_an_unusable_url_is_refused_and_nothing_changes(md, path, extra, expected):
    use_metadata_url(md)
    publish(md, metadata([NEW_CERT], padding=64 << 10), "slow/idp.xml")
    before = show(md)
    if path == "closed-port":
        url = f"https://127.0.0.1:{harness.free_port()}/idp.xml"
    elif path == "plain-http-remote":
        url = "http://idp.example.com/metadata"
    else:
        url = md["https"] + path
    started = time.monotonic()
    out = md["cli"]("saml", "set", "--account", "acme", "--idp-metadata-url", url, *extra, check=False)
    assert time.monotonic() - started < 15
    assert out.returncode == 1 and expected in out.stderr, out.stderr
    after = show(md)
    assert after["idp_metadata_url"] == before["idp_metadata_url"]
    assert after["certificates"] == before["certificates"]


@pytest.mark.parametrize("where", ["https redirect", "plain http on loopback"])
def test_a_redirect_to_https_and_plain_http_on_loopback_are_followed(md, where):
    publish(md, metadata([NEW_CERT]))
    url = f"{md['https']}/to-https" if where == "https redirect" else f"{md['http']}/idp.xml"
    out = md["cli"]("saml", "set", "--account", "acme", "--idp-metadata-url", url)
    assert "Applied IdP metadata" in out.stdout
    md["cli"]("saml", "set", "--account", "acme", "--idp-metadata-url", f"{md['https']}/idp.xml")


def test_an_untrusted_tls_certificate_is_refused(md):
    publish(md, metadata([NEW_CERT]))
    cli = harness.Samlgate(md["bins"], md["cli"].db)
    out = cli("saml", "set", "--account", "acme", "--idp-metadata-url", f"{md['https']}/to-https", check=False)
    assert out.returncode == 1 and "certificate" in out.stderr.lower(), out.stderr


def test_a_pinned_signing_certificate_must_sign_the_document(md):
    work = md["work"]
    publish(md, sign(metadata([NEW_CERT], signed=True), PIN_KEY, PIN_CERT, work))
    out = md["cli"]("saml", "set", "--account", "acme", "--idp-metadata-url", f"{md['https']}/idp.xml",
                    "--metadata-signing-cert", str(PIN_CERT))
    assert "(signature verified)" in out.stdout
    before = show(md)
    assert before["metadata_signing_cert_sha256"] == sha256_of(PIN_CERT)

    # Signed by another key, or not signed at all: refused, nothing changes.
    for document in [sign(metadata([OLD_CERT], signed=True), WRONG_PIN_KEY, WRONG_PIN_CERT, work),
                     metadata([OLD_CERT])]:
        publish(md, document)
        out = refresh(md)
        assert out.returncode == 1 and "signature" in out.stderr, out.stderr
        assert show(md)["certificates"] == before["certificates"]
    # A document signed by the pinned key but altered afterwards (a certificate swapped in) fails too.
    tampered = sign(metadata([NEW_CERT], signed=True), PIN_KEY, PIN_CERT, work).replace(
        der_base64(NEW_CERT), der_base64(OLD_CERT))
    publish(md, tampered)
    assert refresh(md).returncode == 1
    assert show(md)["certificates"] == before["certificates"]
    assert signs_in(md, NEW_KEY, NEW_CERT) and not signs_in(md, OLD_KEY, OLD_CERT)

    publish(md, metadata([NEW_CERT]))
    md["cli"]("saml", "set", "--account", "acme", "--metadata-signing-cert", "")
    assert show(md)["metadata_signing_cert_sha256"] is None


def scrape(base_url: str) -> str:
    answer = requests.get(f"{base_url}/sso/-/metrics", timeout=10)
    assert answer.status_code == 200, answer.status_code
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return answer.text


def test_metrics_through_nginx_move_with_sign_ins_and_refreshes(md):
    use_metadata_url(md)
    before = scrape(md["base_url"])
    assert signs_in(md, NEW_KEY, NEW_CERT)
    assert not signs_in(md, OLD_KEY, OLD_CERT)
    publish(md, "not xml")
    assert refresh(md).returncode == 1
    after = scrape(md["base_url"])
    def moved(name: str, **labels: str) -> float:
        return harness.metric_value(after, name, **labels) - harness.metric_value(before, name, **labels)

    assert moved("samlgate_signins_total", account="acme", method="saml", outcome="accepted") == 1
    assert moved("samlgate_signins_total", account="acme", method="saml", outcome="rejected", check="signature") == 1
    assert moved("samlgate_metadata_refresh_failures_total", account="acme") == 1
    assert harness.metric_value(after, "samlgate_metadata_refresh_consecutive_failures", account="acme") >= 1
    assert harness.metric_value(after, "samlgate_request_duration_seconds_count", endpoint="acs") >= 2
    expiry = harness.metric_value(after, "samlgate_certificate_expiry_seconds", account="acme", kind="idp_certificate")
    assert expiry > 86_400
    assert "alice@example.com" not in after
    publish(md, metadata([NEW_CERT]))
    assert refresh(md).returncode == 0


def test_metrics_and_health_are_for_this_host_only(md):
    port = int(md["base_url"].rsplit(":", 1)[1])
    assert harness.status_from(port, "/sso/-/metrics", "127.0.0.1") == 200
    assert harness.status_from(port, "/sso/-/health", "127.0.0.1") == 200
    assert harness.status_from(port, "/sso/-/metrics", "127.0.0.2") == 403
    assert harness.status_from(port, "/sso/-/health", "127.0.0.2") == 403
    assert requests.get(f"{md['base_url']}/sso/-/health", timeout=10).text == "ok\n"


def backdate_failures(db: Path, days: int) -> None:
    """Makes the current run of failed refreshes `days` older, as if the URL had been broken that long."""
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE metadata_refresh SET failing_since = failing_since - ?", (days * 86_400,))


def owner_session(env: dict) -> requests.Session:
    base = env["base_url"]
    session = requests.Session()
    page = session.get(f"{base}/sso/acme/login?password=1", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = session.post(f"{base}/sso/acme/login", allow_redirects=False, timeout=10,
                          data={"csrf_token": token, "email": "owner@example.com", "password": "owner passphrase"})
    assert answer.status_code == 303, answer.text
    return session


def test_the_settings_page_shows_the_source_each_origin_and_the_warnings(md):
    folder = md["work"] / "expiring"
    folder.mkdir(exist_ok=True)
    soon_key, soon_cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(soon_key), "-out",
                    str(soon_cert), "-days", "10", "-subj", "/CN=adfs-signing-2026"], check=True, capture_output=True)
    md["cli"]("saml", "set", "--account", "acme", "--idp-metadata-url", "", "--cert", str(NEW_CERT))
    publish(md, metadata([soon_cert, OLD_CERT]))
    md["cli"]("saml", "set", "--account", "acme", "--idp-metadata-url", f"{md['https']}/idp.xml", "--cert",
              str(NEW_CERT), "--enable")
    session = owner_session(md)
    page = session.get(f"{md['base_url']}/sso/acme/settings", timeout=10).text
    assert "Kept current from the IdP&#39;s metadata" in page or "Kept current from the IdP's metadata" in page
    assert f"{md['https']}/idp.xml" in page
    assert re.search(r"CN=adfs-signing-2026</strong> <span class=\"hint\">\(metadata\)", page), page
    assert "(uploaded)" in page
    assert re.search(r"expires in (9|10) days: plan a rollover", page)
    assert "Warning: the IdP metadata refresh" not in page

    publish(md, "<broken")
    assert refresh(md).returncode == 1
    backdate_failures(md["cli"].db, days=2)
    page = session.get(f"{md['base_url']}/sso/acme/settings", timeout=10).text
    assert "Warning: the IdP metadata refresh has failed for 2 days" in page
    assert "failed — parse:" in page
    (md["work"] / "settings-page.html").write_text(page)
    publish(md, metadata([NEW_CERT]))
    assert refresh(md).returncode == 0


def test_saml_show_warns_when_refreshes_have_failed_for_a_day(md):
    """The failing warning appears on `saml show` once refreshes have failed for more than a day."""
    use_metadata_url(md)
    db = md["cli"].db
    publish(md, "<broken")
    assert refresh(md).returncode == 1
    backdate_failures(db, days=2)
    settings = show(md)
    assert settings["metadata_failing_warning"].startswith("the IdP metadata refresh has failed for 2 days")
    publish(md, metadata([NEW_CERT]))
    assert refresh(md).returncode == 0
    assert show(md)["metadata_failing_warning"] is None


def test_two_responders_on_one_store_fetch_once_per_interval(md, bins, processes, work):
    """Two responders (their own sockets, one store), a 10 s refresh: each due time is fetched by one."""
    folder = work / "metadata-two"
    cli = harness.new_site(bins, folder, "http://127.0.0.1:1")
    cli.environment["SAMLGATE_CA_FILE"] = str(md["ca"])
    publish(md, metadata([NEW_CERT]), "two.xml")
    started = time.time()
    cli("saml", "set", "--account", "acme", "--idp-metadata-url", f"{md['https']}/two.xml",
        "--metadata-refresh", "10")
    for index in range(2):
        sock = folder / f"r{index}.sock"
        processes.start(f"samlgate-fcgi (two {index})",
                        [str(bins / "samlgate-fcgi"), "--db", str(cli.db), "--secret-file", str(cli.secret_file),
                         "--listen", f"unix:{sock}", "--threads", "1"], folder / f"r{index}.log",
                        env={**os.environ, "SAMLGATE_CA_FILE": str(md["ca"])})
        harness.wait_for_unix_socket(sock)
    time.sleep(32)
    fetches = [float(line.split()[0]) for line in md["access_log"].read_text().splitlines()
               if line.split()[1] == "/two.xml" and float(line.split()[0]) >= started]
    gaps = [b - a for a, b in zip(fetches, fetches[1:], strict=False)]
    # One fetch by the CLI, then one per due time (every 10 s, found within the responders' 5 s tick): two
    # responders each fetching would show two fetches within a tick of each other.
    assert 3 <= len(fetches) <= 5, fetches
    assert min(gaps) >= 8, gaps
    logs = "".join((folder / f"r{index}.log").read_text() for index in range(2))
    assert logs.count("metadata refreshed") == len(fetches) - 1
    state = json.loads(cli("saml", "show", "--account", "acme", "--json").stdout)
    assert state["metadata_last_error"] is None


def test_certificates_in_the_metrics_are_labelled_by_fingerprint(md):
    use_metadata_url(md)
    text = scrape(md["base_url"])
    new = sha256_of(NEW_CERT).replace(":", "").lower()[:16]
    expiry = harness.metric_value(text, "samlgate_certificate_expiry_seconds", account="acme", sha256=new,
                                  detail="metadata")
    assert expiry > 0


def test_the_shipped_alert_rules_name_only_metrics_the_responder_exports(md):
    """examples/prometheus/samlgate-alerts.yml is code too: every samlgate_* series it uses is in a scrape."""
    use_metadata_url(md)
    assert signs_in(md, NEW_KEY, NEW_CERT)
    text = scrape(md["base_url"])
    exported = {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line and not line.startswith("#")}
    exported |= {name.rsplit("_", 1)[0] for name in exported if name.endswith(("_bucket", "_sum", "_count"))}
    rules = (harness.REPO / "examples" / "prometheus" / "samlgate-alerts.yml").read_text()
    used = set(re.findall(r"\bsamlgate_[a-z_]+", rules))
    assert used, "no samlgate metric in the alert rules"
    assert used <= exported, used - exported
    assert 'kind="busy"' in text and 'kind="disk_full"' in text


def test_the_operations_location_takes_a_post_body_and_a_hostile_url_cleanly(md):
    """The shipped `location /sso/-/`: a POST with a body is a 405 naming GET and HEAD, and a URL carrying CR LF
    and a header gets a 404 with no header of its making, never a 5xx."""
    base = md["base_url"]
    post = requests.post(f"{base}/sso/-/metrics", data={"x": "y" * 4096}, timeout=10)
    assert post.status_code == 405 and post.headers["Allow"] == "GET, HEAD"
    hostile = ["/sso/-/metrics%0d%0aSet-Cookie:%20evil=1", "/sso/-/../-/health%0aX-Evil:%201",
               "/sso/-/health?%0d%0aX: y"]
    for path in hostile:
        answer = requests.get(base + path, timeout=10, allow_redirects=False)
        assert answer.status_code < 500, (path, answer.status_code)
        assert "evil" not in str(answer.headers).lower() and "X-Evil" not in answer.headers
