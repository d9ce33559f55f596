"""Faults under load: the responder killed with SIGKILL in the middle of sign-ins; the disk filling up.

Afterwards the database must pass `PRAGMA integrity_check`, every session must belong to a post-back
that was answered 303 (none half-written), and no assertion — answered or not — may be accepted twice.
"""
from __future__ import annotations

import re
import signal
import socket
import sqlite3
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from samlgate_tools import harness


def test_kill_9_during_sign_ins(nginx_site, bins, processes, python_for_idp):
    base = nginx_site["base_url"]
    work = nginx_site["work"]
    db = nginx_site["db"]
    responses = harness.bulk_responses(python_for_idp, base, "alice@example.com", 400, work / "fault-responses.txt")
    assert len(responses) == 400

    responder = next(process for name, process in processes.running if name == "samlgate-fcgi")
    before = sqlite3.connect(db).execute("SELECT count(*) FROM session").fetchone()[0]

    def post(encoded: str) -> int:
        return harness.acs_status(base, encoded, timeout=10)

    # Sign-ins in flight on 8 connections; SIGKILL the responder after ~150 answers.
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(post, encoded) for encoded in responses[:300]]
        while sum(future.done() for future in futures) < 150:
            time.sleep(0.005)
        responder.send_signal(signal.SIGKILL)
        statuses = [future.result() for future in futures]
    responder.wait(timeout=10)
    print(f"before the kill and after: 303={statuses.count(303)} 502={statuses.count(502)} cut={statuses.count(0)}")
    assert statuses.count(303) >= 100, statuses
    assert statuses.count(303) < 300, "the kill came too late to interrupt anything"
    assert set(statuses) <= {303, 502, 0}, sorted(set(statuses))  # 502: nginx while nothing listens

    # Restart, as systemd (Restart=always) or mod_fcgid would.
    socket_path = work / "samlgate.sock"
    processes.running.remove(("samlgate-fcgi", responder))
    processes.start("samlgate-fcgi", [str(bins / "samlgate-fcgi"), "--db", str(db), "--secret-file",
                                      str(db.parent / "secret.key"), "--listen", f"unix:{socket_path}",
                                      "--threads", "4"], work / "samlgate-fcgi-restarted.log")
    deadline = time.monotonic() + 15
    while requests.get(f"{base}/sso/acme/metadata", timeout=5).status_code != 200:
        assert time.monotonic() < deadline, "responder did not come back"
        time.sleep(0.1)

    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    sessions = connection.execute("SELECT count(*) FROM session").fetchone()[0] - before
    # Every answered sign-in has its session; a killed request may have committed without its answer
    # reaching the client, but never more sessions than posts, and never a session without a log row.
    assert statuses.count(303) <= sessions <= 300
    orphans = connection.execute(
        "SELECT count(*) FROM session s WHERE NOT EXISTS (SELECT 1 FROM user u WHERE u.id = s.user_id)").fetchone()[0]
    assert orphans == 0
    accepted_logs = connection.execute(
        "SELECT count(*) FROM signin_log WHERE outcome = 'accepted' AND method = 'saml'").fetchone()[0]
    assert accepted_logs >= sessions

    # No replay: every assertion that reached the database is refused now; the unsent ones still work.
    with ThreadPoolExecutor(max_workers=8) as pool:
        replays = list(pool.map(post, [encoded for encoded, status in zip(responses[:300], statuses, strict=True)
                                        if status == 303]))
    assert set(replays) == {403}, sorted(set(replays))
    with ThreadPoolExecutor(max_workers=8) as pool:
        fresh = list(pool.map(post, responses[300:]))
    assert set(fresh) == {303}, sorted(set(fresh))


def test_cli_changes_settings_and_revokes_sessions_under_load(nginx_site, python_for_idp):
    """The admin CLI writes in a loop while sign-ins and auth checks run: no 5xx, every CLI call succeeds
    (writers wait for each other within the busy timeout), and each change is seen by the next request."""
    import threading

    base = nginx_site["base_url"]
    cli = nginx_site["cli"]
    work = nginx_site["work"]
    responses = harness.bulk_responses(python_for_idp, base, "alice@example.com", 300, work / "churn-responses.txt")
    statuses: list[int] = []
    stop = threading.Event()

    def sign_ins(chunk: list[str]) -> None:
        session = requests.Session()
        for encoded in chunk:
            if stop.is_set():
                return
            status = session.post(f"{base}/sso/acme/acs", data={"SAMLResponse": encoded}, allow_redirects=False,
                                  timeout=15).status_code
            statuses.append(status)
            statuses.append(session.get(f"{base}/sso/acme/auth", timeout=15).status_code)

    workers = [threading.Thread(target=sign_ins, args=(responses[i::4],)) for i in range(4)]
    for worker in workers:
        worker.start()
    cli_failures = []
    for round_number in range(15):
        for args in (["saml", "set", "--account", "acme", "--clock-skew", str(120 + round_number)],
                     ["session", "revoke", "--account", "acme", "--all"]):
            result = cli(*args, check=False)
            if result.returncode != 0:
                cli_failures.append(result.stderr)
    stop.set()
    for worker in workers:
        worker.join(timeout=60)
    cli("saml", "set", "--account", "acme", "--clock-skew", "180")

    assert not cli_failures, cli_failures
    assert statuses and all(status < 500 for status in statuses), sorted(set(statuses))
    assert set(statuses) <= {303, 204, 401}, sorted(set(statuses))  # 401: auth right after a revoke
    assert cli.json("saml", "show", "--account", "acme")["clock_skew"] == 180
    # The last revoke ended every session made before it; the next auth check sees that at once.
    cli("session", "revoke", "--account", "acme", "--all")
    assert cli.json("session", "list", "--account", "acme") == []


