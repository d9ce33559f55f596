#!/usr/bin/env python3
"""Side-by-side ACS benchmark: samlgate (nginx + samlgate-fcgi) against mod_auth_mellon and Shibboleth SP 3
(mod_shib + shibd), both in Apache 2.4.

Run through bench/acs.sh, which installs what is needed, builds the release binaries and the test
IdP's venv, then calls this with --bins and --python. Everything listens on 127.0.0.1 on free ports
and lives in one temporary folder; every process started here is stopped on exit.

Each run POSTs unique, validly signed SAML Responses (made beforehand by Tests/IdP/samlidp.py, never
sent twice) with wrk and bench/wrk-acs.lua, and counts the answers per HTTP status. A run whose
success share is below 99% is marked INVALID and the script exits 1.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import http.client
import json
import math
import os
import platform
import pwd
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from samlgate_tools import harness  # the e2e tests' process helpers: nginx, free ports, the CLI wrapper

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

SAMLIDP = REPO / "Tests" / "IdP" / "samlidp.py"
WRK_SCRIPT = HERE / "wrk-acs.lua"
IDP_ENTITY_ID = "urn:samlgate:test-idp"
ACCOUNT = "acme"
USERS = [("ann@bench.test", "Ann", "Lee"), ("bob@bench.test", "Bob", "Ray"),
         ("cid@bench.test", "Cid", "Moe"), ("dee@bench.test", "Dee", "Fox")]
CLK_TCK = os.sysconf("SC_CLK_TCK")
WRK_THREADS = 2


def log(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------
# /proc: CPU time and memory of process trees
# --------------------------------------------------------------------------------------------------

def _stat(pid: int) -> tuple[int, int, int] | None:
    """(ppid, own utime+stime, reaped children's cutime+cstime) in clock ticks."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    # fields[0] is field 3 (state): ppid=4, utime=14, stime=15, cutime=16, cstime=17
    return int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


def tree(root: int) -> list[int]:
    """`root` and all its descendants."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat:
                parents[int(entry)] = stat[0]
    found = {root}
    changed = True
    while changed:
        changed = False
        for pid, ppid in parents.items():
            if ppid in found and pid not in found:
                found.add(pid)
                changed = True
    return sorted(pid for pid in found if pid in parents or pid == root)


def cpu_snapshot(roots: list[int]) -> dict[int, tuple[int, int]]:
    snapshot = {}
    for root in roots:
        for pid in tree(root):
            stat = _stat(pid)
            if stat:
                snapshot[pid] = (stat[1], stat[2])
    return snapshot


def cpu_seconds_between(before: dict[int, tuple[int, int]], after: dict[int, tuple[int, int]]) -> float:
    """CPU used between two snapshots: processes alive at the end (all of theirs since the first
    snapshot, or since they started) plus children reaped meanwhile (their parents' cutime)."""
    ticks = 0
    for pid, (own, reaped) in after.items():
        if pid in before:
            ticks += (own - before[pid][0]) + (reaped - before[pid][1])
        else:
            ticks += own + reaped
    return ticks / CLK_TCK


def status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


# --------------------------------------------------------------------------------------------------
# Signed responses: generated before the timed windows, each sent at most once
# --------------------------------------------------------------------------------------------------

class ResponsePool:
    """Unique signed SAMLResponses for one SP, kept as files of form bodies (`SAMLResponse=…`, one a
    line). `take` hands out bodies never handed out before, generating more first when short;
    `give_back` returns the ones a run did not send."""

    def __init__(self, name: str, work: Path, python: str, key: Path, cert: Path, acs: str, audience: str,
                 valid_seconds: int, generator: str, generators: int, script: str = "responses.py"):
        self.generator, self.script = generator, script
        self.name, self.work, self.python, self.key, self.cert = name, work, python, key, cert
        self.acs, self.audience, self.valid_seconds, self.generators = acs, audience, valid_seconds, generators
        self.chunks: collections.deque[tuple[Path, int]] = collections.deque()  # (file, lines), all unused
        self.serial = 0
        self.generated = 0
        self.generation_seconds = 0.0

    @property
    def available(self) -> int:
        return sum(lines for _, lines in self.chunks)

    def _path(self, kind: str) -> Path:
        self.serial += 1
        return self.work / f"{self.name}-{kind}-{self.serial}.txt"

    def generate(self, count: int) -> None:
        """Makes `count` more responses: bench/responses.py (pysaml2's response, re-signed in batches by
        xmlsec1) or, with --generator samlidp, `samlidp.py response --count` in parallel processes."""
        started = time.monotonic()
        jobs = []
        processes = 1 if self.generator == "fast" else self.generators
        per = math.ceil(max(count, processes) / processes)
        for index in range(processes):
            email, given, family = USERS[(self.serial + index) % len(USERS)]
            out = self._path("b64")
            program = [str(HERE / self.script)] if self.generator == "fast" else [str(SAMLIDP), "response"]
            args = [self.python, *program, "--acs", self.acs, "--audience", self.audience,
                    "--issuer", IDP_ENTITY_ID, "--email", email, "--given-name", given, "--family-name", family,
                    "--key", str(self.key), "--cert", str(self.cert), "--valid-seconds", str(self.valid_seconds),
                    "--count", str(per), "--out", str(out)]
            errors = open(self.work / "generator.log", "ab")
            jobs.append((subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=errors), out))
        # samlidp.py: ~40-400/s per process depending on the machine; allow a generous bound.
        deadline = time.monotonic() + 120 + per / 20
        for process, _ in jobs:
            try:
                process.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                for other, _ in jobs:
                    other.kill()
                raise RuntimeError(f"response generation for {self.name} timed out")
            if process.returncode != 0:
                raise RuntimeError(f"response generator failed ({process.returncode}); see {self.work}/generator.log")
        made = 0
        for _, raw in jobs:
            bodies = self._path("bodies")
            lines = 0
            with open(raw) as source, open(bodies, "w") as sink:
                for line in source:
                    line = line.strip()
                    if line:
                        sink.write("SAMLResponse=" + urllib.parse.quote(line, safe="") + "\n")
                        lines += 1
            raw.unlink()
            self.chunks.append((bodies, lines))
            made += lines
        elapsed = time.monotonic() - started
        self.generated += made
        self.generation_seconds += elapsed
        log(f"{self.name}: generated {made} signed responses in {elapsed:.1f}s ({made / elapsed:.0f}/s)")

    def take(self, count: int) -> tuple[Path, int]:
        if self.available < count:
            self.generate(count - self.available)
        out = self._path("run")
        taken = 0
        with open(out, "w") as sink:
            while taken < count:
                path, lines = self.chunks.popleft()
                with open(path) as source:
                    rest = []
                    for index, line in enumerate(source):
                        if taken < count:
                            sink.write(line)
                            taken += 1
                        else:
                            rest.append(line)
                path.unlink()
                if rest:
                    again = self._path("bodies")
                    again.write_text("".join(rest))
                    self.chunks.appendleft((again, len(rest)))
        return out, taken

    def give_back(self, run_file: Path, threads: int, sent_per_thread: dict[int, int]) -> int:
        """Puts the bodies of `run_file` that no wrk thread sent back at the front of the pool.
        Thread t sends lines t, t+T, t+2T, … in order, so its first sent[t] lines are the used ones."""
        unused = self._path("bodies")
        kept = 0
        with open(run_file) as source, open(unused, "w") as sink:
            for index, line in enumerate(source):
                thread, position = index % threads, index // threads
                if thread in sent_per_thread and position >= sent_per_thread[thread]:
                    sink.write(line)
                    kept += 1
        run_file.unlink()
        if kept:
            self.chunks.appendleft((unused, kept))
        else:
            unused.unlink()
        return kept


# --------------------------------------------------------------------------------------------------
# wrk
# --------------------------------------------------------------------------------------------------

@dataclass
class Run:
    sp: str
    label: str
    concurrency: int
    seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    success_status: int = 303
    sent: int = 0
    exhausted: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    cpu_seconds: float = 0.0
    client_cpu_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    total_pss_mb: float = 0.0
    note: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return self.statuses.get(self.success_status, 0)

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    @property
    def share(self) -> float:
        return self.ok / self.answered if self.answered else 0.0

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def cpu_us(self) -> float:
        return 1e6 * self.cpu_seconds / self.ok if self.ok else float("nan")

    @property
    def valid(self) -> bool:
        return not self.problems


def run_wrk(url: str, concurrency: int, seconds: float, work: Path, bodies: Path | None,
            headers: list[str] = (), cpu_roots: list[int] = (), location: str = "") -> tuple[dict, float, float]:
    """Runs wrk, returns (parsed BENCH lines, server CPU seconds, client CPU seconds)."""
    args = ["wrk", "-t", str(WRK_THREADS), "-c", str(concurrency), "-d", f"{seconds:g}s", "--latency",
            "--timeout", "30s", "-s", str(WRK_SCRIPT)]
    for header in headers:
        args += ["-H", header]
    args += [url, "--", str(bodies) if bodies else "-", str(WRK_THREADS), location]
    before = cpu_snapshot(list(cpu_roots))
    client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 120)
    client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    after = cpu_snapshot(list(cpu_roots))
    with open(work / "wrk.log", "a") as out:
        out.write(f"$ {' '.join(args)}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr.strip()[-500:]}")
    parsed = {"statuses": {}, "threads": {}}
    for line in result.stdout.splitlines():
        words = line.split()
        if not words or words[0] != "BENCH":
            continue
        if words[1] == "status":
            parsed["statuses"][int(words[2])] = int(words[3])
        elif words[1] == "thread":
            parsed["threads"][int(words[2])] = int(words[4])
        elif words[1] == "sent":
            parsed["sent"], parsed["exhausted"] = int(words[2]), int(words[4])
        elif words[1] == "errors":
            parsed["errors"] = {words[i]: int(words[i + 1]) for i in range(2, len(words), 2)}
        elif words[1] == "duration_us":
            parsed["duration_us"], parsed["requests"] = int(words[2]), int(words[4])
        elif words[1] == "latency_us":
            parsed["latency"] = {words[i]: int(words[i + 1]) for i in range(2, len(words), 2)}
    if "latency" not in parsed:
        raise RuntimeError(f"wrk printed no summary: {result.stdout[-500:]} {result.stderr[-500:]}")
    client = (client_after.ru_utime + client_after.ru_stime) - (client_before.ru_utime + client_before.ru_stime)
    return parsed, cpu_seconds_between(before, after), client


