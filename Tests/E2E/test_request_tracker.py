"""Request Tracker 5 behind samlgate, set up as examples/request-tracker/ says: Debian's request-tracker5 and
rt5-fcgi (rt-server.fcgi under spawn-fcgi, as www-data) on a SQLite database in a temporary folder, nginx with
the example site over TLS, the pysaml2 IdP. A user signs in through the IdP, RT creates its user with the IdP's
non-ASCII names, the user files a ticket through RT's own form, and signing out at samlgate closes RT again.

The example's files are used as they are; only the addresses, ports and paths a real install has elsewhere are
replaced. RT's own site config here plays the part of Debian's debconf files (instance name, database)."""
from __future__ import annotations

import os
import quopri
import re
import shutil
import sqlite3
import subprocess
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests

from samlgate_tools import harness

# This checkout's files (the installed samlgate_tools may live in another one).
REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "request-tracker"
RT_SERVER = Path("/usr/share/request-tracker5/libexec/rt-server.fcgi")
SETUP_DATABASE = "rt-setup-database-5"
RT_NAME = "rt.test"

ZOE = "zoe@example.com"
ZOE_GIVEN, ZOE_FAMILY = "Zoë", "Ångström"


def substituted(source: Path, replacements: list[tuple[str, str]]) -> str:
    """`source` with each (old, new) replaced; each `old` must be there, so a changed example fails loudly."""
    text = source.read_text()
    for old, new in replacements:
        assert old in text, f"{source.name} no longer contains {old!r}"
        text = text.replace(old, new)
    return text


def rt_installed() -> None:
    missing = [name for name in [SETUP_DATABASE, "spawn-fcgi"] if shutil.which(name) is None]
    if not RT_SERVER.exists():
        missing.append(str(RT_SERVER))
    if missing:
        pytest.skip("Request Tracker 5 is not installed (apt-get install request-tracker5 rt5-fcgi rt5-db-sqlite "
                    f"spawn-fcgi): missing {', '.join(missing)}")