def _stop(processes, names: list[str]) -> None:
    """Stops this test's own processes (SIGTERM, then SIGKILL) and forgets them."""
    for name, process in [entry for entry in processes.running if entry[0] in names]:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        processes.running.remove((name, process))


def test_disk_full_answers_503_then_recovers_without_a_restart(bins, processes, python_for_idp, work):
    """The database on a file system that fills up (a 8 MiB tmpfs) during sign-ins: every post-back is answered
    503 at once with a reference (no 500, no hang, no path on the page), the responder logs the reason, signed-in
    users keep access, nothing half-written reaches the file; once space is freed the same responder process
    signs users in again."""
    folder = work / "disk-full"
    data = folder / "data"
    data.mkdir(parents=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m,mode=0755", "samlgate-e2e", str(data)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"needs root to mount a small tmpfs: {mounted.stderr.strip()}")
    names = ["samlgate-fcgi (disk full)", "nginx (disk full)"]
    try:
        port = harness.free_port()
        base = f"http://127.0.0.1:{port}"
        db = data / "samlgate.db"
        cli = harness.Samlgate(bins, db)
        cli("init")
        cli("account", "add", "acme", "--base-url", base)
        cli("user", "add", "--account", "acme", "--email", "owner@example.com", "--role", "owner")
        cli("user", "add", "--account", "acme", "--email", "alice@example.com", "--role", "user")
        cli("saml", "set", "--account", "acme", "--sso-url", "https://idp.invalid/sso", "--cert", str(harness.IDP_CERT),
            "--enable")
        socket_path = folder / "samlgate.sock"
        log = folder / "samlgate-fcgi.log"
        responder = processes.start(names[0], [str(bins / "samlgate-fcgi"), "--db", str(db), "--secret-file",
                                               str(db.parent / "secret.key"), "--listen",
                                               f"unix:{socket_path}", "--threads", "4"], log)
        harness.wait_for_path(socket_path)
        app, app_port = harness.start_echo_app()
        before = len(processes.running)
        harness.start_nginx(processes, folder, port, socket_path, app_port)
        processes.running[before] = (names[1], processes.running[before][1])
        responses = harness.bulk_responses(python_for_idp, base, "alice@example.com", 20, folder / "responses.txt")

        def post(encoded: str, session: requests.Session | None = None) -> requests.Response:
            return (session or requests).post(f"{base}/sso/acme/acs", data={"SAMLResponse": encoded},
                                              allow_redirects=False, timeout=10)

        alice = requests.Session()
        assert post(responses[0], alice).status_code == 303

        # Fill the file system. The WAL is checkpointed and truncated first, so the next commit must grow it.
        connection = sqlite3.connect(db)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        filler = data / "filler"
        # Unbuffered: a buffered file would raise ENOSPC again when `with` closes it and flushes the rest.
        with open(filler, "wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(b"\0" * 65536)
            except OSError as error:
                assert error.errno == 28, error  # ENOSPC

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as pool:
            refused = list(pool.map(post, responses[1:9]))
        assert time.monotonic() - started < 10, "a full disk must not make requests hang"
        assert [r.status_code for r in refused] == [503] * 8, [(r.status_code, r.text[:200]) for r in refused]
        for answer in refused:
            assert re.search(r"SG-[A-Z0-9]{10}", answer.text) and answer.headers.get("Retry-After")
            assert str(data) not in answer.text and "SQLite" not in answer.text, answer.text
        assert alice.get(f"{base}/sso/acme/auth", timeout=10).status_code == 204  # reads still work
        lines = [line for line in log.read_text().splitlines() if "outcome=storage_unavailable" in line]
        assert len(lines) == 8, log.read_text()[-2000:]
        assert all("status=503" in line and "reason=disk_full" in line and "free space" in line
                   and f"db={db}" in line for line in lines), lines[0]

        # Space is back: the same process signs users in again, and the refused assertions were never
        # recorded (they are accepted now, once).
        filler.unlink()
        with ThreadPoolExecutor(max_workers=4) as pool:
            accepted = [r.status_code for r in pool.map(post, responses[1:20])]
        assert accepted == [303] * 19, accepted
        assert responder.poll() is None
        assert post(responses[1]).status_code == 403  # and only once

        connection = sqlite3.connect(db)
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT count(*) FROM session").fetchone()[0] == 20
        assert connection.execute("SELECT count(*) FROM signin_log WHERE outcome = 'accepted'").fetchone()[0] == 20
        assert connection.execute("SELECT count(*) FROM replay_cache").fetchone()[0] == 20
        connection.close()
        app.shutdown()
    finally:
        _stop(processes, names)
        subprocess.run(["umount", str(data)], check=False)


def test_slow_clients_do_not_hold_the_responder(nginx_site):
    """Twelve clients (three times the responder's 4 threads) trickle a post-back body to nginx one byte every
    0.15 s. nginx buffers each whole body before it talks to the responder (`fastcgi_request_buffering on`, its
    default), so meanwhile a normal SP-initiated sign-in and auth check complete at once; the slow posts are
    answered normally once their bodies are complete."""
    import socket
    import threading

    base = nginx_site["base_url"]
    port = int(base.rsplit(":", 1)[1])
    body = b"SAMLResponse=" + b"A" * 27  # 40 bytes: about 6 s per client
    answers: list[bytes] = []

    def trickle() -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
            connection.sendall(b"POST /sso/acme/acs HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               b"Content-Type: application/x-www-form-urlencoded\r\n"
                               b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
            for byte in body:
                connection.sendall(bytes([byte]))
                time.sleep(0.15)
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
            answers.append(answer)

    slow = [threading.Thread(target=trickle) for _ in range(12)]
    for thread in slow:
        thread.start()
    time.sleep(0.5)  # every slow client is mid-body

    started = time.monotonic()
    session = requests.Session()
    login = session.get(f"{base}/sso/acme/login?return_to=%2Fapp%2F", allow_redirects=False, timeout=5)
    assert login.status_code == 302
    action, fields = harness.form_fields(requests.get(login.headers["Location"] + "&user=alice%40example.com",
                                                      timeout=5).text)
    signed_in = session.post(action, data=fields, allow_redirects=False, timeout=5)
    assert signed_in.status_code == 303, signed_in.text
    assert session.get(f"{base}/sso/acme/auth", timeout=5).status_code == 204
    elapsed = time.monotonic() - started
    assert all(thread.is_alive() for thread in slow), "the slow clients finished too early to prove anything"
    assert elapsed < 3, f"a normal sign-in took {elapsed:.1f} s while slow clients were sending"

    for thread in slow:
        thread.join(timeout=20)
    statuses = sorted({answer.split(b" ", 2)[1] for answer in answers})
    assert len(answers) == 12 and statuses == [b"400"], statuses  # a well-formed but bogus SAMLResponse


def _metadata_over_fastcgi(socket_path: Path) -> bytes:
    """One well-formed FastCGI request for /sso/acme/metadata; the STDOUT of its answer."""
    with harness.connect_fastcgi(f"unix:{socket_path}") as client:
        client.sendall(harness.fastcgi_begin()
                       + harness.fastcgi_params({"REQUEST_METHOD": "GET", "REQUEST_URI": "/sso/acme/metadata"})
                       + harness.fastcgi_record(harness.FCGI_STDIN, b""))
        return harness.read_fastcgi_answer(client).stdout


def test_a_malformed_fastcgi_record_ends_the_process_at_once_or_is_survived(bins, processes, work):
    """Only the web server may write to the responder's socket, but what if something else does: a PARAMS
    record whose two 4-byte lengths overflow libfcgi's size sum. Debian's libfcgi (CVE-2025-23016 fix) then
    aborts in an assertion. The process must then exit promptly so its supervisor restarts it — it took 32 s
    while SIGUSR1, which the Swift crash backtracer uses to pause threads, was taken as a stop signal — or, with
    a libfcgi that refuses such a record cleanly, keep serving."""
    folder = work / "malformed-record"
    harness.new_site(bins, folder)
    responder, socket_path = harness.start_responder_on_socket(processes, bins, folder, "malformed record", threads=4)
    assert b"EntityDescriptor" in _metadata_over_fastcgi(socket_path)

    lengths = bytes([0xFF, 0xFF, 0xFF, 0xF0]) * 2  # 2 × (2^31 - 16): the sum overflows a C int
    malformed = (harness.fastcgi_begin() + harness.fastcgi_record(harness.FCGI_PARAMS, lengths + b"A" * 64)
                 + harness.fastcgi_record(harness.FCGI_PARAMS, b""))
    sent = time.monotonic()
    with socket.socket(socket.AF_UNIX) as attacker:
        attacker.settimeout(10)
        attacker.connect(str(socket_path))
        attacker.sendall(malformed)
        attacker.shutdown(socket.SHUT_WR)
        try:
            attacker.recv(65536)
        except OSError:
            pass
    try:
        responder.wait(timeout=5)
    except subprocess.TimeoutExpired:
        # Survived: it must still answer.
        assert b"EntityDescriptor" in _metadata_over_fastcgi(socket_path)
        return
    print(f"libfcgi aborted the responder; it exited after {time.monotonic() - sent:.1f} s")
    assert responder.returncode != 0
