"""Stopping the responder: SIGTERM (systemd, mod_fcgid) and SIGINT (a terminal).

The real binary, over TCP and a unix socket, talked to directly over FastCGI (no web server, which would
buffer the body): it must stop accepting, answer the request in flight, log that it is stopping and that it
stopped, and exit 0 within seconds. Anything slower is an outage at every restart: the supervisor waits
for its stop timeout, then kills.
"""
from __future__ import annotations

import platform
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from samlgate_tools import harness

LISTEN_KINDS = ["tcp", "unix"]
STOP_SIGNALS = [signal.SIGTERM, signal.SIGINT]
EXIT_TIMEOUT = 5.0
# The `read` system call number, as /proc/PID/task/TID/syscall shows it.
READ_SYSCALL = {"x86_64": "0", "aarch64": "63"}[platform.machine()]


@dataclass
class Responder:
    process: subprocess.Popen
    address: str
    log: Path


@pytest.fixture(scope="module")
def folder(bins, work) -> Path:
    """A database with one account, shared by this module's responders (each has its own socket and log)."""
    path = work / "signals"
    path.mkdir()
    cli = harness.Samlgate(bins, path / "samlgate.db")
    cli("init")
    cli("account", "add", "acme", "--base-url", "http://127.0.0.1:1")
    return path


def start_responder(bins: Path, processes: harness.Processes, folder: Path, kind: str, name: str) -> Responder:
    """Starts samlgate-fcgi on a fresh TCP port or unix socket and returns once it has answered a request."""
    address = f"127.0.0.1:{harness.free_port()}" if kind == "tcp" else f"unix:{folder / (name + '.sock')}"
    log = folder / f"{name}.log"
    process = processes.start(
        f"samlgate-fcgi ({name})",
        [str(bins / "samlgate-fcgi"), "--db", str(folder / "samlgate.db"), "--secret-file", str(folder / "secret.key"),
         "--listen", address, "--threads", "2"],
        log)
    responder = Responder(process, address, log)
    deadline = time.monotonic() + 15
    while True:
        assert process.poll() is None, f"samlgate-fcgi exited at start: {log.read_text()}"
        try:
            answer = metadata(address)
            break
        except (ConnectionRefusedError, FileNotFoundError):
            assert time.monotonic() < deadline, f"samlgate-fcgi does not listen on {address}: {log.read_text()}"
            time.sleep(0.05)
    assert answer.status == 200, answer.stdout
    return responder


def metadata(address: str) -> harness.FastCGIAnswer:
    """GET /sso/acme/metadata over one FastCGI connection."""
    with harness.connect_fastcgi(address) as client:
        client.sendall(harness.fastcgi_begin()
                       + harness.fastcgi_params({"REQUEST_METHOD": "GET", "REQUEST_URI": "/sso/acme/metadata",
                                                 "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "1"})
                       + harness.fastcgi_record(harness.FCGI_STDIN, b""))
        return harness.read_fastcgi_answer(client)


def wait_for_a_worker_reading(pid: int) -> None:
    """Waits until one of the responder's threads is blocked in `read`: a worker waiting for the rest of a body.

    Its other threads wait in accept, poll, sigtimedwait or a futex, never in read."""
    deadline = time.monotonic() + EXIT_TIMEOUT
    while time.monotonic() < deadline:
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                if (task / "syscall").read_text().split()[0] == READ_SYSCALL:
                    return
            except (OSError, IndexError):
                pass  # the thread just ended
        time.sleep(0.02)
    raise AssertionError("no worker is reading the request body")


def wait_for_log(responder: Responder, pattern: str) -> None:
    deadline = time.monotonic() + EXIT_TIMEOUT
    while not re.search(pattern, responder.log.read_text()):
        assert time.monotonic() < deadline, f"no log line matching {pattern!r}: {responder.log.read_text()}"
        time.sleep(0.02)


def assert_stops_cleanly(responder: Responder, received: signal.Signals) -> None:
    """Exit status 0 within EXIT_TIMEOUT, the two log lines of a clean stop, and no socket file left behind."""
    try:
        code = responder.process.wait(timeout=EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"samlgate-fcgi still runs {EXIT_TIMEOUT:.0f} s after {received.name}; "
                    f"its log: {responder.log.read_text()}")
    log = responder.log.read_text()
    assert code == 0, log
    assert re.search(rf'msg="stopping: finishing in-flight requests" signal={received.value}\b', log), log
    assert re.search(r"msg=stopped\b", log), log
    if responder.address.startswith("unix:"):
        assert not Path(responder.address.removeprefix("unix:")).exists(), "the socket file was left behind"


@pytest.mark.parametrize("kind", LISTEN_KINDS)
@pytest.mark.parametrize("received", STOP_SIGNALS, ids=[received.name for received in STOP_SIGNALS])
def test_a_stop_signal_ends_an_idle_responder_with_status_0(bins, processes, folder, kind, received):
    responder = start_responder(bins, processes, folder, kind, f"idle-{received.name}-{kind}")
    responder.process.send_signal(received)
    assert_stops_cleanly(responder, received)


@pytest.mark.parametrize("kind", LISTEN_KINDS)
def test_sigterm_answers_the_request_in_flight_then_exits_0(bins, processes, folder, kind):
    """A post-back whose body is half sent when SIGTERM arrives: the process waits for the rest, answers it in
    full (END_REQUEST included), then exits."""
    responder = start_responder(bins, processes, folder, kind, f"in-flight-{kind}")
    body = b"SAMLResponse=" + b"QUJD" * 16
    with harness.connect_fastcgi(responder.address) as client:
        client.sendall(harness.fastcgi_begin()
                       + harness.fastcgi_params({"REQUEST_METHOD": "POST", "REQUEST_URI": "/sso/acme/acs",
                                                 "CONTENT_TYPE": "application/x-www-form-urlencoded",
                                                 "CONTENT_LENGTH": str(len(body)),
                                                 "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "1"})
                       + harness.fastcgi_record(harness.FCGI_STDIN, body[:20]))
        wait_for_a_worker_reading(responder.process.pid)

        responder.process.send_signal(signal.SIGTERM)
        wait_for_log(responder, r'msg="stopping: finishing in-flight requests"')
        time.sleep(0.3)
        assert responder.process.poll() is None, "exited with a request in flight"

        client.sendall(harness.fastcgi_record(harness.FCGI_STDIN, body[20:])
                       + harness.fastcgi_record(harness.FCGI_STDIN, b""))
        answer = harness.read_fastcgi_answer(client)
    assert answer.protocol_status == 0, answer  # FCGI_REQUEST_COMPLETE
    assert answer.status in {400, 403, 404}, answer.stdout
    assert_stops_cleanly(responder, signal.SIGTERM)
