"""The mod_auth_mellon peer: Apache 2.4 (prefork) with mod_auth_mellon."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from samlgate_tools import harness
from samlgate_tools.bench.apache import (
    MODULES,
    apache_children,
    apache_preamble,
    idp_metadata,
    sp_metadata,
    wait_for_children,
)
from samlgate_tools.bench.common import VALID_SECONDS, log, stop
from samlgate_tools.bench.encryption import NAMES as ENCRYPTION_NAMES
from samlgate_tools.bench.metrics import pss_kb, status_kb, tree
from samlgate_tools.bench.pool import ResponsePool
from samlgate_tools.bench.report import Results
from samlgate_tools.bench.smoke import cookie, header, send
from samlgate_tools.bench.wrk import Run, describe, post_backs


class MellonSite:
    """Apache 2.4 (prefork MPM, User www-data) with mod_auth_mellon protecting /protected."""

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
        self.sp_cert = cert  # also its encryption certificate: mellon decrypts with MellonSPPrivateKeyFile
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj",
                        "/CN=mellon bench SP", "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True)
        (self.root / "sp-metadata.xml").write_text(sp_metadata(self.audience, self.endpoint, cert))
        (self.root / "idp-metadata.xml").write_text(idp_metadata(idp_cert))
        # Apache's children run as www-data and read the keys and metadata lazily: a throwaway folder.
        for path in self.root.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        self.root.chmod(0o755)
        preamble = apache_preamble(self.root, self.port, f"LoadModule auth_mellon_module {MODULES}/mod_auth_mellon.so")
        (self.root / "httpd.conf").write_text(f"""
{preamble}MellonLockFile {self.root}/mellon.lock
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
        wait_for_children(self.process)

    def children(self) -> list[int]:
        return apache_children(self.process)


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



def timed_post_backs(mellon: MellonSite, pool: ResponsePool, run: Run, args, expected: float,
                     location: str) -> Run:
    """One timed ACS run, with the Apache children's memory."""
    post_backs(pool, run, mellon.acs, args.seconds, expected, mellon.work, [mellon.process.pid], location)
    children = mellon.children()
    run.peak_rss_mb = max((status_kb(pid, "VmHWM") for pid in children), default=0) / 1024
    run.total_pss_mb = pss_kb(tree(mellon.process.pid)) / 1024
    run.note = f"{len(children)} children"
    log(describe(run))
    return run


def measure_mellon(args, work: Path, processes: harness.Processes, key: Path, cert: Path,
                   results: Results) -> None:
    """The mellon rows: with the CA bundle hidden (plaintext, then encrypted) and (unless --no-mellon-stock)
    as installed (plaintext)."""
    mellon = MellonSite(work, processes, cert)
    pool = ResponsePool("mellon", work, args.python, key, cert, mellon.acs, mellon.audience, VALID_SECONDS,
                        args.generator, args.generators)
    results.pools.append(pool)
    variants = [("CA bundle hidden", True, 1000.0)]
    if not args.no_mellon_stock:
        variants.append(("stock", False, 40.0))
    for label, hide_ca, guess in variants:
        mellon.start(hide_ca)
        success, location = smoke_mellon(mellon, pool)
        expected = guess
        for concurrency in args.concurrency:
            run = timed_post_backs(mellon, pool, Run("mellon", label, concurrency, success_status=success), args,
                                   expected, location)
            expected = max(expected, run.rate)
            results.runs.append(run)
        if hide_ca and not (args.no_encrypted or args.no_mellon_encrypted):
            # Encrypted to the SP's key pair (MellonSPPrivateKeyFile decrypts); the faster variant only.
            encrypted = ResponsePool("mellon-encrypted", work, args.python, key, cert, mellon.acs, mellon.audience,
                                     VALID_SECONDS, "fast", 1, encrypt_to=mellon.sp_cert,
                                     content_encryption=args.content_encryption)
            results.pools.append(encrypted)
            mellon.start(hide_ca)  # fresh, as for the plaintext runs (its session cache is emptied)
            try:
                success, location = smoke_mellon(mellon, encrypted)
            except RuntimeError as error:
                log(f"mellon (encrypted): {error}")
                results.notes.append(f"mellon does not accept the encrypted responses: {error}"[:600])
                continue
            name = ENCRYPTION_NAMES[args.content_encryption]
            for concurrency in args.concurrency:
                run = timed_post_backs(mellon, encrypted, Run("mellon", f"{label}, {name}", concurrency,
                                                              success_status=success, encrypted=True),
                                       args, expected, location)
                results.runs.append(run)
    stop(processes, mellon.process)
