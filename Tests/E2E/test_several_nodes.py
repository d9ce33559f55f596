"""Two web nodes on one PostgreSQL store: each node is its own nginx (the shipped snippets, its own port) in
front of its own samlgate-fcgi, both on one database of a throw-away PostgreSQL 15 cluster.

As behind a load balancer, the account's base URL names one address (node A's) and the browser's requests
reach either node; a cookie set by one is sent to the other (cookies ignore ports). What must hold: a
session made on one node is valid on the other, one assertion makes one session however many nodes it is
posted to at once, a change or a revocation on one node holds on the other at its next request, an outage
of the database is answered clearly and survived without restarting anything, and a killed responder loses
nothing it committed.
"""
from __future__ import annotations

import re
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from samlgate_tools import harness
from samlgate_tools.postgres import PostgresCluster

REFERENCE = re.compile(r"SG-[A-Z0-9]{10}")
PASSWORDS = ["owner-s3cret", "web-s3cret"]


def redacted(url: str) -> str:
    """`url` as samlgate shows it: the password as `***`."""
    return re.sub(r"^(postgresql://[^:/@]+):[^@]*@", r"\1:***@", url)


@dataclass
class Node:
    name: str
    base_url: str
    folder: Path
    socket: Path
    db: str
    responder: object = None

    @property
    def log(self) -> Path:
        return self.folder / "samlgate-fcgi.log"


@dataclass
class Cluster:
    nodes: dict[str, Node]
    cli: harness.Samlgate
    postgres: PostgresCluster
    db: str
    idp: str
    processes: harness.Processes
    bins: Path
    python: str

    def count(self, query: str) -> int:
        return self.postgres.count(self.db, query)

    def start_responder(self, node: Node) -> None:
        node.responder = self.processes.start(
            f"samlgate-fcgi ({node.name})",
            [str(self.bins / "samlgate-fcgi"), "--db", node.db, "--secret-file", str(self.cli.secret_file),
             "--listen", f"unix:{node.socket}", "--threads", "4"], node.log)
        harness.wait_for_unix_socket(node.socket)


def grant_web_role(postgres: PostgresCluster, db: str) -> str:
    """The README's role for the web nodes, made before `samlgate init`: rows of every table samlgate
    creates (now or in a later migration), no DDL. Returns its URL."""
    postgres.sql(postgres.maintenance_url, "CREATE ROLE samlgate_web LOGIN")
    for statement in [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        "GRANT CONNECT ON DATABASE samlgate TO samlgate_web",
        "GRANT USAGE ON SCHEMA public TO samlgate_web",
        "ALTER DEFAULT PRIVILEGES FOR ROLE samlgate IN SCHEMA public "
        "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO samlgate_web",
        "ALTER DEFAULT PRIVILEGES FOR ROLE samlgate IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO samlgate_web",
    ]:
        postgres.sql(db, statement)
    # The cluster trusts loopback, so the password is never checked: it is there to show that no log line
    # or message carries it.
    return postgres.url("samlgate").replace("postgresql://samlgate@", f"postgresql://samlgate_web:{PASSWORDS[1]}@")


