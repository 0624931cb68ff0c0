"""What the list's cursor resting on a post does: a wide screen shows the post in the reading
pane beside the list (a preview: not marked read); a narrow one renders it ahead in the hidden
pane, so that opening it is one paint. Posts the cursor only passes over are left alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.timer import Timer

    from reader.screens.library_panes import LibraryPanes

PREVIEW_DELAY = 0.25
"""Seconds the cursor rests on a post before a wide screen shows it."""
PREPARE_DELAY = 0.05
"""Seconds the cursor rests on a post before a narrow screen renders it ahead: longer than a
held-down `j` repeats (every 25-40 ms), short enough that a post with code blocks (20-40 ms to
render) is ready when Enter comes a moment later (at 0.1 s, Enter 0.15 s after the move found
it half done, and rendered it again while the key waited: 70-80 ms)."""


class CursorRest:
    def __init__(self, screen: LibraryPanes) -> None:
        self._screen = screen
        self._timer: Timer | None = None

    def moved(self, path: str) -> None:
        """The cursor is on `path` now (or the reading pane just appeared beside it)."""
        screen = self._screen
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not screen.reading:
            delay = PREVIEW_DELAY if screen.has_class("-wide") else PREPARE_DELAY
            self._timer = screen.set_timer(delay, lambda: self._rested(path))

    def _rested(self, path: str) -> None:
        self._timer = None
        screen = self._screen
        current = screen.posts.current
        if screen.reading or current is None or current.path != path:
            return
        if not screen.has_class("-wide"):
            screen.article.prepare(path)
        elif screen.article.path != path:
            screen.article.show(path, preview=True)
