"""A throw-away PostgreSQL 15 cluster for the store comparison: scripts/test-postgres.sh's, with fsync on,
and one database per samlgate site in it."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from samlgate_tools import harness
from samlgate_tools.bench.common import log

SCRIPT = harness.REPO / "scripts" / "test-postgres.sh"
PSQL = "/usr/lib/postgresql/15/bin/psql"


@dataclass
class PostgresDatabase:
    """One database of the cluster: the URL samlgate's --db takes, and the postmaster, whose process tree
    (backends, WAL writer, checkpointer, autovacuum) is the server side's share of the CPU."""

    url: str
    server_pid: int


class PostgresCluster:
    """scripts/test-postgres.sh's cluster in `folder` (run as `nobody` when we are root), started with
    fsync on: the script's default (off) is for tests, and a benchmark should pay for durable commits."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.maintenance_url = ""

    def start(self) -> None:
        result = subprocess.run([str(SCRIPT), "start", str(self.folder)], capture_output=True, text=True,
                                env={**os.environ, "SAMLGATE_TEST_PG_FSYNC": "on"})
        if result.returncode != 0:
            raise RuntimeError(f"scripts/test-postgres.sh start failed: {result.stderr.strip()[-500:]}")
        self.maintenance_url = result.stdout.strip().splitlines()[-1]
        log(f"postgres: cluster at {self.maintenance_url}")

    def stop(self) -> None:
        """Stops the server and removes its folder, its log kept beside it; harmless if it never started."""
        server_log = self.folder / "server.log"
        if server_log.exists():
            shutil.copy(server_log, self.folder.parent / "postgres-server.log")
        subprocess.run([str(SCRIPT), "stop", str(self.folder)], capture_output=True)

    @property
    def server_pid(self) -> int:
        """The postmaster's pid, the first line of its pid file."""
        return int((self.folder / "data" / "postmaster.pid").read_text().split()[0])

    def psql(self, url: str, sql: str) -> str:
        result = subprocess.run([PSQL, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"psql {sql!r}: {result.stderr.strip()[-500:]}")
        return result.stdout.strip()

    def create_database(self, name: str, synchronous_commit: str) -> PostgresDatabase:
        """A new, empty database `name` whose sessions commit with `synchronous_commit` ("on": each commit
        waits for its WAL flush; "off": the WAL writer flushes it within 3 × wal_writer_delay)."""
        self.psql(self.maintenance_url, f'CREATE DATABASE "{name}"')
        self.psql(self.maintenance_url, f'ALTER DATABASE "{name}" SET synchronous_commit = {synchronous_commit}')
        return PostgresDatabase(self.maintenance_url.rsplit("/", 1)[0] + "/" + name, self.server_pid)

    def settings(self, database: PostgresDatabase) -> str:
        """What a session of `database` runs with, as the server reports it: version, fsync, synchronous_commit."""
        version, fsync, commit = (self.psql(database.url, f"SHOW {name}") for name in
                                  ("server_version", "fsync", "synchronous_commit"))
        return f"PostgreSQL {version.split()[0]}, fsync={fsync}, synchronous_commit={commit}"
