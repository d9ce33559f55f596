"""The shipped snippets (nginx/*.conf, apache/samlgate.conf) through real nginx and Apache: every method and
body reaches a protected application with the identity, the application never sees samlgate's session cookie
or a client's own identity headers, and nothing in a request's URL, query or headers can add a header to an
answer or lose the page a visitor comes back to after signing in."""
from __future__ import annotations

import hashlib
import re
import urllib.parse

import requests

from samlgate_tools import harness

# A visitor lured here must get one redirect to sign in, not a Set-Cookie and an X-Injected header.
INJECTION = "/app/%0d%0aSet-Cookie:%20samlgate_acme=ATTACKER;%20Path=/%0d%0aX-Injected:%201"
TICKETS = "/app/tickets?id=42&view=full"
BOUNDARY = "samlgate-test-boundary"
MULTIPART = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nPrinter on fire\r\n"
             f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"log.bin\"\r\n"
             f"Content-Type: application/octet-stream\r\n\r\n").encode() + bytes(range(256)) * 40 + \
    f"\r\n--{BOUNDARY}--\r\n".encode()

# (name, method, body, content type): what a signed-in user sends to the application.
REQUESTS = [
    ("get", "GET", b"", None),
    ("head", "HEAD", b"", None),
    ("small form", "POST", b"a=1", "application/x-www-form-urlencoded"),
    ("multipart with a file", "POST", MULTIPART, f"multipart/form-data; boundary={BOUNDARY}"),
    ("300 KB", "POST", bytes(range(251)) * 1200, "application/octet-stream"),
    ("put", "PUT", b'{"status": "closed"}', "application/json"),
    ("delete", "DELETE", b"", None),
    ("patch", "PATCH", b'{"priority": 1}', "application/json"),
]


def sign_in(site: dict) -> str:
    """A session for alice (IdP-initiated, the quickest way): the samlgate_acme cookie's value."""
    action, fields = harness.idp_initiated(site, "alice@example.com")
    response = requests.post(action, data=fields, allow_redirects=False, timeout=20)
    assert response.status_code == 303, response.text
    return response.cookies["samlgate_acme"]


def sign_in_url(base: str, return_to: str | None) -> str:
    """The sign-in URL samlgate builds: its return path percent-encoded as one query value."""
    login = f"{base}/sso/acme/login"
    return login if return_to is None else login + "?return_to=" + urllib.parse.quote(return_to, safe="")


def through_the_idp(session: requests.Session, site: dict, login_url: str) -> requests.Response:
    """Follows an SP-initiated sign-in from `…/login` through the test IdP as alice; the ACS's answer."""
    login = session.get(login_url, allow_redirects=False, timeout=20)
    assert login.status_code == 302 and login.headers["Location"].startswith(f"{site['idp']}/sso?"), login.text
    idp_page = requests.get(login.headers["Location"] + "&user=alice%40example.com", timeout=20)
    action, fields = harness.form_fields(idp_page.text)
    return session.post(action, data=fields, allow_redirects=False, timeout=20)


def cookie_pairs(header: str | None) -> dict[str, str]:
    """Cookie pairs by name, spaces around names and values trimmed, as samlgate reads them."""
    pairs = {}
    for part in (header or "").split(";"):
        name, equals, value = part.partition("=")
        if equals:
            pairs[name.strip(" \t")] = value.strip(" \t")
    return pairs


# MARK: nginx (samlgate.conf + samlgate-protect.conf)

def test_nginx_header_injection_url_is_one_redirect_to_sign_in(nginx_site):
    base = nginx_site["base_url"]
    answer = harness.raw_request(base, "GET", INJECTION)
    assert answer.status == 302, answer
    harness.assert_clean_headers(answer)
    assert answer.values("Location") == [sign_in_url(base, INJECTION)]
    query = urllib.parse.urlsplit(answer.values("Location")[0]).query
    assert urllib.parse.parse_qs(query) == {"return_to": [INJECTION]}


def test_nginx_return_path_with_its_query_survives_sp_initiated_sign_in(nginx_site):
    base = nginx_site["base_url"]
    session = requests.Session()
    anonymous = session.get(base + TICKETS, allow_redirects=False, timeout=20)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"] == sign_in_url(base, TICKETS)
    acs = through_the_idp(session, nginx_site, anonymous.headers["Location"])
    assert acs.status_code == 303, acs.text
    assert acs.headers["Location"] == base + TICKETS
    app = session.get(acs.headers["Location"], allow_redirects=False, timeout=20)
    assert app.status_code == 200 and app.json()["path"] == TICKETS


