"""Two samlgate sites back to back: `--before-bins` (an older commit's release binaries, or this build's
own with `--before-responder-args`, say `--no-metrics`) and `--bins`, each its own fresh site (database,
responder, nginx with today's snippets), both up for the whole comparison and measured in turn,
alternating which goes first, so drift on a shared machine falls on both: the plaintext ACS, then the
per-request check (`GET …/auth` with a session cookie)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from samlgate_tools import harness
from samlgate_tools.bench.common import VALID_SECONDS, log
from samlgate_tools.bench.pool import ResponsePool
from samlgate_tools.bench.report import Results
from samlgate_tools.bench.samlgate import SamlgateSite, smoke_samlgate, timed_auth, timed_post_backs
from samlgate_tools.bench.smoke import send
from samlgate_tools.bench.wrk import Run

DURATION_COUNT = re.compile(r'^samlgate_request_duration_seconds_count\{[^}]*endpoint="(\w+)"[^}]*\}\s+(\S+)', re.M)


def measure_before_after(args, work: Path, processes: harness.Processes, key: Path, cert: Path,
                         results: Results) -> None:
    """`--before-rounds` rounds at each concurrency; round 1 runs the before side first, round 2 the
    after side, and so on, for the post-backs and then the same for `auth`. The responders get the
    --threads value kept for samlgate's own runs (without those, the first --threads value)."""
    threads = results.samlgate_threads or args.threads[0]
    sides = {}
    for side, bins, extra in (("before", Path(args.before_bins), args.before_responder_args),
                              ("after", Path(args.bins), [])):
        site = SamlgateSite(args, work, processes, bins=bins, name=f"samlgate-{side}", responder_args=extra)
        site.configure(cert)
        site.start_responder(threads)
        site.start_nginx()
        pool = ResponsePool(f"samlgate-{side}", work, args.python, key, cert, site.acs, site.audience,
                            VALID_SECONDS, args.generator, args.generators)
        results.pools.append(pool)
        token, location = smoke_samlgate(site, pool)
        sides[side] = (site, pool, token, location)
    names = {"before": args.before_name, "after": "this build"}
    expected = max((r.rate for r in results.runs if r.sp == "samlgate" and r.kind == "acs"), default=1500.0)
    for concurrency in args.concurrency:
        for kind in ("before-after", "before-after-auth"):
            for round_index in range(args.before_rounds):
                order = ("before", "after") if round_index % 2 == 0 else ("after", "before")
                for side in order:
                    site, pool, token, location = sides[side]
                    log(f"before/after {'auth' if kind.endswith('auth') else 'ACS'}: {names[side]} ({site.bins}), "
                        f"round {round_index + 1}")
                    run = Run("samlgate", f"{names[side]} ({threads} threads)", concurrency, kind=kind, side=side)
                    if kind == "before-after":
                        timed_post_backs(site, pool, run, args.seconds, expected, location, results)
                        expected = max(expected, run.rate)
                    else:
                        run.success_status = 204
                        timed_auth(site, token, run, args.seconds)
                    results.runs.append(run)
    for side, (site, _, _, _) in sides.items():
        results.notes.append(f"before/after: {names[side]}: {responder_line(site)}")
        site.stop()


def responder_line(site: SamlgateSite) -> str:
    """The responder's command line as the kernel has it, and the request timings its /sso/-/metrics
    counted, so the report shows which options each side really ran with."""
    with open(f"/proc/{site.responder.pid}/cmdline", "rb") as cmdline:
        argv = [word.decode() for word in cmdline.read().split(b"\0") if word]
    status, _, body = send("GET", site.port, "/sso/-/metrics")
    if status != 200:
        timings = f"/sso/-/metrics answered {status}"
    else:
        counts = DURATION_COUNT.findall(body.decode())
        timings = ("/sso/-/metrics samlgate_request_duration_seconds_count "
                   + ", ".join(f"{endpoint} {value}" for endpoint, value in counts) if counts
                   else "/sso/-/metrics has no samlgate_request_duration_seconds")
    return f"{shlex.join(argv)}; {timings}"
