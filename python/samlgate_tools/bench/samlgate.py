"""The samlgate peer: nginx with the shipped snippets in front of samlgate-fcgi, and nginx alone serving a
static file for the per-request check. The same site serves the plaintext and the encrypted post-backs,
the SP-initiated login (samlgate_tools.bench.login) and the before/after comparison
(samlgate_tools.bench.before_after)."""

from __future__ import annotations

import json
import math
import socket
import subprocess
from pathlib import Path

from samlgate_tools import harness
from samlgate_tools.bench.common import ACCOUNT, IDP_ENTITY_ID, USERS, VALID_SECONDS, WRK_THREADS, log, stop
from samlgate_tools.bench.encryption import NAMES as ENCRYPTION_NAMES
from samlgate_tools.bench.login import measure_login
from samlgate_tools.bench.metrics import pss_kb, status_kb, tree
from samlgate_tools.bench.pool import ResponsePool
from samlgate_tools.bench.report import Results
from samlgate_tools.bench.smoke import cookie, header, send
from samlgate_tools.bench.wrk import Run, describe, fill, post_backs, run_wrk


class SamlgateSite:
    """samlgate-fcgi on a unix socket behind nginx with the shipped snippets, one account `acme`.
    `bins`: another build's binaries (default --bins); `name`: its folder under `work` (a second site
    gets its own nginx there too); `responder_args`: extra samlgate-fcgi arguments, given at every
    (re)start, so one build can be compared with itself under other options; `database`: a PostgreSQL
    database's URL as the store instead of a SQLite file in the site's folder, `database_server` its
    postmaster's pid (its CPU is counted with the site's)."""

    def __init__(self, args, work: Path, processes: harness.Processes, bins: Path | None = None,
                 name: str = "samlgate", responder_args: list[str] | None = None,
                 database: str | None = None, database_server: int | None = None):
        self.args, self.work, self.processes, self.name = args, work, processes, name
        self.responder_args = list(responder_args or [])
        self.bins = Path(bins or args.bins)
        self.port = harness.free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.acs = f"{self.base_url}/sso/{ACCOUNT}/acs"
        self.audience = f"{self.base_url}/sso/{ACCOUNT}/metadata"
        self.folder = work / name
        self.folder.mkdir()
        self.db = self.folder / "samlgate.db"
        self.socket = self.folder / "samlgate.sock"
        self.cli = harness.Samlgate(self.bins, self.db)  # keeps its secret file in the folder, whatever the store
        self.database = database
        self.database_server = database_server
        if database:
            self.cli.db = database  # the --db of every command
        self.responders: list[subprocess.Popen] = []
        self.threads = 0
        # A build from before the SP keys reached the responder has no --secret-file.
        usage = subprocess.run([str(self.bins / "samlgate-fcgi"), "--help"], capture_output=True, text=True)
        self.secret_option = "--secret-file" in usage.stdout + usage.stderr

    def configure(self, cert: Path) -> None:
        cli = self.cli
        cli("init")
        cli("account", "add", ACCOUNT, "--base-url", self.base_url, "--name", "Bench Help")
        cli("user", "add", "--account", ACCOUNT, "--email", "owner@bench.test", "--role", "owner",
            "--password-stdin", stdin="owner bench passphrase\n")
        for email, given, family in USERS:
            cli("user", "add", "--account", ACCOUNT, "--email", email, "--role", "user",
                "--given-name", given, "--family-name", family)
        cli("saml", "set", "--account", ACCOUNT, "--sso-url", "http://127.0.0.1:9/sso", "--cert", str(cert),
            "--idp-entity-id", IDP_ENTITY_ID, "--allow-idp-initiated", "--enable")

    @property
    def responder(self) -> subprocess.Popen | None:
        """The first (usually the only) samlgate-fcgi process."""
        return self.responders[0] if self.responders else None

    def start_responder(self, threads: int, count: int = 1) -> None:
        """(Re)starts the responder with `threads` worker threads on the site's socket. `count` > 1: that
        many samlgate-fcgi processes accepting on one listening socket, handed to each as fd 0 (as
        spawn-fcgi -F and mod_fcgid start them), so nginx's upstream stays the same."""
        for process in self.responders:
            stop(self.processes, process)
        self.responders = []
        if self.socket.exists():
            self.socket.unlink()
        secret = ["--secret-file", str(self.folder / "secret.key")] if self.secret_option else []
        listen = ["--listen", f"unix:{self.socket}"] if count == 1 else []
        command = [str(self.bins / "samlgate-fcgi"), "--db", str(self.cli.db), *secret, *listen,
                   "--threads", str(threads), *self.responder_args]
        log_file = self.folder / "samlgate-fcgi.log"
        if count == 1:
            self.responders.append(self.processes.start(f"samlgate-fcgi ({self.name})", command, log_file))
        else:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
                listener.bind(str(self.socket))
                listener.listen(128)  # samlgate-fcgi's own backlog for --listen
                for index in range(count):
                    self.responders.append(self.processes.start(f"samlgate-fcgi ({self.name} {index + 1})", command,
                                                                log_file, stdin=listener))
        harness.wait_for_path(self.socket)
        self.threads = threads

    def cpu_roots(self) -> list[int]:
        """The process trees that serve this site: responders, nginx and, for PostgreSQL, the database server."""
        return [p.pid for p in self.responders] + [self.nginx.pid] + (
            [self.database_server] if self.database_server else [])

    def cpu_parts(self) -> dict[str, list[int]]:
        """The parts of `cpu_roots` counted on their own: each responder ("fcgi 1", …) and "postgres"."""
        parts = {f"fcgi {index + 1}": [p.pid] for index, p in enumerate(self.responders)}
        if self.database_server:
            parts["postgres"] = [self.database_server]
        return parts

    def start_nginx(self) -> None:
        self.app, app_port = harness.start_echo_app()
        harness.start_nginx(self.processes, self.folder, self.port, self.socket, app_port, account=ACCOUNT)
        self.nginx = self.processes.running[-1][1]

    def sp_certificate(self) -> Path:
        """The PEM certificate of the account's active SP key (the one an IdP encrypts to), in a file."""
        active = next(k for k in self.cli.json("sp-key", "list", "--account", ACCOUNT) if k["state"] == "active")
        path = self.folder / "sp-cert.pem"
        path.write_text(self.cli("sp-key", "cert", "--account", ACCOUNT, "--id", str(active["id"])).stdout)
        return path

    def stop(self) -> None:
        for process in (*self.responders, self.nginx):
            stop(self.processes, process)
        self.app.shutdown()

    def sessions(self) -> int:
        return len(self.cli.json("session", "list", "--account", ACCOUNT))

    def failures(self, limit: int = 5) -> list:
        return self.cli.json("log", "--account", ACCOUNT, "--failures", "--limit", str(limit))



