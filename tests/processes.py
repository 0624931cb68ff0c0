"""Processes seen from /proc (Linux): the search index builders a process started, whether
a process has ended, and the processes whose command lines hold given words."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path


def gone(pid: int) -> bool:
    """The process ended (a zombie not yet reaped by whoever adopted it has ended too)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def builder_pids(parent: int) -> list[int]:
    """The search index builders running as children of `parent`."""
    pids = []
    for children in Path(f"/proc/{parent}/task").glob("*/children"):
        for pid in children.read_text().split():
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except FileNotFoundError:
                continue  # ended meanwhile
            if b"reader.core.search_builder" in cmdline and not gone(int(pid)):
                pids.append(int(pid))
    return pids


def wait_gone(pid: int, seconds: float = 60) -> bool:
    """Whether the process ends within `seconds` (a bound on waiting, not a measure)."""
    pause = threading.Event()
    for _ in range(int(seconds / 0.05)):
        if gone(pid):
            return True
        pause.wait(0.05)
    return gone(pid)


def processes_where(test: Callable[[list[bytes]], bool]) -> list[int]:
    """Pids of the live processes whose argv (as bytes) passes `test`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # ended meanwhile, or not ours to read
        if argv != [b""] and test(argv) and not gone(int(entry.name)):
            found.append(int(entry.name))
    return found
