"""Sign-in end to end through real Apache: mod_fcgid (responder + access checker) and mod_cgid (CGI mode)."""
from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from samlgate_tools import harness


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

    app = session.get(f"{base}/app", timeout=20, headers={"X-Samlgate-Subject": "owner@example.com",
                                                         "X-Samlgate-Groups": "admins"})
    assert app.status_code == 200, app.text
    environment = app.json()
    assert environment["SAMLGATE_EMAIL"] == "alice@example.com"
    assert environment["SAMLGATE_SUBJECT"] == "alice@example.com"  # the NameID as the IdP sent it
    assert "HTTP_X_SAMLGATE_SUBJECT" not in environment and "HTTP_X_SAMLGATE_GROUPS" not in environment
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
    response = session.post(f"{cgi}/sso/cgi/acs",
                            data={"SAMLResponse": encoded, "RelayState": "/cgi-bin/samlgate-fcgi/"},
                            allow_redirects=False, timeout=20)
    assert response.status_code == 303, response.text
    assert response.headers["Location"] == f"{cgi}/"
    auth = session.get(f"{cgi}/sso/cgi/auth", timeout=20)
    assert auth.status_code == 204
    assert auth.headers["X-Samlgate-Email"] == "alice@example.com"
    assert session.post(f"{cgi}/sso/cgi/acs", data={"SAMLResponse": encoded}, allow_redirects=False,
                        timeout=20).status_code == 403


def _fcgid_responders(binary: Path) -> set[int]:
    """Pids of the samlgate-fcgi processes mod_fcgid spawned from `binary` (the test's own copy)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.readlink(entry / "exe") == str(binary):
                    pids.add(int(entry.name))
            except OSError:
                pass  # gone, or a kernel thread
    return pids


def test_mod_fcgid_restarts_a_killed_responder(apache_site):
    """SIGKILL of every samlgate-fcgi process mod_fcgid spawned, in the middle of sign-ins: Apache's process
    manager starts new ones (new pids) with no admin action, sign-in and the access checker work again, and
    the database is intact with every session logged. (Under nginx, systemd's Restart=always does this:
    examples/systemd/samlgate-fcgi.service.)"""
    base = apache_site["base_url"]
    binary = apache_site["work"] / "apache" / "bin" / "samlgate-fcgi"
    responses = harness.bulk_responses(apache_site["python"], base, "alice@example.com", 50,
                                       apache_site["work"] / "fcgid-restart-responses.txt")
    assert requests.post(f"{base}/sso/acme/acs", data={"SAMLResponse": responses[0]}, allow_redirects=False,
                         timeout=20).status_code == 303
    killed = _fcgid_responders(binary)
    assert killed, "mod_fcgid started no samlgate-fcgi process"

    def post(encoded: str) -> int:
        return harness.acs_status(base, encoded, timeout=20)

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(post, encoded) for encoded in responses[1:31]]
        while sum(future.done() for future in futures) < 8:
            time.sleep(0.005)
        killed |= _fcgid_responders(binary)
        for pid in killed:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        statuses = [future.result() for future in futures]
    print(f"killed {sorted(killed)}: 303={statuses.count(303)} 500={statuses.count(500)} 503={statuses.count(503)}")
    # A request on a killed process fails (mod_fcgid answers 500 or 503); the others are served, some by new processes.
    assert set(statuses) <= {303, 500, 503}, statuses
    assert statuses.count(303) >= 8, statuses

    # New processes, started by mod_fcgid alone, serve sign-ins and the access checker.
    session = requests.Session()
    deadline = time.monotonic() + 20
    for encoded in responses[31:]:
        status = session.post(f"{base}/sso/acme/acs", data={"SAMLResponse": encoded, "RelayState": "/app"},
                              allow_redirects=False, timeout=20).status_code
        assert status == 303 or (status in (500, 503) and time.monotonic() < deadline), status
    app = session.get(f"{base}/app", timeout=20)
    assert app.status_code == 200 and app.json()["SAMLGATE_EMAIL"] == "alice@example.com", app.text
    respawned = _fcgid_responders(binary)
    print(f"mod_fcgid restarted: {sorted(respawned)}")
    assert respawned and not respawned & killed, (killed, respawned)

    # Read-only, so the test (root) never creates a -wal/-shm file the www-data responders could not write.
    connection = sqlite3.connect(f"file:{apache_site['db']}?mode=ro", uri=True)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    unlogged = connection.execute(
        "SELECT (SELECT count(*) FROM session) - (SELECT count(*) FROM signin_log WHERE outcome = 'accepted')"
    ).fetchone()[0]
    assert unlogged <= 0, "a session without its log row"
    connection.close()


def test_mod_fcgid_metrics_and_health_are_for_this_host_only(apache_site):
    """The shipped snippet's `Require ip`; the sign-in counter comes from the store, so it moves by one whichever
    of mod_fcgid's responder processes answers each scrape."""
    base = apache_site["base_url"]
    port = int(base.rsplit(":", 1)[1])
    assert harness.status_from(port, "/sso/-/health", "127.0.0.1") == 200
    assert harness.status_from(port, "/sso/-/metrics", "127.0.0.2") == 403
    assert harness.status_from(port, "/sso/-/health", "127.0.0.2") == 403
    labels = dict(account="acme", method="saml", outcome="accepted")
    before = harness.metric_value(requests.get(f"{base}/sso/-/metrics", timeout=20).text, "samlgate_signins_total",
                                  **labels)
    action, fields = harness.idp_initiated(apache_site, "alice@example.com")
    assert requests.post(action, data=fields, allow_redirects=False, timeout=20).status_code == 303
    after = requests.get(f"{base}/sso/-/metrics", timeout=20)
    assert after.status_code == 200
    assert harness.metric_value(after.text, "samlgate_signins_total", **labels) == before + 1


def test_mod_fcgid_operations_location_takes_a_post_body_and_a_hostile_url_cleanly(apache_site):
    base = apache_site["base_url"]
    post = requests.post(f"{base}/sso/-/metrics", data={"x": "y" * 4096}, timeout=20)
    assert post.status_code == 405 and post.headers["Allow"] == "GET, HEAD"
    answer = requests.get(f"{base}/sso/-/metrics%0d%0aSet-Cookie:%20evil=1", timeout=20, allow_redirects=False)
    assert answer.status_code < 500 and "evil" not in str(answer.headers).lower()
