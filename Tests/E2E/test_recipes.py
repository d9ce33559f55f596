"""The helpdesk recipes in examples/ (Zammad, Znuny, GLPI, osTicket) through real nginx and Apache.

Each recipe's web-server file is loaded as shipped, with only its ports and paths replaced, next to the shipped
samlgate snippets and samlgate-fcgi, in front of a stand-in for the helpdesk that reads its identity the way the
helpdesk does (the header or variable, in the helpdesk's order): a Python HTTP server for Zammad's Rails and
websocket servers, a Perl CGI script for Znuny's index.pl (mod_cgid in the place of mod_perl: both build the
script's environment from the same request), and PHP scripts under php-cgi's FastCGI server for GLPI and
osTicket (the same FastCGI front end as PHP-FPM). For each: a sign-in through the test IdP reaches the helpdesk
as that user, an anonymous visitor is sent to sign in, nothing a client sends names anyone else, and a body
arrives whole.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from samlgate_tools import harness

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
ALICE = "alice@example.com"
# What a client might send to be taken for someone else: every header a helpdesk here reads, in its spellings.
SPOOF = {
    "X-Forwarded-User": "admin@example.com",
    "Remote-User": "admin@example.com",
    "Remote_User": "admin@example.com",
    "X_Forwarded_User": "admin@example.com",
    "X-Samlgate-Email": "admin@example.com",
    "X-Samlgate-Role": "owner",
    "X-Samlgate-Groups": "admins",
    "Authorization": "Basic " + base64.b64encode(b"admin@example.com:x").decode(),
}
BODY = bytes(range(256)) * 200  # 51 200 bytes, every byte value


def recipe(path: Path, replacements: dict[str, str]) -> str:
    """The recipe's text with `replacements` made; each one must be there, so a changed recipe fails loudly."""
    text = path.read_text()
    for old, new in replacements.items():
        assert old in text, f"{path.name} no longer contains {old!r}"
        text = text.replace(old, new)
    return text


def shipped_snippets(folder: Path) -> dict[str, str]:
    """nginx/samlgate.conf and nginx/samlgate-protect.conf copied unchanged (account `acme`), as replacements
    for the /etc/nginx/ paths the recipes include them from."""
    replacements = {}
    for name in ["samlgate.conf", "samlgate-protect.conf"]:
        shutil.copy(REPO / "nginx" / name, folder / name)
        replacements[f"/etc/nginx/{name};"] = f"{folder / name};"
    return replacements


def new_account(bins: Path, python: str, folder: Path, processes: harness.Processes, base_url: str) -> dict:
    """A database in `folder` with account `acme` at `base_url` (an owner, and alice as a user) and the test IdP
    for it, SAML on."""
    cli = harness.new_site(bins, folder, base_url)
    cli("user", "add", "--account", "acme", "--email", "owner@example.com", "--role", "owner")
    cli("user", "add", "--account", "acme", "--email", ALICE, "--role", "user")
    idp = harness.start_idp(processes, python, folder, f"{base_url}/sso/acme/acs", f"{base_url}/sso/acme/metadata",
                            [f"{ALICE}:Alice:Liddell"])
    cli("saml", "set", "--account", "acme", "--sso-url", f"{idp}/sso", "--cert", str(harness.IDP_CERT), "--enable")
    return {"base_url": base_url, "idp": idp, "cli": cli, "folder": folder}


def start_nginx(processes: harness.Processes, folder: Path, port: int, site: str) -> None:
    """nginx on `port` with `site` (a recipe's site file, replacements made) inside `http { }`; fastcgi_params
    beside nginx.conf, where a recipe's relative `include fastcgi_params` finds it."""
    prefix = folder / "nginx"
    (prefix / "logs").mkdir(parents=True, exist_ok=True)
    shutil.copy("/etc/nginx/fastcgi_params", prefix / "fastcgi_params")
    (prefix / "site.conf").write_text(site)
    conf = prefix / "nginx.conf"
    conf.write_text(harness.nginx_conf(prefix, f'    include {prefix / "site.conf"};'))
    processes.start("nginx", ["nginx", "-c", str(conf), "-p", str(prefix)], folder / "nginx.log")
    harness.wait_for_port(port)


