"""Key latency in a real terminal: from a key to the end of the screen update it causes.

The reader runs on a pty of its own at 80x24 (the SSH case), its output drained by a thread
that stamps every chunk. A key is written to the pty; its latency is the time to the last byte
of the burst of output that follows (a burst ends after `QUIET` seconds without output). The
next key waits for the screen to rest, as a reader looks before the next key. Every key of a
round returns the app to where it was, so rounds repeat, but for the post opened: round n opens
the n-th post from the top (a post seen again opens from its rendering kept; a new one is what a
reader opens). Escape-based keys run with ESCDELAY=1, the least Textual takes (the terminal
protocol's wait for a lone Escape, 100 ms by default, is the user's setting, not the app's work:
at 10 ms it was a third of the Escape key's figure).
"""

from __future__ import annotations

import fcntl
import os
import re
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.devtools.bench import Result, Settings

QUIET = 0.04
"""Seconds without output that end the burst a key caused (Textual paints at most 60 times a
second: frames of one update are closer than this)."""
ANSWER_WAIT = 1.0
"""Seconds an unmeasured key waits for the screen to change (each one changes it)."""
REST = 0.15
"""Seconds without output before the next key, so a key never lands in the last one's update."""
IDLE_QUIET = 5.0
"""Seconds without output before the idle app's first key: its start-up work (a no-change
resync, the search index's check) is done and its status line hidden (4 s after). Keys
measured before met that work: the first rounds of a 10k run took up to 47 ms."""
ESCDELAY_MS = "1"
SIZE = (80, 24)
BUSY_FROM = 10_000
"""From this size on, keys are also measured while a fresh store syncs and indexes: smaller
libraries are done before a round ends."""
_ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[@-Z\\-_]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


@dataclass(frozen=True)
class Step:
    name: str | None
    """The measure this key's latency counts towards; None: a move between measured keys."""
    key: bytes
    per_round: bool = False
    """Sent once more each round (none in the first), as one write: each round opens the next
    post down the list, not one already rendered."""


ROUND: tuple[Step, ...] = (
    Step("cursor jump (G/g)", b"G"),
    Step("cursor jump (G/g)", b"g"),
    Step("cursor move (j/k)", b"j"),
    Step("cursor move (j/k)", b"k"),
    Step("filter open (/)", b"/"),
    Step("filter close (Esc)", b"\x1b"),
    Step(None, b"j", per_round=True),
    Step("post open (Enter)", b"\r"),
    Step("post close (q)", b"q"),
    Step(None, b"\t"),  # to the folder list, on All
    Step(None, b"j"),
    Step("folder switch (Enter)", b"\r"),  # Unread; the post list takes the focus
    Step(None, b"\t"),
    Step(None, b"k"),
    Step("folder switch (Enter)", b"\r"),  # All again
)
BASELINE = "cursor jump (G/g)"


