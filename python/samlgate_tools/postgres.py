"""A throw-away PostgreSQL cluster for the end-to-end tests and the benchmark: scripts/test-postgres.sh
(initdb in a temporary folder, 127.0.0.1 only, its own port) driven from Python, plus the SQL a test needs
to look at what samlgate stored."""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from samlgate_tools.harness import REPO

SCRIPT = REPO / "scripts" / "test-postgres.sh"


class PostgresCluster:
    """One cluster: `start()` makes it, `halt()`/`resume()` stop and start the server (an outage, the same
    data and port), `stop()` removes it."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="samlgate-e2e-pg-"))
        self.maintenance_url = ""

    def _script(self, action: str) -> str:
        result = subprocess.run(["bash", str(SCRIPT), action, str(self.folder)], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"test-postgres.sh {action} failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def start(self) -> PostgresCluster:
        self.maintenance_url = self._script("start")
        return self

    def halt(self) -> None:
        self._script("halt")

    def resume(self) -> None:
        self._script("resume")

    def stop(self) -> None:
        self._script("stop")

    def url(self, database: str) -> str:
        """The URL of `database` on this cluster (as --db and $SAMLGATE_DB take it)."""
        return self.maintenance_url.rsplit("/", 1)[0] + "/" + database

    def create_database(self, name: str) -> str:
        """Creates `name` and returns its URL."""
        self.sql(self.maintenance_url, f'CREATE DATABASE "{name}"')
        return self.url(name)

    @staticmethod
    def sql(url: str, statement: str) -> list[list[str]]:
        """The rows `statement` returns on `url`, each a list of text columns (psql's unaligned output)."""
        result = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", url, "-c", statement],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()}")
        return [line.split("\t") for line in result.stdout.splitlines()]

    def count(self, url: str, query: str) -> int:
        """The single integer `query` returns."""
        return int(self.sql(url, query)[0][0])