@pytest.fixture(scope="module")
def rt_site(bins, python_for_idp, work):
    rt_installed()
    started = time.monotonic()
    processes = harness.Processes()
    folder = work / "request-tracker"
    folder.mkdir()
    port = harness.free_port()
    base_url = f"https://127.0.0.1:{port}"

    # The site's TLS certificate: a throw-away one for 127.0.0.1, trusted by this test's clients only.
    tls_cert, tls_key = folder / "tls-cert.pem", folder / "tls-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(tls_key), "-out", str(tls_cert)],
                   check=True, capture_output=True)

    # samlgate: the account, its users (no names yet: the IdP sends them), SAML on, RT's cookie named for sign-out.
    rt_cookie = f"RT_SID_{RT_NAME}.{port}"
    cli = harness.Samlgate(bins, folder / "samlgate.db")
    cli("init")
    cli("account", "add", "acme", "--base-url", base_url, "--name", "Example Help Desk")
    cli("user", "add", "--account", "acme", "--email", "owner@example.com", "--role", "owner", "--password-stdin",
        stdin="owner passphrase\n")
    cli("user", "add", "--account", "acme", "--email", "admin@example.com", "--role", "admin")
    cli("user", "add", "--account", "acme", "--email", ZOE, "--role", "user")
    idp = harness.start_idp(processes, python_for_idp, folder, f"{base_url}/sso/acme/acs",
                            f"{base_url}/sso/acme/metadata",
                            [f"{ZOE}:{ZOE_GIVEN}:{ZOE_FAMILY}", "admin@example.com:Ada:Admin",
                             "mallory@example.com:Mal:Lory"])
    cli("saml", "set", "--account", "acme", "--sso-url", f"{idp}/sso", "--cert", str(harness.IDP_CERT),
        "--app-logout-cookie", rt_cookie, "--enable")
    _, samlgate_socket = harness.start_responder_on_socket(processes, bins, folder, "request-tracker")

    # RT: the instance and its database (what Debian's debconf files say on a real install), then the example's
    # config snippet, overlay and callback where RT looks for them.
    rt = folder / "rt"
    var = rt / "var"
    for path in [rt / "RT_SiteConfig.d", var / "mason_data", var / "session_data", rt / "lib" / "RT" / "Interface"]:
        path.mkdir(parents=True)
    (rt / "RT_SiteConfig.pm").write_text(f"""
Set($rtname, '{RT_NAME}');
Set($Organization, '{RT_NAME}');
Set($DatabaseType, 'SQLite');
Set($DatabaseName, '{var}/rt.db');
Set($LogToSyslog, undef);
Set($LogToFile, undef);
Set($LogToSTDERR, 'warning');
$RT::MasonDataDir = '{var}/mason_data';
$RT::MasonSessionDir = '{var}/session_data';
$RT::MasonLocalComponentRoot = '{rt}/html';
1;
""")
    (rt / "RT_SiteConfig.d" / "90-samlgate.pm").write_text(substituted(
        EXAMPLE / "RT_SiteConfig.d" / "90-samlgate.pm",
        [("my $domain = 'rt.example.com';", "my $domain = '127.0.0.1';"),
         ("my $port   = 443;", f"my $port = {port};")]))
    shutil.copy(EXAMPLE / "RT" / "Interface" / "Web_Local.pm", rt / "lib" / "RT" / "Interface" / "Web_Local.pm")
    shutil.copytree(EXAMPLE / "html", rt / "html")
    rt_env = {**os.environ, "RT_SITE_CONFIG": str(rt / "RT_SiteConfig.pm"),
              "RT_SITE_CONFIG_DIR": str(rt / "RT_SiteConfig.d"), "PERL5LIB": str(rt / "lib")}
    for args in [["--action", "init", "--skip-create"],
                 ["--action", "insert", "--datafile", str(EXAMPLE / "initialdata.pl")]]:
        setup = subprocess.run([SETUP_DATABASE, *args], env=rt_env, capture_output=True, text=True, timeout=120)
        assert setup.returncode == 0, f"{SETUP_DATABASE} {' '.join(args)}: {setup.stdout}{setup.stderr}"
    # RT runs as www-data, as Debian's rt5-fcgi service runs it: it writes its database and caches.
    for path in [var, *var.rglob("*")]:
        shutil.chown(path, "www-data", "www-data")
    rt_socket = rt / "rt.sock"
    processes.start("rt-server.fcgi", ["spawn-fcgi", "-n", "-u", "www-data", "-g", "www-data", "-s", str(rt_socket),
                                       "--", str(RT_SERVER)], folder / "rt.log", env=rt_env)
    harness.wait_for_unix_socket(rt_socket)

    # nginx: the example site inside a test nginx.conf, the shipped snippets included from the checkout.
    prefix = folder / "nginx"
    (prefix / "logs").mkdir(parents=True)
    site = prefix / "rt.conf"
    site.write_text(substituted(EXAMPLE / "nginx-rt.conf", [
        ("server unix:/run/samlgate/samlgate.sock;", f"server unix:{samlgate_socket};"),
        ("server unix:/run/rt5-fcgi.sock;", f"server unix:{rt_socket};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;"),
        ("/etc/ssl/certs/rt.example.com.pem", str(tls_cert)),
        ("/etc/ssl/private/rt.example.com.key", str(tls_key)),
        ("/etc/nginx/samlgate.conf", str(REPO / "nginx" / "samlgate.conf")),
        ("/etc/nginx/samlgate-protect.conf", str(REPO / "nginx" / "samlgate-protect.conf")),
    ]))
    conf = prefix / "nginx.conf"
    conf.write_text(harness.nginx_conf(prefix, f"    include {site};"))
    processes.start("nginx (request-tracker)", ["nginx", "-c", str(conf), "-p", str(prefix)], folder / "nginx.log")
    harness.wait_for_port(port)

    site_info = {"base_url": base_url, "idp": idp, "db": var / "rt.db", "tls_cert": tls_cert, "rt_cookie": rt_cookie}
    # RT's first page compiles its Mason components: a few seconds, counted as set-up.
    first = client(site_info).get(f"{base_url}/", allow_redirects=False, timeout=30)
    assert first.status_code == 302, first.text
    sign_in(site_info, "admin@example.com").get(f"{base_url}/", timeout=120).raise_for_status()
    print(f"Request Tracker site ready in {time.monotonic() - started:.1f}s")
    yield site_info
    processes.stop_all()


