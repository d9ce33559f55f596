"""Sign-in end to end through real Apache: mod_fcgid (responder + access checker) and mod_cgid (CGI mode)."""
from __future__ import annotations

import re
import subprocess
import urllib.parse
from pathlib import Path

import requests

import harness


def test_mod_fcgid_sign_in_and_access_checker(apache_site):
    base = apache_site["base_url"]
    anonymous = requests.get(f"{base}/app", allow_redirects=False, timeout=20)
    assert anonymous.status_code == 401
    assert "/sso/acme/login" in anonymous.text

    session = requests.Session()
    action, fields = harness.idp_initiated(apache_site, "alice@example.com", relay_state="/app")
    assert action == f"{base}/sso/acme/acs"
    response = session.post(action, data=fields, allow_redirects=False, timeout=20)
    assert response.status_code == 303, response.text
    assert response.headers["Location"] == f"{base}/app"

    app = session.get(f"{base}/app", timeout=20)
    assert app.status_code == 200, app.text
    environment = app.json()
    assert environment["SAMLGATE_EMAIL"] == "alice@example.com"
    assert environment["SAMLGATE_ACCOUNT"] == "acme"
    assert environment["SAMLGATE_AUTH_METHOD"] == "saml"
    assert environment["SAMLGATE_GIVEN_NAME"] == "Alice"
    assert not any(name.lower().startswith("variable-") for name in app.headers), app.headers


def test_mod_fcgid_metadata_and_replay(apache_site):
    base = apache_site["base_url"]
    metadata = requests.get(f"{base}/sso/acme/metadata", timeout=20)
    assert metadata.status_code == 200 and f'{base}/sso/acme/acs' in metadata.text
    action, fields = harness.idp_initiated(apache_site, "alice@example.com")
    assert requests.post(action, data=fields, allow_redirects=False, timeout=20).status_code == 303
    replay = requests.post(action, data=fields, allow_redirects=False, timeout=20)
    assert replay.status_code == 403 and re.search(r"SG-[A-Z0-9]{10}", replay.text)


def test_cgi_mode_sign_in(apache_site, python_for_idp):
    cgi = apache_site["cgi_base"]
    encoded = subprocess.run(
        [python_for_idp, str(harness.REPO / "Tests" / "IdP" / "samlidp.py"), "response", "--acs", f"{cgi}/sso/cgi/acs",
         "--audience", f"{cgi}/sso/cgi/metadata", "--email", "alice@example.com",
         "--key", str(harness.IDP_KEY), "--cert", str(harness.IDP_CERT)],
        capture_output=True, text=True, check=True).stdout.strip()
    session = requests.Session()
    response = session.post(f"{cgi}/sso/cgi/acs", data={"SAMLResponse": encoded, "RelayState": "/cgi-bin/samlgate-fcgi/"},
                            allow_redirects=False, timeout=20)
    assert response.status_code == 303, response.text
    assert response.headers["Location"] == f"{cgi}/"
    auth = session.get(f"{cgi}/sso/cgi/auth", timeout=20)
    assert auth.status_code == 204
    assert auth.headers["X-Samlgate-Email"] == "alice@example.com"
    assert session.post(f"{cgi}/sso/cgi/acs", data={"SAMLResponse": encoded}, allow_redirects=False,
                        timeout=20).status_code == 403
