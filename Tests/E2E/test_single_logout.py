"""Single Logout end to end with the pysaml2 IdP through real nginx: SP-initiated (samlgate's signed LogoutRequest
ends the IdP session, whose signed LogoutResponse lands the browser on the signed-out page), IdP-initiated over
HTTP-Redirect and HTTP-POST (samlgate ends its sessions and the IdP verifies samlgate's signed LogoutResponse),
SessionIndex semantics with two browsers, and forged, unsigned and replayed LogoutRequests that end nothing.

The IdP reads samlgate's SP metadata (its SingleLogoutService and signing certificate), requires signed requests,
keeps its own sessions behind a cookie and asks for a password, so "the IdP session ended" is visible: the next
sign-in shows its login form again. A `requests.Session` plays each browser; redirects are followed one by one.
"""
from __future__ import annotations

import urllib.parse

import pytest
import requests

from samlgate_tools import harness

EMAIL = "alice@example.com"
PASSWORD = "idp passphrase"


@pytest.fixture(scope="module")
def site(bins, python_for_idp, work, processes):
    port = harness.free_port()
    base_url = f"http://127.0.0.1:{port}"
    folder = work / "single-logout"
    cli = harness.new_site(bins, folder, base_url)
    cli("user", "add", "--account", "acme", "--email", EMAIL, "--role", "user")
    idp = harness.start_idp(processes, python_for_idp, folder, f"{base_url}/sso/acme/acs",
                            f"{base_url}/sso/acme/metadata", [f"{EMAIL}:Alice:Liddell"],
                            ["--sp-metadata-url", f"{base_url}/sso/acme/metadata", "--require-signed-requests",
                             "--password", PASSWORD])
    metadata = folder / "idp-metadata.xml"
    metadata.write_text(requests.get(f"{idp}/metadata", timeout=10).text)
    cli("saml", "set", "--account", "acme", "--idp-metadata", str(metadata), "--enable", "--app-logout-cookie",
        "app_session")
    _, socket_path = harness.start_responder_on_socket(processes, bins, folder, "single-logout")
    app, app_port = harness.start_echo_app()
    harness.start_nginx(processes, folder, port, socket_path, app_port)
    yield {"base_url": base_url, "idp": idp, "cli": cli}
    app.shutdown()


def follow(session: requests.Session, response: requests.Response, until: str, limit: int = 8) -> list[str]:
    """Follows redirects and auto-post forms (samlgate's and the IdP's) until a URL starting with `until`
    answers; returns every URL visited (with its status), for the assertion messages."""
    visited = []
    for _ in range(limit):
        visited.append(f"{response.status_code} {response.url}")
        if response.url.startswith(until) and response.status_code == 200:
            return visited
        if response.status_code in (302, 303):
            response = session.get(urllib.parse.urljoin(response.url, response.headers["Location"]),
                                   allow_redirects=False, timeout=10)
            continue
        action, fields = harness.form_fields(response.text)
        if response.status_code == 200 and action and ("SAMLRequest" in fields or "SAMLResponse" in fields):
            response = session.post(urllib.parse.urljoin(response.url, action), data=fields, allow_redirects=False,
                                    timeout=10)
            continue
        raise AssertionError(f"stuck at {response.status_code} {response.url}: {response.text[:500]}\n{visited}")
    raise AssertionError(f"did not reach {until}: {visited}")


def sign_in(site, session: requests.Session) -> None:
    """The app sends the browser to samlgate, samlgate to the IdP, which asks for the password once per IdP session."""
    page = session.get(f"{site['base_url']}/app/inbox", allow_redirects=False, timeout=10)
    for _ in range(6):
        if page.status_code in (302, 303):
            page = session.get(urllib.parse.urljoin(page.url, page.headers["Location"]), allow_redirects=False,
                               timeout=10)
            continue
        action, fields = harness.form_fields(page.text)
        if "password" in page.text and action == "/login":
            fields.update(email=EMAIL, password=PASSWORD)
            page = session.post(urllib.parse.urljoin(page.url, action), data=fields, allow_redirects=False, timeout=10)
        elif "SAMLResponse" in fields:
            page = session.post(action, data=fields, allow_redirects=False, timeout=10)
        elif page.status_code == 200 and page.url.startswith(f"{site['base_url']}/app/inbox"):
            return
        else:
            raise AssertionError(f"sign-in stuck at {page.status_code} {page.url}: {page.text[:400]}")
    raise AssertionError(f"sign-in did not reach the app: {page.url}")


def signed_in(site, session: requests.Session) -> bool:
    answer = session.get(f"{site['base_url']}/app/inbox", allow_redirects=False, timeout=10)
    return answer.status_code == 200


def idp_shows_login_form(site, session: requests.Session) -> bool:
    """Whether a new sign-in stops at the IdP's password form (no IdP session) instead of coming straight back."""
    page = session.get(f"{site['base_url']}/sso/acme/login", allow_redirects=False, timeout=10)
    page = session.get(page.headers["Location"], allow_redirects=False, timeout=10)
    return page.status_code == 200 and 'name="password"' in page.text


