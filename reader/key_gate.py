"""Keys typed faster than screens open, or after `q`.

Textual forwards a key to the focused widget and runs bindings when the key bubbles back up
to the app, on the screen that is on top *then*. In a burst (over SSH `s` and the query arrive
in one packet) the key after `s` finds the search screen on top before it has composed its
widgets, and its binding's query fails; once the app is exiting a new screen never composes
them at all. So the gate lets a binding run only on the screen the key was typed on; a key
that meets another screen, or one not mounted yet, is held and replayed to that screen once it
is mounted and has taken focus (what was typed after `s` lands in the search box). Keys after
`q` are dropped.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen

_ORIGINS_KEPT = 64
"""Keys a widget consumed never come back to be forgotten: keep only the latest few."""


class KeyGate:
    def __init__(self, app: App[Any], dispatch: Callable[[events.Key], Awaitable[None]]) -> None:
        self._app = app
        self._dispatch = dispatch
        """Textual's own handling of a key arriving from the terminal."""
        self._held: deque[events.Key] = deque()
        self._origin: dict[events.Key, Screen[Any]] = {}
        self._waiter: asyncio.Task[None] | None = None
        self.closed = False
        """Set when the app starts to exit: keys after that are dropped."""

    @property
    def pending(self) -> bool:
        """Keys are held for a screen that has not mounted yet, or are being replayed."""
        return bool(self._held) or self._waiter is not None

    def arrived(self, event: events.Key) -> bool:
        """A key from the terminal. True: let Textual dispatch it now; False: held or dropped."""
        if self.closed or not self._app.screen_stack:  # closing: nothing left to act on
            return False
        if self._held or not self._app.screen.is_mounted:
            self._hold(event)
            return False
        self._remember(event)
        return True

    def may_bind(self, event: events.Key) -> bool:
        """The key came back up unhandled: True if its binding may run on the screen on top."""
        if self.closed or not self._app.screen_stack:
            return False
        screen = self._app.screen
        origin = self._origin.pop(event, screen)
        if origin is screen and not self._held:
            return True
        # Typed before the screen on top opened (or closed): replay it to that screen.
        self._hold(events.Key(event.key, event.character))
        return False

    def _remember(self, event: events.Key) -> None:
        self._origin[event] = self._app.screen
        while len(self._origin) > _ORIGINS_KEPT:
            del self._origin[next(iter(self._origin))]

    def _hold(self, event: events.Key) -> None:
        self._held.append(event)
        if self._waiter is None:
            self._waiter = asyncio.create_task(self._when_mounted(self._app.screen))

    async def _when_mounted(self, screen: Screen[Any]) -> None:
        # What Textual's own AwaitMount waits on; it is set once on_mount has run.
        await screen._mounted_event.wait()
        # Queued behind the focus change that on_mount asked the app for.
        self._app.call_later(self._release)

    async def _release(self) -> None:
        self._waiter = None
        while self._held:
            if self.closed or not self._app.screen_stack:
                self._held.clear()
                return
            if not self._app.screen.is_mounted:  # a replayed key opened another screen
                self._waiter = asyncio.create_task(self._when_mounted(self._app.screen))
                return
            event = self._held.popleft()
            self._remember(event)
            await self._dispatch(event)
