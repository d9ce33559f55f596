"""Sign-in end to end through real nginx + samlgate-fcgi against the pysaml2 IdP."""
from __future__ import annotations

import re
import urllib.parse

import requests

from samlgate_tools import harness


def post_form(action: str, fields: dict[str, str], session: requests.Session | None = None) -> requests.Response:
    return (session or requests).post(action, data=fields, allow_redirects=False, timeout=10)


def test_metadata_through_nginx(nginx_site):
    response = requests.get(f"{nginx_site['base_url']}/sso/acme/metadata", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/samlmetadata+xml")
    assert f'entityID="{nginx_site["base_url"]}/sso/acme/metadata"' in response.text


def test_idp_initiated_sign_in_reaches_the_protected_app(nginx_site):
    base = nginx_site["base_url"]
    session = requests.Session()
    anonymous = session.get(f"{base}/app/tickets", allow_redirects=False, timeout=10)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"] == f"{base}/sso/acme/login?return_to=%2Fapp%2Ftickets"

    action, fields = harness.idp_initiated(nginx_site, "alice@example.com", relay_state="/app/tickets")
    assert action == f"{base}/sso/acme/acs"
    response = post_form(action, fields, session)
    assert response.status_code == 303, response.text
    assert response.headers["Location"] == f"{base}/app/tickets"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("samlgate_acme=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # http:// base URL

    auth = session.get(f"{base}/sso/acme/auth", timeout=10)
    assert auth.status_code == 204
    assert auth.headers["X-Samlgate-Email"] == "alice@example.com"

    app = session.get(f"{base}/app/tickets", timeout=10)
    assert app.status_code == 200
    seen = {k.lower(): v for k, v in app.json()["headers"].items()}
    assert seen["x-samlgate-email"] == "alice@example.com"
    assert seen["x-samlgate-given-name"] == "Alice"
    assert seen["x-samlgate-family-name"] == "Liddell"  # updated from the IdP's attribute
    assert seen["x-samlgate-auth-method"] == "saml"


def test_client_cannot_spoof_identity_headers(nginx_site):
    base = nginx_site["base_url"]
    session = requests.Session()
    action, fields = harness.idp_initiated(nginx_site, "alice@example.com")
    assert post_form(action, fields, session).status_code == 303
    app = session.get(f"{base}/app/", headers={"X-Samlgate-Email": "owner@example.com", "X-Samlgate-Role": "owner",
                                               "X-Samlgate-Subject": "owner@example.com",
                                               "X-Samlgate-Groups": "admins"}, timeout=10)
    seen = {k.lower(): v for k, v in app.json()["headers"].items()}
    assert seen["x-samlgate-email"] == "alice@example.com"
    assert seen["x-samlgate-role"] == "user"
    assert seen["x-samlgate-subject"] == "alice@example.com"  # the NameID as the IdP sent it
    assert "x-samlgate-groups" not in seen

    # A password session has no NameID: the client's X-Samlgate-Subject goes all the same.
    owner = requests.Session()
    page = owner.get(f"{base}/sso/acme/login?password=1", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert owner.post(f"{base}/sso/acme/login", allow_redirects=False, timeout=10,
                      data={"csrf_token": token, "email": "owner@example.com",
                            "password": "owner passphrase"}).status_code == 303
    app = owner.get(f"{base}/app/", headers={"X-Samlgate-Subject": "someone@else.example",
                                             "X-Samlgate-Groups": "admins"}, timeout=10)
    seen = {k.lower(): v for k, v in app.json()["headers"].items()}
    assert seen["x-samlgate-auth-method"] == "password"
    assert "x-samlgate-subject" not in seen and "x-samlgate-groups" not in seen


def test_sp_initiated_sign_in_and_replay(nginx_site):
    base = nginx_site["base_url"]
    session = requests.Session()
    login = session.get(f"{base}/sso/acme/login?return_to=%2Fapp%2Freports", allow_redirects=False, timeout=10)
    assert login.status_code == 302
    location = login.headers["Location"]
    assert location.startswith(f"{nginx_site['idp']}/sso?SAMLRequest=")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    assert query["RelayState"][0] and len(query["RelayState"][0]) >= 43

    idp_page = requests.get(location + "&user=alice%40example.com", timeout=10)
    action, fields = harness.form_fields(idp_page.text)
    last_request = requests.get(f"{nginx_site['idp']}/last-request", timeout=10).text
    request_id = re.search(r'ID="([^"]+)"', last_request).group(1)
    assert request_id in __import__("base64").b64decode(fields["SAMLResponse"]).decode()

    first = post_form(action, fields, session)
    assert first.status_code == 303, first.text
    assert first.headers["Location"] == f"{base}/app/reports"

    replay = post_form(action, fields)
    assert replay.status_code == 403
    assert re.search(r"SG-[A-Z0-9]{10}", replay.text)


def test_unknown_user_is_refused_with_a_reference_in_the_log(nginx_site):
    action, fields = harness.idp_initiated(nginx_site, "mallory@example.com")
    response = post_form(action, fields)
    assert response.status_code == 403
    reference = re.search(r"SG-[A-Z0-9]{10}", response.text).group(0)
    log = nginx_site["cli"].json("log", "--account", "acme", "--failures")
    row = next(entry for entry in log if entry["reference"] == reference)
    assert row["outcome"] == "rejected" and row["email"] == "mallory@example.com"
    assert row["failed_check"] == "user"


def test_force_saml_blocks_non_owner_password_sign_in(nginx_site):
    base = nginx_site["base_url"]
    cli = nginx_site["cli"]
    cli("saml", "set", "--account", "acme", "--force")
    try:
        def password_sign_in(email: str, password: str) -> requests.Response:
            session = requests.Session()
            page = session.get(f"{base}/sso/acme/login?password=1", timeout=10)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            return session.post(f"{base}/sso/acme/login", allow_redirects=False, timeout=10,
                                data={"csrf_token": token, "email": email, "password": password})

        refused = password_sign_in("carol@example.com", "carol passphrase")
        assert refused.status_code == 403 and "single sign-on" in refused.text
        owner = password_sign_in("owner@example.com", "owner passphrase")
        assert owner.status_code == 303
    finally:
        cli("saml", "set", "--account", "acme", "--no-force")


def test_cli_settings_change_takes_effect_without_restart(nginx_site):
    cli = nginx_site["cli"]
    cli("saml", "set", "--account", "acme", "--disable")
    try:
        action, fields = harness.idp_initiated(nginx_site, "alice@example.com")
        assert post_form(action, fields).status_code == 403
    finally:
        cli("saml", "set", "--account", "acme", "--enable")
    action, fields = harness.idp_initiated(nginx_site, "alice@example.com")
    assert post_form(action, fields).status_code == 303


def test_oversized_post_is_refused(nginx_site):
    response = requests.post(f"{nginx_site['base_url']}/sso/acme/acs", data={"SAMLResponse": "A" * 300_000},
                             allow_redirects=False, timeout=10)
    assert response.status_code == 413


def test_logout_ends_the_session(nginx_site):
    base = nginx_site["base_url"]
    session = requests.Session()
    action, fields = harness.idp_initiated(nginx_site, "alice@example.com")
    assert post_form(action, fields, session).status_code == 303
    assert session.get(f"{base}/sso/acme/auth", timeout=10).status_code == 204
    # A cross-site form without the session's own token signs nobody out.
    assert session.post(f"{base}/sso/acme/logout", allow_redirects=False, timeout=10).status_code == 403
    assert session.get(f"{base}/sso/acme/auth", timeout=10).status_code == 204
    page = session.get(f"{base}/sso/acme/logout", timeout=10)
    assert page.status_code == 200 and "Sign out" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert session.post(f"{base}/sso/acme/logout", data={"csrf_token": token}, allow_redirects=False,
                        timeout=10).status_code == 303
    assert session.get(f"{base}/sso/acme/auth", timeout=10).status_code == 401