def idp_json(site, path: str):
    answer = requests.get(site["idp"] + path, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def sign_out_rows(site) -> list[dict]:
    return [row for row in site["cli"].json("log", "--account", "acme", "--limit", "20") if row["event"] == "sign_out"]


def test_sp_initiated_logout_ends_the_samlgate_and_the_idp_session(site):
    browser = requests.Session()
    sign_in(site, browser)
    assert signed_in(site, browser)
    assert not idp_shows_login_form(site, browser), "the IdP session should answer a second sign-in at once"
    sign_in(site, browser)

    page = browser.get(f"{site['base_url']}/sso/acme/logout", timeout=10)
    action, fields = harness.form_fields(page.text)
    answer = browser.post(urllib.parse.urljoin(page.url, action), data=fields, allow_redirects=False, timeout=10)
    assert answer.status_code == 302 and answer.headers["Location"].startswith(f"{site['idp']}/slo?SAMLRequest=")
    assert any(value.startswith("app_session=;") for name, value in answer.raw.headers.items()
               if name.lower() == "set-cookie")
    visited = follow(browser, answer, f"{site['base_url']}/sso/acme/signed-out")
    assert "You are signed out" in browser.get(f"{site['base_url']}/sso/acme/signed-out", timeout=10).text

    request = idp_json(site, "/last-logout-request")
    assert request["verified"], request
    assert request["name_id"] == EMAIL and request["session_indexes"], request
    assert request["ended_sessions"] == 1, (request, visited)
    assert not signed_in(site, browser)
    assert idp_shows_login_form(site, browser), "the IdP must demand the password again"
    rows = sign_out_rows(site)
    assert rows[0]["outcome"] == "accepted" and "confirmed" in rows[0]["reason"], rows[:2]
    assert "LogoutRequest" in rows[1]["reason"] and "sent to" in rows[1]["reason"], rows[:2]


@pytest.mark.parametrize("binding", ["redirect", "post"])
def test_idp_initiated_logout_ends_the_session_and_is_answered_signed(site, binding):
    browser = requests.Session()
    sign_in(site, browser)
    start = browser.get(f"{site['idp']}/idp-logout", params={"user": EMAIL, "binding": binding,
                                                            "relay_state": "back-to-idp"},
                        allow_redirects=False, timeout=10)
    visited = follow(browser, start, f"{site['idp']}/slo")
    assert not signed_in(site, browser), visited
    response = idp_json(site, "/last-logout-response")
    assert response["verified"] and response["answers_ours"], response
    assert response["status"] == "urn:oasis:names:tc:SAML:2.0:status:Success", response
    assert response["binding"] == ("HTTP-Redirect" if binding == "redirect" else "HTTP-POST")
    assert response["relay_state"] == "back-to-idp"
    assert response["destination"].startswith(site["idp"]) and response["issuer"].endswith("/sso/acme/metadata")
    assert "ended 1 session(s)" in sign_out_rows(site)[0]["reason"]


def test_session_index_ends_only_that_browsers_session(site):
    first, second = requests.Session(), requests.Session()
    sign_in(site, first)
    sign_in(site, second)
    sessions = [s for s in idp_json(site, "/sessions") if s["email"] == EMAIL]
    first_cookie = first.cookies.get("samlidp_session")
    assert len(sessions) >= 2 and first_cookie
    # The IdP logs the first browser out by its SessionIndex, sent without either browser (as another SP's
    # logout at the IdP would be).
    index = next(s["session_indexes"] for s in sessions)  # any one session's indexes
    message = idp_json(site, "/idp-logout?" + urllib.parse.urlencode(
        {"user": EMAIL, "session_index": index[-1], "keep_session": "1", "format": "json"}))
    answer = requests.get(message["url"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302 and answer.headers["Location"].startswith(f"{site['idp']}/slo?SAMLResponse=")
    alive = [signed_in(site, first), signed_in(site, second)]
    assert sorted(alive) == [False, True], alive


@pytest.mark.parametrize("sign", ["none", "wrong-key"])
def test_an_unsigned_or_forged_logout_request_ends_nothing(site, sign):
    browser = requests.Session()
    sign_in(site, browser)
    message = idp_json(site, "/idp-logout?" + urllib.parse.urlencode(
        {"user": EMAIL, "sign": sign, "keep_session": "1", "format": "json"}))
    answer = requests.get(message["url"], allow_redirects=False, timeout=10)
    assert answer.status_code == 403 and "Nothing was changed" in answer.text
    assert "Set-Cookie" not in answer.headers
    assert signed_in(site, browser)
    assert sign_out_rows(site)[0]["outcome"] == "rejected"


def test_a_replayed_logout_request_ends_nothing(site):
    browser = requests.Session()
    sign_in(site, browser)
    message = idp_json(site, "/idp-logout?" + urllib.parse.urlencode({"user": EMAIL, "keep_session": "1",
                                                                      "format": "json"}))
    assert requests.get(message["url"], allow_redirects=False, timeout=10).status_code == 302
    assert not signed_in(site, browser)
    sign_in(site, browser)
    replay = requests.get(message["url"], allow_redirects=False, timeout=10)
    assert replay.status_code == 403
    assert signed_in(site, browser)
    assert sign_out_rows(site)[0]["failed_check"] == "replay"


def test_an_expired_or_misdirected_post_logout_request_ends_nothing(site):
    browser = requests.Session()
    sign_in(site, browser)
    for extra in [{"not_on_or_after_seconds": "-600"}]:
        message = idp_json(site, "/idp-logout?" + urllib.parse.urlencode(
            {"user": EMAIL, "binding": "post", "keep_session": "1", "format": "json", **extra}))
        answer = requests.post(message["action"], data=message["fields"], allow_redirects=False, timeout=10)
        assert answer.status_code == 403, answer.text
    assert signed_in(site, browser)
