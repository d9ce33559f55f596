#!/usr/bin/env python3
"""Side-by-side ACS benchmark: samlgate (nginx + samlgate-fcgi) against mod_auth_mellon and Shibboleth SP 3
(mod_shib + shibd), both in Apache 2.4.

Run through bench/acs.sh, which installs what is needed, builds the release binaries and the test
IdP's venv, then calls this with --bins and --python. Everything listens on 127.0.0.1 on free ports
and lives in one temporary folder; every process started here is stopped on exit.

Each run POSTs unique, validly signed SAML Responses (made beforehand by bench/responses.py, never
sent twice) with wrk and bench/wrk-acs.lua, and counts the answers per HTTP status: plaintext, then with
the signed Assertion encrypted to the SP's certificate (samlgate, mellon and Shibboleth each decrypting
with their own key). samlgate's SP-initiated login (GET …/login, signed and unsigned AuthnRequests) is
timed too, and with --before-bins an older build's (or this build's under other responder options)
plaintext ACS and per-request check next to this one's. --store-comparison measures instead samlgate's
plaintext ACS and per-request check with the SQLite store and with a throw-away PostgreSQL 15 store
(fsync on), behind one and two responder processes, next to mellon's and Shibboleth's plaintext ACS.
A run whose success share is below 99% is marked INVALID and the script exits 1. The peers, wrk, the
response pools and the report are modules of samlgate_tools.bench (python/samlgate_tools/bench/).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from samlgate_tools import harness
from samlgate_tools.bench.before_after import measure_before_after
from samlgate_tools.bench.common import log
from samlgate_tools.bench.encryption import CONTENT_ALGORITHMS
from samlgate_tools.bench.floor import run_floor
from samlgate_tools.bench.mellon import measure_mellon
from samlgate_tools.bench.report import Results, report
from samlgate_tools.bench.samlgate import measure_samlgate
from samlgate_tools.bench.shibboleth import measure_shibboleth
from samlgate_tools.bench.stores import measure_stores


def numbers(text: str) -> list[int]:
    """A comma-separated list of integers (--concurrency, --threads)."""
    return [int(part) for part in text.split(",")]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bins", required=True, help="folder with release samlgate and samlgate-fcgi")
    parser.add_argument("--python", required=True, help="the test IdP venv's python")
    parser.add_argument("--seconds", type=float, default=10, help="length of each timed run")
    parser.add_argument("--concurrency", type=numbers, default="8,32", help="wrk connections, comma-separated")
    parser.add_argument("--threads", type=numbers, default="2,4,8", help="samlgate-fcgi --threads values to try")
    parser.add_argument("--try-seconds", type=float, default=3, help="length of each --threads try")
    parser.add_argument("--generator", choices=("fast", "samlidp"), default="fast",
                        help="fast: bench/responses.py (bench/responses_unique.py for Shibboleth); samlidp: "
                             "Tests/IdP/samlidp.py response (one xmlsec1 per signature; four users for every SP)")
    parser.add_argument("--generators", type=int, default=2, help="parallel samlidp.py processes (--generator samlidp)")
    parser.add_argument("--no-mellon-stock", action="store_true", help="skip mellon with the stock CA bundle")
    parser.add_argument("--no-shibboleth", action="store_true", help="skip Shibboleth SP 3 (mod_shib + shibd)")
    parser.add_argument("--shibboleth-unavailable", metavar="REASON",
                        help="Shibboleth SP could not be installed (acs.sh): say why in the table, measure the rest")
    parser.add_argument("--no-encrypted", action="store_true", help="skip the encrypted-assertion runs")
    parser.add_argument("--no-mellon-encrypted", action="store_true", help="skip mellon's encrypted-assertion runs")
    parser.add_argument("--content-encryption", choices=sorted(CONTENT_ALGORITHMS), default="aes256-gcm",
                        help="the encrypted runs' EncryptedData algorithm (the key: RSA-OAEP-MGF1P)")
    parser.add_argument("--no-login", action="store_true", help="skip samlgate's GET …/login runs")
    parser.add_argument("--before-bins", metavar="DIR",
                        help="an older build's release samlgate and samlgate-fcgi (and samlgate-bench): its "
                             "plaintext ACS (and in-process floor) is measured next to this build's")
    parser.add_argument("--before-name", default="before", help="what to call the --before-bins build")
    parser.add_argument("--before-rounds", type=int, default=2,
                        help="runs of each build per concurrency, alternating which goes first")
    parser.add_argument("--before-responder-args", type=shlex.split, default=[], metavar="ARGS",
                        help="extra samlgate-fcgi arguments for the --before-bins side, split like a shell "
                             "would: with this build's own release folder as --before-bins, "
                             "--before-responder-args=--no-metrics compares metrics off and on")
    parser.add_argument("--only-before-after", action="store_true",
                        help="with --before-bins: measure only the two builds against each other (no peers, "
                             "no samlgate rows of its own; the responders get the first --threads value)")
    parser.add_argument("--store-comparison", action="store_true",
                        help="measure only samlgate's plaintext ACS and `auth` check with the SQLite store and with "
                             "a PostgreSQL 15 store (scripts/test-postgres.sh's cluster, started with fsync on, "
                             "stopped at the end), each behind --store-responders processes (the first --threads "
                             "value each), with the CPU of the PostgreSQL server counted apart, next to the "
                             "plaintext ACS of mellon (CA bundle hidden) and Shibboleth (unless --no-shibboleth); "
                             "implies --no-mellon-stock --no-encrypted, skips the login runs and the memory check")
    parser.add_argument("--store-responders", type=numbers, default="1,2", metavar="COUNTS",
                        help="with --store-comparison: how many samlgate-fcgi processes share the store, one "
                             "measurement per count, comma-separated")
    parser.add_argument("--pg-synchronous-commit", choices=("on", "off"), default="on",
                        help="with --store-comparison: PostgreSQL's synchronous_commit for the bench database "
                             "(on, the default: a commit waits for its WAL flush; off: the WAL writer flushes "
                             "it within 3 × wal_writer_delay, closer to SQLite's synchronous=NORMAL)")
    parser.add_argument("--no-floor", action="store_true", help="skip bench/validate.sh")
    parser.add_argument("--no-rss-check", action="store_true",
                        help="skip the responder memory check (VmRSS after 10,000 and 100,000 post-backs)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    if args.only_before_after and not args.before_bins:
        parser.error("--only-before-after needs --before-bins")
    if args.store_comparison and args.before_bins:
        parser.error("--store-comparison and --before-bins are separate runs")
    if args.store_comparison:
        args.no_mellon_stock = args.no_encrypted = True
    return args


def measure(args: argparse.Namespace, work: Path, processes: harness.Processes) -> Results:
    """Every peer in turn; whatever happens, everything started is stopped."""
    results = Results()
    try:
        key, cert = work / "idp-key.pem", work / "idp-cert.pem"
        shutil.copy(harness.IDP_KEY, key)
        shutil.copy(harness.IDP_CERT, cert)
        if args.store_comparison:
            measure_stores(args, work, processes, key, cert, results)
        elif not args.only_before_after:
            measure_samlgate(args, work, processes, key, cert, results)
        if not args.only_before_after:
            measure_mellon(args, work, processes, key, cert, results)
        if not args.no_shibboleth and not args.only_before_after:
            measure_shibboleth(args, work, processes, key, cert, results)
        if args.before_bins:
            measure_before_after(args, work, processes, key, cert, results)
    except (KeyboardInterrupt, SystemExit):
        processes.stop_all()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        raise
    except BaseException:
        processes.stop_all()
        log(f"failed; logs kept in {work}")
        raise
    finally:
        processes.stop_all()
    return results


def main() -> int:
    args = parse_args()
    if args.generator != "fast":
        args.no_encrypted = True  # encrypted responses come from bench/responses.py only
    started = time.monotonic()
    load = os.getloadavg()
    date = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")

    def on_signal(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    work = Path(tempfile.mkdtemp(prefix="samlgate-bench-"))
    work.chmod(0o755)
    results = measure(args, work, harness.Processes())
    floor = {} if args.no_floor else run_floor(args.before_bins, args.before_name)
    keep = args.keep or results.shib_failed
    print(report(results, floor, date=date, seconds=args.seconds, concurrencies=args.concurrency, started=started,
                 work=work, keep=keep, load=(load, os.getloadavg())), flush=True)
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if results.invalid or results.shib_failed or (floor and "error" in floor) else 0


if __name__ == "__main__":
    sys.exit(main())
