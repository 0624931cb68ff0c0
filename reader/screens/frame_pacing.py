"""When a screen paints: at most `MAX_FPS` times a second, the first frame after a key at once.

Textual drives a screen's paints with an interval timer that it pauses after each paint and
resumes when something asks for one. Resumed, it paints at its next tick, which after a paint
is not the next period but the one after (its count of ticks is worked out past the one due):
17-33 ms. While a big library syncs, the status line and folder counts repaint between keys,
and a key that came just after such a paint waited that long for its own: 28-35 ms at 100k,
against 5-10 ms idle. `FramePacer` keeps the pace (no paint sooner than a period after the
last) and answers input without it: a key's frame is due at once.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Callable
from typing import Any

from textual import constants
from textual._context import active_app, active_message_pump

from reader.foreground import foreground_of

PERIOD = 1 / constants.MAX_FPS


class FramePacer:
    """Stands in for a screen's update timer (`pause`, `resume`, `stop`)."""

    def __init__(self, screen: Any, paint: Callable[[], None], period: float = PERIOD) -> None:
        self._app = screen.app
        self._paint = paint
        self._period = period
        self._last = float("-inf")
        """When the last paint started (time.monotonic())."""
        self._due: asyncio.TimerHandle | None = None
        self._stopped = False
        # Run as Textual runs a screen's timer: with the screen as the active message pump.
        self._context = contextvars.copy_context()
        self._context.run(active_app.set, self._app)
        self._context.run(active_message_pump.set, screen)

    def resume(self) -> None:
        """A paint is wanted: a period after the last one, or at once for a key's answer."""
        if self._stopped:
            return
        wait = 0.0 if self._answer_pending() else self._last + self._period - time.monotonic()
        loop = asyncio.get_running_loop()
        when = loop.time() + max(0.0, wait)
        if self._due is not None:
            if self._due.when() <= when:
                return
            self._due.cancel()  # a key came: its answer does not wait for the pace
        self._due = loop.call_at(when, self._run, context=self._context)

    def pause(self) -> None:
        if self._due is not None:
            self._due.cancel()
            self._due = None

    def stop(self) -> None:
        self.pause()
        self._stopped = True

    def _answer_pending(self) -> bool:
        foreground = foreground_of(self._app)
        return foreground is not None and foreground.answer_pending

    def _run(self) -> None:
        self._due = None
        if self._stopped or self._app._exit:
            return
        self._last = time.monotonic()
        try:
            self._paint()
        except Exception as error:  # as Textual's timer does with its callback's errors
            self._app._handle_exception(error)