def sign_in(session: requests.Session, site: dict, login_url: str) -> requests.Response:
    """An SP-initiated sign-in as alice from `login_url` (…/sso/acme/login?return_to=…) through the test IdP:
    the Post-back URL's answer (a 303 to the return path, the session cookie in `session`)."""
    login = session.get(login_url, allow_redirects=False, timeout=20)
    assert login.status_code == 302 and login.headers["Location"].startswith(f"{site['idp']}/sso?"), login.text
    idp_page = requests.get(login.headers["Location"] + "&user=" + urllib.parse.quote(ALICE), timeout=20)
    action, fields = harness.form_fields(idp_page.text)
    acs = session.post(action, data=fields, allow_redirects=False, timeout=20)
    assert acs.status_code == 303, acs.text
    return acs


def login_url(base: str, return_to: str) -> str:
    return f"{base}/sso/acme/login?return_to=" + urllib.parse.quote(return_to, safe="")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def recipe_processes():
    started = harness.Processes()
    yield started
    started.stop_all()


# MARK: Zammad (nginx, proxy_pass to Rails and the websocket server)

class ZammadStandIn(BaseHTTPRequestHandler):
    """Zammad's Rails (or websocket) server: records each request (its headers, body digest, and the login
    Zammad's SessionsController#create_sso would take: REMOTE_USER, else HTTP_REMOTE_USER, else
    X-Forwarded-User; a proxy cannot set REMOTE_USER) and answers with it as JSON, or 101 to an Upgrade."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = {
            "method": self.command,
            "path": self.path,
            "headers": {name.lower(): value for name, value in self.headers.items()},
            "login": self.headers.get("Remote-User") or self.headers.get("X-Forwarded-User"),
            "body_length": len(body),
            "body_sha256": sha256(body),
        }
        self.server.seen.append(seen)
        if self.headers.get("Upgrade", "").lower() == "websocket":
            self.send_response(101)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.end_headers()
            self.close_connection = True
            return
        answer = json.dumps(seen).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = do_PUT = do_DELETE = _answer  # noqa: N815

    def log_message(self, *args) -> None:
        pass


def start_stand_in(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.seen = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def zammad(bins, python_for_idp, work, recipe_processes):
    folder = work / "recipe-zammad"
    port = harness.free_port()
    site = new_account(bins, python_for_idp, folder, recipe_processes, f"http://127.0.0.1:{port}")
    _, socket_path = harness.start_responder_on_socket(recipe_processes, bins, folder, "zammad")
    rails, websocket = start_stand_in(ZammadStandIn), start_stand_in(ZammadStandIn)
    (folder / "public").mkdir()
    start_nginx(recipe_processes, folder, port, recipe(EXAMPLES / "zammad" / "zammad.conf", {
        "unix:/run/samlgate/samlgate.sock": f"unix:{socket_path}",
        "127.0.0.1:3000": f"127.0.0.1:{rails.server_address[1]}",
        "127.0.0.1:6042": f"127.0.0.1:{websocket.server_address[1]}",
        "listen 80;": f"listen 127.0.0.1:{port};",
        "/opt/zammad/public": str(folder / "public"),
        **shipped_snippets(folder),
    }))
    yield {**site, "rails": rails, "websocket": websocket}
    rails.shutdown()
    websocket.shutdown()


def test_zammad_sso_endpoint_sends_anonymous_visitors_to_sign_in(zammad):
    base = zammad["base_url"]
    for path in ["/auth/sso", "/auth/sso.json", "/auth/sso?fingerprint=1"]:
        for method in ["GET", "POST"]:
            answer = requests.request(method, base + path, headers=SPOOF, allow_redirects=False, timeout=20)
            assert answer.status_code == 302, (method, path, answer.status_code)
            assert answer.headers["Location"] == login_url(base, path), (method, path)
    assert not [seen for seen in zammad["rails"].seen if seen["path"].startswith("/auth/sso")]


def test_zammad_sign_in_reaches_auth_sso_as_x_forwarded_user_and_nothing_a_client_sends_counts(zammad):
    base = zammad["base_url"]
    session = requests.Session()
    anonymous = session.get(f"{base}/auth/sso", allow_redirects=False, timeout=20)
    acs = sign_in(session, zammad, anonymous.headers["Location"])
    assert acs.headers["Location"] == f"{base}/auth/sso"

    for headers in [{}, SPOOF]:
        seen = session.get(acs.headers["Location"], headers=headers, timeout=20).json()
        assert seen["path"] == "/auth/sso"
        assert seen["login"] == ALICE, headers
        assert seen["headers"]["x-forwarded-user"] == ALICE
        assert "remote-user" not in seen["headers"] and "remote_user" not in seen["headers"]
        assert "x_forwarded_user" not in seen["headers"]
        assert seen["headers"]["x-samlgate-email"] == ALICE and seen["headers"]["x-samlgate-role"] == "user"
        assert "x-samlgate-groups" not in seen["headers"]
        assert "samlgate_acme" not in seen["headers"].get("cookie", "")

    # Zammad's SSO endpoint also takes a POST: its body arrives whole.
    posted = session.post(f"{base}/auth/sso", data=BODY, headers={"Content-Type": "application/octet-stream"},
                          timeout=20).json()
    assert (posted["method"], posted["login"]) == ("POST", ALICE)
    assert (posted["body_length"], posted["body_sha256"]) == (len(BODY), sha256(BODY))


def test_zammad_everywhere_else_gets_no_user_header_whoever_asks(zammad):
    base = zammad["base_url"]
    signed_in = requests.Session()
    sign_in(signed_in, zammad, login_url(base, "/auth/sso"))
    for session in [requests.Session(), signed_in]:
        for method, path in [("GET", "/"), ("GET", "/api/v1/users/me"), ("POST", "/api/v1/tickets"),
                             ("GET", "/cable")]:
            answer = session.request(method, base + path, headers=SPOOF, data=BODY if method == "POST" else None,
                                     allow_redirects=False, timeout=20)
            assert answer.status_code == 200, (method, path, answer.status_code)
            seen = answer.json()
            assert seen["login"] is None, (method, path, seen["headers"])
            assert not {"x-forwarded-user", "remote-user", "remote_user", "x_forwarded_user"} & set(seen["headers"])
            if method == "POST":
                assert (seen["body_length"], seen["body_sha256"]) == (len(BODY), sha256(BODY))


def test_zammad_websocket_upgrade_reaches_the_websocket_server_without_a_user_header(zammad):
    url = urllib.parse.urlsplit(zammad["base_url"])
    request = (f"GET /ws HTTP/1.1\r\nHost: {url.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
               "X-Forwarded-User: admin@example.com\r\nRemote-User: admin@example.com\r\n\r\n")
    with socket.create_connection((url.hostname, url.port), timeout=20) as client:
        client.sendall(request.encode())
        status_line = client.recv(65536).split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 101"), status_line
    seen = zammad["websocket"].seen[-1]
    assert seen["path"] == "/ws" and seen["headers"]["upgrade"] == "websocket"
    assert seen["login"] is None and "x-forwarded-user" not in seen["headers"]


# MARK: Znuny (Apache, mod_fcgid access checker; the stand-in is a CGI script in index.pl's place)

ZNUNY_CGI = r"""#!/usr/bin/perl
# Znuny's Kernel::System::Auth::HTTPBasicAuth reads $ENV{REMOTE_USER} || $ENV{HTTP_REMOTE_USER}.
use strict;
use warnings;
use Digest::SHA qw(sha256_hex);
use JSON::PP;
binmode STDIN;
my $body = '';
read(STDIN, $body, $ENV{CONTENT_LENGTH} || 0);
my $wanted = qr/^(SAMLGATE_|HTTP_X_SAMLGATE_|(HTTP_COOKIE|REMOTE_USER|HTTP_REMOTE_USER|REQUEST_METHOD)$)/;
my %seen = map { $_ => $ENV{$_} } grep { $_ =~ $wanted } keys %ENV;
$seen{login} = $ENV{REMOTE_USER} || $ENV{HTTP_REMOTE_USER};
$seen{body_length} = length $body;
$seen{body_sha256} = sha256_hex($body);
print "Content-Type: application/json\r\n\r\n", encode_json(\%seen);
"""


def start_znuny_apache(processes: harness.Processes, folder: Path, port: int, binary: Path, db: Path) -> None:
    """Apache 2.4 (event MPM, User www-data) on `port` with examples/znuny/samlgate-znuny.conf and Znuny's
    ScriptAlias /znuny/ naming a folder of CGI stand-ins (index.pl, customer.pl)."""
    root = folder / "apache"
    for name in ["fcgid", "cgi-bin", "bin", "logs"]:
        (root / name).mkdir(parents=True, exist_ok=True)
    shutil.copy(binary, root / "bin" / "samlgate-fcgi")
    for script in ["index.pl", "customer.pl"]:
        (root / "cgi-bin" / script).write_text(ZNUNY_CGI)
        (root / "cgi-bin" / script).chmod(0o755)
    for path in [folder, root, root / "bin", root / "cgi-bin", root / "logs"]:
        path.chmod(0o755)
    shutil.chown(root / "fcgid", "www-data", "www-data")
    # mod_fcgid runs the responder as www-data: the database, its folder and the secret file become its own.
    for path in [db.parent, db.parent / "secret.key", *db.parent.glob(db.name + "*")]:
        shutil.chown(path, "www-data", "www-data")
    secret = db.parent / "secret.key"
    (root / "samlgate-znuny.conf").write_text(recipe(EXAMPLES / "znuny" / "samlgate-znuny.conf", {
        "/usr/local/bin/samlgate-fcgi": str(root / "bin" / "samlgate-fcgi"),
        "/var/lib/samlgate/samlgate.db": str(db),
        "/etc/samlgate/secret.key": str(secret),
    }))
    modules = "/usr/lib/apache2/modules"
    loads = ["mpm_event", "authz_core", "authz_host", "alias", "env", "setenvif", "headers", "mime", "cgid",
             "fcgid", "rewrite"]
    conf = root / "httpd.conf"
    conf.write_text("\n".join([
        f"ServerRoot {root}", "ServerName 127.0.0.1", f"Listen 127.0.0.1:{port}", f"PidFile {root}/httpd.pid",
        "User www-data", "Group www-data", f"ErrorLog {root}/logs/error.log", "LogLevel info",
        *[f"LoadModule {name}_module {modules}/mod_{name}.so" for name in loads],
        f"ScriptSock {root}/cgid.sock", f"FcgidIPCDir {root}/fcgid", f"FcgidProcessTableFile {root}/fcgid/shm",
        "TypesConfig /etc/mime.types",
        f'ScriptAlias /znuny/ "{root}/cgi-bin/"',
        f'<Directory "{root}/cgi-bin/">', "    Options +ExecCGI -Includes", "    Require all granted", "</Directory>",
        f"Include {root}/samlgate-znuny.conf", "",
    ]))
    processes.start("apache (znuny)", ["apache2", "-f", str(conf), "-DFOREGROUND"], folder / "apache.log",
                    env={**os.environ, "APACHE_RUN_DIR": str(root), "APACHE_LOCK_DIR": str(root),
                         "APACHE_LOG_DIR": str(root / "logs")})
    harness.wait_for_port(port)


@pytest.fixture(scope="module")
def znuny(bins, python_for_idp, work, recipe_processes):
    folder = work / "recipe-znuny"
    port = harness.free_port()
    site = new_account(bins, python_for_idp, folder, recipe_processes, f"http://127.0.0.1:{port}")
    start_znuny_apache(recipe_processes, folder, port, bins / "samlgate-fcgi", folder / "samlgate.db")
    return site


def znuny_sign_in_link(page: str) -> str:
    """The sign-in link on the 401 page an anonymous agent gets (the meta refresh and the link agree)."""
    refresh = re.search(r'<meta http-equiv="refresh" content="0;url=([^"]*)">', page)
    link = re.search(r'<a href="([^"]*)">Sign in</a>', page)
    assert refresh and link and refresh.group(1) == link.group(1), page
    return refresh.group(1)


def test_znuny_agent_interface_sends_anonymous_agents_to_sign_in(znuny):
    base = znuny["base_url"]
    target = "/znuny/index.pl?Action=AgentTicketZoom;TicketID=42"
    for method in ["GET", "POST"]:
        answer = requests.request(method, base + target, headers=SPOOF, allow_redirects=False, timeout=20)
        assert answer.status_code == 401, (method, answer.status_code)
        assert base + znuny_sign_in_link(answer.text) == login_url(base, target)
        assert not [name for name in answer.headers if name.lower().startswith("variable-")]


def test_znuny_sign_in_reaches_index_pl_as_remote_user_and_nothing_a_client_sends_counts(znuny):
    base = znuny["base_url"]
    session = requests.Session()
    target = "/znuny/index.pl?Action=AgentDashboard"
    anonymous = session.get(base + target, allow_redirects=False, timeout=20)
    acs = sign_in(session, znuny, base + znuny_sign_in_link(anonymous.text))
    assert acs.headers["Location"] == base + target

    for headers in [{}, SPOOF]:
        seen = session.get(base + target, headers=headers, cookies={"theme": "dark"}, timeout=20).json()
        assert seen["login"] == ALICE and seen["REMOTE_USER"] == ALICE, headers
        assert "HTTP_REMOTE_USER" not in seen
        assert seen["SAMLGATE_EMAIL"] == ALICE and seen["SAMLGATE_ROLE"] == "user"
        assert not [name for name in seen if name.startswith("HTTP_X_SAMLGATE")]
        assert "samlgate_acme" not in seen.get("HTTP_COOKIE", "")

    posted = session.post(base + "/znuny/index.pl", data=BODY, headers={"Content-Type": "application/octet-stream"},
                          timeout=20).json()
    assert (posted["REQUEST_METHOD"], posted["login"]) == ("POST", ALICE)
    assert (posted["body_length"], posted["body_sha256"]) == (len(BODY), sha256(BODY))


def test_znuny_customer_interface_is_znunys_own_and_no_client_header_names_a_user(znuny):
    answer = requests.post(znuny["base_url"] + "/znuny/customer.pl", headers=SPOOF, data=BODY, timeout=20)
    assert answer.status_code == 200
    seen = answer.json()
    assert seen["login"] is None and "REMOTE_USER" not in seen and "HTTP_REMOTE_USER" not in seen
    assert (seen["body_length"], seen["body_sha256"]) == (len(BODY), sha256(BODY))


# MARK: GLPI and osTicket (nginx, fastcgi_pass to PHP; php-cgi's FastCGI server stands in for PHP-FPM)

PHP_STAND_IN = r"""<?php
// What PHP hands a helpdesk: the identity variables, samlgate's headers, and the body as it arrived.
$body = file_get_contents('php://input');
$seen = [];
foreach ($_SERVER as $name => $value) {
    if (preg_match('/^(REMOTE_USER|REDIRECT_REMOTE_USER|HTTP_REMOTE_USER|PHP_AUTH_USER|HTTP_COOKIE|REQUEST_METHOD|'
                   . 'SCRIPT_NAME|PATH_INFO|HTTP_X_SAMLGATE_.*)$/', $name)) {
        $seen[$name] = $value;
    }
}
// osTicket's auth-passthru plugin: REMOTE_USER, else REDIRECT_REMOTE_USER, the domain dropped, in lower case.
$user = !empty($_SERVER['REMOTE_USER']) ? $_SERVER['REMOTE_USER']
    : (!empty($_SERVER['REDIRECT_REMOTE_USER']) ? $_SERVER['REDIRECT_REMOTE_USER'] : '');