def smoke_samlgate(site: SamlgateSite, pool: ResponsePool) -> tuple[str, str]:
    """One post-back by hand: 303 to the base URL with a session cookie that `auth` accepts."""
    bodies, _ = pool.take(1)
    body = bodies.read_text().strip()
    bodies.unlink()
    status, headers, text = send("POST", site.port, f"/sso/{ACCOUNT}/acs", body)
    token = cookie(headers, f"samlgate_{ACCOUNT}")
    location = header(headers, "Location")
    if status != 303 or not token:
        raise RuntimeError(f"samlgate smoke post-back: {status} {headers} {text[:300]!r}; failures: {site.failures()}")
    if location.rstrip("/") != site.base_url.rstrip("/"):
        raise RuntimeError(f"samlgate smoke post-back redirected to {location}, not the base URL {site.base_url}")
    status, headers, _ = send("GET", site.port, f"/sso/{ACCOUNT}/auth",
                              headers={"Cookie": f"samlgate_{ACCOUNT}={token}"})
    if status != 204:
        raise RuntimeError(f"samlgate auth with the new session answered {status}")
    log(f"samlgate smoke: 303 → {location}, session cookie accepted by /auth (204)")
    return token, location



def timed_post_backs(site: SamlgateSite, pool: ResponsePool, run: Run, seconds: float, expected: float,
                     location: str, results: Results) -> Run:
    """One timed ACS run, checked: every 303 made one session (`samlgate session list`, right before the
    wrk run that counts and after it)."""
    counted = {}

    def count_sessions() -> None:
        counted["before"] = site.sessions()

    post_backs(pool, run, site.acs, seconds, expected, site.work, site.cpu_roots(), location,
               before_attempt=count_sessions, cpu_parts=site.cpu_parts())
    created = site.sessions() - counted["before"]
    # Sessions created for answers wrk did not wait for (in flight at the end) are allowed.
    if not (run.ok <= created <= run.ok + run.concurrency):
        run.problems.append(f"{created} sessions created for {run.ok} 303 answers")
    run.note = f"sessions +{created}"
    run.peak_rss_mb = max(status_kb(p.pid, "VmHWM") for p in site.responders) / 1024
    stack = [p.pid for p in site.responders] + [site.nginx.pid]
    run.total_pss_mb = pss_kb([pid for root in stack for pid in tree(root)]) / 1024
    if run.answered > run.ok:
        results.notes.append(f"{site.name} {run.label} c={run.concurrency} failures (newest): "
                             + json.dumps(site.failures(3))[:600])
    log(describe(run))
    return run


