"""samlgate demo: a real sign-in through nginx + samlgate-fcgi against a local pysaml2 IdP.

Started by examples/demo/run.sh (which installs and builds first). Everything runs on 127.0.0.1:
nginx on :8080 in front of a tiny "helpdesk" app, the test IdP on :8081. It signs a demo user in
end to end, prints what happened, then keeps running for you to try it in a browser (Ctrl-C stops
everything). With --check it stops after the scripted sign-in (CI uses that).
"""
from __future__ import annotations

import argparse
import base64
import os
import sys
import time
from pathlib import Path

import requests  # installed in the venv with the IdP

from samlgate_tools import harness

REPO = harness.REPO


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin-dir", required=True, type=Path)
    parser.add_argument("--port", type=int, default=int(os.environ.get("DEMO_PORT", "8080")))
    parser.add_argument("--idp-port", type=int, default=int(os.environ.get("DEMO_IDP_PORT", "8081")))
    parser.add_argument("--check", action="store_true", help="sign in once and exit")
    args = parser.parse_args()

    work = REPO / ".demo"
    work.mkdir(exist_ok=True)
    for stale in work.glob("*"):
        if stale.is_file() or stale.is_socket():
            stale.unlink()
    base = f"http://127.0.0.1:{args.port}"
    idp_url = f"http://127.0.0.1:{args.idp_port}"
    processes = harness.Processes()
    try:
        cli = harness.Samlgate(args.bin_dir, work / "samlgate.db")
        step("Creating the demo database and account")
        cli("init")
        cli("account", "add", "demo", "--base-url", base, "--name", "Demo Helpdesk")
        cli("user", "add", "--account", "demo", "--email", "owner@demo.test", "--role", "owner",
            "--given-name", "Olive", "--family-name", "Owner", "--password-stdin", stdin="demo owner password\n")
        cli("user", "add", "--account", "demo", "--email", "ada@demo.test", "--role", "user",
            "--given-name", "Ada", "--family-name", "Agent")
        print(cli("saml", "show", "--account", "demo").stdout)

        step(f"Starting the test IdP (pysaml2) on {idp_url}")
        idp = harness.start_idp_on_port(processes, sys.executable, work, args.idp_port, f"{base}/sso/demo/acs",
                                        f"{base}/sso/demo/metadata", ["ada@demo.test:Ada:Lovelace"])
        step("Configuring SAML from the IdP's metadata (samlgate saml set --idp-metadata)")
        (work / "idp-metadata.xml").write_bytes(requests.get(f"{idp}/metadata", timeout=10).content)
        cli("saml", "set", "--account", "demo", "--idp-metadata", str(work / "idp-metadata.xml"), "--enable")

        step("Starting samlgate-fcgi, the demo app and nginx")
        socket_path = work / "samlgate.sock"
        processes.start("samlgate-fcgi", [str(args.bin_dir / "samlgate-fcgi"), "--db", str(work / "samlgate.db"),
                                          "--secret-file", str(work / "secret.key"), "--listen",
                                          f"unix:{socket_path}"], work / "samlgate-fcgi.log")
        harness.wait_for_path(socket_path)
        app, app_port = harness.start_echo_app()
        harness.start_nginx(processes, work, args.port, socket_path, app_port, account="demo")

        step("Signing Ada in: the browser visits the app, goes to the IdP and comes back")
        session = requests.Session()
        first = session.get(f"{base}/app/tickets", allow_redirects=False, timeout=10)
        print(f"  GET /app/tickets -> {first.status_code} {first.headers.get('Location')}")
        login = session.get(first.headers["Location"] if first.headers["Location"].startswith("http")
                            else base + first.headers["Location"], allow_redirects=False, timeout=10)
        print(f"  GET /sso/demo/login -> {login.status_code} to the IdP with an AuthnRequest")
        idp_page = session.get(login.headers["Location"] + "&user=ada%40demo.test", timeout=10)
        action, fields = harness.form_fields(idp_page.text)
        xml = base64.b64decode(fields["SAMLResponse"]).decode()
        print(f"  IdP answers with a signed Response ({len(xml)} bytes) for ada@demo.test")
        acs = session.post(action, data=fields, allow_redirects=False, timeout=10)
        print(f"  POST /sso/demo/acs -> {acs.status_code} {acs.headers.get('Location')}"
              f"  Set-Cookie: {acs.headers.get('Set-Cookie', '').split(';')[0][:28]}…")
        app_answer = session.get(acs.headers["Location"], timeout=10)
        print(f"  GET /app/tickets -> {app_answer.status_code}; the app sees {app_answer.json()['headers']}")
        if acs.status_code != 303 or app_answer.json()["headers"].get("X-Samlgate-Email") != "ada@demo.test":
            print("demo sign-in FAILED; logs are in", work, file=sys.stderr)
            return 1
        print()
        print(cli("log", "--account", "demo", "--limit", "3").stdout)
        if args.check:
            step("Demo sign-in works.")
            return 0
        step("Try it yourself")
        print(f"  Open {base}/app/ in a browser: you will be sent to the test IdP; sign in as ada@demo.test.")
        print(f"  Password sign-in (the owner): {base}/sso/demo/login?password=1"
              "  owner@demo.test / demo owner password")
        print(f"  Logs: {work}   Admin CLI: SAMLGATE_DB={work / 'samlgate.db'} {args.bin_dir / 'samlgate'} --help")
        print("  Press Ctrl-C to stop everything.")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        processes.stop_all()


def step(text: str) -> None:
    print(f"\n==> {text}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
