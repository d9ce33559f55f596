"""Identity rules end to end through real nginx (the shipped snippets) and samlgate-fcgi, against the pysaml2 IdP:
the groups an IdP sends reach the application as one encoded X-Samlgate-Groups line, a client's own never does,
and email domains, required groups and admin groups decide each SAML sign-in; behind Apache, mod_fcgid's access
checker passes the same line as SAMLGATE_GROUPS.

The IdP's directory is changed between two sign-ins (POST /users), as an IdP admin removing someone from a group
would. A `requests.Session` plays each browser.
"""
from __future__ import annotations

import re
import subprocess
import urllib.parse

import pytest
import requests

from samlgate_tools import harness

SUPPORT_DN = "cn=Support,dc=acme,dc=example"
# Sent by the IdP in this order: a DN with commas, a name outside ASCII, one with a percent sign.
ALICE_GROUPS = ["staff", SUPPORT_DN, "Équipe Zürich", "R&D 100%"]
ALICE_LINE = "staff,cn=Support%2Cdc=acme%2Cdc=example,Équipe Zürich,R&D 100%25"
USERS = {  # samlgate role, IdP groups
    "owner@example.com": ("owner", ["staff"]),
    "alice@example.com": ("user", ALICE_GROUPS),
    "bob@example.com": ("user", []),
    "carol@example.com": ("admin", ["staff"]),
    "dave@example.com": ("user", ["contractors"]),
    "erin@partner.example": ("user", ["staff"]),
    "frank@example.com": ("user", ["staff", "Helpdesk-Admins"]),
}


@pytest.fixture(scope="module")
def site(bins, python_for_idp, work, processes):
    port = harness.free_port()
    base_url = f"http://127.0.0.1:{port}"
    folder = work / "identity-rules"
    cli = harness.new_site(bins, folder, base_url)
    for email, (role, _) in USERS.items():
        cli("user", "add", "--account", "acme", "--email", email, "--role", role)
    idp = harness.start_idp(processes, python_for_idp, folder, f"{base_url}/sso/acme/acs",
                            f"{base_url}/sso/acme/metadata",
                            [f"{email}:{email.split('@')[0].title()}:Example:{'|'.join(groups)}"
                             for email, (_, groups) in USERS.items()])
    cli("saml", "set", "--account", "acme", "--sso-url", f"{idp}/sso", "--cert", str(harness.IDP_CERT), "--enable")
    _, socket_path = harness.start_responder_on_socket(processes, bins, folder, "identity-rules")
    app, app_port = harness.start_echo_app()
    harness.start_nginx(processes, folder, port, socket_path, app_port)
    yield {"base_url": base_url, "idp": idp, "cli": cli}
    app.shutdown()


def utf8(value: str) -> str:
    """A header value as sent: http.client (and http.server in the echo app) read header octets as Latin-1."""
    return value.encode("latin-1").decode("utf-8")


def sign_in(site: dict, email: str, **fields: str) -> tuple[requests.Response, requests.Session]:
    """An IdP-initiated sign-in of `email` (`fields`: the IdP's per-request options) in a new browser: the
    ACS's answer and the browser."""
    browser = requests.Session()
    query = urllib.parse.urlencode({"user": email, "relay_state": "/app/", **fields})
    page = requests.get(f"{site['idp']}/idp-initiated?{query}", timeout=10)
    page.raise_for_status()
    action, form = harness.form_fields(page.text)
    return browser.post(action, data=form, allow_redirects=False, timeout=10), browser


def seen_by_app(browser: requests.Session, site: dict, headers: dict[str, str] | None = None) -> dict[str, str]:
    """The X-Samlgate-* headers that reached the echo app, by lowercase name, as UTF-8."""
    answer = browser.get(f"{site['base_url']}/app/", headers=headers, allow_redirects=False, timeout=10)
    assert answer.status_code == 200, (answer.status_code, answer.headers)
    return {name.lower(): utf8(value) for name, value in answer.json()["headers"].items()}


