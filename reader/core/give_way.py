"""Background work giving way to the keys of the app it runs in.

Python runs one thread of a process at a time (the GIL): a sync thread beside the app's UI
thread takes the interpreter in turns with it, and a key's screen update takes 2-4x its idle
time. The app (reader.foreground) keeps an event that is clear while a key is being answered;
work in its process waits for it between small units (never for long: keys typed without
pause, or one whose answer paints nothing, slow the work, never stop it).
"""

from __future__ import annotations

import threading
import time

WAIT_AT_MOST = 0.25
"""Seconds work waits at one point for a key to be answered."""


LOOK_EVERY = 0.01
"""Seconds between two looks at `unless` while waiting."""


def give_way(may_run: threading.Event | None, unless: threading.Event | None = None) -> None:
    """Wait (briefly) while `may_run` is clear, and `unless` is not set (the key answered
    waits for this very work); None: nothing to give way to."""
    if may_run is None or may_run.is_set():
        return
    if unless is None:
        may_run.wait(WAIT_AT_MOST)
        return
    deadline = time.monotonic() + WAIT_AT_MOST
    while not unless.is_set() and not may_run.wait(LOOK_EVERY):
        if time.monotonic() >= deadline:
            return
