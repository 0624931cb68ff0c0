"""Open the library before the app starts, without a blank, deaf terminal meanwhile.

Opening may wait for another reader's write lock (a second SSH session in the middle of a long
write holds state.db); SQLite waits inside the call. The open runs in a thread; past a short
grace the terminal says what it waits for, and q (or Ctrl-C) quits at once.
"""

from __future__ import annotations

import os
import select
import sys
import termios
import threading
import tty
from collections.abc import Callable
from typing import Generic, TypeVar

from reader.core.store.db import waiting_for_lock

T = TypeVar("T")
GRACE = 0.3  # seconds an open may take before the terminal says anything
LOCKED = "waiting for another reader to finish writing… (q quits)"
SLOW = "opening the library… (q quits)"
_QUIT_KEYS = (b"q", b"Q", b"\x03", b"\x1b")


class _Outcome(Generic[T]):
    def __init__(self) -> None:
        self.value: T | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()

    def run(self, opener: Callable[[], T]) -> None:
        try:
            self.value = opener()
        except BaseException as error:  # handed to the main thread
            self.error = error
        finally:
            self.done.set()

    def result(self) -> T:
        if self.error is not None:
            raise self.error
        assert self.value is not None
        return self.value


def open_patiently(opener: Callable[[], T]) -> T | None:
    """`opener()`, or None when the user quit while it waited. Its errors are raised here.
    stdin and stdout must be the terminal."""
    outcome: _Outcome[T] = _Outcome()
    # A daemon: if the user quits, the thread may still sit in SQLite's wait for the lock.
    threading.Thread(target=outcome.run, args=(opener,), daemon=True, name="open").start()
    if outcome.done.wait(GRACE):
        return outcome.result()
    fd = sys.stdin.fileno()
    try:
        saved = termios.tcgetattr(fd)
    except termios.error:  # not a terminal after all: nothing to show, nobody to press q
        outcome.done.wait()
        return outcome.result()
    shown = ""
    try:
        tty.setcbreak(fd)  # keys one at a time, not echoed
        while not outcome.done.is_set():
            message = LOCKED if waiting_for_lock() else SLOW
            if message != shown:
                sys.stdout.write(f"\r\x1b[2K{message}")
                sys.stdout.flush()
                shown = message
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready and any(key in os.read(fd, 64) for key in _QUIT_KEYS):
                return None
    except KeyboardInterrupt:
        return None
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        if shown:
            sys.stdout.write("\r\x1b[2K")
            sys.stdout.flush()
    return outcome.result()