def rejection(site: dict, answer: requests.Response) -> dict:
    """The sign-in log row of a refused sign-in, found by the reference on its page."""
    assert answer.status_code == 403, answer.text
    reference = re.search(r"SG-[A-Z0-9]{10}", answer.text).group(0)
    rows = site["cli"].json("log", "--account", "acme", "--failures")
    return next(row for row in rows if row["reference"] == reference)


def set_idp_groups(site: dict, email: str, groups: list[str]) -> None:
    name = email.split("@")[0].title()
    answer = requests.post(f"{site['idp']}/users", json={"email": email, "given_name": name, "family_name": "Example",
                                                          "groups": groups}, timeout=10)
    answer.raise_for_status()


def role_in_store(site: dict, email: str) -> str:
    return next(user["role"] for user in site["cli"].json("user", "list", "--account", "acme")
                if user["email"] == email)


def test_sp_initiated_sign_in_brings_the_groups_to_the_app_encoded(site):
    base = site["base_url"]
    browser = requests.Session()
    anonymous = browser.get(f"{base}/app/tickets", allow_redirects=False, timeout=10)
    assert anonymous.status_code == 302
    login = browser.get(anonymous.headers["Location"], allow_redirects=False, timeout=10)
    assert login.status_code == 302 and login.headers["Location"].startswith(f"{site['idp']}/sso?SAMLRequest=")
    form_page = browser.get(login.headers["Location"], timeout=10)
    action, fields = harness.form_fields(form_page.text)
    assert action == "/login" and fields["InResponseTo"] and fields["RelayState"]
    posting = browser.post(f"{site['idp']}/login", data={**fields, "email": "alice@example.com"}, timeout=10)
    action, fields = harness.form_fields(posting.text)
    assert action == f"{base}/sso/acme/acs"
    signed_in = browser.post(action, data=fields, allow_redirects=False, timeout=10)
    assert signed_in.status_code == 303, signed_in.text
    assert signed_in.headers["Location"] == f"{base}/app/tickets"

    auth = browser.get(f"{base}/sso/acme/auth", timeout=10)
    assert auth.status_code == 204
    assert utf8(auth.headers["X-Samlgate-Groups"]) == ALICE_LINE

    # A client's own X-Samlgate-Groups never reaches the app: samlgate's line takes its place.
    seen = seen_by_app(browser, site, {"X-Samlgate-Groups": "admins"})
    assert seen["x-samlgate-groups"] == ALICE_LINE
    assert seen["x-samlgate-email"] == "alice@example.com" and seen["x-samlgate-role"] == "user"
    assert seen["x-samlgate-auth-method"] == "saml"


def test_a_session_without_a_group_attribute_sends_no_groups_header(site):
    answer, browser = sign_in(site, "bob@example.com")
    assert answer.status_code == 303, answer.text
    auth = browser.get(f"{site['base_url']}/sso/acme/auth", timeout=10)
    assert auth.status_code == 204 and "X-Samlgate-Groups" not in auth.headers
    seen = seen_by_app(browser, site, {"X-Samlgate-Groups": "admins"})
    assert seen["x-samlgate-email"] == "bob@example.com"
    assert "x-samlgate-groups" not in seen


