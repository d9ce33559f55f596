"""A flood of password attempts through real nginx must not slow the session checks of signed-in users."""
from __future__ import annotations

import http.client
import random
import re
import statistics
import threading
import time
import urllib.parse

import requests

from samlgate_tools import harness


def _flooder(port: int, stop: threading.Event, statuses: list[int]) -> None:
    """Password attempts with made-up emails, each from its own loopback address (so no per-client limit
    applies and every attempt would need a hash), as fast as answers come."""
    while not stop.is_set():
        source = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
            connection.request("GET", "/sso/acme/login?password=1")
            page = connection.getresponse()
            html = page.read().decode()
            cookie = page.getheader("Set-Cookie").split(";")[0]
            token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
            body = urllib.parse.urlencode({"csrf_token": token, "email": f"nobody{random.random()}@flood.test",
                                           "password": "a guess"})
            connection.request("POST", "/sso/acme/login", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
            answer = connection.getresponse()
            answer.read()
            statuses.append(answer.status)
            connection.close()
        except OSError:
            statuses.append(0)


def _latencies(session: requests.Session, url: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.monotonic()
        response = session.get(url, allow_redirects=False, timeout=10)
        times.append(time.monotonic() - started)
        assert response.status_code == 200, response.status_code
    return times


def test_a_password_flood_does_not_delay_the_session_checks(bins, processes, work):
    folder = work / "password-flood"
    port = harness.free_port()
    base = f"http://127.0.0.1:{port}"
    cli = harness.new_site(bins, folder, base)
    cli("user", "add", "--account", "acme", "--email", "owner@example.com", "--role", "owner", "--password-stdin",
        stdin="owner passphrase\n")
    # Two worker threads: with unbounded hashing, six flooding clients keep both busy with scrypt.
    _, socket_path = harness.start_responder_on_socket(processes, bins, folder, "flood", threads=2)
    app, app_port = harness.start_echo_app()
    try:
        harness.start_nginx(processes, folder, port, socket_path, app_port)
        session = requests.Session()
        page = session.get(f"{base}/sso/acme/login?password=1", timeout=10)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        signed_in = session.post(f"{base}/sso/acme/login", allow_redirects=False, timeout=10,
                                 data={"csrf_token": token, "email": "owner@example.com",
                                       "password": "owner passphrase"})
        assert signed_in.status_code == 303

        quiet = _latencies(session, f"{base}/app/tickets", 30)
        stop = threading.Event()
        statuses: list[int] = []
        flooders = [threading.Thread(target=_flooder, args=(port, stop, statuses)) for _ in range(6)]
        for thread in flooders:
            thread.start()
        time.sleep(1.0)
        try:
            flooded = _latencies(session, f"{base}/app/tickets", 60)
        finally:
            stop.set()
            for thread in flooders:
                thread.join(timeout=20)
        quiet_median, flooded_median = statistics.median(quiet), statistics.median(flooded)
        flooded_p90 = sorted(flooded)[int(len(flooded) * 0.9)]
        print(f"auth through nginx: quiet median {quiet_median * 1000:.1f} ms; during the flood median "
              f"{flooded_median * 1000:.1f} ms, p90 {flooded_p90 * 1000:.1f} ms; flood answers "
              f"{ {status: statuses.count(status) for status in set(statuses)} }")
        assert 503 in statuses, "attempts beyond the hashing slots are answered at once"
        assert set(statuses) <= {401, 503}, statuses
        # With unbounded hashing, both workers sit in scrypt and the median is well over 100 ms on two cores.
        assert flooded_median < 0.06 and flooded_p90 < 0.2
    finally:
        app.shutdown()
