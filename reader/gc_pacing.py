"""No garbage collection while a key is being answered.

CPython collects its youngest generation after every 700 container objects allocated and not
freed, an older one every tenth time, and the oldest now and then. A key's answer allocates
1,500-3,000 of them at 10k posts, so each key paid two to four young collections (0.1-0.7 ms),
one in ten an older one (0.5-1.5 ms), and about six keys a bench run a full pass over what was
made since start-up's freeze (5-16 ms): those decided the slowest keys.

In the interactive app the collector is off from a key's arrival until `AFTER_ANSWER` after
its answer is written (the output thread writes it meanwhile, and a collection holds the GIL it
needs), and never longer than `LONGEST_HOLD` (a key that changes nothing on screen, keys that
come faster than their answers). What the key allocated is then collected by CPython's own
rules, as often as before: a raised young threshold, tried first, kept large cyclic garbage
(posts converted in workers) alive longer and left the memory walk 8 MB higher.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

AFTER_ANSWER = 0.02
"""Seconds from a key's answer written to the collector's return."""
LONGEST_HOLD = 0.25
"""Seconds the collector stays off at most, whatever keys come meanwhile."""

Schedule = Callable[[float, Callable[[], None]], Any]


class KeyGcHold:
    """Holds the collector off while keys are answered, once `start`ed."""

    def __init__(self, schedule: Schedule) -> None:
        """`schedule(delay, callback)` runs `callback` later on this thread."""
        self._schedule = schedule
        self._started = False
        self._holding = False
        """The collector is off, turned off here."""
        self._key = 0
        """Keys held for so far: the release after an answer is for the latest key only."""
        self._hold = 0
        """Holds so far: the longest hold's end is for the hold it was set for only."""

    @property
    def holding(self) -> bool:
        return self._holding

    def start(self) -> None:
        self._started = True

    def stop(self) -> None:
        self._started = False
        self._release(self._key)

    def key_arrived(self) -> None:
        """A key is about to be handled: the collector waits until it is answered."""
        if not self._started:
            return
        if not self._holding:
            if not gc.isenabled():  # off for someone else: theirs to turn on
                return
            gc.disable()
            self._holding = True
            self._hold += 1
            hold = self._hold
            self._schedule(LONGEST_HOLD, lambda: self._end_hold(hold))
        self._key += 1

    def answered(self) -> None:
        """A key's answer was written: the collector returns shortly."""
        if self._holding:
            key = self._key
            self._schedule(AFTER_ANSWER, lambda: self._release(key))

    def _release(self, key: int) -> None:
        if key == self._key:
            self._end_hold(self._hold)

    def _end_hold(self, hold: int) -> None:
        if self._holding and hold == self._hold:
            self._holding = False
            gc.enable()
