"""Signed responses: generated before the timed windows, each sent at most once."""

from __future__ import annotations

import collections
import math
import subprocess
import time
import urllib.parse
from pathlib import Path

from samlgate_tools.bench.common import BENCH, IDP_ENTITY_ID, SAMLIDP, USERS, log


class ResponsePool:
    """Unique signed SAMLResponses for one SP, kept as files of form bodies (`SAMLResponse=…`, one a
    line). `take` hands out bodies never handed out before, generating more first when short;
    `give_back` returns the ones a run did not send. `encrypt_to`: an SP certificate each Assertion is
    encrypted to (after signing) with `content_encryption` (bench/responses.py --encrypt-to)."""

    def __init__(self, name: str, work: Path, python: str, key: Path, cert: Path, acs: str, audience: str,
                 valid_seconds: int, generator: str, generators: int, script: str = "responses.py",
                 encrypt_to: Path | None = None, content_encryption: str = "aes256-gcm"):
        if encrypt_to and generator != "fast":
            raise ValueError("encrypted responses come from bench/responses.py only (--generator fast)")
        self.generator, self.script = generator, script
        self.encrypt_to, self.content_encryption = encrypt_to, content_encryption
        self.name, self.work, self.python, self.key, self.cert = name, work, python, key, cert
        self.acs, self.audience, self.valid_seconds, self.generators = acs, audience, valid_seconds, generators
        self.chunks: collections.deque[tuple[Path, int]] = collections.deque()  # (file, lines), all unused
        self.serial = 0
        self.generated = 0
        self.generation_seconds = 0.0

    @property
    def available(self) -> int:
        return sum(lines for _, lines in self.chunks)

    def _path(self, kind: str) -> Path:
        self.serial += 1
        return self.work / f"{self.name}-{kind}-{self.serial}.txt"

    def generate(self, count: int) -> None:
        """Makes `count` more responses: bench/responses.py (pysaml2's response, re-signed in batches by
        xmlsec1) or, with --generator samlidp, `samlidp.py response --count` in parallel processes."""
        started = time.monotonic()
        jobs = []
        processes = 1 if self.generator == "fast" else self.generators
        per = math.ceil(max(count, processes) / processes)
        for index in range(processes):
            email, given, family = USERS[(self.serial + index) % len(USERS)]
            out = self._path("b64")
            program = [str(BENCH / self.script)] if self.generator == "fast" else [str(SAMLIDP), "response"]
            args = [self.python, *program, "--acs", self.acs, "--audience", self.audience,
                    "--issuer", IDP_ENTITY_ID, "--email", email, "--given-name", given, "--family-name", family,
                    "--key", str(self.key), "--cert", str(self.cert), "--valid-seconds", str(self.valid_seconds),
                    "--count", str(per), "--out", str(out)]
            if self.encrypt_to:
                args += ["--encrypt-to", str(self.encrypt_to), "--content-encryption", self.content_encryption]
            errors = open(self.work / "generator.log", "ab")
            jobs.append((subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=errors), out))
        # samlidp.py: ~40-400/s per process depending on the machine; allow a generous bound.
        deadline = time.monotonic() + 120 + per / 20
        for process, _ in jobs:
            try:
                process.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                for other, _ in jobs:
                    other.kill()
                raise RuntimeError(f"response generation for {self.name} timed out") from None
            if process.returncode != 0:
                raise RuntimeError(f"response generator failed ({process.returncode}); see {self.work}/generator.log")
        made = 0
        for _, raw in jobs:
            bodies = self._path("bodies")
            lines = 0
            with open(raw) as source, open(bodies, "w") as sink:
                for line in source:
                    line = line.strip()
                    if line:
                        sink.write("SAMLResponse=" + urllib.parse.quote(line, safe="") + "\n")
                        lines += 1
            raw.unlink()
            self.chunks.append((bodies, lines))
            made += lines
        elapsed = time.monotonic() - started
        self.generated += made
        self.generation_seconds += elapsed
        log(f"{self.name}: generated {made} signed responses in {elapsed:.1f}s ({made / elapsed:.0f}/s)")

    def take(self, count: int) -> tuple[Path, int]:
        if self.available < count:
            self.generate(count - self.available)
        out = self._path("run")
        taken = 0
        with open(out, "w") as sink:
            while taken < count:
                path, lines = self.chunks.popleft()
                with open(path) as source:
                    rest = []
                    for line in source:
                        if taken < count:
                            sink.write(line)
                            taken += 1
                        else:
                            rest.append(line)
                path.unlink()
                if rest:
                    again = self._path("bodies")
                    again.write_text("".join(rest))
                    self.chunks.appendleft((again, len(rest)))
        return out, taken

    def give_back(self, run_file: Path, threads: int, sent_per_thread: dict[int, int]) -> int:
        """Puts the bodies of `run_file` that no wrk thread sent back at the front of the pool.
        Thread t sends lines t, t+T, t+2T, … in order, so its first sent[t] lines are the used ones."""
        unused = self._path("bodies")
        kept = 0
        with open(run_file) as source, open(unused, "w") as sink:
            for index, line in enumerate(source):
                thread, position = index % threads, index // threads
                if thread in sent_per_thread and position >= sent_per_thread[thread]:
                    sink.write(line)
                    kept += 1
        run_file.unlink()
        if kept:
            self.chunks.appendleft((unused, kept))
        else:
            unused.unlink()
        return kept
