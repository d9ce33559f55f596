"""Processes for samlgate's end-to-end tests: real nginx, Apache, the responder and the pysaml2 IdP.

Everything listens on 127.0.0.1 with ports chosen at run time, lives in one temporary folder, and is
stopped at the end of the test session. Nothing here mocks what a user would run.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "Tests" / "Fixtures" / "certificates"
IDP_KEY = FIXTURES / "idp-rsa-key.pem"
IDP_CERT = FIXTURES / "idp-rsa-cert.pem"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def wait_for_path(path: Path, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{path} did not appear after {timeout}s")


def wait_for_unix_socket(path: Path, timeout: float = 15.0) -> None:
    """Waits until something accepts connections on the unix socket `path`: the file exists from bind(),
    a moment before listen(), and a connection in between is refused."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.socket(socket.AF_UNIX) as client:
                client.settimeout(0.5)
                client.connect(str(path))
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing accepts on {path} after {timeout}s")


def bin_dir() -> Path:
    env = os.environ.get("SAMLGATE_BIN_DIR")
    if env:
        return Path(env)
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=REPO, capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


# FastCGI record types (FastCGI 1.0, section 8) and the Responder role, for talking to the responder directly.
FCGI_BEGIN_REQUEST, FCGI_END_REQUEST, FCGI_PARAMS, FCGI_STDIN, FCGI_STDOUT = 1, 3, 4, 5, 6
FCGI_RESPONDER = 1


def fastcgi_record(kind: int, content: bytes, request_id: int = 1) -> bytes:
    """One record: version 1, type, request id, content length, no padding."""
    return struct.pack(">BBHHBB", 1, kind, request_id, len(content), 0, 0) + content


def fastcgi_begin(role: int = FCGI_RESPONDER) -> bytes:
    """A BEGIN_REQUEST record without FCGI_KEEP_CONN: the responder closes the connection after the answer."""
    return fastcgi_record(FCGI_BEGIN_REQUEST, struct.pack(">HB5x", role, 0))


def fastcgi_params(params: dict[str, str]) -> bytes:
    """The PARAMS stream for `params` (names and values with 1- or 4-byte lengths) and its closing empty record."""
    def length(size: int) -> bytes:
        return bytes([size]) if size < 128 else struct.pack(">I", size | 0x8000_0000)

    content = b""
    for name, value in params.items():
        name_bytes, value_bytes = name.encode(), value.encode()
        content += length(len(name_bytes)) + length(len(value_bytes)) + name_bytes + value_bytes
    return fastcgi_record(FCGI_PARAMS, content) + fastcgi_record(FCGI_PARAMS, b"")


def connect_fastcgi(address: str, timeout: float = 10) -> socket.socket:
    """A connection to the responder at `address`, written as for `--listen`: `unix:PATH` or `HOST:PORT`."""
    if address.startswith("unix:"):
        client = socket.socket(socket.AF_UNIX)
        target: str | tuple[str, int] = address.removeprefix("unix:")
    else:
        host, port = address.rsplit(":", 1)
        client = socket.socket(socket.AF_INET)
        target = (host, int(port))
    client.settimeout(timeout)
    try:
        client.connect(target)
    except OSError:
        client.close()
        raise
    return client


@dataclass
class FastCGIAnswer:
    """A complete answer: the STDOUT stream (CGI headers and body) and END_REQUEST's two statuses."""

    stdout: bytes
    app_status: int
    protocol_status: int

    @property
    def status(self) -> int:
        """The HTTP status from the CGI `Status:` header (200 when there is none)."""
        head = self.stdout.split(b"\r\n\r\n", 1)[0]
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"status:"):
                return int(line.split()[1])
        return 200


