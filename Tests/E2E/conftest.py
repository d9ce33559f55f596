"""Session fixtures: one samlgate database, responder, IdP, echo app and nginx for the nginx suite."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from samlgate_tools import harness


@pytest.fixture(scope="session")
def bins() -> Path:
    return harness.bin_dir()


@pytest.fixture(scope="session")
def python_for_idp() -> str:
    return os.environ.get("SAMLGATE_IDP_PYTHON") or str(harness.REPO / ".venv" / "bin" / "python")


@pytest.fixture(scope="session")
def work():
    folder = Path(tempfile.mkdtemp(prefix="samlgate-e2e-"))
    os.chmod(folder, 0o755)
    yield folder
    if os.environ.get("SAMLGATE_KEEP_E2E"):
        print(f"kept {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def processes():
    started = harness.Processes()
    yield started
    started.stop_all()


@pytest.fixture(scope="session")
def nginx_site(bins, python_for_idp, work, processes):
    """nginx on a free port with the shipped snippets, samlgate-fcgi on a unix socket, the IdP and the app."""
    port = harness.free_port()
    base_url = f"http://127.0.0.1:{port}"
    db = work / "nginx.db"
    cli = harness.Samlgate(bins, db)
    cli("init")
    cli("account", "add", "acme", "--base-url", base_url, "--name", "Acme Help")
    cli("user", "add", "--account", "acme", "--email", "owner@example.com", "--role", "owner", "--password-stdin",
        stdin="owner passphrase\n")
    cli("user", "add", "--account", "acme", "--email", "alice@example.com", "--role", "user",
        "--given-name", "Alice", "--family-name", "Old")
    cli("user", "add", "--account", "acme", "--email", "carol@example.com", "--role", "admin", "--password-stdin",
        stdin="carol passphrase\n")
    acs = f"{base_url}/sso/acme/acs"
    audience = f"{base_url}/sso/acme/metadata"
    idp = harness.start_idp(processes, python_for_idp, work, acs, audience,
                            ["alice@example.com:Alice:Liddell", "mallory@example.com:Mal:Lory"])
    cli("saml", "set", "--account", "acme", "--sso-url", f"{idp}/sso", "--cert", str(harness.IDP_CERT), "--enable")

    socket_path = work / "samlgate.sock"
    processes.start("samlgate-fcgi", [str(bins / "samlgate-fcgi"), "--db", str(db), "--secret-file",
                                      str(cli.secret_file), "--listen", f"unix:{socket_path}", "--threads", "4"],
                    work / "samlgate-fcgi.log")
    harness.wait_for_path(socket_path)
    app, app_port = harness.start_echo_app()

    harness.start_nginx(processes, work, port, socket_path, app_port)
    yield {"base_url": base_url, "idp": idp, "cli": cli, "db": db, "work": work}
    app.shutdown()


@pytest.fixture(scope="session")
def apache_site(bins, python_for_idp, work, processes):
    """Apache + mod_fcgid (responder and access checker) and mod_cgid (CGI mode), one database with two
    accounts: `acme` served by mod_fcgid, `cgi` served by the same binary as a plain CGI program."""
    port = harness.free_port()
    base_url = f"http://127.0.0.1:{port}"
    cgi_base = f"{base_url}/cgi-bin/samlgate-fcgi"
    folder = work / "apache-db"
    folder.mkdir()
    db = folder / "samlgate.db"
    cli = harness.Samlgate(bins, db)
    cli("init")
    for slug, base in [("acme", base_url), ("cgi", cgi_base)]:
        cli("account", "add", slug, "--base-url", base)
        cli("user", "add", "--account", slug, "--email", "owner@example.com", "--role", "owner")
        cli("user", "add", "--account", slug, "--email", "alice@example.com", "--role", "user")
    idp = harness.start_idp(processes, python_for_idp, work, f"{base_url}/sso/acme/acs",
                            f"{base_url}/sso/acme/metadata", ["alice@example.com:Alice:Liddell"])
    for slug in ["acme", "cgi"]:
        cli("saml", "set", "--account", slug, "--sso-url", f"{idp}/sso", "--cert", str(harness.IDP_CERT), "--enable")
    harness.start_apache(processes, work, port, bins / "samlgate-fcgi", db)
    yield {"base_url": base_url, "cgi_base": cgi_base, "idp": idp, "cli": cli, "work": work, "db": db,
           "python": python_for_idp}


@pytest.fixture(scope="session")
def browser_site(bins, python_for_idp, work, processes):
    """A separate nginx site whose account starts with SAML off, for the browser test to configure."""
    port = harness.free_port()
    base_url = f"http://127.0.0.1:{port}"
    folder = work / "browser"
    folder.mkdir()
    db = folder / "samlgate.db"
    cli = harness.Samlgate(bins, db)
    cli("init")
    cli("account", "add", "acme", "--base-url", base_url, "--name", "Acme Help")
    cli("user", "add", "--account", "acme", "--email", "owner@example.com", "--role", "owner", "--given-name", "Olive",
        "--password-stdin", stdin="owner passphrase\n")
    cli("user", "add", "--account", "acme", "--email", "carol@example.com", "--role", "admin", "--password-stdin",
        stdin="carol passphrase\n")
    cli("user", "add", "--account", "acme", "--email", "alice@example.com", "--role", "user")
    idp = harness.start_idp(processes, python_for_idp, folder, f"{base_url}/sso/acme/acs",
                            f"{base_url}/sso/acme/metadata", ["alice@example.com:Alice:Liddell"])
    socket_path = folder / "samlgate.sock"
    processes.start("samlgate-fcgi (browser)", [str(bins / "samlgate-fcgi"), "--db", str(db), "--secret-file",
                                                str(cli.secret_file), "--listen", f"unix:{socket_path}"],
                    folder / "samlgate-fcgi.log")
    harness.wait_for_path(socket_path)
    app, app_port = harness.start_echo_app()
    harness.start_nginx(processes, folder, port, socket_path, app_port)
    yield {"base_url": base_url, "idp": idp, "cli": cli, "work": folder}
    app.shutdown()