def client(site: dict) -> requests.Session:
    """A browser-like client trusting the site's certificate (and no proxy or CA bundle from the environment)."""
    session = requests.Session()
    session.trust_env = False
    session.verify = str(site["tls_cert"])
    return session


def sign_in(site: dict, email: str, path: str = "/") -> requests.Session:
    """SP-initiated sign-in as a browser does it: RT's page sends the visitor to samlgate, samlgate to the IdP,
    whose auto-post form goes to the Post-back URL, which sends the visitor back to the page."""
    base = site["base_url"]
    session = client(site)
    anonymous = session.get(base + path, allow_redirects=False, timeout=10)
    assert anonymous.status_code == 302
    login_url = anonymous.headers["Location"]
    assert login_url == f"{base}/sso/acme/login?return_to={urllib.parse.quote(path, safe='')}"
    login = session.get(login_url, allow_redirects=False, timeout=10)
    assert login.status_code == 302 and login.headers["Location"].startswith(f"{site['idp']}/sso?SAMLRequest=")
    idp_page = session.get(login.headers["Location"] + "&user=" + urllib.parse.quote(email), timeout=10)
    action, fields = harness.form_fields(idp_page.text)
    assert action == f"{base}/sso/acme/acs"
    acs = session.post(action, data=fields, allow_redirects=False, timeout=10)
    assert acs.status_code == 303, acs.text
    assert acs.headers["Location"] == base + path
    return session


def logged_in_as(page: str) -> str | None:
    """The user RT's menu says is logged in ("Logged in as …"), or None."""
    match = re.search(r'Logged in as <span class="current-user">([^<]*)</span>', page)
    return match.group(1) if match else None