def read_fastcgi_answer(client: socket.socket) -> FastCGIAnswer:
    """Reads records up to END_REQUEST; raises ConnectionError when the connection ends before it."""
    def exactly(size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = client.recv(size - len(data))
            if not chunk:
                raise ConnectionError(f"connection closed before END_REQUEST ({len(stdout)} bytes of STDOUT)")
            data += chunk
        return data

    stdout = b""
    while True:
        _, kind, _, length, padding, _ = struct.unpack(">BBHHBB", exactly(8))
        content = exactly(length + padding)[:length]
        if kind == FCGI_STDOUT:
            stdout += content
        elif kind == FCGI_END_REQUEST:
            app_status, protocol_status = struct.unpack(">IB3x", content)
            return FastCGIAnswer(stdout, app_status, protocol_status)


@dataclass
class Processes:
    """Started processes, stopped (SIGTERM, then SIGKILL) in reverse order."""

    running: list[tuple[str, subprocess.Popen]] = field(default_factory=list)

    def start(self, name: str, args: list[str], log: Path, **kwargs) -> subprocess.Popen:
        handle = open(log, "ab")
        process = subprocess.Popen(args, stdout=kwargs.pop("stdout", handle), stderr=handle, **kwargs)
        self.running.append((name, process))
        return process

    def stop_all(self) -> None:
        for _, process in reversed(self.running):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for _, process in reversed(self.running):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.running.clear()


class EchoApp(BaseHTTPRequestHandler):
    """The protected application: answers every method with JSON describing what reached it — the
    method, path, identity headers, Cookie header, content type, and the body's length and SHA-256."""

    def _echo(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        answer = json.dumps(
            {
                "method": self.command,
                "path": self.path,
                "headers": {k: v for k, v in self.headers.items() if k.lower().startswith("x-samlgate")},
                "cookie": self.headers.get_all("Cookie"),
                "content_type": self.headers.get("Content-Type"),
                "body_length": len(body),
                "body_sha256": hashlib.sha256(body).hexdigest(),
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _echo  # noqa: N815

    def log_message(self, *args) -> None:
        pass


def start_echo_app() -> tuple[ThreadingHTTPServer, int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoApp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


class Samlgate:
    """The CLI against one database, with the secret file (the SP keys' key-encryption key)."""

    def __init__(self, bins: Path, db: Path | str, secret_file: Path | None = None):
        self.bins = bins
        # A SQLite file (the secret file beside it unless named), or a postgresql:// URL (name one).
        self.db = db
        self.secret_file = secret_file or Path(db).parent / "secret.key"
        # More environment for every command (e.g. SAMLGATE_CA_FILE for a test CA).
        self.environment: dict[str, str] = {}

    def __call__(self, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(self.bins / "samlgate"), *args, "--db", str(self.db)],
            input=stdin, capture_output=True, text=True,
            env={**os.environ, "SAMLGATE_SECRET_FILE": str(self.secret_file), **self.environment},
        )
        if check and result.returncode != 0:
            raise AssertionError(f"samlgate {' '.join(args)} failed: {result.stderr}")
        return result

    def json(self, *args: str):
        return json.loads(self(*args, "--json").stdout)


def start_idp(processes: Processes, python: str, work: Path, acs: str, audience: str, users: list[str],
              options: list[str] | None = None) -> str:
    """Starts `samlidp.py serve` on a free port and returns its base URL."""
    return start_idp_on_port(processes, python, work, 0, acs, audience, users, options)


def start_idp_on_port(processes: Processes, python: str, work: Path, port: int, acs: str, audience: str,
                      users: list[str], options: list[str] | None = None) -> str:
    """Starts `samlidp.py serve` on `port` (0: any free one) and returns its base URL; `options` are more of
    its flags (--sp-metadata-url, --require-signed-requests, --encrypt …)."""
    args = [python, str(REPO / "Tests" / "IdP" / "samlidp.py"), "serve", "--port", str(port),
            "--key", str(IDP_KEY), "--cert", str(IDP_CERT), "--sp-acs", acs, "--sp-audience", audience]
    for user in users:
        args += ["--user", user]
    args += options or []
    process = processes.start("idp", args, work / "idp.log", stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline().strip()
    if not line.startswith("READY "):
        raise RuntimeError(f"test IdP did not start: {line!r}; see {work / 'idp.log'}")
    return line.split(" ", 1)[1]


def form_fields(html: str) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of the first form in an HTML page (the IdP's auto-post page)."""
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__()
            self.action = None
            self.fields: dict[str, str] = {}

        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if tag == "form" and self.action is None:
                self.action = attributes.get("action")
            if tag == "input" and attributes.get("name"):
                self.fields[attributes["name"]] = attributes.get("value") or ""

    parser = Parser()
    parser.feed(html)
    return parser.action, parser.fields


@dataclass
class Raw:
    """An HTTP answer as the bytes on the wire, header lines split only at CRLF."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


def raw_request(base_url: str, method: str, target: bytes | str, headers: list[bytes | str] = (),
                body: bytes = b"") -> Raw:
    """Sends `target` and `headers` exactly as given (no client library re-encodes anything)."""
    url = urllib.parse.urlsplit(base_url)
    extra = [line.encode("latin-1") if isinstance(line, str) else line for line in headers]
    lines = [method.encode() + b" " + (target.encode() if isinstance(target, str) else target) + b" HTTP/1.1"]
    if not any(line.lower().startswith(b"host:") for line in extra):
        lines.append(f"Host: {url.netloc}".encode())
    lines += [b"Connection: close"] + extra
    if body:
        lines.append(f"Content-Length: {len(body)}".encode())
    with socket.create_connection((url.hostname, url.port), timeout=20) as sock:
        sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.split(b"\r\n")
    parsed = []
    for line in header_lines:
        name, _, value = line.decode("latin-1").partition(":")
        parsed.append((name.strip(), value.strip()))
    return Raw(int(status_line.split()[1]), parsed, rest)


def assert_clean_headers(answer: Raw) -> None:
    """No header a request could have added, and no control or non-ASCII byte in any value."""
    names = {name.lower() for name, _ in answer.headers}
    assert not names & {"set-cookie", "x-injected"}, answer.headers
    for name, value in answer.headers:
        assert all(0x20 <= ord(c) < 0x7F for c in name + value), (name, value)


def nginx_main(prefix: Path, connections: int = 256) -> str:
    """The top of a test nginx.conf: in the foreground, its pid file and error log under `prefix`."""
    return f"""
user root;
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log info;
events {{ worker_connections {connections}; }}
"""


def nginx_conf(prefix: Path, http: str, connections: int = 256) -> str:
    """A whole test nginx.conf: ``nginx_main`` and an `http { }` block with its log and temporary files
    under `prefix`, then `http` (servers, upstreams, includes)."""
    return nginx_main(prefix, connections) + f"""
http {{
    include /etc/nginx/mime.types;
    access_log {prefix}/logs/access.log;
    client_body_temp_path {prefix}/body;
    fastcgi_temp_path {prefix}/fastcgi;
    proxy_temp_path {prefix}/proxy;
{http}
}}
"""


def start_nginx(processes: Processes, work: Path, port: int, socket_path: Path, app_port: int,
                account: str = "acme") -> None:
    """Runs nginx on 127.0.0.1:`port` with the shipped snippets (nginx/*.conf) in front of the app on
    `app_port`, `/app/` protected by samlgate account `account`."""
    prefix = work / "nginx"
    (prefix / "logs").mkdir(parents=True, exist_ok=True)
    # The shipped snippets as they are (they include nothing), with the account `acme` replaced as an
    # admin would: the demo uses its own.
    snippets = {}
    for name in ["samlgate.conf", "samlgate-protect.conf"]:
        text = ((REPO / "nginx" / name).read_text().replace("/sso/acme/", f"/sso/{account}/")
                .replace("samlgate_acme", f"samlgate_{account}"))
        (prefix / name).write_text(text)
        snippets[name] = prefix / name
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf(prefix, f"""\
    upstream samlgate {{ server unix:{socket_path}; }}
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        include {snippets["samlgate.conf"]};
        location /app/ {{
            include {snippets["samlgate-protect.conf"]};
            proxy_pass http://127.0.0.1:{app_port};
        }}
    }}"""))
    processes.start("nginx", ["nginx", "-c", str(conf), "-p", str(prefix)], work / "nginx.log")
    wait_for_port(port)


APP_CGI = """#!/usr/bin/env python3
import hashlib, json, os, sys
body = sys.stdin.buffer.read(int(os.environ.get("CONTENT_LENGTH") or 0))
seen = {k: v for k, v in os.environ.items() if k.startswith("SAMLGATE_") or k.startswith("HTTP_X_SAMLGATE")}
seen.update({"REQUEST_METHOD": os.environ.get("REQUEST_METHOD"), "HTTP_COOKIE": os.environ.get("HTTP_COOKIE"),
             "CONTENT_TYPE": os.environ.get("CONTENT_TYPE"), "BODY_LENGTH": len(body),
             "BODY_SHA256": hashlib.sha256(body).hexdigest()})
print("Content-Type: application/json")
print()
print(json.dumps(seen))
"""


def start_apache(processes: Processes, work: Path, port: int, binary: Path, db: Path) -> None:
    """Runs Apache 2.4 (event MPM, User www-data) on 127.0.0.1:`port` with the shipped snippets:
    apache/samlgate.conf (mod_fcgid responder + access checker protecting /app, a CGI app printing
    its SAMLGATE_* environment) and apache/samlgate-cgi.conf (the binary as a plain CGI program)."""
    root = work / "apache"
    for folder in ["fcgid", "app", "bin", "logs"]:
        (root / folder).mkdir(parents=True, exist_ok=True)
    shutil.copy(binary, root / "bin" / "samlgate-fcgi")
    app = root / "app" / "index.py"
    app.write_text(APP_CGI)
    app.chmod(0o755)
    # Apache runs its children as www-data: they need the binary, and the database and its folder writable.
    for path in [root, root / "bin", root / "app", root / "logs"]:
        path.chmod(0o755)
    shutil.chown(root / "fcgid", "www-data", "www-data")
    shutil.chown(db.parent, "www-data", "www-data")
    secret = db.parent / "secret.key"
    if secret.exists():
        shutil.chown(secret, "www-data", "www-data")
    for suffix in ["", "-wal", "-shm"]:
        candidate = Path(str(db) + suffix)
        if candidate.exists():
            shutil.chown(candidate, "www-data", "www-data")

    def shipped(name: str) -> str:
        return ((REPO / "apache" / name).read_text()
                .replace("/usr/local/bin/samlgate-fcgi", str(root / "bin" / "samlgate-fcgi"))
                .replace("/var/lib/samlgate/samlgate.db", str(db))
                .replace("/etc/samlgate/secret.key", str(secret)))

    (root / "samlgate.conf").write_text(shipped("samlgate.conf"))
    (root / "samlgate-cgi.conf").write_text(shipped("samlgate-cgi.conf"))
    modules = "/usr/lib/apache2/modules"
    conf = root / "httpd.conf"
    conf.write_text(f"""
ServerRoot {root}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {root}/httpd.pid
User www-data
Group www-data
ErrorLog {root}/logs/error.log
LogLevel info
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule authz_host_module {modules}/mod_authz_host.so
LoadModule alias_module {modules}/mod_alias.so
LoadModule env_module {modules}/mod_env.so
LoadModule setenvif_module {modules}/mod_setenvif.so
LoadModule headers_module {modules}/mod_headers.so
LoadModule mime_module {modules}/mod_mime.so
LoadModule cgid_module {modules}/mod_cgid.so
LoadModule fcgid_module {modules}/mod_fcgid.so
ScriptSock {root}/cgid.sock
FcgidIPCDir {root}/fcgid
FcgidProcessTableFile {root}/fcgid/shm
FcgidMaxRequestLen 1048576
TypesConfig /etc/mime.types
Include {root}/samlgate.conf
Include {root}/samlgate-cgi.conf
ScriptAlias /app {app}
<Directory {root}/app>
    Require all granted
</Directory>
""")
    processes.start("apache", ["apache2", "-f", str(conf), "-DFOREGROUND"], work / "apache.log",
                    env={**os.environ, "APACHE_RUN_DIR": str(root), "APACHE_LOCK_DIR": str(root),
                         "APACHE_LOG_DIR": str(root / "logs")})
    wait_for_port(port)


def status_from(port: int, path: str, source: str) -> int:
    """The status of a GET to 127.0.0.1:`port` sent from the loopback address `source`: to a web server's
    `allow 127.0.0.1`, 127.0.0.2 is another host."""
    with socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0)) as client:
        client.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def metric_value(text: str, name: str, **labels: str) -> float:
    """The value of the Prometheus sample `name` whose labels include `labels` (0 when absent)."""
    for line in text.splitlines():
        match = re.match(r"^([a-z_]+)(?:\{(.*)\})? (\S+)$", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        if all(found.get(key) == value for key, value in labels.items()):
            return float(match.group(3))
    return 0.0


def idp_initiated(site: dict, user: str, relay_state: str | None = None) -> tuple[str, dict[str, str]]:
    """Asks the test IdP for an unsolicited (IdP-initiated) response for `user`: the auto-post form's
    action and fields, as a browser would submit them."""
    import requests

    url = f"{site['idp']}/idp-initiated?user={urllib.parse.quote(user)}"
    if relay_state:
        url += f"&relay_state={urllib.parse.quote(relay_state)}"
    page = requests.get(url, timeout=10)
    page.raise_for_status()
    return form_fields(page.text)


def acs_status(base_url: str, encoded: str, timeout: float = 10, slug: str = "acme") -> int:
    """POSTs one SAMLResponse to the ACS and returns the status; 0 when no answer came (a killed responder)."""
    import requests

    try:
        return requests.post(f"{base_url}/sso/{slug}/acs", data={"SAMLResponse": encoded}, allow_redirects=False,
                             timeout=timeout).status_code
    except requests.RequestException:
        return 0


def bulk_responses(python: str, base_url: str, email: str, count: int, out: Path, slug: str = "acme") -> list[str]:
    """`count` unique signed responses (base64) from the test IdP for `email`, made with bench/responses.py."""
    subprocess.run([python, str(REPO / "bench" / "responses.py"), "--acs", f"{base_url}/sso/{slug}/acs",
                    "--audience", f"{base_url}/sso/{slug}/metadata", "--email", email,
                    "--key", str(IDP_KEY), "--cert", str(IDP_CERT), "--count", str(count),
                    "--valid-seconds", "3600", "--out", str(out)], check=True, capture_output=True)
    return out.read_text().split()


def new_site(bins: Path, folder: Path, base_url: str = "https://help.example.com") -> Samlgate:
    """A fresh folder holding a database with account `acme` at `base_url`; the CLI on it."""
    folder.mkdir(parents=True)
    cli = Samlgate(bins, folder / "samlgate.db")
    cli("init")
    cli("account", "add", "acme", "--base-url", base_url)
    return cli


def start_responder_on_socket(processes: Processes, bins: Path, folder: Path, name: str,
                              threads: int = 2) -> tuple[subprocess.Popen, Path]:
    """samlgate-fcgi on `folder`'s database and a unix socket in it, once it accepts connections."""
    socket_path = folder / "samlgate.sock"
    process = processes.start(f"samlgate-fcgi ({name})",
                              [str(bins / "samlgate-fcgi"), "--db", str(folder / "samlgate.db"),
                               "--secret-file", str(folder / "secret.key"), "--listen",
                               f"unix:{socket_path}", "--threads", str(threads)], folder / "samlgate-fcgi.log")
    wait_for_unix_socket(socket_path)
    return process, socket_path
