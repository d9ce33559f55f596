"""SP-initiated sign-in starts: `GET /sso/acme/login` through nginx, with the AuthnRequest signed
(HTTP-Redirect query signature, RSA-SHA256 with the account's active SP key) and unsigned."""

from __future__ import annotations

import sqlite3
import urllib.parse
from typing import TYPE_CHECKING

from samlgate_tools.bench.common import ACCOUNT, log
from samlgate_tools.bench.report import Results
from samlgate_tools.bench.smoke import header, send
from samlgate_tools.bench.wrk import Run, describe, fill, run_wrk

if TYPE_CHECKING:
    from samlgate_tools.bench.samlgate import SamlgateSite

SSO_URL = "http://127.0.0.1:9/sso"  # the IdP's SSO URL in the account's settings (nothing listens there)


def pending_requests(site: SamlgateSite) -> int:
    """Rows in the store's table of AuthnRequests waiting for their answer (read-only connection)."""
    connection = sqlite3.connect(f"file:{site.db}?mode=ro", uri=True, timeout=30)
    try:
        return connection.execute("SELECT count(*) FROM authn_request").fetchone()[0]
    finally:
        connection.close()


def smoke_login(site: SamlgateSite, signed: bool) -> None:
    """One login by hand: 302 to the IdP's SSO URL with a SAMLRequest and RelayState, and a Signature
    and SigAlg exactly when requests are signed."""
    status, headers, body = send("GET", site.port, f"/sso/{ACCOUNT}/login")
    location = header(headers, "Location") or ""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    if status != 302 or not location.startswith(SSO_URL + "?") or "SAMLRequest" not in query \
            or "RelayState" not in query or ("Signature" in query) != signed or ("SigAlg" in query) != signed:
        raise RuntimeError(f"samlgate login smoke ({'signed' if signed else 'unsigned'}): {status} {location[:300]} "
                           f"{body[:300]!r}; failures: {site.failures()}")
    log(f"samlgate login smoke: 302 → {SSO_URL}?SAMLRequest=…" + ("&Signature=…" if signed else ""))


def measure_login(site: SamlgateSite, args, results: Results) -> None:
    """Timed `GET …/login` runs, signed then unsigned, at each concurrency; each answer must be the 302 to
    the IdP and each must have stored one pending request. Signing is left on (the default) at the end."""
    url = f"{site.base_url}/sso/{ACCOUNT}/login"
    for signed in (True, False):
        site.cli("saml", "set", "--account", ACCOUNT, "--sign-requests" if signed else "--no-sign-requests")
        smoke_login(site, signed)
        for concurrency in args.concurrency:
            label = "GET /sso/acme/login, " + ("signed AuthnRequest" if signed else "unsigned AuthnRequest")
            run = Run("samlgate", label, concurrency, kind="login", success_status=302)
            before = pending_requests(site)
            parsed, cpu, client = run_wrk(url, concurrency, args.seconds, site.work, None,
                                          cpu_roots=site.cpu_roots())
            fill(run, parsed, cpu, client)
            stored = pending_requests(site) - before
            if not (run.ok <= stored <= run.ok + concurrency):
                run.problems.append(f"{stored} pending AuthnRequests stored for {run.ok} 302 answers")
            run.note = f"requests +{stored}"
            log(describe(run))
            results.runs.append(run)
    site.cli("saml", "set", "--account", ACCOUNT, "--sign-requests")