if (strpos($user, '@') !== false) {
    list($user, $domain) = explode('@', $user, 2);
}
$seen['passthru_username'] = trim(strtolower($user));
$seen['body_length'] = strlen($body);
$seen['body_sha256'] = hash('sha256', $body);
header('Content-Type: application/json');
echo json_encode($seen);
"""


def start_php(processes: harness.Processes, folder: Path) -> Path:
    """php-cgi's FastCGI server on a unix socket in `folder`, a few children."""
    socket_path = folder / "php.sock"
    processes.start("php-cgi", ["php-cgi", "-b", str(socket_path)], folder / "php-cgi.log",
                    env={**os.environ, "PHP_FCGI_CHILDREN": "4", "PHP_FCGI_MAX_REQUESTS": "10000"})
    harness.wait_for_unix_socket(socket_path)
    return socket_path


def php_site(bins, python, work, processes, name: str, conf: Path, root: str, scripts: list[str]) -> dict:
    """A recipe served by nginx in front of PHP: `scripts` under the document root are the stand-in."""
    folder = work / f"recipe-{name}"
    port = harness.free_port()
    site = new_account(bins, python, folder, processes, f"http://127.0.0.1:{port}")
    _, socket_path = harness.start_responder_on_socket(processes, bins, folder, name)
    docroot = folder / "docroot"
    for script in scripts:
        (docroot / script).parent.mkdir(parents=True, exist_ok=True)
        (docroot / script).write_text(PHP_STAND_IN)
    (docroot / "pics").mkdir(exist_ok=True)
    (docroot / "pics" / "logo.png").write_bytes(b"not really a PNG")
    php_socket = start_php(processes, folder)
    start_nginx(processes, folder, port, recipe(conf, {
        "unix:/run/samlgate/samlgate.sock": f"unix:{socket_path}",
        "unix:/run/php/php8.2-fpm.sock": f"unix:{php_socket}",
        "listen 80;": f"listen 127.0.0.1:{port};",
        root: str(docroot),
        **shipped_snippets(folder),
    }))
    return site