def test_nginx_every_method_and_body_reaches_the_app_signed_in_and_is_redirected_anonymous(nginx_site):
    base = nginx_site["base_url"]
    token = sign_in(nginx_site)
    problems = {}
    for name, method, body, content_type in REQUESTS:
        headers = {"Content-Type": content_type} if content_type else {}
        url = f"{base}/app/echo?case={urllib.parse.quote(name)}"
        anonymous = requests.request(method, url, data=body or None, headers=headers, allow_redirects=False,
                                     timeout=20)
        if anonymous.status_code != 302 or anonymous.headers.get("Location") != sign_in_url(base, url[len(base):]):
            problems[f"{name} anonymous"] = (anonymous.status_code, anonymous.headers.get("Location"))
        signed_in = requests.request(method, url, data=body or None, allow_redirects=False, timeout=20,
                                     headers={**headers, "Cookie": f"samlgate_acme={token}"})
        if signed_in.status_code != 200:
            problems[name] = (signed_in.status_code, signed_in.text[:200])
            continue
        if method == "HEAD":
            continue
        seen = signed_in.json()
        expected = {"method": method, "body_length": len(body), "body_sha256": hashlib.sha256(body).hexdigest(),
                    "content_type": content_type, "email": "alice@example.com"}
        actual = {"method": seen["method"], "body_length": seen["body_length"], "body_sha256": seen["body_sha256"],
                  "content_type": seen["content_type"], "email": seen["headers"].get("X-Samlgate-Email")}
        if actual != expected:
            problems[name] = actual
    assert not problems, problems


def test_nginx_app_gets_other_cookies_but_never_the_session_cookie_or_a_client_identity(nginx_site):
    base = nginx_site["base_url"]
    token = sign_in(nginx_site)
    # (Cookie header sent, the cookies the application must get)
    cases = [
        (f"theme=dark; samlgate_acme={token}; lang=en", {"theme": "dark", "lang": "en"}),
        (f"samlgate_acme={token}; theme=dark", {"theme": "dark"}),
        (f"theme=dark; samlgate_acme={token}", {"theme": "dark"}),
        (f"samlgate_acme={token}", {}),
        (f"theme=dark;samlgate_acme = {token} ;lang=en", {"theme": "dark", "lang": "en"}),
        (f"theme=dark; \tsamlgate_acme\t={token}", {"theme": "dark"}),
        (f"samlgate_acme=; theme=dark; samlgate_acme={token}; lang=en", {"theme": "dark", "lang": "en"}),
        (f"xsamlgate_acme=kept; samlgate_acme_x=kept; samlgate_acme={token}", {"xsamlgate_acme": "kept",
                                                                                "samlgate_acme_x": "kept"}),
    ]
    for sent, kept in cases:
        answer = requests.get(f"{base}/app/cookies", allow_redirects=False, timeout=20,
                              headers={"Cookie": sent, "X-Samlgate-Email": "owner@example.com",
                                       "X-Samlgate-Role": "owner"})
        assert answer.status_code == 200, (sent, answer.status_code)
        seen = answer.json()
        assert seen["headers"]["X-Samlgate-Email"] == "alice@example.com", sent
        assert seen["headers"]["X-Samlgate-Role"] == "user", sent
        header = "; ".join(seen["cookie"] or [])
        assert token not in header, (sent, header)
        pairs = cookie_pairs(header)
        assert {k: v for k, v in pairs.items() if k != "samlgate_acme"} == kept, (sent, header)
        assert not pairs.get("samlgate_acme"), (sent, header)
        if not kept:
            assert seen["cookie"] is None, (sent, seen["cookie"])


