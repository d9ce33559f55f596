"""The in-process floor: bench/validate.sh's single-thread validations next to openssl's verifies (and an
older build's validations, with --before-bins)."""

from __future__ import annotations

import os
import re
import subprocess
import time

from samlgate_tools.bench.common import BENCH, log


def run_floor(before_bins: str | None = None, before_name: str = "before") -> dict:
    log("in-process floor: bench/validate.sh")
    started = time.monotonic()
    env = dict(os.environ)
    if before_bins:
        env["BEFORE_BIN"] = os.path.join(before_bins, "samlgate-bench")
    result = subprocess.run([str(BENCH / "validate.sh")], capture_output=True, text=True, timeout=900, env=env)
    floor = {"seconds": time.monotonic() - started, "output": result.stdout}
    if result.returncode != 0:
        floor["error"] = result.stderr[-1000:]
        return floor
    for line in result.stdout.splitlines():
        if line.startswith("samlgate single-thread validations/s"):
            floor["validations"] = int(re.search(r":\s*(\d+)", line).group(1))
        elif line.startswith("openssl speed rsa2048 verify/s"):
            floor["openssl"] = int(re.search(r":\s*(\d+)", line).group(1))
        elif line.startswith("older build validations/s"):
            floor["before"], floor["before_name"] = int(re.search(r":\s*(\d+)", line).group(1)), before_name
    return floor