@pytest.fixture(scope="module")
def glpi(bins, python_for_idp, work, recipe_processes):
    return php_site(bins, python_for_idp, work, recipe_processes, "glpi", EXAMPLES / "glpi" / "glpi.conf",
                    "/var/www/glpi/public", ["index.php"])


def test_glpi_sends_anonymous_visitors_to_sign_in_and_serves_static_files(glpi):
    base = glpi["base_url"]
    for method, target in [("GET", "/"), ("GET", "/front/ticket.form.php?id=42"), ("POST", "/ajax/common.tabs.php"),
                           ("GET", "/index.php")]:
        answer = requests.request(method, base + target, headers=SPOOF, allow_redirects=False, timeout=20)
        assert answer.status_code == 302, (method, target, answer.status_code)
        assert answer.headers["Location"] == login_url(base, target), (method, target)
    static = requests.get(base + "/pics/logo.png", timeout=20)
    assert static.status_code == 200 and static.content == b"not really a PNG"


def test_glpi_sign_in_reaches_glpi_as_remote_user_and_nothing_a_client_sends_counts(glpi):
    base = glpi["base_url"]
    session = requests.Session()
    target = "/front/ticket.form.php?id=42"
    acs = sign_in(session, glpi, session.get(base + target, allow_redirects=False, timeout=20).headers["Location"])
    assert acs.headers["Location"] == base + target

    for headers in [{}, SPOOF]:
        seen = session.get(base + target, headers=headers, cookies={"theme": "dark"}, timeout=20).json()
        # GLPI's "Field storage of the login in the HTTP request": REMOTE_USER.
        assert seen["REMOTE_USER"] == ALICE, headers
        assert seen["HTTP_X_SAMLGATE_EMAIL"] == ALICE and seen["HTTP_X_SAMLGATE_ROLE"] == "user"
        assert seen["HTTP_X_SAMLGATE_GIVEN_NAME"] == "Alice" and seen["HTTP_X_SAMLGATE_FAMILY_NAME"] == "Liddell"
        assert "HTTP_REMOTE_USER" not in seen and "HTTP_X_SAMLGATE_GROUPS" not in seen
        assert "samlgate_acme" not in seen.get("HTTP_COOKIE", "")
    # PHP makes PHP_AUTH_USER from a client's own Basic credentials: why the README says never to pick it.
    assert seen["PHP_AUTH_USER"] == "admin@example.com"

    posted = session.post(base + "/ajax/fileupload.php", data=BODY,
                          headers={"Content-Type": "application/octet-stream"}, timeout=20).json()
    assert (posted["REQUEST_METHOD"], posted["REMOTE_USER"]) == ("POST", ALICE)
    assert (posted["body_length"], posted["body_sha256"]) == (len(BODY), sha256(BODY))


