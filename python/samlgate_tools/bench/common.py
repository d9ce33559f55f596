"""What the benchmark's modules share: the repository's bench files, the test IdP and account, progress
lines, and stopping one process."""

from __future__ import annotations

import signal
import subprocess
import sys

from samlgate_tools import harness

BENCH = harness.REPO / "bench"
SAMLIDP = harness.REPO / "Tests" / "IdP" / "samlidp.py"
WRK_SCRIPT = BENCH / "wrk-acs.lua"
IDP_ENTITY_ID = "urn:samlgate:test-idp"
ACCOUNT = "acme"
USERS = [("ann@bench.test", "Ann", "Lee"), ("bob@bench.test", "Bob", "Ray"),
         ("cid@bench.test", "Cid", "Moe"), ("dee@bench.test", "Dee", "Fox")]
WRK_THREADS = 2
# Signed responses stay valid longer than any run of the benchmark.
VALID_SECONDS = 3 * 3600


def log(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def stop(processes: harness.Processes, process: subprocess.Popen) -> None:
    """Stops one process started through `processes` and forgets it."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    processes.running[:] = [(n, p) for n, p in processes.running if p is not process]
