"""SIGCONT that follows a SIGSTOP nobody announced (`kill -STOP`, a stopped SSH or tmux client).

Textual's driver restarts application mode on every SIGCONT, expecting its own SIGTSTP handler
to have stopped it first. A SIGSTOP cannot be caught, so nothing was stopped: the restart starts
a second keyboard reader and a second writer beside the running ones. Both readers then split
the keys, and at exit the driver stops only the newer one; the older one (not a daemon thread)
can miss the exit and keep the process alive after `q` for good. So SIGCONT restarts only what
a SIGTSTP stopped, and otherwise just repaints (the shell may have drawn over the screen).
"""

from __future__ import annotations

import asyncio
import signal
from types import FrameType
from typing import Any

from textual.app import App


def install(app: App[Any], loop: asyncio.AbstractEventLoop) -> None:
    """Wrap the driver's SIGTSTP and SIGCONT handlers (call once the driver is running)."""
    on_stop = signal.getsignal(signal.SIGTSTP)
    on_continue = signal.getsignal(signal.SIGCONT)
    if not callable(on_stop) or not callable(on_continue):
        return  # not Textual's Linux driver: nothing restarts on SIGCONT
    stopped_by_us = False

    def tstp(signum: int, frame: FrameType | None) -> None:
        nonlocal stopped_by_us
        stopped_by_us = True
        on_stop(signum, frame)

    def cont(signum: int, frame: FrameType | None) -> None:
        nonlocal stopped_by_us
        if stopped_by_us:
            stopped_by_us = False
            on_continue(signum, frame)
        elif not loop.is_closed():
            loop.call_soon_threadsafe(lambda: app.refresh(repaint=True, layout=True))

    signal.signal(signal.SIGTSTP, tstp)
    signal.signal(signal.SIGCONT, cont)