class FormParser(HTMLParser):
    """The fields a browser would submit from the form named `name`: inputs (checked boxes only), textareas,
    selects (their selected option), with their default values; the action and the submit buttons apart."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self.inside = False
        self.action: str | None = None
        self.fields: list[tuple[str, str]] = []
        self.buttons: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = a.get("name") == self.name or a.get("id") == self.name
            if self.inside:
                self.action = a.get("action")
        if not self.inside or not a.get("name") and tag != "option":
            return
        kind = a.get("type", "text").lower()
        if tag == "input" and kind == "submit":
            self.buttons[a["name"]] = a.get("value", "")
        elif tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in a:
                self.fields.append((a["name"], a.get("value", "on")))
        elif tag == "input" and kind not in ("file", "button", "image", "reset"):
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""
        elif tag == "select":
            self._select, self._select_value = a["name"], None
        elif tag == "option" and self._select is not None and ("selected" in a or self._select_value is None):
            self._select_value = a.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if self._select_value is not None:
                self.fields.append((self._select, self._select_value))
            self._select = None


def rt_form(page: str, name: str) -> FormParser:
    parser = FormParser(name)
    parser.feed(page)
    assert parser.action is not None, f"no form {name!r} on the page"
    return parser


def rt_db(site: dict) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{site['db']}?mode=ro", uri=True)


def rt_user(site: dict, name: str) -> tuple | None:
    with rt_db(site) as db:
        return db.execute("SELECT id, Name, EmailAddress, RealName, Creator FROM Users WHERE Name = ?",
                          (name,)).fetchone()


def ticket_count(site: dict) -> int:
    with rt_db(site) as db:
        return db.execute("SELECT COUNT(*) FROM Tickets").fetchone()[0]


def test_anonymous_and_spoofed_requests_reach_no_rt_page(rt_site):
    base = rt_site["base_url"]
    for path in ["/", "/Ticket/Create.html?Queue=1", "/REST/2.0/tickets", "/NoAuth/Logout.html"]:
        answer = client(rt_site).get(base + path, allow_redirects=False, timeout=10)
        assert answer.status_code in (302, 303), (path, answer.status_code)
        location = answer.headers["Location"]
        assert location.startswith(f"{base}/sso/acme/login?return_to=") or location.endswith("/sso/acme/logout"), path
        assert "RT_SID_" not in answer.headers.get("Set-Cookie", "")

    # What a client could send to claim an identity: samlgate's headers, REMOTE_USER as a header, Basic auth
    # (nginx's $remote_user), a made-up RT session cookie. None reaches RT without a samlgate session.
    spoof = {"X-Samlgate-Email": "admin@example.com", "X-Samlgate-Role": "admin", "Remote-User": "admin@example.com",
             "X-Remote-User": "admin@example.com", "Cookie": f"{rt_site['rt_cookie']}=0123456789abcdef"}
    answer = client(rt_site).get(f"{base}/", headers=spoof, auth=("admin@example.com", "x"), allow_redirects=False,
                                 timeout=10)
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{base}/sso/acme/login?return_to=%2F"
    before = ticket_count(rt_site)
    created = client(rt_site).post(f"{base}/Ticket/Create.html", headers={**spoof, "Referer": f"{base}/"},
                                   files={"Queue": (None, "1"), "Subject": (None, "spoofed"),
                                          "SubmitTicket": (None, "Create")}, allow_redirects=False, timeout=10)
    assert created.status_code == 302
    assert ticket_count(rt_site) == before

    # A user samlgate does not know is refused at the Post-back URL: RT never hears of them.
    session = client(rt_site)
    login = session.get(f"{base}/sso/acme/login?return_to=%2F", allow_redirects=False, timeout=10)
    action, fields = harness.form_fields(session.get(login.headers["Location"] + "&user=mallory%40example.com",
                                                     timeout=10).text)
    assert session.post(action, data=fields, allow_redirects=False, timeout=10).status_code == 403
    assert session.get(f"{base}/", allow_redirects=False, timeout=10).status_code == 302
    assert rt_user(rt_site, "mallory@example.com") is None


def test_rt_signs_in_the_saml_user_and_creates_them_with_the_idps_names(rt_site):
    base = rt_site["base_url"]
    assert rt_user(rt_site, ZOE) is None  # not created before the first visit
    session = sign_in(rt_site, ZOE)
    # The first visit, which creates the RT user, carries a client's own name headers: RT never sees them.
    home = session.get(f"{base}/", headers={"X-Samlgate-Given-Name": "Mallory", "X-Samlgate-Family-Name": "Spoof"},
                       allow_redirects=False, timeout=30)
    assert home.status_code == 200, home.text
    assert logged_in_as(home.text) == ZOE
    assert "RT at a glance" in home.text
    # The menu's "Logout" (the example's callback) is samlgate's sign-out page.
    assert re.search(r'<a [^>]*href="/sso/acme/logout"[^>]*>Logout</a>', home.text)
    assert rt_site["rt_cookie"] in session.cookies

    # RT created the user on that first visit: Name and EmailAddress the email, RealName from the IdP's
    # attributes, non-ASCII intact (UTF-8 from samlgate, decoded by the overlay).
    user_id, name, email, real_name, _ = rt_user(rt_site, ZOE)
    assert (name, email, real_name) == (ZOE, ZOE, f"{ZOE_GIVEN} {ZOE_FAMILY}")
    about = session.get(f"{base}/Prefs/AboutMe.html", timeout=30)
    assert about.status_code == 200
    fields = dict(rt_form(about.text, "EditAboutMe").fields)
    assert fields["RealName"] == f"{ZOE_GIVEN} {ZOE_FAMILY}" and fields["EmailAddress"] == ZOE

    # The pre-created administrator (initialdata.pl) signs in as themselves, with RT's admin menu.
    admin = sign_in(rt_site, "admin@example.com").get(f"{base}/", timeout=30)
    assert logged_in_as(admin.text) == "admin@example.com"
    assert 'href="/Admin/"' in admin.text
    assert 'href="/Admin/"' not in home.text


def test_client_sent_identity_does_not_change_the_rt_user(rt_site):
    base = rt_site["base_url"]
    session = sign_in(rt_site, ZOE)
    page = session.get(f"{base}/", headers={"X-Samlgate-Email": "admin@example.com", "Remote-User": "admin@example.com",
                                            "X-Samlgate-Given-Name": "Mallory"},
                       auth=("admin@example.com", "x"), timeout=30)
    assert page.status_code == 200
    assert logged_in_as(page.text) == ZOE
    assert 'href="/Admin/"' not in page.text


def test_ticket_created_through_rts_form(rt_site):
    base = rt_site["base_url"]
    session = sign_in(rt_site, ZOE)
    # "Create new ticket" on RT's home page (a form RT posts from its own page, so with a Referer).
    home = session.get(f"{base}/", timeout=30)
    new_ticket = rt_form(home.text, "CreateTicketInQueue")
    assert new_ticket.action == "/Ticket/Create.html"
    create_url = base + new_ticket.action
    page = session.post(create_url, data=new_ticket.fields, headers={"Referer": f"{base}/"}, timeout=30)
    assert page.status_code == 200 and logged_in_as(page.text) == ZOE
    form = rt_form(page.text, "TicketCreate")
    assert form.action == "/Ticket/Create.html" and "SubmitTicket" in form.buttons
    fields = dict(form.fields)
    assert fields["Requestors"] == ZOE  # RT's form names the signed-in user as the requestor
    subject = "Printer on 3rd floor: Grüße aus Malmö"
    body = "It prints every page twice.\nZoë"
    submitted = [(key, value) for key, value in form.fields if key not in ("Subject", "Content")]
    submitted += [("Subject", subject), ("Content", body), ("SubmitTicket", form.buttons["SubmitTicket"])]
    multipart = [(key, (None, value.encode())) for key, value in submitted]

    # Without a Referer RT's CSRF check stops the post (a real browser sends one); nothing is created.
    before = ticket_count(rt_site)
    refused = session.post(base + form.action, files=multipart, allow_redirects=False, timeout=30)
    assert "Possible cross-site request forgery" in refused.text
    assert ticket_count(rt_site) == before

    created = session.post(base + form.action, files=multipart, headers={"Referer": create_url},
                           allow_redirects=False, timeout=30)
    assert created.status_code == 302, created.text
    location = created.headers["Location"]
    ticket_id = int(re.search(r"/Ticket/Display\.html\?id=(\d+)", location).group(1))
    assert location.startswith(f"{base}/Ticket/Display.html?id={ticket_id}")
    shown = session.get(location, timeout=30)
    assert shown.status_code == 200
    assert f"Ticket {ticket_id} created in queue" in shown.text
    assert subject in shown.text and logged_in_as(shown.text) == ZOE
    # The People box names the requestor by RT's user record: the IdP's names.
    assert f"{ZOE_GIVEN} {ZOE_FAMILY}" in shown.text

    with rt_db(rt_site) as db:
        stored_subject, creator = db.execute("SELECT Subject, Creator FROM Tickets WHERE id = ?",
                                             (ticket_id,)).fetchone()
        requestors = [row[0] for row in db.execute(
            "SELECT u.Name FROM Groups g JOIN GroupMembers m ON m.GroupId = g.id JOIN Users u ON u.id = m.MemberId"
            " WHERE g.Domain = 'RT::Ticket-Role' AND g.Name = 'Requestor' AND g.Instance = ?", (ticket_id,))]
        content, encoding = db.execute(
            "SELECT a.Content, a.ContentEncoding FROM Transactions t JOIN Attachments a ON a.TransactionId = t.id"
            " WHERE t.ObjectType = 'RT::Ticket' AND t.ObjectId = ? AND t.Type = 'Create'", (ticket_id,)).fetchone()
    assert stored_subject == subject
    assert creator == rt_user(rt_site, ZOE)[0]
    assert requestors == [ZOE]
    raw = content.encode() if isinstance(content, str) else content
    assert encoding in ("none", "quoted-printable"), encoding
    text = (quopri.decodestring(raw) if encoding == "quoted-printable" else raw).decode()
    assert text.strip() == body


def test_sign_out_at_samlgate_closes_rt(rt_site):
    base = rt_site["base_url"]
    session = sign_in(rt_site, ZOE)
    assert logged_in_as(session.get(f"{base}/", timeout=30).text) == ZOE
    rt_session = session.cookies[rt_site["rt_cookie"]]

    # RT's "Logout" link: samlgate's one-button page; its post ends the session and expires RT's cookie.
    page = session.get(f"{base}/sso/acme/logout", timeout=10)
    assert page.status_code == 200 and ZOE in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    out = session.post(f"{base}/sso/acme/logout", data={"csrf_token": token}, allow_redirects=False, timeout=10)
    assert out.status_code == 303 and out.headers["Location"] == f"{base}/sso/acme/signed-out"
    expired = [line for line in out.raw.headers.getlist("Set-Cookie") if line.startswith(rt_site["rt_cookie"] + "=")]
    assert expired and ("Max-Age=0" in expired[0] or "1970" in expired[0]), out.raw.headers.getlist("Set-Cookie")

    again = session.get(f"{base}/", allow_redirects=False, timeout=10)
    assert again.status_code == 302 and again.headers["Location"] == f"{base}/sso/acme/login?return_to=%2F"
    # Even RT's own session, still valid inside RT, opens nothing without samlgate's.
    replay = client(rt_site).get(f"{base}/", headers={"Cookie": f"{rt_site['rt_cookie']}={rt_session}"},
                                 allow_redirects=False, timeout=10)
    assert replay.status_code == 302


def test_browser_signs_in_to_rt(rt_site, tmp_path):
    """A real browser (chromium) through the IdP's form into RT, a ticket filed with RT's form; a screenshot is
    saved to .ci/artifacts/rt-signed-in.png (and to $SAMLGATE_RT_SCREENSHOT when set)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver_path):
        pytest.fail("chromium and chromium-driver are required (scripts/install-deps.sh installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--disable-gpu", "--no-first-run", "--password-store=basic", "--ignore-certificate-errors"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    base = rt_site["base_url"]

    def wait(condition, timeout: float = 30):
        return WebDriverWait(driver, timeout).until(condition)

    try:
        driver.get(f"{base}/")
        email = wait(expected_conditions.presence_of_element_located((By.NAME, "email")))
        assert driver.current_url.startswith(rt_site["idp"])
        email.clear()
        email.send_keys(ZOE)
        email.submit()
        wait(lambda d: d.current_url == f"{base}/" and logged_in_as(d.page_source) == ZOE)
        # "Create new ticket" (RT shows one of three buttons, by the window's width).
        next(button for button in driver.find_elements(By.CSS_SELECTOR, "#CreateTicketInQueue input[type=submit]")
             if button.is_displayed()).click()
        # (RT's home page has a Subject field of its own, in "Quick ticket creation": wait for the new page.)
        subject = wait(expected_conditions.presence_of_element_located(
            (By.CSS_SELECTOR, "form[name=TicketCreate] input[name=Subject]")))
        assert driver.current_url.startswith(f"{base}/Ticket/Create.html")
        assert logged_in_as(driver.page_source) == ZOE
        subject.send_keys("Badge reader at the side door")
        driver.find_element(By.CSS_SELECTOR, "form[name=TicketCreate] input[name=SubmitTicket]").click()
        wait(lambda d: "/Ticket/Display.html" in d.current_url and "Badge reader" in d.page_source)
        assert logged_in_as(driver.page_source) == ZOE
        assert f"{ZOE_GIVEN} {ZOE_FAMILY}" in driver.page_source
        artifacts = REPO / ".ci" / "artifacts"
        artifacts.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(artifacts / "rt-signed-in.png"))
        if os.environ.get("SAMLGATE_RT_SCREENSHOT"):
            driver.save_screenshot(os.environ["SAMLGATE_RT_SCREENSHOT"])
    finally:
        driver.quit()


def test_hostile_urls_get_a_clean_redirect_to_sign_in(rt_site):
    """A link a visitor could be lured to: one redirect to sign in, GET or POST, never a header or cookie of
    the URL's making."""
    base = rt_site["base_url"]
    injection = "%0d%0aSet-Cookie:%20samlgate_acme=ATTACKER;%20Path=/%0d%0aX-Injected:%201"
    for method, target in [("GET", f"/Ticket/Display.html/{injection}"), ("GET", f"/Search/Results.html?q={injection}"),
                           ("POST", f"/Ticket/Create.html?Queue={injection}")]:
        answer = client(rt_site).request(method, base + target, data=b"Subject=x" if method == "POST" else None,
                                         allow_redirects=False, timeout=10)
        assert answer.status_code == 302, (method, target, answer.status_code)
        assert answer.headers["Location"].startswith(f"{base}/sso/acme/login?return_to="), answer.headers
        assert "X-Injected" not in answer.headers and "ATTACKER" not in answer.headers.get("Set-Cookie", "")