@pytest.fixture(scope="module")
def two_nodes(bins, python_for_idp, work):
    postgres = PostgresCluster().start()
    processes = harness.Processes()
    app = None
    try:
        db = postgres.create_database("samlgate").replace("samlgate@", f"samlgate:{PASSWORDS[0]}@", 1)
        # Node B's responder signs in as a role that may read and write rows but change no schema, as the
        # README suggests for the web nodes; `samlgate init` and the CLI use the owner.
        web_db = grant_web_role(postgres, db)
        folder = work / "two-nodes"
        folder.mkdir()
        cli = harness.Samlgate(bins, db, secret_file=folder / "secret.key")
        ports = {"a": harness.free_port(), "b": harness.free_port()}
        base = f"http://127.0.0.1:{ports['a']}"
        initialised = cli("init")
        assert redacted(db) in initialised.stdout
        assert not any(word in initialised.stdout + initialised.stderr for word in PASSWORDS), initialised.stdout
        cli("account", "add", "acme", "--base-url", base, "--name", "Acme Help")
        cli("user", "add", "--account", "acme", "--email", "owner@example.com", "--role", "owner", "--password-stdin",
            stdin="owner passphrase\n")
        for email in ["alice@example.com", "bob@example.com"]:
            cli("user", "add", "--account", "acme", "--email", email, "--role", "user")
        idp = harness.start_idp(processes, python_for_idp, folder, f"{base}/sso/acme/acs", f"{base}/sso/acme/metadata",
                                ["alice@example.com:Alice:Liddell", "bob@example.com:Bob:Builder"])
        cli("saml", "set", "--account", "acme", "--sso-url", f"{idp}/sso", "--cert", str(harness.IDP_CERT), "--enable")
        app, app_port = harness.start_echo_app()
        site = Cluster({}, cli, postgres, db, idp, processes, bins, python_for_idp)
        for name, port in ports.items():
            node_folder = folder / name
            node_folder.mkdir()
            node = Node(name, f"http://127.0.0.1:{port}", node_folder, node_folder / "samlgate.sock",
                        db if name == "a" else web_db)
            site.start_responder(node)
            harness.start_nginx(processes, node_folder, port, node.socket, app_port)
            site.nodes[name] = node
        yield site
    finally:
        processes.stop_all()
        if app:
            app.shutdown()
        postgres.stop()


def post_back(node: Node, encoded: str, session: requests.Session | None = None) -> requests.Response | None:
    """POSTs one SAMLResponse to `node`'s ACS; None when no answer came (a killed responder)."""
    try:
        return (session or requests).post(f"{node.base_url}/sso/acme/acs", data={"SAMLResponse": encoded},
                                          allow_redirects=False, timeout=15)
    except requests.RequestException:
        return None


def signed_in(site: Cluster, node: Node, user: str = "alice@example.com") -> requests.Session:
    """A browser signed in through `node` by an IdP-initiated post-back."""
    session = requests.Session()
    action, fields = harness.idp_initiated({"idp": site.idp}, user)
    answer = session.post(f"{node.base_url}/sso/acme/acs", data=fields, allow_redirects=False, timeout=10)
    assert answer.status_code == 303, answer.text
    return session


def test_a_sign_in_started_on_b_and_finished_on_a_is_valid_on_both(two_nodes):
    a, b = two_nodes.nodes["a"], two_nodes.nodes["b"]
    browser = requests.Session()
    # The AuthnRequest is remembered by node B; the IdP posts its answer to the ACS (node A).
    login = browser.get(f"{b.base_url}/sso/acme/login?return_to=%2Fapp%2Fqueue", allow_redirects=False, timeout=10)
    assert login.status_code == 302 and login.headers["Location"].startswith(f"{two_nodes.idp}/sso?SAMLRequest=")
    idp_page = requests.get(login.headers["Location"] + "&user=alice%40example.com", timeout=10)
    action, fields = harness.form_fields(idp_page.text)
    assert action == f"{a.base_url}/sso/acme/acs"
    answer = browser.post(action, data=fields, allow_redirects=False, timeout=10)
    assert answer.status_code == 303, answer.text
    assert answer.headers["Location"] == f"{a.base_url}/app/queue"

    for node in (b, a):
        app = browser.get(f"{node.base_url}/app/queue", allow_redirects=False, timeout=10)
        assert app.status_code == 200, (node.name, app.status_code)
        seen = {k.lower(): v for k, v in app.json()["headers"].items()}
        assert seen["x-samlgate-email"] == "alice@example.com" and seen["x-samlgate-auth-method"] == "saml"
    # The request was consumed on A: the same answer posted to B now is a replay.
    assert requests.post(f"{b.base_url}/sso/acme/acs", data=fields, allow_redirects=False,
                         timeout=10).status_code == 403


