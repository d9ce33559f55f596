"""The store comparison (--store-comparison): samlgate's plaintext ACS post-backs and per-request check with
the SQLite store and with a PostgreSQL 15 store, each behind one and then behind two samlgate-fcgi processes
sharing it. Each store gets a fresh site (its own database and nginx); the responder counts run in turn on
it, in the same order for both stores. The PostgreSQL server's CPU is counted next to the responders'."""

from __future__ import annotations

from pathlib import Path

from samlgate_tools import harness
from samlgate_tools.bench.common import VALID_SECONDS, log
from samlgate_tools.bench.pool import ResponsePool
from samlgate_tools.bench.report import Results
from samlgate_tools.bench.samlgate import SamlgateSite, smoke_samlgate, timed_auth, timed_post_backs
from samlgate_tools.bench.wrk import Run
from samlgate_tools.postgres import PostgresCluster

STORES = ("sqlite", "postgresql")
# SQLite's own setting (Sources/Store/SQLite/SQLiteBackend.swift), for the label next to PostgreSQL's.
SQLITE_SETTINGS = "SQLite, WAL, synchronous=NORMAL"


def measure_stores(args, work: Path, processes: harness.Processes, key: Path, cert: Path,
                   results: Results) -> None:
    """For each store and each --store-responders count: the responders restarted fresh, a smoke post-back,
    the timed post-backs at each concurrency, then the `auth` check with the smoke post-back's session. The
    responders get the first --threads value each. The cluster is stopped at the end, also when something
    fails."""
    threads = args.threads[0]
    cluster = PostgresCluster(work / "postgres", fsync=True)
    try:
        cluster.start()
        for store in STORES:
            expected = 1500.0  # first guess; each run's measured rate sizes the store's next one
            name = f"samlgate-{store}"
            database = cluster.create_database("bench", args.pg_synchronous_commit) if store == "postgresql" else None
            settings = cluster.settings(database) if database else SQLITE_SETTINGS
            site = SamlgateSite(args, work, processes, name=name, database=database,
                                database_server=cluster.server_pid if database else None)
            site.configure(cert)
            pool = ResponsePool(name, work, args.python, key, cert, site.acs, site.audience, VALID_SECONDS,
                                args.generator, args.generators)
            results.pools.append(pool)
            site.start_nginx()  # nginx finds the responders' socket when a request comes
            for count in args.store_responders:
                site.start_responder(threads, count)
                token, location = smoke_samlgate(site, pool)
                label = f"{settings}; {count} × fcgi ({threads} threads)"
                log(f"store comparison: {label}")
                for concurrency in args.concurrency:
                    run = timed_post_backs(site, pool, Run("samlgate", label, concurrency, kind="store-acs",
                                                           store=store, responders=count),
                                           args.seconds, expected, location, results)
                    expected = max(expected, run.rate)
                    results.runs.append(run)
                for concurrency in args.concurrency:
                    run = Run("samlgate", label, concurrency, kind="store-auth", store=store, responders=count,
                              success_status=204)
                    results.runs.append(timed_auth(site, token, run, args.seconds))
            site.stop()
    finally:
        cluster.stop(keep_log=work / "postgres-server.log")