class PtyApp:
    """A program on a pty of its own; every chunk it writes is kept with its arrival time."""

    def __init__(self, command: Sequence[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        cols, rows = SIZE
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.process = subprocess.Popen(
            list(command),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            preexec_fn=_take_terminal,
        )
        os.close(slave)
        self.master = master
        self.chunks: list[tuple[float, bytes]] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self.chunks.append((time.perf_counter(), data))

    def _last_output(self) -> float:
        with self._lock:
            return self.chunks[-1][0] if self.chunks else 0.0

    def text(self) -> str:
        with self._lock:
            raw = b"".join(data for _, data in self.chunks)
        return _ANSI.sub(b"", raw).decode("utf-8", "replace")

    def wait_for(self, needle: str, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while needle not in self.text():
            if time.perf_counter() > deadline or self.process.poll() is not None:
                raise TimeoutError(f"{needle!r} did not appear within {timeout:g} s")
            time.sleep(0.05)

    def rest(self, quiet: float = REST, timeout: float = 30) -> None:
        """Wait until the program has written nothing for `quiet` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() - self._last_output() < quiet:
            if time.perf_counter() > deadline:
                return  # it never rests (a busy screen): measure anyway
            time.sleep(0.005)

    def send(self, key: bytes) -> None:
        """Write `key`, wait for the screen to answer (at most `ANSWER_WAIT`) and to rest, as a
        reader looks before the next key. Resting alone was not enough: an answer that took
        longer than `QUIET` to start let the next key in before it (the cursor keys that move
        to a post, then Enter at once: that post was never rendered ahead)."""
        self.rest()
        with self._lock:
            seen = len(self.chunks)
        os.write(self.master, key)
        deadline = time.perf_counter() + ANSWER_WAIT
        while time.perf_counter() < deadline:
            with self._lock:
                if len(self.chunks) > seen:
                    break
            time.sleep(0.002)
        self.rest()

    def press(self, key: bytes, timeout: float = 10) -> float:
        """Seconds from writing `key` to the end of the output burst it causes."""
        self.rest()
        with self._lock:
            seen = len(self.chunks)
        started = time.perf_counter()
        os.write(self.master, key)
        while True:
            with self._lock:
                answered = len(self.chunks) > seen
                last = self.chunks[-1][0] if answered else 0.0
            now = time.perf_counter()
            if answered and now - last >= QUIET:
                return last - started
            if now - started > timeout:
                raise TimeoutError(f"no screen update within {timeout:g} s of {key!r}")
            time.sleep(0.002)

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        os.close(self.master)


def _take_terminal() -> None:
    """In the child: make the pty its controlling terminal, as a login over SSH does."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


@contextmanager
def pty_app(command: Sequence[str], env: dict[str, str] | None = None) -> Iterator[PtyApp]:
    """`command` on a pty of its own, with `env` added to this process's environment."""
    env = {**os.environ, **(env or {}), "TERM": "xterm-256color", "ESCDELAY": ESCDELAY_MS}
    env.pop("TMUX", None)
    app = PtyApp(command, env)
    try:
        yield app
    finally:
        app.close()


def key_latencies(app: PtyApp, rounds: int) -> dict[str, list[float]]:
    """Seconds per measured key over `rounds` rounds of `ROUND`."""
    found: dict[str, list[float]] = {}
    for number in range(rounds):
        for step in ROUND:
            if step.per_round:
                if number:
                    app.send(step.key * number)
            elif step.name is None:
                app.send(step.key)
            else:
                found.setdefault(step.name, []).append(app.press(step.key))
    return found


def _ready_store(site: Path, data_dir: Path) -> None:
    """Synced and indexed for search, as after a first session: the idle app."""
    from reader.core.library import Library
    from reader.core.paths import StorePaths

    library = Library.open(site, paths=StorePaths.default(data_dir))
    try:
        for _ in library.sync():
            pass
        for _ in library.update_search():
            pass
    finally:
        library.close()


def _latencies(command: list[str], rounds: int, *, idle: bool) -> dict[str, list[float]]:
    """Latencies from the first screen on; `idle`: from once the app's start-up work is over
    (see IDLE_QUIET)."""
    with pty_app(command) as app:
        app.wait_for("Help", timeout=120)
        app.rest(IDLE_QUIET if idle else 0.5)
        return key_latencies(app, rounds)


def measure_keys(site: Path, size: int, settings: Settings) -> Iterator[Result]:
    """Key latency on the idle app against a cursor jump; then, from 10k posts on, while the
    first sync and search indexing run (a fresh store) against the idle figures."""
    from reader.devtools.bench import (
        _ms,
        _percentile,
        _reader_command,
        info_result,
        limit_result,
        ratio_result,
    )

    def p95(values: list[float]) -> float:
        return _ms(_percentile(values, 0.95))

    # 8 rounds a repeat (40 by default): the p95 of each key is then its third-highest
    # figure, not the second, so one stall of a shared machine does not decide it.
    rounds = max(4, settings.repeats * 8)
    # Kept beside the cached library: indexing 100k posts for search takes ~13 minutes, and
    # a store already synced and indexed is only checked again.
    idle_dir = settings.library_dir / f"keys-{size}"
    _ready_store(site, idle_dir)
    idle = _latencies(_reader_command(site, idle_dir), rounds, idle=True)
    jump = p95(idle[BASELINE])
    yield info_result(f"key {BASELINE} p95 {size}", jump, "ms")
    for name, values in idle.items():
        if name != BASELINE:
            yield ratio_result(f"key {name} p95 {size}", p95(values), jump, 2.0)
    if size < BUSY_FROM:
        return
    busy = _latencies(
        _reader_command(site, settings.work_dir / f"keys-busy-{size}"), rounds, idle=False
    )
    for name, values in busy.items():
        yield ratio_result(f"key {name} p95 busy {size}", p95(values), p95(idle[name]), 2.0)
    slowest = max(max(values) for values in busy.values())
    yield limit_result(f"key max while syncing {size}", _ms(slowest), 250)