def test_one_assertion_posted_to_both_nodes_at_once_makes_one_session(two_nodes, work):
    a, b = two_nodes.nodes["a"], two_nodes.nodes["b"]
    rounds = 50
    responses = harness.bulk_responses(two_nodes.python, a.base_url, "bob@example.com", rounds,
                                       work / "two-nodes" / "race-responses.txt")
    sessions_before = two_nodes.count("SELECT count(*) FROM session")
    replays_before = two_nodes.count("SELECT count(*) FROM signin_log WHERE failed_check = 'replay'")
    gate = threading.Barrier(2)

    def send(node: Node, encoded: str) -> int:
        gate.wait(timeout=10)
        answer = post_back(node, encoded)
        return answer.status_code if answer is not None else 0

    winners = {"a": 0, "b": 0}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for round_number, encoded in enumerate(responses):
            # Whichever is handed to the pool first tends to be sent first: alternate.
            order = (a, b) if round_number % 2 == 0 else (b, a)
            futures = {node.name: pool.submit(send, node, encoded) for node in order}
            pair = (futures["a"].result(), futures["b"].result())
            assert sorted(pair) == [303, 403], pair
            winners["a" if pair[0] == 303 else "b"] += 1
    print(f"{rounds} rounds, one assertion to both nodes at once: node A won {winners['a']}, node B {winners['b']}")
    assert two_nodes.count("SELECT count(*) FROM session") - sessions_before == rounds
    assert two_nodes.count("SELECT count(*) FROM signin_log WHERE failed_check = 'replay'") - replays_before == rounds


def test_a_settings_change_through_the_cli_holds_on_the_other_node_at_its_next_request(two_nodes, work):
    a, b = two_nodes.nodes["a"], two_nodes.nodes["b"]
    cli = two_nodes.cli
    responses = harness.bulk_responses(two_nodes.python, a.base_url, "alice@example.com", 3,
                                       work / "two-nodes" / "settings-responses.txt")
    # Node B has the settings cached from a post-back.
    assert post_back(b, responses[0]).status_code == 303
    cli("saml", "set", "--account", "acme", "--disable")
    try:
        refused = post_back(b, responses[1])
        assert refused.status_code == 403, refused.text
        login = requests.get(f"{b.base_url}/sso/acme/login", allow_redirects=False, timeout=10)
        assert login.status_code == 200 and "password" in login.text.lower()  # SAML off: the password page
    finally:
        cli("saml", "set", "--account", "acme", "--enable")
    assert post_back(b, responses[2]).status_code == 303
    cli("saml", "set", "--account", "acme", "--sso-url", f"{two_nodes.idp}/sso?moved=1")
    try:
        login = requests.get(f"{b.base_url}/sso/acme/login", allow_redirects=False, timeout=10)
        assert login.headers["Location"].startswith(f"{two_nodes.idp}/sso?moved=1&SAMLRequest=")
    finally:
        cli("saml", "set", "--account", "acme", "--sso-url", f"{two_nodes.idp}/sso")