def test_control_characters_are_encoded_and_a_long_list_is_cut_at_a_whole_name(site):
    base = site["base_url"]
    try:
        set_idp_groups(site, "bob@example.com", ["tab\there", "del\x7fx", "nl\nx"])
        answer, browser = sign_in(site, "bob@example.com")
        assert answer.status_code == 303, answer.text
        assert seen_by_app(browser, site)["x-samlgate-groups"] == "tab%09here,del%7Fx,nl%0Ax"

        # An Active Directory user in 300 groups: more than the auth answer has room for behind nginx. The
        # check still answers (no 500 from nginx), with the first groups, whole, in the IdP's order.
        groups = [f"cn=Group number {i:03d},ou=Groups,dc=acme,dc=example" for i in range(300)]
        set_idp_groups(site, "bob@example.com", groups)
        answer, browser = sign_in(site, "bob@example.com")
        assert answer.status_code == 303, answer.text
        assert browser.get(f"{base}/sso/acme/auth", timeout=10).status_code == 204
        line = seen_by_app(browser, site)["x-samlgate-groups"]
        kept = line.split(",")
        assert 0 < len(kept) < 300 and len(line.encode()) <= 8000
        assert kept == [group.replace(",", "%2C") for group in groups[:len(kept)]]
        accepted = site["cli"].json("log", "--account", "acme", "--limit", "1")[0]
        assert f"{300 - len(kept)} of 300 groups left out" in accepted["reason"], accepted
    finally:
        set_idp_groups(site, "bob@example.com", [])


def test_ldap_attribute_names_and_the_configured_group_attribute(site):
    cli = site["cli"]
    # mail, givenName, sn and memberOf: the common names samlgate reads without being told.
    answer, browser = sign_in(site, "alice@example.com", attribute_names="ldap", group_attribute="memberOf")
    assert answer.status_code == 303, answer.text
    seen = seen_by_app(browser, site)
    assert seen["x-samlgate-email"] == "alice@example.com" and seen["x-samlgate-given-name"] == "Alice"
    assert seen["x-samlgate-groups"] == ALICE_LINE

    # A configured group attribute is the only one read.
    cli("saml", "set", "--account", "acme", "--group-attribute", "isMemberOf")
    try:
        answer, browser = sign_in(site, "alice@example.com", group_attribute="memberOf")
        assert answer.status_code == 303, answer.text
        assert "x-samlgate-groups" not in seen_by_app(browser, site)
        answer, browser = sign_in(site, "alice@example.com", group_attribute="isMemberOf")
        assert answer.status_code == 303, answer.text
        assert seen_by_app(browser, site)["x-samlgate-groups"] == ALICE_LINE
    finally:
        cli("saml", "set", "--account", "acme", "--group-attribute", "")


def test_required_group_refuses_a_non_member(site):
    cli = site["cli"]
    # Compared with ASCII case folding: alice's `staff` is a member of STAFF.
    cli("saml", "set", "--account", "acme", "--required-group", "STAFF", "--required-group", SUPPORT_DN)
    try:
        answer, browser = sign_in(site, "alice@example.com")
        assert answer.status_code == 303, answer.text
        assert seen_by_app(browser, site)["x-samlgate-groups"] == ALICE_LINE

        answer, browser = sign_in(site, "dave@example.com")
        row = rejection(site, answer)
        assert row["email"] == "dave@example.com" and row["failed_check"] == "group", row
        assert (row["expected"], row["actual"]) == (f"STAFF or {SUPPORT_DN}", "contractors"), row
        assert browser.get(f"{site['base_url']}/sso/acme/auth", timeout=10).status_code == 401

        # No group attribute at all: no group to be a member of.
        row = rejection(site, sign_in(site, "bob@example.com")[0])
        assert (row["failed_check"], row["actual"]) == ("group", "no group attribute"), row
    finally:
        cli("saml", "set", "--account", "acme", "--required-group", "")
    answer, _ = sign_in(site, "dave@example.com")
    assert answer.status_code == 303, answer.text


def test_email_domain_refuses_another_domain(site):
    cli = site["cli"]
    cli("saml", "set", "--account", "acme", "--email-domain", "example.com")
    try:
        row = rejection(site, sign_in(site, "erin@partner.example")[0])
        assert row["email"] == "erin@partner.example" and row["failed_check"] == "email_domain", row
        assert (row["expected"], row["actual"]) == ("@example.com", "@partner.example"), row
        answer, _ = sign_in(site, "alice@example.com")
        assert answer.status_code == 303, answer.text
    finally:
        cli("saml", "set", "--account", "acme", "--email-domain", "")
    answer, _ = sign_in(site, "erin@partner.example")
    assert answer.status_code == 303, answer.text