def fill(run: Run, parsed: dict, cpu: float, client: float) -> Run:
    run.statuses = parsed["statuses"]
    run.sent, run.exhausted = parsed.get("sent", 0), parsed.get("exhausted", 0)
    run.errors = {k: v for k, v in parsed.get("errors", {}).items() if v}
    run.seconds = parsed["duration_us"] / 1e6
    run.p50_ms = parsed["latency"]["p50"] / 1000
    run.p99_ms = parsed["latency"]["p99"] / 1000
    run.cpu_seconds, run.client_cpu_seconds = cpu, client
    if run.answered == 0:
        run.problems.append("no answers")
    elif run.share < 0.99:
        run.problems.append(f"only {100 * run.share:.1f}% answered {run.success_status}")
    if run.exhausted:
        run.problems.append(f"{run.exhausted} wrk thread(s) ran out of unique responses (rate is a lower bound)")
    return run


def post_backs(pool: ResponsePool, run: Run, url: str, seconds: float, expected_rate: float, work: Path,
               cpu_roots: list[int], location: str) -> Run:
    """One timed ACS run with enough unique bodies for `expected_rate`; if wrk still runs out, it is
    repeated once with twice as many (the first attempt then only warmed up)."""
    need = int(expected_rate * seconds * 1.3) + 50 * run.concurrency
    for attempt in range(2):
        bodies, count = pool.take(need)
        log(f"{run.sp} {run.label} c={run.concurrency}: {seconds:g}s with {count} unique responses")
        parsed, cpu, client = run_wrk(url, run.concurrency, seconds, work, bodies, cpu_roots=cpu_roots,
                                      location=location)
        pool.give_back(bodies, WRK_THREADS, parsed["threads"])
        if parsed.get("exhausted", 0) == 0 or attempt == 1:
            break
        log(f"{run.sp}: ran out of responses; again with more")
        need *= 2
    return fill(run, parsed, cpu, client)


