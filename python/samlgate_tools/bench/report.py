"""The benchmark's results and the report printed at the end: tables, ratios, notes."""

from __future__ import annotations

import os
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path

from samlgate_tools.bench.common import ACCOUNT, WRK_THREADS
from samlgate_tools.bench.pool import ResponsePool
from samlgate_tools.bench.wrk import Run


@dataclass
class Results:
    """What the measurements found, filled in peer by peer."""

    runs: list[Run] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pools: list[ResponsePool] = field(default_factory=list)  # one per SP, in the order measured
    rss_after_acs: float = 0.0  # the responder's VmRSS after the timed ACS runs, MB
    samlgate_threads: int = 0  # the samlgate-fcgi --threads value kept for the timed runs
    memory: list[tuple[int, float]] | None = None  # the responder's VmRSS after 10k and 100k post-backs
    memory_problems: list[str] = field(default_factory=list)
    shib_skipped: str | None = None  # why Shibboleth was not measured (None: it was, or --no-shibboleth)
    shib_failed: bool = False

    @property
    def invalid(self) -> list[Run]:
        return [r for r in self.runs if not r.valid]


def fmt(value: float, digits: int = 0) -> str:
    if value != value:  # NaN
        return "-"
    return f"{value:,.{digits}f}"


def table(rows: list[list[str]], header_rows: int = 1) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = [cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if index == header_rows - 1:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            return next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        return ""


def acs_table(runs: list[Run], results: Results) -> str:
    rows = [["ACS post-backs (unique signed responses)", "conc", "accepted/s", "ok %", "p50 ms", "p99 ms",
             "CPU µs/login", "peak RSS MB", "PSS MB", "note"]]
    for r in runs:
        rows.append([f"{r.sp}: {r.label}", str(r.concurrency), fmt(r.rate), f"{100 * r.share:.1f}", fmt(r.p50_ms, 1),
                     fmt(r.p99_ms, 1), fmt(r.cpu_us), fmt(r.peak_rss_mb, 1), fmt(r.total_pss_mb, 1),
                     (r.note + ("" if r.valid else " INVALID")).strip()])
    return table(rows + shibboleth_skipped(results, len(rows[0])))


def shibboleth_skipped(results: Results, columns: int) -> list[list[str]]:
    """The ACS table's row saying why Shibboleth was not measured (or failed), if it was not."""
    if not results.shib_skipped:
        return []
    return [["shibboleth: mod_shib + shibd", *["-"] * (columns - 2),
             ("" if results.shib_failed else "not measured: ") + results.shib_skipped]]


def ratio_table(acs_runs: list[Run], concurrencies: list[int]) -> str:
    """samlgate's rate and CPU per login against each peer's faster variant, per concurrency: plaintext
    against plaintext, then encrypted against encrypted."""
    ratio_rows = [["ratio samlgate / peer", "conc", "accepted/s", "CPU per login"]]
    for encrypted in (False, True):
        runs = [r for r in acs_runs if r.encrypted == encrypted]
        for concurrency in concurrencies:
            ours = next((r for r in runs if r.sp == "samlgate" and r.concurrency == concurrency), None)
            best = {}  # each peer's faster variant at this concurrency
            for r in runs:
                if r.sp != "samlgate" and r.concurrency == concurrency and (
                        r.sp not in best or r.rate > best[r.sp].rate):
                    best[r.sp] = r
            if not ours or not best:
                continue
            fastest = max(best.values(), key=lambda r: r.rate)
            for peer in best.values():
                variants = sum(1 for r in runs if r.sp == peer.sp and r.concurrency == concurrency)
                label = f"vs {peer.sp} ({peer.label}" + (", the faster" if variants > 1 else "") + ")"
                ratio_rows.append([label + (" — fastest peer" if peer is fastest and len(best) > 1 else ""),
                                   str(concurrency), f"{ours.rate / peer.rate:.1f}x" if peer.rate else "-",
                                   f"{peer.cpu_us / ours.cpu_us:.1f}x less"
                                   if ours.cpu_us == ours.cpu_us and peer.cpu_us == peer.cpu_us else "-"])
    return table(ratio_rows)


def login_table(runs: list[Run]) -> str:
    """SP-initiated sign-in starts, signed and unsigned AuthnRequests."""
    rows = [["SP-initiated login (302 to the IdP)", "conc", "req/s", "ok %", "p50 ms", "p99 ms", "CPU µs/req",
             "note"]]
    for r in runs:
        rows.append([f"{r.sp}: {r.label}", str(r.concurrency), fmt(r.rate), f"{100 * r.share:.1f}",
                     fmt(r.p50_ms, 2), fmt(r.p99_ms, 2), fmt(r.cpu_us), r.note + ("" if r.valid else " INVALID")])
    for signed, unsigned in zip([r for r in runs if "unsigned" not in r.label],
                                [r for r in runs if "unsigned" in r.label], strict=False):
        if unsigned.rate:
            rows.append(["signed / unsigned", str(signed.concurrency), f"{100 * signed.rate / unsigned.rate:.0f}%",
                         "", "", "", f"+{signed.cpu_us - unsigned.cpu_us:.0f}", ""])
    return table(rows)


def before_after_table(runs: list[Run], concurrencies: list[int], title: str, rate_header: str = "accepted/s",
                       cpu_header: str = "CPU µs/login", latency_digits: int = 1) -> str:
    """The before side's and the after side's runs of one endpoint, then per concurrency the mean rates'
    and CPU costs' ratio, with how far each side's rounds lie from their own mean: the noise the ratio
    has to stand out from."""
    rows = [[title, "conc", rate_header, "ok %", "p50 ms", "p99 ms", cpu_header, "note"]]
    for concurrency in concurrencies:
        here = [r for r in runs if r.concurrency == concurrency]
        for r in here:
            rows.append([f"samlgate: {r.label}", str(r.concurrency), fmt(r.rate), f"{100 * r.share:.1f}",
                         fmt(r.p50_ms, latency_digits), fmt(r.p99_ms, latency_digits), fmt(r.cpu_us),
                         r.note + ("" if r.valid else " INVALID")])
        sides = {side: [r for r in here if r.side == side] for side in ("before", "after")}
        if all(sides.values()):
            rate = {side: sum(r.rate for r in rs) / len(rs) for side, rs in sides.items()}
            cpu = {side: sum(r.cpu_us for r in rs) / len(rs) for side, rs in sides.items()}
            spread = {side: max(abs(r.rate - rate[side]) for r in rs) / rate[side] if rate[side] else float("nan")
                      for side, rs in sides.items()}
            rows.append([f"after / before (mean of {len(sides['after'])})", str(concurrency),
                         f"{rate['after'] / rate['before']:.2f}x" if rate["before"] else "-", "", "", "",
                         f"{cpu['after'] / cpu['before']:.2f}x",
                         "rounds' spread: " + ", ".join(f"±{100 * spread[side]:.0f}% {side}" for side in spread)
                         if len(sides["after"]) > 1 else ""])
    return table(rows)


def auth_table(runs: list[Run], concurrencies: list[int]) -> str:
    """The per-request session check next to nginx serving a static file."""
    auth_rows = [["per-request check", "conc", "req/s", "ok %", "p50 ms", "p99 ms", "CPU µs/req", "vs static"]]
    for concurrency in concurrencies:
        auth = next((r for r in runs if r.kind == "auth" and r.concurrency == concurrency), None)
        static = next((r for r in runs if r.kind == "static" and r.concurrency == concurrency), None)
        for r in (auth, static):
            if r:
                versus = f"{100 * auth.rate / static.rate:.0f}%" if (r is auth and static and static.rate) else ""
                auth_rows.append([f"{r.sp}: {r.label}" + ("" if r.valid else " INVALID"), str(r.concurrency),
                                  fmt(r.rate), f"{100 * r.share:.1f}", fmt(r.p50_ms, 2), fmt(r.p99_ms, 2),
                                  fmt(r.cpu_us), versus])
    return table(auth_rows)


def cpu_split(run: Run) -> tuple[float, float, float, str]:
    """Where a store-comparison run's server CPU went, per success answer: (the responders, nginx, the
    PostgreSQL server) in µs, NaN where not measured, and for several responders each one's share of theirs."""
    responders = [seconds for name, seconds in run.cpu_parts.items() if name.startswith("fcgi")]
    if not responders or not run.ok:
        return float("nan"), float("nan"), float("nan"), ""
    fcgi = 1e6 * sum(responders) / run.ok
    postgres = run.part_us("postgres")
    nginx = run.cpu_us - fcgi - (postgres if postgres == postgres else 0.0)
    shares = "/".join(f"{100 * seconds / sum(responders):.0f}" for seconds in responders) if len(responders) > 1 \
        and sum(responders) else ""
    return fcgi, nginx, postgres, f"fcgi CPU {shares}%" if shares else ""


def store_table(results: Results, concurrencies: list[int], kind: str) -> str:
    """The store comparison's post-backs ("store-acs", with the peers' plaintext runs) or `auth` checks
    ("store-auth"), per concurrency, with the server CPU split into responders, nginx and PostgreSQL; then
    each PostgreSQL run as a share of the SQLite run with as many responders, and (post-backs) against the
    fastest peer."""
    runs = results.runs
    acs = kind == "store-acs"
    per, digits = ("login", 1) if acs else ("req", 2)
    title = "ACS post-backs by store (unique signed responses)" if acs else f"GET /sso/{ACCOUNT}/auth (cookie) by store"
    rows = [[title, "conc", "accepted/s" if acs else "req/s", "ok %", "p50 ms", "p99 ms", f"CPU µs/{per}",
             "fcgi µs", "nginx µs", "postgres µs", "note"]]
    for concurrency in concurrencies:
        ours = [r for r in runs if r.kind == kind and r.concurrency == concurrency]
        peers = [r for r in runs if acs and r.kind == "acs" and r.sp != "samlgate" and not r.encrypted
                 and r.concurrency == concurrency]
        for r in ours + peers:
            fcgi, nginx, postgres, shares = cpu_split(r)
            note = "; ".join(part for part in (r.note, shares) if part) + ("" if r.valid else " INVALID")
            rows.append([f"{r.sp}: {r.label}", str(r.concurrency), fmt(r.rate), f"{100 * r.share:.1f}",
                         fmt(r.p50_ms, digits), fmt(r.p99_ms, digits), fmt(r.cpu_us), fmt(fcgi), fmt(nginx),
                         fmt(postgres), note.strip()])
        fastest = max(peers, key=lambda r: r.rate, default=None)
        for postgresql in (r for r in ours if r.store == "postgresql"):
            responders = f"{postgresql.responders} × fcgi"
            sqlite = next((r for r in ours if r.store == "sqlite" and r.responders == postgresql.responders), None)
            if sqlite and sqlite.rate:
                rows.append([f"PostgreSQL / SQLite, {responders}" + (" (target ≥ 50%)" if acs else ""),
                             str(concurrency), f"{100 * postgresql.rate / sqlite.rate:.0f}%", "", "", "",
                             f"{postgresql.cpu_us / sqlite.cpu_us:.2f}x", "", "", "", ""])
            if fastest and fastest.rate:
                rows.append([f"PostgreSQL, {responders} / {fastest.sp} ({fastest.label}, fastest peer; target ≥ 2x)",
                             str(concurrency), f"{postgresql.rate / fastest.rate:.1f}x", "", "", "",
                             f"{fastest.cpu_us / postgresql.cpu_us:.1f}x less", "", "", "", ""])
    return table(rows + (shibboleth_skipped(results, len(rows[0])) if acs else []))


def floor_lines(floor: dict) -> list[str]:
    if floor.get("validations") and floor.get("openssl"):
        rows = [["in-process floor (bench/validate.sh, one thread)", "per second"],
                ["samlgate validations (SAML library, no HTTP/DB)", fmt(floor["validations"])],
                ["openssl speed rsa2048 verify", fmt(floor["openssl"])],
                ["ratio", f"{100 * floor['validations'] / floor['openssl']:.1f}%"]]
        if floor.get("before"):
            rows += [[f"the older build's validations ({floor['before_name']})", fmt(floor["before"])],
                     ["this build / the older one", f"{floor['validations'] / floor['before']:.2f}x"]]
        return [table(rows), ""]
    if floor:
        return [f"in-process floor: bench/validate.sh failed: {floor.get('error', '')}", ""]
    return []


def memory_lines(results: Results) -> list[str]:
    if results.memory is None:
        return []
    if len(results.memory) == 2 and not results.memory_problems:
        (n1, mb1), (n2, mb2) = results.memory
        change = 100 * (mb2 - mb1) / mb1
        verdict = "flat (within ±10%)" if abs(change) <= 10 else "NOT flat (target ±10%)"
        return [f"samlgate-fcgi VmRSS through nginx (fresh process, c=8): {mb1:.1f} MB after {n1:,} accepted "
                f"post-backs, {mb2:.1f} MB after {n2:,}: {change:+.1f}%, {verdict}", ""]
    return [f"samlgate-fcgi memory check failed: {results.memory} {'; '.join(results.memory_problems)}", ""]


def report(results: Results, floor: dict, *, date: str, seconds: float, concurrencies: list[int], started: float,
           work: Path, keep: bool, load: tuple[tuple[float, ...], tuple[float, ...]]) -> str:
    """The whole report: the tables, then notes and one INVALID line per invalid run. `load`: the load
    averages (1, 5, 15 min) at the start and at the end."""
    acs_runs = [r for r in results.runs if r.kind == "acs"]
    out = [f"samlgate ACS benchmark — {date}, {os.cpu_count()} cores ({cpu_model()}), {platform.platform()}",
           f"wrk -t{WRK_THREADS} --latency, {seconds:g}s per run, client on the same cores; load average "
           + " at the start, ".join("/".join(f"{x:.2f}" for x in averages) for averages in load) + " at the end", ""]
    if any(r.kind == "store-acs" for r in results.runs):
        out += [store_table(results, concurrencies, "store-acs"), "",
                store_table(results, concurrencies, "store-auth"), ""]
    elif acs_runs or results.shib_skipped:  # none with --only-before-after
        out += [acs_table(acs_runs, results), "", ratio_table(acs_runs, concurrencies), ""]
    logins = [r for r in results.runs if r.kind == "login"]
    if logins:
        out += [login_table(logins), ""]
    if any(r.kind == "auth" for r in results.runs):
        out += [auth_table(results.runs, concurrencies), ""]
    compared = [r for r in results.runs if r.kind == "before-after"]
    if compared:
        out += [before_after_table(compared, concurrencies, "plaintext ACS, before and after in turn"), ""]
    checks = [r for r in results.runs if r.kind == "before-after-auth"]
    if checks:
        out += [before_after_table(checks, concurrencies, f"GET /sso/{ACCOUNT}/auth (cookie), before and after in turn",
                                   "req/s", "CPU µs/req", latency_digits=2), ""]
    out += floor_lines(floor)
    out += memory_lines(results)
    out += [f"note: {n}" for n in results.notes]
    out.append((f"note: samlgate responder RSS after the ACS runs: {results.rss_after_acs:.1f} MB; "
                if results.rss_after_acs else "note: ") + "responses generated: "
               + ", ".join(f"{p.name} {p.generated} in {p.generation_seconds:.0f}s" for p in results.pools)
               + " (outside the timed windows)")
    out.append(f"note: total time {time.monotonic() - started:.0f}s; logs in {work}" if keep
               else f"note: total time {time.monotonic() - started:.0f}s")
    for r in results.invalid:
        out.append(f"INVALID: {r.sp} {r.label} c={r.concurrency}: {'; '.join(r.problems)}")
    if results.shib_failed:
        out.append(f"INVALID: shibboleth {results.shib_skipped}")
    return "\n".join(out)