def timed_auth(site: SamlgateSite, token: str, run: Run, seconds: float) -> Run:
    """One timed run of the per-request check with the session cookie `token`; `run` says 204 is success."""
    parsed, cpu, client = run_wrk(f"{site.base_url}/sso/{ACCOUNT}/auth", run.concurrency, seconds, site.work, None,
                                  headers=[f"Cookie: samlgate_{ACCOUNT}={token}"],
                                  cpu_roots=site.cpu_roots(), cpu_parts=site.cpu_parts())
    fill(run, parsed, cpu, client)
    run.peak_rss_mb = max(status_kb(p.pid, "VmHWM") for p in site.responders) / 1024
    log(describe(run))
    return run


def memory_growth(site: SamlgateSite, pool: ResponsePool, rate: float, work: Path, location: str,
                  marks: tuple[int, ...] = (10_000, 100_000),
                  concurrency: int = 8) -> tuple[list[tuple[int, float]], list[str]]:
    """Restarts the responder, then posts unique responses through nginx up to each mark of post-backs,
    reading the responder's VmRSS after each: [(accepted so far, MB)] and any problems."""
    site.start_responder(site.threads)
    accepted, answered, readings, problems = 0, 0, [], []
    for mark in marks:
        bodies, count = pool.take(mark - answered)
        log(f"samlgate memory: {count} more post-backs (answered so far {answered})")
        parsed, _, _ = run_wrk(site.acs, concurrency, math.ceil(count / rate * 1.5) + 2, work, bodies,
                               location=location)  # wrk takes whole seconds
        pool.give_back(bodies, WRK_THREADS, parsed["threads"])
        accepted += parsed["statuses"].get(303, 0)
        answered += sum(parsed["statuses"].values())
        if answered < 0.99 * mark:
            problems.append(f"only {answered} of {mark} post-backs answered ({parsed['statuses']})")
            break
        readings.append((accepted, status_kb(site.responder.pid, "VmRSS") / 1024))
    if answered and accepted / answered < 0.99:
        problems.append(f"only {100 * accepted / answered:.1f}% answered 303")
    return readings, problems




