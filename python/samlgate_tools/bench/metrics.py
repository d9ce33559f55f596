"""CPU time and memory of process trees, read from /proc."""

from __future__ import annotations

import os
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, int, int] | None:
    """(ppid, own utime+stime, reaped children's cutime+cstime) in clock ticks."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    # fields[0] is field 3 (state): ppid=4, utime=14, stime=15, cutime=16, cstime=17
    return int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


def tree(root: int) -> list[int]:
    """`root` and all its descendants."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat:
                parents[int(entry)] = stat[0]
    found = {root}
    changed = True
    while changed:
        changed = False
        for pid, ppid in parents.items():
            if ppid in found and pid not in found:
                found.add(pid)
                changed = True
    return sorted(pid for pid in found if pid in parents or pid == root)


def cpu_snapshot(roots: list[int]) -> dict[int, tuple[int, int]]:
    snapshot = {}
    for root in roots:
        for pid in tree(root):
            stat = _stat(pid)
            if stat:
                snapshot[pid] = (stat[1], stat[2])
    return snapshot


def cpu_seconds_between(before: dict[int, tuple[int, int]], after: dict[int, tuple[int, int]]) -> float:
    """CPU used between two snapshots: processes alive at the end (all of theirs since the first
    snapshot, or since they started) plus children reaped meanwhile (their parents' cutime)."""
    ticks = 0
    for pid, (own, reaped) in after.items():
        if pid in before:
            ticks += (own - before[pid][0]) + (reaped - before[pid][1])
        else:
            ticks += own + reaped
    return ticks / CLK_TCK


def status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total