@pytest.fixture(scope="module")
def osticket(bins, python_for_idp, work, recipe_processes):
    return php_site(bins, python_for_idp, work, recipe_processes, "osticket",
                    EXAMPLES / "osticket" / "osticket.conf", "/var/www/osticket/upload",
                    ["index.php", "open.php", "scp/index.php", "scp/login.php", "scp/ajax.php", "api/http.php"])


def test_osticket_staff_panel_sends_anonymous_agents_to_sign_in(osticket):
    base = osticket["base_url"]
    for method, target in [("GET", "/scp/"), ("GET", "/scp/login.php"), ("GET", "/scp/tickets.php?id=42"),
                           ("POST", "/scp/ajax.php/tickets/lookup")]:
        answer = requests.request(method, base + target, headers=SPOOF, allow_redirects=False, timeout=20)
        assert answer.status_code == 302, (method, target, answer.status_code)
        assert answer.headers["Location"] == login_url(base, target), (method, target)


def test_osticket_sign_in_reaches_the_staff_panel_as_remote_user_and_nothing_a_client_sends_counts(osticket):
    base = osticket["base_url"]
    session = requests.Session()
    acs = sign_in(session, osticket, session.get(base + "/scp/", allow_redirects=False, timeout=20).headers["Location"])
    assert acs.headers["Location"] == base + "/scp/"

    for headers in [{}, SPOOF]:
        for target in ["/scp/", "/scp/login.php"]:
            seen = session.get(base + target, headers=headers, cookies={"OSTSESSID": "abc"},
                               timeout=20).json()
            assert seen["REMOTE_USER"] == ALICE and seen["passthru_username"] == "alice", (target, headers)
            assert seen["HTTP_X_SAMLGATE_EMAIL"] == ALICE and "HTTP_X_SAMLGATE_GROUPS" not in seen
            assert seen["HTTP_COOKIE"] == "OSTSESSID=abc"

    posted = session.post(base + "/scp/ajax.php/tickets/lookup", data=BODY, timeout=20,
                          headers={"Content-Type": "application/octet-stream"}).json()
    assert (posted["SCRIPT_NAME"], posted["PATH_INFO"]) == ("/scp/ajax.php", "/tickets/lookup")
    assert (posted["REQUEST_METHOD"], posted["REMOTE_USER"]) == ("POST", ALICE)
    assert (posted["body_length"], posted["body_sha256"]) == (len(BODY), sha256(BODY))