def test_a_session_ended_on_one_node_is_gone_on_the_other(two_nodes):
    a, b = two_nodes.nodes["a"], two_nodes.nodes["b"]
    # Signed out through node B's logout page.
    browser = signed_in(two_nodes, a)
    assert browser.get(f"{a.base_url}/sso/acme/auth", timeout=10).status_code == 204
    page = browser.get(f"{b.base_url}/sso/acme/logout", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert browser.post(f"{b.base_url}/sso/acme/logout", data={"csrf_token": token}, allow_redirects=False,
                        timeout=10).status_code == 303
    assert browser.get(f"{a.base_url}/sso/acme/auth", timeout=10).status_code == 401
    assert browser.get(f"{a.base_url}/app/", allow_redirects=False, timeout=10).status_code == 302

    # Revoked by the admin: a session made on B, revoked with the CLI (as the web nodes' role, which may
    # change rows only), refused by A.
    other = signed_in(two_nodes, b, "bob@example.com")
    assert other.get(f"{a.base_url}/app/", allow_redirects=False, timeout=10).status_code == 200
    web_cli = harness.Samlgate(two_nodes.bins, b.db, secret_file=two_nodes.cli.secret_file)
    web_cli("session", "revoke", "--account", "acme", "--email", "bob@example.com")
    assert other.get(f"{a.base_url}/app/", allow_redirects=False, timeout=10).status_code == 302
    assert other.get(f"{b.base_url}/app/", allow_redirects=False, timeout=10).status_code == 302


def test_the_web_role_changes_rows_but_not_the_schema(two_nodes):
    web_cli = harness.Samlgate(two_nodes.bins, two_nodes.nodes["b"].db, secret_file=two_nodes.cli.secret_file)
    tables = two_nodes.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    refused = web_cli("init", check=False)
    assert refused.returncode == 1
    assert "permission denied" in refused.stderr and "need the schema's owner" in refused.stderr, refused.stderr
    assert two_nodes.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == tables
    web_cli("user", "add", "--account", "acme", "--email", "dave@example.com", "--role", "user")
    assert "dave@example.com" in {user["email"] for user in two_nodes.cli.json("user", "list", "--account", "acme")}
    web_cli("user", "remove", "--account", "acme", "--email", "dave@example.com")


def page_is_clear(answer: requests.Response, says: str) -> bool:
    """A 503 page that says what happened and to come back, names a reference and nothing of the store."""
    text = answer.text
    return (says in text and answer.headers.get("Retry-After") == "30" and REFERENCE.search(text) is not None
            and not any(secret in text for secret in ["PostgreSQL", "postgresql", "127.0.0.1", "connect"]))


def test_postgresql_stopped_under_load_is_answered_clearly_and_survived_without_a_restart(two_nodes, work):
    """Sign-ins and protected requests run on both nodes while the PostgreSQL server stops and, three
    seconds later, starts again. Meanwhile a post-back gets samlgate's 503 page with a reference and a
    protected request the session-check page (503, its reference, never nginx's bare 500); every reference
    is in that responder's log with the reason. Afterwards the same responder processes sign users in, the
    refused assertions were never recorded, and the session made before the outage still works."""
    a, b = two_nodes.nodes["a"], two_nodes.nodes["b"]
    nodes = [a, b]
    pids = {node.name: node.responder.pid for node in nodes}
    responses = harness.bulk_responses(two_nodes.python, a.base_url, "alice@example.com", 600,
                                       work / "two-nodes" / "outage-responses.txt")
    sessions_before = two_nodes.count("SELECT count(*) FROM session")
    browser = signed_in(two_nodes, a)
    cookies = browser.cookies

    outage = {"started": 0.0, "resuming": 0.0, "ended": 0.0}
    post_backs: list[tuple[int, str, int, str]] = []  # (index, node, status, reference)
    first_after: dict[str, float] = {}  # seconds from the server's start to each node's first sign-in after
    checks: list[tuple[str, int, str]] = []  # (node, status, reference)
    bad_pages: list[str] = []  # 503 pages that say too much or too little
    lock = threading.Lock()
    stop = threading.Event()
    next_index = iter(range(len(responses)))

    def sign_ins(worker: int) -> None:
        node = nodes[worker % 2]
        while not stop.is_set():
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            answer = post_back(node, responses[index])
            status = answer.status_code if answer is not None else 0
            found = REFERENCE.search(answer.text) if answer is not None and status == 503 else None
            if status == 503 and not page_is_clear(answer, "cannot record sign-ins"):
                bad_pages.append(answer.text)
            with lock:
                post_backs.append((index, node.name, status, found.group(0) if found else ""))
                if status == 303 and outage["resuming"] and node.name not in first_after:
                    first_after[node.name] = time.monotonic() - outage["resuming"]
            time.sleep(0.05)

    def protected(worker: int) -> None:
        node = nodes[worker % 2]
        while not stop.is_set():
            answer = requests.get(f"{node.base_url}/app/tickets", cookies=cookies, allow_redirects=False, timeout=15)
            found = REFERENCE.search(answer.text) if answer.status_code == 503 else None
            if answer.status_code == 503 and not page_is_clear(answer, "cannot check your session"):
                bad_pages.append(answer.text)
            with lock:
                checks.append((node.name, answer.status_code, found.group(0) if found else ""))
            time.sleep(0.02)

    workers = [threading.Thread(target=sign_ins, args=(i,)) for i in range(4)]
    workers += [threading.Thread(target=protected, args=(i,)) for i in range(2)]
    for worker in workers:
        worker.start()
    try:
        while len(post_backs) < 40:
            time.sleep(0.01)
        outage["started"] = time.monotonic()
        two_nodes.postgres.halt()
        time.sleep(3)
        outage["resuming"] = time.monotonic()
        two_nodes.postgres.resume()
        outage["ended"] = time.monotonic()
        # Load goes on for a second after sign-ins have succeeded again on both nodes.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with lock:
                recovered = len(first_after) == 2
            if recovered:
                break
            time.sleep(0.1)
        time.sleep(1)
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=30)

    statuses = [status for _, _, status, _ in post_backs]
    assert len(first_after) == 2, f"sign-ins did not recover on both nodes: {first_after}"
    assert not bad_pages, bad_pages[0]
    print(f"outage of {outage['ended'] - outage['started']:.1f} s (the server's start took "
          f"{outage['ended'] - outage['resuming']:.2f} s): post-backs 303={statuses.count(303)} "
          f"503={statuses.count(503)}; protected requests "
          f"200={sum(1 for _, s, _ in checks if s == 200)} 503={sum(1 for _, s, _ in checks if s == 503)}; "
          "first sign-in after the server's start began: "
          + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in sorted(first_after.items())))
    assert set(statuses) <= {303, 503}, sorted(set(statuses))
    assert statuses.count(503) >= 4, "the outage was not seen"
    assert {status for _, status, _ in checks} <= {200, 503}, sorted({status for _, status, _ in checks})
    assert any(status == 503 for _, status, _ in checks), "no protected request met the outage"
    # Recovery without a restart: the same processes, signing users in and passing the old session.
    assert {node.name: node.responder.pid for node in nodes} == pids
    assert all(node.responder.poll() is None for node in nodes)
    for node in nodes:
        assert browser.get(f"{node.base_url}/app/", allow_redirects=False, timeout=10).status_code == 200

    # Every reference on a page names a line of that node's log with the reason.
    logs = {node.name: node.log.read_text() for node in nodes}
    assert not any(word in text for word in PASSWORDS for text in logs.values())
    for _, name, status, reference in post_backs:
        if status == 503:
            assert reference, "a 503 post-back without a reference"
            line = next(line for line in logs[name].splitlines() if reference in line)
            assert "outcome=storage_unavailable" in line and "reason=unreachable" in line, line
            assert f"db={redacted(two_nodes.nodes[name].db)}" in line, line  # which server, no password
    for name, status, reference in checks:
        if status == 503:
            line = next(line for line in logs[name].splitlines() if reference in line and "/auth" in line)
            assert "outcome=storage_unavailable" in line and "reason=unreachable" in line, line

    # Nothing half-done: every 303 made one session, no 503 made one. The refused assertions were never
    # recorded, so each is accepted now, once; a commit the outage cut off on its way back may have been
    # applied (the page said 503): such an assertion is refused as a replay now, and counted once.
    refused = [index for index, _, status, _ in post_backs if status == 503]
    with ThreadPoolExecutor(max_workers=4) as pool:
        again = list(pool.map(lambda index: post_back(a, responses[index]).status_code, refused))
    assert set(again) <= {303, 403}, sorted(set(again))
    recorded = statuses.count(303) + again.count(303) + again.count(403)
    assert two_nodes.count("SELECT count(*) FROM session") - sessions_before == recorded + 1  # +1: the browser
    print(f"refused during the outage and accepted now: {again.count(303)}; committed though answered 503: "
          f"{again.count(403)}")


