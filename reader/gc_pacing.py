"""Garbage collection between keys, not inside them.

CPython collects its youngest generation after every 700 container objects allocated and not
freed, the next one every tenth time, and the oldest every tenth time of that. A key's frame
allocates 1,500-3,000 of them, so each key paid two to four young collections (0.1-0.7 ms), one
in ten an older one (0.5-1.5 ms), and now and then a full pass over what was made since
start-up's freeze (5-16 ms at 10k posts): those decided the slowest keys of a bench run.

In the interactive app the automatic threshold is raised out of a key's reach and the app
collects by itself: the young generations just after a key's answer is written, the oldest
once no key came for `IDLE` seconds (or, with keys that never pause, once it is far overdue).
Work in the background between keys (a sync, conversions) still reaches the raised threshold
and is collected as before, in bigger, rarer steps.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

YOUNG_THRESHOLD = 20_000
"""Automatic young collections after this many new container objects (CPython: 700): ten
keys' worth, and the app collects after every key."""
AFTER_ANSWER = 0.02
"""Seconds from a key's answer written to the young collection: the output thread writes the
frame meanwhile (a collection holds the GIL it needs)."""
IDLE = 1.0
"""Seconds without a key before a full collection."""
OVERDUE = 10
"""A full collection runs after this many times the young collections CPython would have
made before one, even while keys come."""

Schedule = Callable[[float, Callable[[], None]], Any]


class KeyPacedCollector:
    """Collects garbage at moments chosen by the keys; `start` hands the collector over."""

    def __init__(self, schedule: Schedule, last_input: Callable[[], float]) -> None:
        """`schedule(delay, callback)` runs `callback` later on this thread; `last_input()`
        is when the last key came (time.monotonic())."""
        self._schedule = schedule
        self._last_input = last_input
        self._saved: tuple[int, int, int] | None = None
        self._young_due = False
        self._full_due = False

    @property
    def started(self) -> bool:
        return self._saved is not None

    def start(self) -> None:
        if self._saved is None:
            self._saved = gc.get_threshold()
            gc.set_threshold(YOUNG_THRESHOLD, *self._saved[1:])

    def stop(self) -> None:
        """Give the thresholds back (collections already scheduled do nothing)."""
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def answered(self) -> None:
        """A key's answer was written: collect the young generations shortly."""
        if self._saved is not None and not self._young_due:
            self._young_due = True
            self._schedule(AFTER_ANSWER, self._collect_young)

    def _collect_young(self) -> None:
        self._young_due = False
        if self._saved is None:
            return
        _, middle, oldest = self._saved
        young, collected_young, collected_middle = gc.get_count()
        if collected_young >= middle:
            gc.collect(1)
            collected_middle += 1
        elif young:
            gc.collect(0)
        if collected_middle >= oldest * OVERDUE:
            gc.collect(2)
        elif collected_middle >= oldest and not self._full_due:
            self._full_due = True
            self._schedule(IDLE, self._collect_full_when_idle)

    def _collect_full_when_idle(self) -> None:
        if self._saved is None:
            self._full_due = False
            return
        wait = self._last_input() + IDLE - time.monotonic()
        if wait > 0:
            self._schedule(wait, self._collect_full_when_idle)
            return
        self._full_due = False
        gc.collect(2)