def measure_samlgate(args, work: Path, processes: harness.Processes, key: Path, cert: Path,
                     results: Results) -> None:
    """The samlgate rows: a smoke post-back, the --threads tries, the timed ACS runs with the one kept
    (plaintext, then encrypted after a smoke post-back of those), the responder's memory check, the
    SP-initiated login with signed and unsigned AuthnRequests, then the per-request check against nginx
    serving a static file."""
    site = SamlgateSite(args, work, processes)
    site.configure(cert)
    site.start_responder(args.threads[0])
    site.start_nginx()
    pool = ResponsePool("samlgate", work, args.python, key, cert, site.acs, site.audience, VALID_SECONDS,
                        args.generator, args.generators)
    results.pools.append(pool)
    token, location = smoke_samlgate(site, pool)

    expected = 1500.0  # first guess; each run's measured rate sizes the next one
    tries = []
    for threads in args.threads:
        site.start_responder(threads)
        run = post_backs(pool, Run("samlgate", f"try --threads {threads}", max(args.concurrency)),
                         site.acs, args.try_seconds, expected, work, site.cpu_roots(),
                         location)
        log(describe(run))
        expected = max(expected, run.rate)
        tries.append((run.rate if run.valid else 0, threads, run))
    best = max(tries)[1]
    results.notes.append("samlgate-fcgi --threads tries ({:g}s at c={}): {}; kept {}".format(
        args.try_seconds, max(args.concurrency),
        ", ".join(f"{t}: {r.rate:.0f}/s" + ("" if r.valid else " (invalid)") for _, t, r in tries), best))
    site.start_responder(best)  # fresh process: its VmHWM covers the timed runs only
    results.samlgate_threads = best
    for concurrency in args.concurrency:
        run = timed_post_backs(site, pool, Run("samlgate", f"nginx + fcgi ({best} threads)", concurrency),
                               args.seconds, expected, location, results)
        expected = max(expected, run.rate)
        results.runs.append(run)

    if not args.no_encrypted:
        # Encrypted to the account's own active SP key (RSA-2048, made by `account add`), as an IdP that
        # read the SP metadata would.
        encrypted = ResponsePool("samlgate-encrypted", work, args.python, key, cert, site.acs, site.audience,
                                 VALID_SECONDS, "fast", 1, encrypt_to=site.sp_certificate(),
                                 content_encryption=args.content_encryption)
        results.pools.append(encrypted)
        site.start_responder(best)  # fresh, as for the plaintext runs
        smoke_samlgate(site, encrypted)
        name = ENCRYPTION_NAMES[args.content_encryption]
        for concurrency in args.concurrency:
            run = timed_post_backs(site, encrypted, Run("samlgate", f"nginx + fcgi ({best} threads), {name}",
                                                        concurrency, encrypted=True),
                                   args.seconds, expected, location, results)
            results.runs.append(run)
    results.rss_after_acs = status_kb(site.responder.pid, "VmRSS") / 1024

    if not args.no_rss_check:
        results.memory, results.memory_problems = memory_growth(site, pool, expected, work, location)
        log("samlgate memory: " + ", ".join(f"{mb:.1f} MB after {n}" for n, mb in results.memory)
            + "".join(f"; {p}" for p in results.memory_problems))

    if not args.no_login:
        measure_login(site, args, results)

    static_nginx, static_port = start_static_nginx(work, processes)
    for concurrency in args.concurrency:
        run = timed_auth(site, token, Run("samlgate", f"GET /sso/{ACCOUNT}/auth (cookie)", concurrency, kind="auth",
                                          success_status=204), args.seconds)
        results.runs.append(run)
        run = Run("nginx", "GET /static.txt", concurrency, kind="static", success_status=200)
        parsed, cpu, client = run_wrk(f"http://127.0.0.1:{static_port}/static.txt", concurrency, args.seconds,
                                      work, None, cpu_roots=[static_nginx.pid])
        fill(run, parsed, cpu, client)
        log(describe(run))
        results.runs.append(run)
    stop(processes, static_nginx)
    site.stop()


def start_static_nginx(work: Path, processes: harness.Processes) -> tuple[subprocess.Popen, int]:
    """nginx alone serving one small file, the yardstick for the per-request check: (process, port)."""
    static_root = work / "static"
    (static_root / "logs").mkdir(parents=True)
    (static_root / "static.txt").write_text("ok\n")
    static_port = harness.free_port()
    (static_root / "nginx.conf").write_text(f"""
user root;
worker_processes 1;
daemon off;
pid {static_root}/nginx.pid;
error_log {static_root}/logs/error.log;
events {{ worker_connections 256; }}
http {{
    access_log {static_root}/logs/access.log;
    client_body_temp_path {static_root}/body;
    proxy_temp_path {static_root}/proxy;
    fastcgi_temp_path {static_root}/fastcgi;
    server {{
        listen 127.0.0.1:{static_port};
        location = /static.txt {{ root {static_root}; default_type text/plain; }}
    }}
}}
""")
    static_nginx = processes.start("nginx (static)", ["nginx", "-c", str(static_root / "nginx.conf"), "-p",
                                                      str(static_root)], work / "nginx-static.log")
    harness.wait_for_port(static_port)
    return static_nginx, static_port