def test_a_protected_post_with_a_hostile_url_while_the_database_is_down(two_nodes):
    """The protect snippet's error_page, loaded as shipped, with a POST body and a URL that tries to add a
    header: samlgate's 503 page with the failed check's reference, nothing from the request in a header."""
    a = two_nodes.nodes["a"]
    browser = signed_in(two_nodes, a)
    hostile = "/app/x%0d%0aSet-Cookie:%20evil=1?next=%0d%0aX-Injected:%201&r=SG-AAAAAAAAAA"
    two_nodes.postgres.halt()
    try:
        answer = browser.post(f"{a.base_url}{hostile}", data={"ticket": "A" * 5000}, allow_redirects=False,
                              timeout=15)
    finally:
        two_nodes.postgres.resume()
    assert answer.status_code == 503, (answer.status_code, answer.text[:300])
    assert page_is_clear(answer, "cannot check your session")
    reference = REFERENCE.search(answer.text).group(0)
    assert reference != "SG-AAAAAAAAAA"
    assert "evil" not in answer.cookies and "X-Injected" not in answer.headers
    assert all("\n" not in value and "evil" not in value for value in answer.headers.values())
    line = next(line for line in a.log.read_text().splitlines() if reference in line and "/auth" in line)
    assert "reason=unreachable" in line, line
    assert browser.post(f"{a.base_url}/app/x", data={"ticket": "B"}, timeout=15).status_code == 200


