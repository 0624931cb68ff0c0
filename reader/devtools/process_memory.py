"""Memory of a process and every process below it, read from /proc (Linux)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TreeMemory:
    rss_mib: float
    """Resident memory of the process and its descendants now, summed."""
    peak_mib: float
    """The process's own peak (VmHWM); children's peaks are not kept by the kernel."""
    commands: tuple[str, ...]
    """Command lines of the descendants."""


def _status_kib(pid: int, field: str) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0  # gone between the listing and the read
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _parents() -> dict[int, int]:
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields start after the last ")".
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def descendants(pid: int) -> list[int]:
    parents = _parents()
    found: list[int] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, of in parents.items() if of == parent]
        found.extend(children)
        frontier.extend(children)
    return found


def _command(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return ""


def tree_memory(pid: int) -> TreeMemory:
    children = descendants(pid)
    total = _status_kib(pid, "VmRSS") + sum(_status_kib(child, "VmRSS") for child in children)
    return TreeMemory(
        rss_mib=total / 1024,
        peak_mib=_status_kib(pid, "VmHWM") / 1024,
        commands=tuple(_command(child) for child in children),
    )
