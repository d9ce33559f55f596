"""The plaintext ACS of two builds back to back: `--before-bins` (an older commit's release binaries) and
`--bins`, each its own fresh site (database, responder, nginx with today's snippets), both up for the
whole comparison and measured in turn, alternating which goes first, so drift on a shared machine falls
on both."""

from __future__ import annotations

from pathlib import Path

from samlgate_tools import harness
from samlgate_tools.bench.common import VALID_SECONDS, log
from samlgate_tools.bench.pool import ResponsePool
from samlgate_tools.bench.report import Results
from samlgate_tools.bench.samlgate import SamlgateSite, smoke_samlgate, timed_post_backs
from samlgate_tools.bench.wrk import Run


def measure_before_after(args, work: Path, processes: harness.Processes, key: Path, cert: Path,
                         results: Results) -> None:
    """`--before-rounds` rounds at each concurrency; round 1 runs the older build first, round 2 the
    newer, and so on. The responders get the --threads value kept for samlgate's own runs."""
    threads = results.samlgate_threads or args.threads[0]
    sides = {}
    for side, bins in (("before", Path(args.before_bins)), ("after", Path(args.bins))):
        site = SamlgateSite(args, work, processes, bins=bins, name=f"samlgate-{side}")
        site.configure(cert)
        site.start_responder(threads)
        site.start_nginx()
        pool = ResponsePool(f"samlgate-{side}", work, args.python, key, cert, site.acs, site.audience,
                            VALID_SECONDS, args.generator, args.generators)
        results.pools.append(pool)
        _, location = smoke_samlgate(site, pool)
        sides[side] = (site, pool, location)
    names = {"before": args.before_name, "after": "this build"}
    expected = max((r.rate for r in results.runs if r.sp == "samlgate" and r.kind == "acs"), default=1500.0)
    for concurrency in args.concurrency:
        for round_index in range(args.before_rounds):
            order = ("before", "after") if round_index % 2 == 0 else ("after", "before")
            for side in order:
                site, pool, location = sides[side]
                log(f"before/after: {names[side]} ({site.bins}), round {round_index + 1}")
                run = Run("samlgate", f"{names[side]} ({threads} threads)", concurrency, kind="before-after",
                          side=side)
                timed_post_backs(site, pool, run, args.seconds, expected, location, results)
                expected = max(expected, run.rate)
                results.runs.append(run)
    for site, _, _ in sides.values():
        site.stop()
