"""Driving wrk (with bench/wrk-acs.lua) and reading its BENCH lines into runs."""

from __future__ import annotations

import resource
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from samlgate_tools.bench.common import WRK_SCRIPT, WRK_THREADS, log
from samlgate_tools.bench.metrics import cpu_seconds_between, cpu_snapshot
from samlgate_tools.bench.pool import ResponsePool


@dataclass
class Run:
    """One timed wrk run against one SP: what it answered, how fast, and what it cost. `kind`: "acs"
    (post-backs), "auth" (the per-request check), "static" (nginx's file), "login" (SP-initiated sign-in
    starts), "before-after" (post-backs of two sites compared, `side` "before" or "after"),
    "before-after-auth" (their per-request checks), "store-acs" or "store-auth" (post-backs and checks with
    the `store` "sqlite" or "postgresql" behind `responders` samlgate-fcgi processes); `encrypted`: post-backs
    whose Assertion is encrypted. `cpu_parts`: CPU seconds of named parts of the server side, each also
    counted in `cpu_seconds`."""

    sp: str
    label: str
    concurrency: int
    kind: str = "acs"
    encrypted: bool = False
    side: str = ""
    store: str = ""
    responders: int = 1
    seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    success_status: int = 303
    sent: int = 0
    exhausted: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    cpu_seconds: float = 0.0
    cpu_parts: dict[str, float] = field(default_factory=dict)
    client_cpu_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    total_pss_mb: float = 0.0
    note: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return self.statuses.get(self.success_status, 0)

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    @property
    def share(self) -> float:
        return self.ok / self.answered if self.answered else 0.0

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def cpu_us(self) -> float:
        return 1e6 * self.cpu_seconds / self.ok if self.ok else float("nan")

    def part_us(self, name: str) -> float:
        """CPU µs per success answer of the part `name` (NaN if it was not measured)."""
        return 1e6 * self.cpu_parts[name] / self.ok if self.ok and name in self.cpu_parts else float("nan")

    @property
    def valid(self) -> bool:
        return not self.problems


def run_wrk(url: str, concurrency: int, seconds: float, work: Path, bodies: Path | None,
            headers: list[str] = (), cpu_roots: list[int] = (), location: str = "",
            cpu_parts: dict[str, list[int]] | None = None) -> tuple[dict, float, float]:
    """Runs wrk, returns (parsed BENCH lines, server CPU seconds, client CPU seconds). `cpu_parts`: process
    trees of the server side (among `cpu_roots`) whose CPU seconds are also given one by one, by name, in
    the parsed lines' "cpu_parts"."""
    args = ["wrk", "-t", str(WRK_THREADS), "-c", str(concurrency), "-d", f"{seconds:g}s", "--latency",
            "--timeout", "30s", "-s", str(WRK_SCRIPT)]
    for header in headers:
        args += ["-H", header]
    args += [url, "--", str(bodies) if bodies else "-", str(WRK_THREADS), location]
    parts = cpu_parts or {}
    parts_before = {name: cpu_snapshot(roots) for name, roots in parts.items()}
    before = cpu_snapshot(list(cpu_roots))
    client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 120)
    client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    after = cpu_snapshot(list(cpu_roots))
    parts_after = {name: cpu_snapshot(roots) for name, roots in parts.items()}
    with open(work / "wrk.log", "a") as out:
        out.write(f"$ {' '.join(args)}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr.strip()[-500:]}")
    parsed = {"statuses": {}, "threads": {},
              "cpu_parts": {name: cpu_seconds_between(parts_before[name], parts_after[name]) for name in parts}}
    for line in result.stdout.splitlines():
        words = line.split()
        if not words or words[0] != "BENCH":
            continue
        if words[1] == "status":
            parsed["statuses"][int(words[2])] = int(words[3])
        elif words[1] == "thread":
            parsed["threads"][int(words[2])] = int(words[4])
        elif words[1] == "sent":
            parsed["sent"], parsed["exhausted"] = int(words[2]), int(words[4])
        elif words[1] == "errors":
            parsed["errors"] = {words[i]: int(words[i + 1]) for i in range(2, len(words), 2)}
        elif words[1] == "duration_us":
            parsed["duration_us"], parsed["requests"] = int(words[2]), int(words[4])
        elif words[1] == "latency_us":
            parsed["latency"] = {words[i]: int(words[i + 1]) for i in range(2, len(words), 2)}
    if "latency" not in parsed:
        raise RuntimeError(f"wrk printed no summary: {result.stdout[-500:]} {result.stderr[-500:]}")
    client = (client_after.ru_utime + client_after.ru_stime) - (client_before.ru_utime + client_before.ru_stime)
    return parsed, cpu_seconds_between(before, after), client


def fill(run: Run, parsed: dict, cpu: float, client: float) -> Run:
    run.statuses = parsed["statuses"]
    run.sent, run.exhausted = parsed.get("sent", 0), parsed.get("exhausted", 0)
    run.errors = {k: v for k, v in parsed.get("errors", {}).items() if v}
    run.seconds = parsed["duration_us"] / 1e6
    run.p50_ms = parsed["latency"]["p50"] / 1000
    run.p99_ms = parsed["latency"]["p99"] / 1000
    run.cpu_seconds, run.client_cpu_seconds = cpu, client
    run.cpu_parts = parsed["cpu_parts"]
    if run.answered == 0:
        run.problems.append("no answers")
    elif run.share < 0.99:
        run.problems.append(f"only {100 * run.share:.1f}% answered {run.success_status}")
    if run.exhausted:
        run.problems.append(f"{run.exhausted} wrk thread(s) ran out of unique responses (rate is a lower bound)")
    return run


def post_backs(pool: ResponsePool, run: Run, url: str, seconds: float, expected_rate: float, work: Path,
               cpu_roots: list[int], location: str, before_attempt: Callable[[], None] | None = None,
               cpu_parts: dict[str, list[int]] | None = None) -> Run:
    """One timed ACS run with enough unique bodies for `expected_rate`; if wrk still runs out, it is
    repeated once with twice as many (the first attempt then only warmed up). `before_attempt` is called
    right before each wrk run, after its bodies are made (e.g. to count sessions); `cpu_parts` as for
    `run_wrk`."""
    need = int(expected_rate * seconds * 1.3) + 50 * run.concurrency
    for attempt in range(2):
        bodies, count = pool.take(need)
        if before_attempt:
            before_attempt()
        log(f"{run.sp} {run.label} c={run.concurrency}: {seconds:g}s with {count} unique responses")
        parsed, cpu, client = run_wrk(url, run.concurrency, seconds, work, bodies, cpu_roots=cpu_roots,
                                      location=location, cpu_parts=cpu_parts)
        pool.give_back(bodies, WRK_THREADS, parsed["threads"])
        if parsed.get("exhausted", 0) == 0 or attempt == 1:
            break
        log(f"{run.sp}: ran out of responses; again with more")
        need *= 2
    return fill(run, parsed, cpu, client)



def describe(run: Run) -> str:
    codes = ", ".join(f"{code if code < 1000 else str(code - 1000) + ' elsewhere'}: {n}"
                      for code, n in sorted(run.statuses.items()))
    text = (f"{run.sp} {run.label} c={run.concurrency}: {run.rate:.0f} accepted/s, p50 {run.p50_ms:.1f} ms, "
            f"p99 {run.p99_ms:.1f} ms, {run.cpu_us:.0f} CPU-µs/accepted, statuses {{{codes}}}")
    if run.errors:
        text += f", wrk errors {run.errors}"
    if run.problems:
        text += " — INVALID: " + "; ".join(run.problems)
    return text
