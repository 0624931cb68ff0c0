"""Processes seen from /proc (Linux): the search index builders a process started, and whether
a process has ended."""

from __future__ import annotations

import threading
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