def test_nginx_hostile_urls_and_headers_get_a_clean_redirect_never_a_5xx(nginx_site):
    base = nginx_site["base_url"]
    near_limit = "/app/" + "%25" * 680  # 2045 bytes: the longest kept return path, tripled by encoding
    cases = [
        ("/app/?q=%0d%0aX-Injected:%201&next=//evil.example.com", []),
        ("/app/%00", []),
        ("/app/%zz%", []),
        (b"/app/\xff\xfe?\xc3", []),
        ("/app/" + "a" * 6000, []),
        ("/app/" + "%0a" * 2000, []),
        (near_limit, []),
        ("/app/x", ["Cookie: \x01junk;;;=;samlgate_acme;=x; a=\x7f; samlgate_acme", "X-Samlgate-Email: x"]),
        ("/app/x", ["Host: evil.example.com", "X-Forwarded-Host: evil.example.com", "X-Forwarded-Proto: https"]),
        ("/app/x", ["Cookie: " + "a=" + "b" * 7000]),
    ]
    for target, headers in cases:
        answer = harness.raw_request(base, "GET", target, headers)
        assert answer.status < 500, (target[:80], headers, answer.status, answer.body[:300])
        harness.assert_clean_headers(answer)
        if answer.status == 302:
            location = answer.values("Location")
            assert len(location) == 1 and location[0].startswith(f"{base}/sso/acme/login"), (target[:80], location)
            return_to = urllib.parse.parse_qs(urllib.parse.urlsplit(location[0]).query).get("return_to")
            raw = target if isinstance(target, str) else None
            if raw and len(raw) <= 2048 and not headers:
                assert return_to == [raw], (raw[:80], location[0][:200])
        else:
            assert answer.status == 400, (target[:80], headers, answer.status)  # nginx refused the request itself
    assert harness.raw_request(base, "GET", near_limit).values("Location") == [sign_in_url(base, near_limit)]

    token = sign_in(nginx_site)
    for target in ["/app/" + "a" * 6000, near_limit, "/app/?q=%0d%0aX:%201"]:
        answer = harness.raw_request(base, "GET", target, [f"Cookie: samlgate_acme={token}"])
        assert answer.status == 200, (target[:80], answer.status)


def test_nginx_auth_endpoint_answers_any_method_without_a_body(nginx_site):
    base = nginx_site["base_url"]
    token = sign_in(nginx_site)
    for method in ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]:
        body = b"a=1" if method in ("POST", "PUT", "PATCH") else None
        anonymous = requests.request(method, f"{base}/sso/acme/auth", data=body, timeout=20)
        assert anonymous.status_code == 401, (method, anonymous.status_code)
        signed_in = requests.request(method, f"{base}/sso/acme/auth", data=body, timeout=20,
                                     cookies={"samlgate_acme": token})
        assert signed_in.status_code == 204, (method, signed_in.status_code)
        assert signed_in.headers["X-Samlgate-Email"] == "alice@example.com"
    # A client's own request keeps the /sso/ body limit (nginx refuses it unread); the check's own location
    # (no limit, for protected requests of any size) is internal.
    big = requests.post(f"{base}/sso/acme/auth", data=b"x" * 300_000, timeout=20)
    assert big.status_code == 413
    assert requests.get(f"{base}/sso/_check/sso/acme/auth", cookies={"samlgate_acme": token}, timeout=20
                        ).status_code == 404


# MARK: Apache (apache/samlgate.conf, mod_fcgid access checker; the application is a CGI script)

def apache_sign_in_link(answer_text: str) -> str:
    """The sign-in link of the 401 page an anonymous visitor gets."""
    refresh = re.search(r'<meta http-equiv="refresh" content="0;url=([^"]*)">', answer_text)
    link = re.search(r'<a href="([^"]*)">Sign in</a>', answer_text)
    assert refresh and link and refresh.group(1) == link.group(1), answer_text
    return refresh.group(1)


def apache_login_path(return_to: str) -> str:
    return "/sso/acme/login?return_to=" + urllib.parse.quote(return_to, safe="")


def test_apache_header_injection_url_is_a_sign_in_page_with_the_encoded_return_path(apache_site):
    answer = harness.raw_request(apache_site["base_url"], "GET", INJECTION)
    assert answer.status == 401, answer
    harness.assert_clean_headers(answer)
    assert not answer.values("Location")
    assert apache_sign_in_link(answer.body.decode()) == apache_login_path(INJECTION)


