"""Background work giving way to the keys of the app it runs in.

Python runs one thread of a process at a time (the GIL): a sync thread beside the app's UI
thread takes the interpreter in turns with it, and a key's screen update takes 2-4x its idle
time. The app (reader.foreground) keeps an event that is clear while a key is being answered;
work in its process waits for it between small units (never for long: keys typed without
pause, or one whose answer paints nothing, slow the work, never stop it).
"""

from __future__ import annotations

import threading

WAIT_AT_MOST = 0.25
"""Seconds work waits at one point for a key to be answered."""


def give_way(may_run: threading.Event | None) -> None:
    """Wait (briefly) while `may_run` is clear; None: nothing to give way to."""
    if may_run is not None and not may_run.is_set():
        may_run.wait(WAIT_AT_MOST)
