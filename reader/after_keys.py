"""News from background work (sync progress, search indexing, folder counts) shown once the
keys pause, so that its repaint never lands in a key's answer.

While a big library syncs and indexes, the status line and the folder counts change several
times a second. Painted the moment they come, one in three keys had its answer followed, tens
of milliseconds later, by a repaint that it had not asked for (60 ms after G at 100k posts, the
screen still moving). Here a handler of such news runs at once when no key came in the last
`QUIET` seconds; otherwise only the latest message is kept and handled once the keys pause,
never later than `LONGEST_WAIT` after it came (keys held down do not freeze the news).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from textual.message import Message

from reader.foreground import foreground_of

QUIET = 0.15
"""Seconds since the last key before news is shown."""
LONGEST_WAIT = 1.0
"""Seconds news waits at most."""


class OnScreen(Protocol):
    """What holds news back: a screen, or a part of one with its app and timers."""

    @property
    def app(self) -> Any: ...

    def set_timer(self, delay: float, callback: Callable[[], Any]) -> Any: ...


S = TypeVar("S", bound=OnScreen)
M = TypeVar("M", bound=Message)
Handler = Callable[[S, M], None]


def _wait(screen: OnScreen, quiet: float) -> float:
    """Seconds until no key came for `quiet` seconds (0: none did)."""
    foreground = foreground_of(screen.app)
    if foreground is None:
        return 0.0
    return max(0.0, foreground.last_input + quiet - time.monotonic())


def once_keys_pause(
    screen: OnScreen,
    callback: Callable[[], object],
    *,
    since: float | None = None,
    quiet: float = QUIET,
    longest: float | None = LONGEST_WAIT,
) -> None:
    """Run `callback` now if no key came for `quiet` seconds, else once none has, never later
    than `longest` from now (or from `since`; None: however long the keys go on)."""
    since = time.monotonic() if since is None else since
    wait = _wait(screen, quiet)
    if wait and (longest is None or time.monotonic() - since < longest):
        again = functools.partial(
            once_keys_pause, screen, callback, since=since, quiet=quiet, longest=longest
        )
        screen.set_timer(wait, again)
        return
    callback()


def after_keys(handler: Handler[S, M]) -> Handler[S, M]:
    """`handler` (a screen's, for news from background work) run once the keys pause, with
    the latest message that came meanwhile."""
    name = handler.__name__

    @functools.wraps(handler)
    def held_while_typing(screen: S, message: M) -> None:
        held: dict[str, M] = screen.__dict__.setdefault("_news_held", {})
        on_its_way = name in held
        held[name] = message  # only the latest counts
        if not on_its_way:
            once_keys_pause(screen, lambda: handler(screen, held.pop(name)))

    return held_while_typing