def test_apache_return_path_with_its_query_survives_sp_initiated_sign_in(apache_site):
    base = apache_site["base_url"]
    target = "/app?id=42&view=full"
    session = requests.Session()
    anonymous = session.get(base + target, allow_redirects=False, timeout=20)
    assert anonymous.status_code == 401
    link = apache_sign_in_link(anonymous.text)
    assert link == apache_login_path(target)
    acs = through_the_idp(session, apache_site, base + link)
    assert acs.status_code == 303, acs.text
    assert acs.headers["Location"] == base + target
    app = session.get(acs.headers["Location"], timeout=20)
    assert app.status_code == 200 and app.json()["SAMLGATE_EMAIL"] == "alice@example.com"


def test_apache_every_method_and_body_reaches_the_app_without_the_session_cookie(apache_site):
    base = apache_site["base_url"]
    token = sign_in(apache_site)
    problems = {}
    for name, method, body, content_type in REQUESTS:
        headers = {"Content-Type": content_type} if content_type else {}
        target = f"/app?case={urllib.parse.quote(name)}"
        anonymous = requests.request(method, base + target, data=body or None, headers=headers,
                                     allow_redirects=False, timeout=20)
        if anonymous.status_code != 401 or (method != "HEAD" and
                                            apache_sign_in_link(anonymous.text) != apache_login_path(target)):
            problems[f"{name} anonymous"] = (anonymous.status_code, anonymous.text[:200])
        signed_in = requests.request(method, base + target, data=body or None, allow_redirects=False, timeout=20,
                                     headers={**headers, "Cookie": f"theme=dark; samlgate_acme={token}",
                                              "X-Samlgate-Email": "owner@example.com"})
        if signed_in.status_code != 200:
            problems[name] = (signed_in.status_code, signed_in.text[:200])
            continue
        if method == "HEAD":
            continue
        seen = signed_in.json()
        expected = {"REQUEST_METHOD": method, "BODY_LENGTH": len(body), "BODY_SHA256": hashlib.sha256(body).hexdigest(),
                    "CONTENT_TYPE": content_type, "SAMLGATE_EMAIL": "alice@example.com", "HTTP_COOKIE": "theme=dark",
                    "HTTP_X_SAMLGATE_EMAIL": None}
        actual = {key: seen.get(key) for key in expected}
        if actual != expected:
            problems[name] = actual
    assert not problems, problems


def test_apache_app_gets_other_cookies_but_never_the_session_cookie(apache_site):
    base = apache_site["base_url"]
    token = sign_in(apache_site)
    cases = [
        (f"theme=dark; samlgate_acme={token}; lang=en", {"theme": "dark", "lang": "en"}),
        (f"samlgate_acme={token}; theme=dark", {"theme": "dark"}),
        (f"theme=dark;samlgate_acme = {token} ;lang=en", {"theme": "dark", "lang": "en"}),
        (f"samlgate_acme={token}", {}),
        (f"xsamlgate_acme=kept; samlgate_acme={token}; samlgate_acme_x=kept", {"xsamlgate_acme": "kept",
                                                                                "samlgate_acme_x": "kept"}),
    ]
    for sent, kept in cases:
        answer = requests.get(f"{base}/app", headers={"Cookie": sent}, allow_redirects=False, timeout=20)
        assert answer.status_code == 200, (sent, answer.status_code)
        header = answer.json()["HTTP_COOKIE"]
        assert token not in (header or ""), (sent, header)
        assert cookie_pairs(header) == kept, (sent, header)


def test_apache_hostile_urls_and_headers_never_get_a_5xx(apache_site):
    base = apache_site["base_url"]
    cases = [
        ("/app?q=%0d%0aX-Injected:%201", []),
        ("/app/%00", []),
        ("/app/" + "a" * 6000, []),  # Apache itself refuses a path it cannot map (403)
        ("/app?" + "%0a" * 2000, []),
        ("/app", ["Cookie: \x01junk;;;=;samlgate_acme;=x; a=\x7f; samlgate_acme"]),
        ("/app", ["Host: evil.example.com"]),
    ]
    for target, headers in cases:
        answer = harness.raw_request(base, "GET", target, headers)
        assert answer.status in (400, 401, 403, 404), (target[:80], headers, answer.status)
        harness.assert_clean_headers(answer)
        if answer.status == 401:
            kept = apache_login_path(target) if len(target) <= 2048 else "/sso/acme/login?return_to="
            assert apache_sign_in_link(answer.body.decode()) == kept, target[:80]