def memory_growth(site: "SamlgateSite", pool: ResponsePool, rate: float, work: Path, location: str,
                  marks: tuple[int, ...] = (10_000, 100_000), concurrency: int = 8) -> tuple[list[tuple[int, float]], list[str]]:
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


def describe(run: Run) -> str:
    codes = ", ".join(f"{code if code < 1000 else str(code - 1000) + ' elsewhere'}: {n}"
                      for code, n in sorted(run.statuses.items()))
    text = (f"{run.sp} {run.label} c={run.concurrency}: {run.rate:.0f} accepted/s, p50 {run.p50_ms:.1f} ms, "
            f"p99 {run.p99_ms:.1f} ms, {run.cpu_us:.0f} CPU-µs/accepted, statuses {{{codes}}}")
    if run.errors:
        text += f", wrk errors {run.errors}"
    if run.problems:
        text += " — INVALID: " + "; ".join(run.problems)
    return text


# --------------------------------------------------------------------------------------------------
# HTTP helpers for the smoke checks
# --------------------------------------------------------------------------------------------------

def send(method: str, port: int, path: str, body: str | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        all_headers = dict(headers or {})
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def cookie(headers, name: str) -> str | None:
    for key, value in headers:
        if key.lower() == "set-cookie" and value.startswith(name + "="):
            return value.split(";", 1)[0].split("=", 1)[1]
    return None


def header(headers, name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name.lower():
            return value
    return None


def stop(processes: harness.Processes, process) -> None:
    """Stops one process started through `processes` and forgets it."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    processes.running[:] = [(n, p) for n, p in processes.running if p is not process]


# --------------------------------------------------------------------------------------------------
# samlgate
# --------------------------------------------------------------------------------------------------

class SamlgateSite:
    def __init__(self, args, work: Path, processes: harness.Processes):
        self.args, self.work, self.processes = args, work, processes
        self.bins = Path(args.bins)
        self.port = harness.free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.acs = f"{self.base_url}/sso/{ACCOUNT}/acs"
        self.audience = f"{self.base_url}/sso/{ACCOUNT}/metadata"
        self.db = work / "samlgate" / "samlgate.db"
        self.db.parent.mkdir()
        self.socket = work / "samlgate" / "samlgate.sock"
        self.cli = harness.Samlgate(self.bins, self.db)
        self.responder = None
        self.threads = 0

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

    def start_responder(self, threads: int) -> None:
        if self.responder:
            stop(self.processes, self.responder)
        if self.socket.exists():
            self.socket.unlink()
        self.responder = self.processes.start(
            "samlgate-fcgi", [str(self.bins / "samlgate-fcgi"), "--db", str(self.db), "--listen",
                              f"unix:{self.socket}", "--threads", str(threads)],
            self.work / "samlgate-fcgi.log")
        harness.wait_for_path(self.socket)
        self.threads = threads

    def start_nginx(self) -> None:
        self.app, app_port = harness.start_echo_app()
        harness.start_nginx(self.processes, self.work, self.port, self.socket, app_port, account=ACCOUNT)
        self.nginx = next(p for n, p in self.processes.running if n == "nginx")

    def sessions(self) -> int:
        return len(self.cli.json("session", "list", "--account", ACCOUNT))

    def failures(self, limit: int = 5) -> list:
        return self.cli.json("log", "--account", ACCOUNT, "--failures", "--limit", str(limit))


# --------------------------------------------------------------------------------------------------
# Apache + mod_auth_mellon
# --------------------------------------------------------------------------------------------------

def der_base64(cert: Path) -> str:
    text = cert.read_text()
    return "".join(text.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0].split())


MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"


def idp_metadata(cert: Path) -> str:
    return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="{MD}" xmlns:ds="{DS}" entityID="{IDP_ENTITY_ID}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{der_base64(cert)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>{EMAIL_FORMAT}</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="http://127.0.0.1:9/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""


def sp_metadata(entity_id: str, base: str, cert: Path) -> str:
    return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="{MD}" xmlns:ds="{DS}" entityID="{entity_id}">
  <md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{der_base64(cert)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{base}/logout"/>
    <md:NameIDFormat>{EMAIL_FORMAT}</md:NameIDFormat>
    <md:AssertionConsumerService index="0" isDefault="true" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{base}/postResponse"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>
"""


# The same for every Apache peer: prefork, enough children for every connection (wrk keeps them
# alive), all started up front.
APACHE_PREFORK = """StartServers 48
MinSpareServers 8
MaxSpareServers 80
ServerLimit 80
MaxRequestWorkers 80
MaxConnectionsPerChild 0
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 30"""


def apache_preamble(root: Path, port: int, module: str) -> str:
    """The httpd.conf lines both Apache peers share: the prefork MPM, logs, the core auth modules, the
    peer's own `module` line, and an htdocs folder anyone may read."""
    m = MellonSite.MODULES
    return f"""ServerRoot {root}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {root}/httpd.pid
User www-data
Group www-data
ErrorLog {root}/logs/error.log
LogLevel warn
LogFormat "%h %l %u %t \\"%r\\" %>s %b" common
CustomLog {root}/logs/access.log common
LoadModule mpm_prefork_module {m}/mod_mpm_prefork.so
LoadModule authn_core_module {m}/mod_authn_core.so
LoadModule authz_core_module {m}/mod_authz_core.so
LoadModule authz_user_module {m}/mod_authz_user.so
LoadModule dir_module {m}/mod_dir.so
{module}
{APACHE_PREFORK}
Mutex file:{root} default
DocumentRoot {root}/htdocs
DirectoryIndex index.html
<Directory {root}/htdocs>
    Require all granted
</Directory>
"""


class MellonSite:
    """Apache 2.4 (prefork MPM, User www-data) with mod_auth_mellon protecting /protected."""

    MODULES = "/usr/lib/apache2/modules"

    def __init__(self, work: Path, processes: harness.Processes, idp_cert: Path):
        self.work, self.processes = work, processes
        self.root = work / "mellon"
        self.port = harness.free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.endpoint = f"{self.base_url}/mellon"
        self.acs = f"{self.endpoint}/postResponse"
        self.audience = f"{self.endpoint}/metadata"
        self.process = None
        for folder in ["logs", "htdocs/protected", "empty-ca-dir"]:
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        (self.root / "htdocs" / "index.html").write_text("home\n")
        (self.root / "htdocs" / "protected" / "index.html").write_text("protected\n")
        (self.root / "empty-ca.pem").write_text("")
        key, cert = self.root / "sp-key.pem", self.root / "sp-cert.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj",
                        "/CN=mellon bench SP", "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True)
        (self.root / "sp-metadata.xml").write_text(sp_metadata(self.audience, self.endpoint, cert))
        (self.root / "idp-metadata.xml").write_text(idp_metadata(idp_cert))
        # Apache's children run as www-data and read the keys and metadata lazily: a throwaway folder.
        for path in self.root.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        self.root.chmod(0o755)
        m = self.MODULES
        (self.root / "httpd.conf").write_text(f"""
{apache_preamble(self.root, self.port, f"LoadModule auth_mellon_module {m}/mod_auth_mellon.so")}MellonLockFile {self.root}/mellon.lock
# MellonCacheSize: Debian's default (100 sessions), as an admin would run it.
<Location />
    MellonEnable info
    MellonEndpointPath /mellon
    MellonSPPrivateKeyFile {key}
    MellonSPCertFile {cert}
    MellonSPMetadataFile {self.root}/sp-metadata.xml
    MellonIdPMetadataFile {self.root}/idp-metadata.xml
    MellonSecureCookie Off
    MellonDefaultLoginPath /
</Location>
<Location /protected>
    AuthType Mellon
    MellonEnable auth
    Require valid-user
</Location>
""")

    def start(self, hide_ca: bool) -> None:
        if self.process:
            stop(self.processes, self.process)
            self.process = None
        env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
        env.update({"APACHE_RUN_DIR": str(self.root), "APACHE_LOCK_DIR": str(self.root),
                    "APACHE_LOG_DIR": str(self.root / "logs")})
        if hide_ca:
            env["SSL_CERT_FILE"] = str(self.root / "empty-ca.pem")
            env["SSL_CERT_DIR"] = str(self.root / "empty-ca-dir")
        self.process = self.processes.start("apache (mellon)", ["apache2", "-f", str(self.root / "httpd.conf"),
                                                                 "-DFOREGROUND"], self.work / "apache.log", env=env,
                                              # prefork's shutdown signals its whole process group
                                              start_new_session=True)
        harness.wait_for_port(self.port)
        # Wait (bounded) for the prefork children to be up, so the run does not measure forking.
        deadline = time.monotonic() + 15
        while len(tree(self.process.pid)) < 49 and time.monotonic() < deadline:
            time.sleep(0.1)

    def children(self) -> list[int]:
        return [pid for pid in tree(self.process.pid) if pid != self.process.pid]


# --------------------------------------------------------------------------------------------------
# Apache + mod_shib + shibd (Shibboleth SP 3)
# --------------------------------------------------------------------------------------------------

SHIBD = "/usr/sbin/shibd"
SHIB_ETC = Path("/etc/shibboleth")
MOD_SHIB = Path(MellonSite.MODULES) / "mod_shib.so"


def shibboleth_missing() -> str | None:
    """Why Shibboleth SP cannot be measured here, or None."""
    for path in (Path(SHIBD), MOD_SHIB, SHIB_ETC / "attribute-map.xml", SHIB_ETC / "protocols.xml"):
        if not path.exists():
            return f"{path} not found (Debian packages libapache2-mod-shib + shibboleth-sp-utils)"
    return None


def shibboleth_version() -> str:
    result = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libapache2-mod-shib"], capture_output=True,
                            text=True)
    # "3.4.1+dfsg-2+deb12u1" → "3.4.1"
    return re.split(r"[+~-]", result.stdout.strip())[0] or "?"


class ShibbolethSite:
    """Apache 2.4 (the same prefork settings as mellon's) with mod_shib protecting /protected, and shibd
    (its own process: SAML processing, sessions, replay cache) on a unix socket. Everything under
    work/shibboleth; Debian's /etc/shibboleth is only read (attribute map and policy, protocols,
    error templates), never changed."""

    def __init__(self, work: Path, processes: harness.Processes, idp_cert: Path):
        self.work, self.processes = work, processes
        self.root = work / "shibboleth"
        self.port = harness.free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.handler = f"{self.base_url}/Shibboleth.sso"
        self.acs = f"{self.handler}/SAML2/POST"
        self.audience = f"{self.base_url}/shibboleth"  # the SP's entity ID
        self.socket = self.root / "run" / "shibd.sock"
        self.process = None  # Apache
        self.shibd = None
        for folder in ["logs", "run", "htdocs/protected"]:
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        (self.root / "htdocs" / "index.html").write_text("home\n")
        (self.root / "htdocs" / "protected" / "index.html").write_text("protected\n")
        key, cert = self.root / "sp-key.pem", self.root / "sp-cert.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj",
                        "/CN=shibboleth bench SP", "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True)
        (self.root / "idp-metadata.xml").write_text(idp_metadata(idp_cert))
        logs = self.root / "logs"
        # Debian's logging settings (levels, appenders, rolling), with the files moved here. mod_shib's
        # native.logger sends WARN and above to syslog; here to a file at the same level.
        (self.root / "shibd.logger").write_text(
            (SHIB_ETC / "shibd.logger").read_text().replace("/var/log/shibboleth/", f"{logs}/"))
        native = (SHIB_ETC / "native.logger").read_text()
        native = re.sub(r"(?m)^log4j\.appender\.native_log\..*\n?", "", native)
        native += (f"log4j.appender.native_log=org.apache.log4j.FileAppender\n"
                   f"log4j.appender.native_log.fileName={logs}/native.log\n"
                   f"log4j.appender.native_log.layout=org.apache.log4j.PatternLayout\n"
                   f"log4j.appender.native_log.layout.ConversionPattern=%d{{%Y-%m-%d %H:%M:%S}} %p %c %x: %m%n\n")
        (self.root / "native.logger").write_text(native)
        etc = SHIB_ETC
        # Debian's shibboleth2.xml, changed only where this setup needs it: entity IDs, the local IdP
        # metadata, no TLS (http on 127.0.0.1: handlerSSL/cookieProps, as MellonSecureCookie Off),
        # signed assertions required, paths under the work folder. No StorageService, SessionCache or
        # ReplayCache elements: shibd's defaults (in memory) are used, and Debian's security-policy.xml
        # (MessageFlow: replay check, 60 s freshness; Audience; XMLSigning).
        (self.root / "shibboleth2.xml").write_text(f"""<SPConfig xmlns="urn:mace:shibboleth:3.0:native:sp:config"
    xmlns:conf="urn:mace:shibboleth:3.0:native:sp:config"
    clockSkew="180">

    <OutOfProcess logger="{self.root}/shibd.logger"
        tranLogFormat="%u|%s|%IDP|%i|%ac|%t|%attr|%n|%b|%E|%S|%SS|%L|%UA|%a" />
    <InProcess logger="{self.root}/native.logger"/>

    <UnixListener address="{self.socket}"/>

    <ApplicationDefaults entityID="{self.audience}"
        REMOTE_USER="eppn subject-id pairwise-id persistent-id"
        requireSignedAssertions="true"
        cipherSuites="DEFAULT:!EXP:!LOW:!aNULL:!eNULL:!DES:!IDEA:!SEED:!RC4:!3DES:!kRSA:!SSLv2:!SSLv3:!TLSv1:!TLSv1.1">

        <Sessions lifetime="28800" timeout="3600" relayState="ss:mem"
                  checkAddress="false" handlerSSL="false" cookieProps="http"
                  redirectLimit="exact">
            <SSO entityID="{IDP_ENTITY_ID}">SAML2</SSO>
            <Logout>SAML2 Local</Logout>
            <Handler type="MetadataGenerator" Location="/Metadata" signing="false"/>
            <Handler type="Status" Location="/Status" acl="127.0.0.1 ::1"/>
            <Handler type="Session" Location="/Session" showAttributeValues="false"/>
            <Handler type="DiscoveryFeed" Location="/DiscoFeed"/>
        </Sessions>

        <Errors supportContact="root@localhost" helpLocation="/about.html" styleSheet="/shibboleth-sp/main.css"
            session="{etc}/sessionError.html" metadata="{etc}/metadataError.html" access="{etc}/attrChecker.html"
            ssl="{etc}/sslError.html" localLogout="{etc}/localLogout.html" partialLogout="{etc}/partialLogout.html"/>

        <MetadataProvider type="XML" validate="true" path="{self.root}/idp-metadata.xml"/>

        <AttributeExtractor type="XML" validate="true" reloadChanges="false" path="{etc}/attribute-map.xml"/>
        <AttributeFilter type="XML" validate="true" path="{etc}/attribute-policy.xml"/>

        <CredentialResolver type="File" use="signing" key="{key}" certificate="{cert}"/>
        <CredentialResolver type="File" use="encryption" key="{key}" certificate="{cert}"/>
    </ApplicationDefaults>

    <SecurityPolicyProvider type="XML" validate="true" path="{etc}/security-policy.xml"/>
    <ProtocolProvider type="XML" validate="true" reloadChanges="false" path="{etc}/protocols.xml"/>
</SPConfig>
""")
        # shibd runs as _shibd (as Debian's shibd.service does) when that user exists; Apache's children
        # (www-data) connect to its socket and write native.log.
        try:
            self.user = pwd.getpwnam("_shibd").pw_name
        except KeyError:
            self.user = None
        for path in self.root.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        self.root.chmod(0o755)
        (self.root / "logs").chmod(0o777)
        if self.user:
            shutil.chown(self.root / "run", self.user, self.user)
            shutil.chown(key, self.user, self.user)
        (self.root / "httpd.conf").write_text(f"""
{apache_preamble(self.root, self.port, f"LoadModule mod_shib {MOD_SHIB}")}ShibConfig {self.root}/shibboleth2.xml
ShibCompatValidUser Off
# As Debian's conf-available/shib.conf.
<Location /Shibboleth.sso>
    AuthType None
    Require all granted
</Location>
<Location /protected>
    AuthType shibboleth
    ShibRequestSetting requireSession 1
    Require shib-session
</Location>
""")

    def start(self) -> None:
        check = subprocess.run([SHIBD, "-t", "-c", str(self.root / "shibboleth2.xml")], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"shibd -t rejects the configuration: {(check.stdout + check.stderr).strip()[-800:]}"
                               f"; see {self.root}/logs/shibd.log")
        user = ["-u", self.user, "-g", self.user] if self.user else []
        self.shibd = self.processes.start("shibd", [SHIBD, "-F", "-f", "-c", str(self.root / "shibboleth2.xml"),
                                                    "-p", str(self.root / "run" / "shibd.pid"), *user],
                                          self.work / "shibd.log")
        try:
            harness.wait_for_path(self.socket, timeout=60)
        except TimeoutError:
            raise RuntimeError(f"shibd did not open {self.socket}; see {self.work}/shibd.log and "
                               f"{self.root}/logs/shibd.log") from None
        env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
        env.update({"APACHE_RUN_DIR": str(self.root), "APACHE_LOCK_DIR": str(self.root),
                    "APACHE_LOG_DIR": str(self.root / "logs")})
        self.process = self.processes.start("apache (shibboleth)", ["apache2", "-f", str(self.root / "httpd.conf"),
                                                                     "-DFOREGROUND"], self.work / "apache-shib.log",
                                            env=env, start_new_session=True)
        harness.wait_for_port(self.port)
        deadline = time.monotonic() + 15
        while len(tree(self.process.pid)) < 49 and time.monotonic() < deadline:
            time.sleep(0.1)

    def children(self) -> list[int]:
        return [pid for pid in tree(self.process.pid) if pid != self.process.pid]

    def stop(self) -> None:
        for process in (self.process, self.shibd):
            if process:
                stop(self.processes, process)
        self.process = self.shibd = None


# --------------------------------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------------------------------

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
    status, headers, _ = send("GET", site.port, f"/sso/{ACCOUNT}/auth", headers={"Cookie": f"samlgate_{ACCOUNT}={token}"})
    if status != 204:
        raise RuntimeError(f"samlgate auth with the new session answered {status}")
    log(f"samlgate smoke: 303 → {location}, session cookie accepted by /auth (204)")
    return token, location


def smoke_mellon(site: MellonSite, pool: ResponsePool) -> tuple[int, str]:
    bodies, _ = pool.take(1)
    body = bodies.read_text().strip()
    bodies.unlink()
    status, headers, text = send("POST", site.port, "/mellon/postResponse", body)
    token = cookie(headers, "mellon-cookie")
    if not token or status not in (302, 303):
        raise RuntimeError(f"mellon smoke post-back: {status} {headers} {text[:300]!r}; see {site.root}/logs/error.log")
    check, _, _ = send("GET", site.port, "/protected/", headers={"Cookie": f"mellon-cookie={token}"})
    if check != 200:
        raise RuntimeError(f"mellon: /protected/ with the new session answered {check}")
    location = header(headers, "Location")
    log(f"mellon smoke: {status} → {location}, mellon-cookie opens /protected/ (200)")
    return status, location


def smoke_shibboleth(site: ShibbolethSite, pool: ResponsePool) -> tuple[int, str]:
    """One post-back by hand: a redirect with a `_shibsession_…` cookie that opens /protected/ (200)."""
    bodies, _ = pool.take(1)
    body = bodies.read_text().strip()
    bodies.unlink()
    status, headers, text = send("POST", site.port, "/Shibboleth.sso/SAML2/POST", body)
    names = [value.split("=", 1)[0] for key, value in headers if key.lower() == "set-cookie"]
    name = next((n for n in names if n.startswith("_shibsession_")), None)
    token = cookie(headers, name) if name else None
    if not token or status not in (302, 303):
        raise RuntimeError(f"shibboleth smoke post-back: {status} {headers} {text[:300]!r}; see "
                           f"{site.root}/logs/shibd.log and native.log")
    check, _, page = send("GET", site.port, "/protected/", headers={"Cookie": f"{name}={token}"})
    if check != 200 or page != b"protected\n":
        raise RuntimeError(f"shibboleth: /protected/ with the new session answered {check} {page[:200]!r}")
    check, _, _ = send("GET", site.port, "/protected/")
    if check not in (302, 303):
        raise RuntimeError(f"shibboleth: /protected/ without a session answered {check}, not a redirect to the IdP")
    # The replay cache is on: the same Response a second time must not make a session.
    again, again_headers, _ = send("POST", site.port, "/Shibboleth.sso/SAML2/POST", body)
    if any(key.lower() == "set-cookie" and value.startswith("_shibsession_") for key, value in again_headers):
        raise RuntimeError(f"shibboleth accepted a replayed Response ({again})")
    location = header(headers, "Location")
    log(f"shibboleth smoke: {status} → {location}, {name} opens /protected/ (200); replay refused ({again})")
    return status, location


def run_floor(args) -> dict:
    log("in-process floor: bench/validate.sh")
    started = time.monotonic()
    result = subprocess.run([str(HERE / "validate.sh")], capture_output=True, text=True, timeout=900)
    floor = {"seconds": time.monotonic() - started, "output": result.stdout}
    if result.returncode != 0:
        floor["error"] = result.stderr[-1000:]
        return floor
    for line in result.stdout.splitlines():
        if line.startswith("samlgate single-thread validations/s"):
            floor["validations"] = int(re.search(r":\s*(\d+)", line).group(1))
        elif line.startswith("openssl speed rsa2048 verify/s"):
            floor["openssl"] = int(re.search(r":\s*(\d+)", line).group(1))
    return floor


def fmt(value: float, digits: int = 0) -> str:
    if value != value:  # NaN
        return "-"
    return f"{value:,.{digits}f}"


def table(rows: list[list[str]], header_rows: int = 1) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = [cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if index == header_rows - 1:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bins", required=True, help="folder with release samlgate and samlgate-fcgi")
    parser.add_argument("--python", required=True, help="the test IdP venv's python")
    parser.add_argument("--seconds", type=float, default=10, help="length of each timed run")
    parser.add_argument("--concurrency", default="8,32", help="wrk connections, comma-separated")
    parser.add_argument("--threads", default="2,4,8", help="samlgate-fcgi --threads values to try")
    parser.add_argument("--try-seconds", type=float, default=3, help="length of each --threads try")
    parser.add_argument("--generator", choices=("fast", "samlidp"), default="fast",
                        help="fast: bench/responses.py (bench/responses_unique.py for Shibboleth); samlidp: "
                             "Tests/IdP/samlidp.py response (one xmlsec1 per signature; four users for every SP)")
    parser.add_argument("--generators", type=int, default=2, help="parallel samlidp.py processes (--generator samlidp)")
    parser.add_argument("--no-mellon-stock", action="store_true", help="skip mellon with the stock CA bundle")
    parser.add_argument("--no-shibboleth", action="store_true", help="skip Shibboleth SP 3 (mod_shib + shibd)")
    parser.add_argument("--shibboleth-unavailable", metavar="REASON",
                        help="Shibboleth SP could not be installed (acs.sh): say why in the table, measure the rest")
    parser.add_argument("--no-floor", action="store_true", help="skip bench/validate.sh")
    parser.add_argument("--no-rss-check", action="store_true",
                        help="skip the responder memory check (VmRSS after 10,000 and 100,000 post-backs)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    thread_options = [int(t) for t in args.threads.split(",")]
    started = time.monotonic()
    date = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")

    def on_signal(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    work = Path(tempfile.mkdtemp(prefix="samlgate-bench-"))
    work.chmod(0o755)
    processes = harness.Processes()
    runs: list[Run] = []
    notes: list[str] = []
    memory, memory_problems = None, []  # the responder's VmRSS after 10k and 100k post-backs
    shib_skipped = None  # why Shibboleth was not measured (None: it was, or --no-shibboleth)
    shib_failed = False
    spool = None
    try:
        key, cert = work / "idp-key.pem", work / "idp-cert.pem"
        shutil.copy(harness.IDP_KEY, key)
        shutil.copy(harness.IDP_CERT, cert)
        valid = 3 * 3600  # longer than any run of this script

        # ---------------- samlgate ----------------
        site = SamlgateSite(args, work, processes)
        site.configure(cert)
        site.start_responder(thread_options[0])
        site.start_nginx()
        pool = ResponsePool("samlgate", work, args.python, key, cert, site.acs, site.audience, valid, args.generator,
                            args.generators)
        token, location = smoke_samlgate(site, pool)

        expected = 1500.0  # first guess; each run's measured rate sizes the next one
        tries = []
        for threads in thread_options:
            site.start_responder(threads)
            run = post_backs(pool, Run("samlgate", f"try --threads {threads}", max(concurrencies)),
                             site.acs, args.try_seconds, expected, work, [site.responder.pid, site.nginx.pid],
                             location)
            log(describe(run))
            expected = max(expected, run.rate)
            tries.append((run.rate if run.valid else 0, threads, run))
        best = max(tries)[1]
        notes.append("samlgate-fcgi --threads tries ({:g}s at c={}): {}; kept {}".format(
            args.try_seconds, max(concurrencies),
            ", ".join(f"{t}: {r.rate:.0f}/s" + ("" if r.valid else " (invalid)") for _, t, r in tries), best))
        site.start_responder(best)  # fresh process: its VmHWM covers the timed runs only
        for concurrency in concurrencies:
            sessions_before = site.sessions()
            run = post_backs(pool, Run("samlgate", f"nginx + fcgi ({best} threads)", concurrency), site.acs,
                             args.seconds, expected, work, [site.responder.pid, site.nginx.pid], location)
            created = site.sessions() - sessions_before
            # Sessions created for answers wrk did not wait for (in flight at the end) are allowed.
            if not (run.ok <= created <= run.ok + concurrency):
                run.problems.append(f"{created} sessions created for {run.ok} 303 answers")
            run.note = f"sessions +{created}"
            run.peak_rss_mb = status_kb(site.responder.pid, "VmHWM") / 1024
            run.total_pss_mb = pss_kb(tree(site.responder.pid) + tree(site.nginx.pid)) / 1024
            if run.answered > run.ok:
                notes.append(f"samlgate c={concurrency} failures (newest): "
                             + json.dumps(site.failures(3))[:600])
            log(describe(run))
            expected = max(expected, run.rate)
            runs.append(run)
        rss_after_acs = status_kb(site.responder.pid, "VmRSS") / 1024

        # --------- responder memory: 10k vs 100k post-backs through nginx ---------
        if not args.no_rss_check:
            memory, memory_problems = memory_growth(site, pool, expected, work, location)
            log("samlgate memory: " + ", ".join(f"{mb:.1f} MB after {n}" for n, mb in memory)
                + "".join(f"; {p}" for p in memory_problems))

        # --------- per-request session check vs nginx static ---------
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
        for concurrency in concurrencies:
            run = Run("samlgate", "GET /sso/acme/auth (cookie)", concurrency, success_status=204)
            parsed, cpu, client = run_wrk(f"{site.base_url}/sso/{ACCOUNT}/auth", concurrency, args.seconds, work, None,
                                          headers=[f"Cookie: samlgate_{ACCOUNT}={token}"],
                                          cpu_roots=[site.responder.pid, site.nginx.pid])
            fill(run, parsed, cpu, client)
            run.peak_rss_mb = status_kb(site.responder.pid, "VmHWM") / 1024
            log(describe(run))
            runs.append(run)
            run = Run("nginx", "GET /static.txt", concurrency, success_status=200)
            parsed, cpu, client = run_wrk(f"http://127.0.0.1:{static_port}/static.txt", concurrency, args.seconds,
                                          work, None, cpu_roots=[static_nginx.pid])
            fill(run, parsed, cpu, client)
            log(describe(run))
            runs.append(run)
        stop(processes, static_nginx)
        stop(processes, site.responder)
        stop(processes, site.nginx)
        site.app.shutdown()

        # ---------------- mod_auth_mellon ----------------
        mellon = MellonSite(work, processes, cert)
        mpool = ResponsePool("mellon", work, args.python, key, cert, mellon.acs, mellon.audience, valid,
                             args.generator, args.generators)
        variants = [("CA bundle hidden", True, 1000.0)]
        if not args.no_mellon_stock:
            variants.append(("stock", False, 40.0))
        for label, hide_ca, guess in variants:
            mellon.start(hide_ca)
            success, location = smoke_mellon(mellon, mpool)
            expected = guess
            for concurrency in concurrencies:
                run = post_backs(mpool, Run("mellon", label, concurrency, success_status=success), mellon.acs,
                                 args.seconds, expected, work, [mellon.process.pid], location)
                children = mellon.children()
                run.peak_rss_mb = max((status_kb(pid, "VmHWM") for pid in children), default=0) / 1024
                run.total_pss_mb = pss_kb(tree(mellon.process.pid)) / 1024
                run.note = f"{len(children)} children"
                log(describe(run))
                expected = max(expected, run.rate)
                runs.append(run)
        stop(processes, mellon.process)

        # ---------------- Shibboleth SP 3 ----------------
        if not args.no_shibboleth:
            shib_skipped = args.shibboleth_unavailable or shibboleth_missing()
        if not args.no_shibboleth and not shib_skipped:
            shib = ShibbolethSite(work, processes, cert)
            # One user per Response (bench/responses_unique.py says why).
            spool = ResponsePool("shibboleth", work, args.python, key, cert, shib.acs, shib.audience, valid,
                                 args.generator, args.generators, script="responses_unique.py")
            try:
                shib.start()
                success, location = smoke_shibboleth(shib, spool)
            except RuntimeError as error:
                # Loud (the table says so, the work folder is kept, exit 1) without losing the others.
                log(f"shibboleth: {error}")
                shib_skipped, shib_failed = f"FAILED: {error}"[:300], True
                shib.stop()
            else:
                label = f"mod_shib + shibd {shibboleth_version()}"
                expected = 1000.0
                for concurrency in concurrencies:
                    run = post_backs(spool, Run("shibboleth", label, concurrency, success_status=success), shib.acs,
                                     args.seconds, expected, work, [shib.process.pid, shib.shibd.pid], location)
                    children = shib.children()
                    run.peak_rss_mb = status_kb(shib.shibd.pid, "VmHWM") / 1024
                    run.total_pss_mb = pss_kb(tree(shib.process.pid) + tree(shib.shibd.pid)) / 1024
                    child_mb = max((status_kb(pid, "VmHWM") for pid in children), default=0) / 1024
                    run.note = f"{len(children)} children ≤{child_mb:.0f} MB"
                    log(describe(run))
                    expected = max(expected, run.rate)
                    runs.append(run)
                if any(r.sp == "shibboleth" and r.answered > r.ok for r in runs):
                    notes.append("shibboleth failures (shibd_warn.log, newest): " + " | ".join(
                        (shib.root / "logs" / "shibd_warn.log").read_text().splitlines()[-3:])[:600])
                shib.stop()
    except (KeyboardInterrupt, SystemExit):
        processes.stop_all()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        raise
    except BaseException:
        processes.stop_all()
        log(f"failed; logs kept in {work}")
        raise
    finally:
        processes.stop_all()

    floor = {} if args.no_floor else run_floor(args)

    # ---------------- report ----------------
    cores = os.cpu_count()
    model = ""
    try:
        model = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    acs_runs = [r for r in runs if "auth" not in r.label and r.sp != "nginx"]
    rows = [["ACS post-backs (unique signed responses)", "conc", "accepted/s", "ok %", "p50 ms", "p99 ms",
             "CPU µs/login", "peak RSS MB", "PSS MB", "note"]]
    for r in acs_runs:
        rows.append([f"{r.sp}: {r.label}", str(r.concurrency), fmt(r.rate), f"{100 * r.share:.1f}", fmt(r.p50_ms, 1),
                     fmt(r.p99_ms, 1), fmt(r.cpu_us), fmt(r.peak_rss_mb, 1), fmt(r.total_pss_mb, 1),
                     (r.note + ("" if r.valid else " INVALID")).strip()])
    if shib_skipped:
        rows.append(["shibboleth: mod_shib + shibd", "-", "-", "-", "-", "-", "-", "-", "-",
                     ("" if shib_failed else "not measured: ") + shib_skipped])
    out = [f"samlgate ACS benchmark — {date}, {cores} cores ({model}), {platform.platform()}",
           f"wrk -t{WRK_THREADS} --latency, {args.seconds:g}s per run, client on the same cores", "",
           table(rows), ""]

    ratio_rows = [["ratio samlgate / peer", "conc", "accepted/s", "CPU per login"]]
    for concurrency in concurrencies:
        ours = next((r for r in acs_runs if r.sp == "samlgate" and r.concurrency == concurrency), None)
        best = {}  # each peer's faster variant at this concurrency
        for r in acs_runs:
            if r.sp != "samlgate" and r.concurrency == concurrency and (r.sp not in best or r.rate > best[r.sp].rate):
                best[r.sp] = r
        if not ours or not best:
            continue
        fastest = max(best.values(), key=lambda r: r.rate)
        for peer in best.values():
            variants = sum(1 for r in acs_runs if r.sp == peer.sp and r.concurrency == concurrency)
            label = f"vs {peer.sp} ({peer.label}" + (", the faster" if variants > 1 else "") + ")"
            ratio_rows.append([label + (" — fastest peer" if peer is fastest and len(best) > 1 else ""),
                               str(concurrency), f"{ours.rate / peer.rate:.1f}x" if peer.rate else "-",
                               f"{peer.cpu_us / ours.cpu_us:.1f}x less"
                               if ours.cpu_us == ours.cpu_us and peer.cpu_us == peer.cpu_us else "-"])
    out += [table(ratio_rows), ""]

    auth_rows = [["per-request check", "conc", "req/s", "ok %", "p50 ms", "p99 ms", "CPU µs/req", "vs static"]]
    for concurrency in concurrencies:
        auth = next((r for r in runs if "auth" in r.label and r.concurrency == concurrency), None)
        static = next((r for r in runs if r.sp == "nginx" and r.concurrency == concurrency), None)
        for r in (auth, static):
            if r:
                versus = f"{100 * auth.rate / static.rate:.0f}%" if (r is auth and static and static.rate) else ""
                auth_rows.append([f"{r.sp}: {r.label}" + ("" if r.valid else " INVALID"), str(r.concurrency),
                                  fmt(r.rate), f"{100 * r.share:.1f}", fmt(r.p50_ms, 2), fmt(r.p99_ms, 2),
                                  fmt(r.cpu_us), versus])
    out += [table(auth_rows), ""]

    if floor.get("validations") and floor.get("openssl"):
        out += [table([["in-process floor (bench/validate.sh, one thread)", "per second"],
                       ["samlgate validations (SAML library, no HTTP/DB)", fmt(floor["validations"])],
                       ["openssl speed rsa2048 verify", fmt(floor["openssl"])],
                       ["ratio", f"{100 * floor['validations'] / floor['openssl']:.1f}%"]]), ""]
    elif floor:
        out += [f"in-process floor: bench/validate.sh failed: {floor.get('error', '')}", ""]

    if memory is not None:
        if len(memory) == 2 and not memory_problems:
            (n1, mb1), (n2, mb2) = memory
            change = 100 * (mb2 - mb1) / mb1
            verdict = "flat (within ±10%)" if abs(change) <= 10 else "NOT flat (target ±10%)"
            out += [f"samlgate-fcgi VmRSS through nginx (fresh process, c=8): {mb1:.1f} MB after {n1:,} accepted "
                    f"post-backs, {mb2:.1f} MB after {n2:,}: {change:+.1f}%, {verdict}", ""]
        else:
            out += [f"samlgate-fcgi memory check failed: {memory} {'; '.join(memory_problems)}", ""]

    out += [f"note: {n}" for n in notes]
    out.append(f"note: samlgate responder RSS after the ACS runs: {rss_after_acs:.1f} MB; "
               f"responses generated: samlgate {pool.generated} in {pool.generation_seconds:.0f}s, "
               f"mellon {mpool.generated} in {mpool.generation_seconds:.0f}s"
               + (f", shibboleth {spool.generated} in {spool.generation_seconds:.0f}s" if spool else "")
               + " (outside the timed windows)")
    keep = args.keep or shib_failed
    out.append(f"note: total time {time.monotonic() - started:.0f}s; logs in {work}" if keep
               else f"note: total time {time.monotonic() - started:.0f}s")
    invalid = [r for r in runs if not r.valid]
    for r in invalid:
        out.append(f"INVALID: {r.sp} {r.label} c={r.concurrency}: {'; '.join(r.problems)}")
    if shib_failed:
        out.append(f"INVALID: shibboleth {shib_skipped}")
    print("\n".join(out), flush=True)
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    if invalid or shib_failed or (floor and "error" in floor):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