def test_osticket_client_portal_and_api_are_osTickets_own_with_no_identity_whoever_asks(osticket):
    base = osticket["base_url"]
    signed_in = requests.Session()
    sign_in(signed_in, osticket, login_url(base, "/scp/"))
    for session in [requests.Session(), signed_in]:
        for method, target, script in [("GET", "/", "/index.php"), ("POST", "/open.php", "/open.php"),
                                       ("POST", "/api/tickets.json", "/api/http.php")]:
            answer = session.request(method, base + target, headers=SPOOF, data=BODY if method == "POST" else None,
                                     allow_redirects=False, timeout=20)
            assert answer.status_code == 200, (method, target, answer.status_code)
            seen = answer.json()
            assert seen["SCRIPT_NAME"] == script, (target, seen)
            # Basic credentials would have made REMOTE_USER the client's choice: it is emptied here.
            assert not seen.get("REMOTE_USER") and seen["passthru_username"] == "", (target, seen)
            if method == "POST":
                assert (seen["body_length"], seen["body_sha256"]) == (len(BODY), sha256(BODY))
    api = requests.post(base + "/api/tickets.json", data=b"{}", timeout=20).json()
    assert api["PATH_INFO"] == "/tickets.json"


def test_php_keeps_the_last_value_of_a_repeated_fastcgi_parameter(osticket):
    """The recipes rely on it (REMOTE_USER from fastcgi_params, then samlgate's or an empty one): shown
    straight against php-cgi's FastCGI server, with the second value set after the first."""
    client = harness.connect_fastcgi(f"unix:{osticket['folder'] / 'php.sock'}")
    script = osticket["folder"] / "docroot" / "index.php"
    params = harness.fastcgi_params({"SCRIPT_FILENAME": str(script), "REQUEST_METHOD": "GET",
                                     "REDIRECT_STATUS": "200", "REMOTE_USER": "admin@example.com"})
    # One more REMOTE_USER record after the first set: a second name/value pair before the closing record.
    extra = harness.fastcgi_params({"REMOTE_USER": ALICE})
    first_stream = params[: -8]  # without its empty closing record
    with client:
        client.sendall(harness.fastcgi_begin() + first_stream + extra + harness.fastcgi_record(harness.FCGI_STDIN, b""))
        answer = harness.read_fastcgi_answer(client)
    seen = json.loads(answer.stdout.split(b"\r\n\r\n", 1)[1])
    assert seen["REMOTE_USER"] == ALICE



