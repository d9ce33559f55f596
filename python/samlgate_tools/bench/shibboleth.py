"""The Shibboleth SP 3 peer: Apache 2.4 (prefork) with mod_shib, and shibd."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
from pathlib import Path

from samlgate_tools import harness
from samlgate_tools.bench.apache import MODULES, apache_children, apache_preamble, idp_metadata, wait_for_children
from samlgate_tools.bench.common import IDP_ENTITY_ID, VALID_SECONDS, log, stop
from samlgate_tools.bench.encryption import NAMES as ENCRYPTION_NAMES
from samlgate_tools.bench.metrics import pss_kb, status_kb, tree
from samlgate_tools.bench.pool import ResponsePool
from samlgate_tools.bench.report import Results
from samlgate_tools.bench.smoke import cookie, header, send
from samlgate_tools.bench.wrk import Run, describe, post_backs

SHIBD = "/usr/sbin/shibd"
SHIB_ETC = Path("/etc/shibboleth")
MOD_SHIB = Path(MODULES) / "mod_shib.so"


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
        self.sp_cert = cert  # also its encryption certificate (the CredentialResolver below)
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
        if self.socket.exists():
            self.socket.unlink()  # a restart waits for shibd's own socket
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
        wait_for_children(self.process)

    def children(self) -> list[int]:
        return apache_children(self.process)

    def stop(self) -> None:
        for process in (self.process, self.shibd):
            if process:
                stop(self.processes, process)
        self.process = self.shibd = None


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



def timed_post_backs(shib: ShibbolethSite, pool: ResponsePool, run: Run, args, expected: float,
                     location: str) -> Run:
    """One timed ACS run, with shibd's and the Apache children's memory."""
    post_backs(pool, run, shib.acs, args.seconds, expected, shib.work, [shib.process.pid, shib.shibd.pid], location)
    children = shib.children()
    run.peak_rss_mb = status_kb(shib.shibd.pid, "VmHWM") / 1024
    run.total_pss_mb = pss_kb(tree(shib.process.pid) + tree(shib.shibd.pid)) / 1024
    child_mb = max((status_kb(pid, "VmHWM") for pid in children), default=0) / 1024
    run.note = f"{len(children)} children ≤{child_mb:.0f} MB"
    log(describe(run))
    return run


def measure_shibboleth(args, work: Path, processes: harness.Processes, key: Path, cert: Path,
                       results: Results) -> None:
    """The Shibboleth rows (plaintext, then encrypted), or why there are none: not installed (the table
    says so) or failing to start or sign in (the table says so, the run is INVALID and the work folder
    kept)."""
    results.shib_skipped = args.shibboleth_unavailable or shibboleth_missing()
    if results.shib_skipped:
        return
    shib = ShibbolethSite(work, processes, cert)
    # One user per Response (bench/responses_unique.py says why).
    pool = ResponsePool("shibboleth", work, args.python, key, cert, shib.acs, shib.audience, VALID_SECONDS,
                        args.generator, args.generators, script="responses_unique.py")
    results.pools.append(pool)
    try:
        shib.start()
        success, location = smoke_shibboleth(shib, pool)
    except RuntimeError as error:
        # Loud (the table says so, the work folder is kept, exit 1) without losing the others.
        log(f"shibboleth: {error}")
        results.shib_skipped, results.shib_failed = f"FAILED: {error}"[:300], True
        shib.stop()
        return
    label = f"mod_shib + shibd {shibboleth_version()}"
    expected = 1000.0
    for concurrency in args.concurrency:
        run = timed_post_backs(shib, pool, Run("shibboleth", label, concurrency, success_status=success), args,
                               expected, location)
        expected = max(expected, run.rate)
        results.runs.append(run)
    if not args.no_encrypted:
        # Encrypted to the SP's own key pair: shibboleth2.xml's CredentialResolver decrypts them.
        encrypted = ResponsePool("shibboleth-encrypted", work, args.python, key, cert, shib.acs, shib.audience,
                                 VALID_SECONDS, "fast", 1, script="responses_unique.py", encrypt_to=shib.sp_cert,
                                 content_encryption=args.content_encryption)
        results.pools.append(encrypted)
        try:
            # Fresh processes, as for the plaintext runs: shibd slows down as its session store fills.
            shib.stop()
            shib.start()
            success, location = smoke_shibboleth(shib, encrypted)
        except RuntimeError as error:
            log(f"shibboleth (encrypted): {error}")
            results.shib_skipped, results.shib_failed = f"FAILED (encrypted): {error}"[:300], True
            shib.stop()
            return
        name = ENCRYPTION_NAMES[args.content_encryption]
        for concurrency in args.concurrency:
            run = timed_post_backs(shib, encrypted, Run("shibboleth", f"{label}, {name}", concurrency,
                                                        success_status=success, encrypted=True),
                                   args, expected, location)
            results.runs.append(run)
    if any(r.sp == "shibboleth" and r.answered > r.ok for r in results.runs):
        results.notes.append("shibboleth failures (shibd_warn.log, newest): " + " | ".join(
            (shib.root / "logs" / "shibd_warn.log").read_text().splitlines()[-3:])[:600])
    shib.stop()
