"""Fuzzer findings replayed against the real responder (fuzz/regressions/README.md)."""
from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from samlgate_tools import harness
from test_faults import _metadata_over_fastcgi

RAW = sorted((harness.REPO / "fuzz" / "regressions" / "fastcgi-raw").glob("*.bin"))


@pytest.mark.parametrize("finding", RAW, ids=[path.stem for path in RAW])
def test_raw_fastcgi_finding_is_answered_or_ends_the_process_at_once(finding: Path, bins, processes, work):
    folder = work / f"finding-{finding.stem}"
    harness.new_site(bins, folder)
    responder, socket_path = harness.start_responder_on_socket(processes, bins, folder, finding.stem)
    with socket.socket(socket.AF_UNIX) as client:
        client.settimeout(10)
        client.connect(str(socket_path))
        client.sendall(finding.read_bytes())
        client.shutdown(socket.SHUT_WR)
        try:
            while client.recv(65536):
                pass
        except OSError:
            pass  # reset by a process that aborted
    try:
        responder.wait(timeout=5)
    except subprocess.TimeoutExpired:
        assert b"EntityDescriptor" in _metadata_over_fastcgi(socket_path), "survived, so it must still answer"
        return
    assert responder.returncode != 0, "an exit after a finding is a crash, which its supervisor restarts"