# A link a visitor could be lured to: it must give the usual answer to an anonymous visitor (a redirect to
# sign in, or Znuny's sign-in page), never a header or cookie of the URL's making, never a 5xx.
INJECTION = "%0d%0aSet-Cookie:%20samlgate_acme=ATTACKER;%20Path=/%0d%0aX-Injected:%201"


# osTicket's `/scp/x.php/<anything>` is no staff page (its site file sends it to the client portal, which
# carries no identity), so there the URL's path is hostile only in the query.
@pytest.mark.parametrize("name, protected, in_path", [
    ("zammad", "/auth/sso", True), ("znuny", "/znuny/index.pl", True), ("glpi", "/front/ticket.form.php", True),
    ("osticket", "/scp/tickets.php", False),
])
def test_hostile_urls_on_a_protected_path_get_a_clean_answer(request, name, protected, in_path):
    site = request.getfixturevalue(name)
    base = site["base_url"]
    targets = [("GET", f"{protected}?q={INJECTION}"), ("POST", f"{protected}?q={INJECTION}&next=//evil.example.com")]
    if in_path:
        targets.append(("GET", f"{protected}/{INJECTION}"))
    for method, target in targets:
        answer = harness.raw_request(base, method, target, headers=["Content-Type: application/octet-stream"],
                                     body=BODY if method == "POST" else b"")
        assert answer.status in (302, 401), (name, method, target, answer.status)
        harness.assert_clean_headers(answer)
        for location in answer.values("Location"):
            assert location.startswith(f"{base}/sso/acme/login?return_to="), location