def test_admin_group_makes_members_admin_at_each_sign_in_and_the_owner_stays_owner(site):
    cli = site["cli"]
    cli("saml", "set", "--account", "acme", "--admin-group", "helpdesk-admins")
    try:
        answer, browser = sign_in(site, "frank@example.com")
        assert answer.status_code == 303, answer.text
        assert seen_by_app(browser, site)["x-samlgate-role"] == "admin"
        assert role_in_store(site, "frank@example.com") == "admin"

        # Out of the group at the IdP: the next sign-in makes frank a user again.
        set_idp_groups(site, "frank@example.com", ["staff"])
        answer, browser = sign_in(site, "frank@example.com")
        assert answer.status_code == 303, answer.text
        assert seen_by_app(browser, site)["x-samlgate-role"] == "user"
        assert role_in_store(site, "frank@example.com") == "user"

        # An admin set with the CLI who is no member: user.
        answer, browser = sign_in(site, "carol@example.com")
        assert answer.status_code == 303, answer.text
        assert seen_by_app(browser, site)["x-samlgate-role"] == "user"

        # The owner, in the group or not, stays owner.
        for groups in (["staff"], ["HELPDESK-ADMINS"]):
            set_idp_groups(site, "owner@example.com", groups)
            answer, browser = sign_in(site, "owner@example.com")
            assert answer.status_code == 303, answer.text
            assert seen_by_app(browser, site)["x-samlgate-role"] == "owner"
            assert role_in_store(site, "owner@example.com") == "owner"
    finally:
        cli("saml", "set", "--account", "acme", "--admin-group", "")
        set_idp_groups(site, "frank@example.com", USERS["frank@example.com"][1])
        set_idp_groups(site, "owner@example.com", USERS["owner@example.com"][1])


def test_apache_authorizer_passes_the_groups(apache_site, python_for_idp):
    """mod_fcgid's access checker: the groups reach the application as SAMLGATE_GROUPS, a client's header as
    nothing at all."""
    base = apache_site["base_url"]

    def signed_in(*groups: str) -> dict:
        command = [python_for_idp, str(harness.REPO / "Tests" / "IdP" / "samlidp.py"), "response",
                   "--acs", f"{base}/sso/acme/acs", "--audience", f"{base}/sso/acme/metadata",
                   "--email", "alice@example.com", "--key", str(harness.IDP_KEY), "--cert", str(harness.IDP_CERT)]
        for group in groups:
            command += ["--group", group]
        encoded = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
        browser = requests.Session()
        answer = browser.post(f"{base}/sso/acme/acs", data={"SAMLResponse": encoded}, allow_redirects=False,
                              timeout=20)
        assert answer.status_code == 303, answer.text
        app = browser.get(f"{base}/app", headers={"X-Samlgate-Groups": "admins"}, timeout=20)
        assert app.status_code == 200, app.text
        assert not any(name.lower().startswith("variable-") for name in app.headers), app.headers
        return app.json()

    environment = signed_in(*ALICE_GROUPS)
    assert environment["SAMLGATE_GROUPS"] == ALICE_LINE
    assert "HTTP_X_SAMLGATE_GROUPS" not in environment
    environment = signed_in()
    assert "SAMLGATE_GROUPS" not in environment and "HTTP_X_SAMLGATE_GROUPS" not in environment
    # As many groups as samlgate keeps: the Authorizer's header line still fits mod_fcgid's 8 KiB line.
    many = [f"cn=Group number {i:03d},ou=Groups,dc=acme,dc=example" for i in range(300)]
    environment = signed_in(*many)
    kept = environment["SAMLGATE_GROUPS"].split(",")
    assert 100 < len(kept) < 300 and kept == [group.replace(",", "%2C") for group in many[:len(kept)]]
