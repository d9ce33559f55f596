"""A throw-away PostgreSQL cluster for the end-to-end tests and the benchmark: scripts/test-postgres.sh
(initdb in a temporary folder, 127.0.0.1 only, its own port) driven from Python, plus the SQL a test needs
to look at what samlgate stored."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from samlgate_tools.harness import REPO

SCRIPT = REPO / "scripts" / "test-postgres.sh"


class PostgresCluster:
    """One cluster in `folder` (a new temporary one by default): `start()` makes it, `halt()`/`resume()` stop
    and start the server (an outage, the same data and port), `stop()` removes it. `fsync=True` for the
    benchmark, which should pay for durable commits; the tests run without."""

    def __init__(self, folder: Path | None = None, fsync: bool = False) -> None:
        self.folder = folder or Path(tempfile.mkdtemp(prefix="samlgate-e2e-pg-"))
        self.fsync = fsync
        self.maintenance_url = ""

    def _script(self, action: str) -> str:
        result = subprocess.run(["bash", str(SCRIPT), action, str(self.folder)], capture_output=True, text=True,
                                env={**os.environ, "SAMLGATE_TEST_PG_FSYNC": "on" if self.fsync else "off"})
        if result.returncode != 0:
            raise RuntimeError(f"test-postgres.sh {action} failed: {result.stderr.strip()[-500:]}")
        return result.stdout.strip()

    def start(self) -> PostgresCluster:
        self.maintenance_url = self._script("start").splitlines()[-1]
        return self

    def halt(self) -> None:
        self._script("halt")

    def resume(self) -> None:
        self._script("resume")

    def stop(self, keep_log: Path | None = None) -> None:
        """Stops the server and removes its folder (its log copied to `keep_log` first); harmless if it
        never started."""
        server_log = self.folder / "server.log"
        if keep_log and server_log.exists():
            shutil.copy(server_log, keep_log)
        self._script("stop")

    @property
    def server_pid(self) -> int:
        """The postmaster's pid: its process tree (backends, WAL writer, checkpointer) is the server's CPU."""
        return int((self.folder / "data" / "postmaster.pid").read_text().split()[0])

    def url(self, database: str) -> str:
        """The URL of `database` on this cluster (as --db and $SAMLGATE_DB take it)."""
        return self.maintenance_url.rsplit("/", 1)[0] + "/" + database

    def create_database(self, name: str, synchronous_commit: str | None = None) -> str:
        """Creates `name` (its sessions committing with `synchronous_commit` when given: "on" waits for each
        commit's WAL flush, "off" lets the WAL writer flush it shortly after) and returns its URL."""
        self.sql(self.maintenance_url, f'CREATE DATABASE "{name}"')
        if synchronous_commit:
            self.sql(self.maintenance_url, f'ALTER DATABASE "{name}" SET synchronous_commit = {synchronous_commit}')
        return self.url(name)

    def settings(self, url: str) -> str:
        """What a session of `url` runs with, as the server reports it: version, fsync, synchronous_commit."""
        version, fsync, commit = (self.sql(url, f"SHOW {name}")[0][0]
                                  for name in ("server_version", "fsync", "synchronous_commit"))
        return f"PostgreSQL {version.split()[0]}, fsync={fsync}, synchronous_commit={commit}"

    @staticmethod
    def sql(url: str, statement: str) -> list[list[str]]:
        """The rows `statement` returns on `url`, each a list of text columns (psql's unaligned output)."""
        result = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", url, "-c", statement],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()[-500:]}")
        return [line.split("\t") for line in result.stdout.splitlines()]

    def count(self, url: str, query: str) -> int:
        """The single integer `query` returns."""
        return int(self.sql(url, query)[0][0])