def test_a_responder_killed_mid_load_loses_nothing_it_committed(two_nodes, work):
    """SIGKILL of node A's responder while both nodes take sign-ins: every post-back answered 303 has its
    session (its cookie passes on node B), node B never fails, and no assertion is accepted twice."""
    a, b = two_nodes.nodes["a"], two_nodes.nodes["b"]
    responses = harness.bulk_responses(two_nodes.python, a.base_url, "alice@example.com", 400,
                                       work / "two-nodes" / "kill-responses.txt")
    sessions_before = two_nodes.count("SELECT count(*) FROM session")

    def sign_in(item: tuple[int, str]) -> tuple[int, str, int, str]:
        index, encoded = item
        node = a if index % 2 == 0 else b
        answer = post_back(node, encoded)
        if answer is None:
            return index, node.name, 0, ""
        return index, node.name, answer.status_code, answer.cookies.get("samlgate_acme") or ""

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(sign_in, item) for item in enumerate(responses[:300])]
        while sum(future.done() for future in futures) < 120:
            time.sleep(0.005)
        a.responder.send_signal(signal.SIGKILL)
        results = [future.result() for future in futures]
    a.responder.wait(timeout=10)
    on_a = [status for _, name, status, _ in results if name == "a"]
    on_b = [status for _, name, status, _ in results if name == "b"]
    print(f"node A before and after the kill: 303={on_a.count(303)} 502={on_a.count(502)} cut={on_a.count(0)}; "
          f"node B: 303={on_b.count(303)}")
    assert set(on_b) == {303}, sorted(set(on_b))
    assert set(on_a) <= {303, 502, 0}, sorted(set(on_a))
    assert 40 <= on_a.count(303) < 150, "the kill came too early or too late"

    # Every answered sign-in's session is there: its cookie passes on node B.
    for _, _, status, token in results:
        if status == 303:
            check = requests.get(f"{b.base_url}/sso/acme/auth", cookies={"samlgate_acme": token}, timeout=10)
            assert check.status_code == 204
    sessions = two_nodes.count("SELECT count(*) FROM session") - sessions_before
    answered = on_a.count(303) + on_b.count(303)
    assert answered <= sessions <= 300
    assert two_nodes.count("SELECT count(*) FROM session s WHERE NOT EXISTS "
                           "(SELECT 1 FROM \"user\" u WHERE u.id = s.user_id)") == 0

    # Restarted (as systemd or mod_fcgid would): what was answered is refused as a replay, on either node;
    # what was never sent signs in.
    if a.socket.exists():
        a.socket.unlink()
    two_nodes.processes.running = [entry for entry in two_nodes.processes.running if entry[1] is not a.responder]
    two_nodes.start_responder(a)
    answered_responses = [responses[index] for index, _, status, _ in results if status == 303]
    with ThreadPoolExecutor(max_workers=8) as pool:
        replays = list(pool.map(lambda item: post_back(a if item[0] % 2 else b, item[1]).status_code,
                                enumerate(answered_responses)))
        fresh = list(pool.map(lambda encoded: post_back(a, encoded).status_code, responses[300:]))
    assert set(replays) == {403}, sorted(set(replays))
    assert set(fresh) == {303}, sorted(set(fresh))
