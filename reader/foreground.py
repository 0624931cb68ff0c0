"""Keys first: the app's own background threads give way while a key is being answered.

Python runs one thread of a process at a time (the GIL). While a big library syncs, the sync
thread and the list-reading workers take the interpreter in turns with the UI thread (every
5 ms), so a key's screen update took 2-4x its idle time. Here the input thread marks input as
it arrives, and the first frame written once the app has dispatched the key marks it answered;
background work in the app's process waits for `may_run` between small units of work (never
for long: a key whose answer paints nothing, or keys typed without pause, slow it, never stop
it: reader.core.give_way).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Foreground:
    """Whether a key is being answered; `may_run` is set when not."""

    def __init__(self, on_answered: Callable[[], None] | None = None) -> None:
        """`on_answered`: called on the UI thread once a key's answer is written."""
        self._on_answered = on_answered
        self.may_run = threading.Event()
        self.may_run.set()
        self._dispatched = False
        self.last_input = 0.0
        """When input last came (time.monotonic())."""

    def input_arrived(self) -> None:
        """From the input thread: bytes came from the terminal."""
        self.last_input = time.monotonic()
        self._dispatched = False
        self.may_run.clear()

    def key_dispatched(self) -> None:
        """On the UI thread: the key went to its widget; its answer is the next frame. Only
        for input the driver told of: a driver that tells of none (a browser's) writes no
        frame this could wait for."""
        if not self.may_run.is_set():
            self._dispatched = True

    @property
    def answer_pending(self) -> bool:
        """A key was dispatched and no frame written since: the next one is its answer."""
        return self._dispatched

    def frame_written(self) -> None:
        """On the UI thread: a frame went to the terminal."""
        if self._dispatched:
            self._dispatched = False
            self.may_run.set()
            if self._on_answered is not None:
                self._on_answered()


def foreground_of(app: object) -> Foreground | None:
    """`app`'s Foreground (None: an app that does not keep one)."""
    foreground = getattr(app, "foreground", None)
    return foreground if isinstance(foreground, Foreground) else None


def may_run_of(app: object) -> threading.Event | None:
    """The event background work of `app` waits for (None: an app that does not keep one)."""
    foreground = foreground_of(app)
    return foreground.may_run if foreground is not None else None
