"""Keys from the terminal without Textual's extra wait after a lone Escape.

A terminal sends Escape as the byte that also starts every escape sequence, so the parser waits
`ESCDELAY` ms for more before calling it the Escape key. Textual's Linux input thread checks
that wait only when its `select` returns, which with no more input is after 100 ms: Escape
(closing the filter, a dialog, a find) answered 100 ms late whatever ESCDELAY says. This input
thread is Textual's (8.2, `LinuxDriver.run_input_thread`) with one change: while the parser
waits, `select` returns when the wait is over.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder

from textual._parser import ParseError
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

from reader.foreground import Foreground, foreground_of

IDLE_POLL = 0.1
"""Seconds between two checks for the app's exit while no key comes (Textual's)."""


def select_timeout(parser: XTermParser, now: float) -> float:
    """How long the input thread may wait for input: until the parser's pending Escape wait
    ends (`now` on Textual's clock), else the usual poll."""
    deadline: float | None = getattr(parser, "_timeout_time", None)
    if deadline is None:
        return IDLE_POLL
    return min(IDLE_POLL, max(0.0, deadline - now))


class ReaderDriver(LinuxDriver):
    def write(self, data: str) -> None:
        super().write(data)
        foreground = self._foreground()
        if foreground is not None:
            foreground.frame_written()

    def _foreground(self) -> Foreground | None:
        return foreground_of(self._app)

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events (Textual's loop, see the module's docstring)."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        foreground = self._foreground()

        def process(ready: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            for index, (_key, mask) in enumerate(ready):
                if mask & selectors.EVENT_READ:
                    last = index == len(ready) - 1
                    data = decode(os.read(fileno, 1024 * 4), final=final and last)
                    if not data:  # stdin is a pipe that closed
                        break
                    if foreground is not None:  # background threads wait for its answer
                        foreground.input_arrived()
                    for event in parser.feed(data):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process(selector.select(select_timeout(parser, get_time())))
            selector.unregister(self.fileno)
            process(selector.select(IDLE_POLL), final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass
