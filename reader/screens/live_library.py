"""The library followed while its screen is up: what changes on disk is synced by itself.

A worker thread watches the library's folders (reader.core.watch) and syncs each group of
changed paths on that thread; the screen hears of it as of any sync (`SyncUpdate`), but only
when something changed. Where the folders cannot be watched, a notification says so once and
the library is resynced every `POLL_EVERY` seconds instead.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.worker import Worker

from reader import safe
from reader.core.errors import LibraryError
from reader.core.watch import POLL_EVERY, Watcher, WatchUnavailable, poll_library, watch_library
from reader.foreground import may_run_of
from reader.screens.library_messages import SyncUpdate

if TYPE_CHECKING:
    from reader.screens.library_panes import LibraryPanes


class LiveLibrary:
    def __init__(self, screen: LibraryPanes, watcher: Watcher | None = None) -> None:
        self._screen = screen
        self._watcher = watcher
        self._stop = threading.Event()
        self._worker: Worker[None] | None = None

    def start(self) -> None:
        if self._worker is None and self._screen.config.watch:
            self._worker = self._screen.run_worker(
                self._follow, thread=True, group="watch", exit_on_error=False
            )

    def stop(self) -> None:
        self._stop.set()

    def _follow(self) -> None:
        site = self._screen.library.site
        try:
            watch_library(site, self._stop, self._sync, self._watcher)
        except WatchUnavailable as error:  # said once (a notification is posted: thread-safe)
            reason = f"Cannot watch the library ({error}): resynced every {POLL_EVERY:.0f} s"
            safe.notify(self._screen.app, reason, severity="warning")
            poll_library(self._stop, lambda: self._sync(None))

    def _sync(self, paths: Sequence[str] | None) -> None:
        """Sync `paths` (None: the whole library) here, on the watching thread. A sync that
        fails is said, and the watching goes on (the next change, or `r`, tries again)."""
        screen = self._screen
        try:
            for progress in screen.library.sync(self._stop, may_run_of(screen.app), only=paths):
                if progress.done and (progress.parsed or progress.removed or progress.relinked):
                    screen.post_message(SyncUpdate(progress, live=True, paths=paths or ()))
        except LibraryError as error:
            safe.notify(screen.app, f"Could not follow a change on disk: {error}", severity="error")
