"""The reader's marks on the post shown (its position, read), written to the library.

Automatic writes say once per kind that they are kept for this session only, and a failed one
is a warning: neither may stop the reading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.core.errors import LibraryError
from reader.core.library import NOT_SAVED

if TYPE_CHECKING:
    from textual.widget import Widget

    from reader.core.library import Library


_KNOWN_KEPT = 256


class ReadingMarks:
    def __init__(self, library: Library, widget: Widget) -> None:
        self._library = library
        self._widget = widget
        """Where the notices show."""
        self._unsaved_said: set[str] = set()
        self._known: dict[str, int] = {}
        """The position saved for a post, as read or saved here last: a post closed where it
        was opened needs no query (one on the UI thread as `q` is answered)."""

    def position(self, path: str) -> int:
        """The Markdown line saved for `path` (0 when none, or the store cannot say)."""
        try:
            line = self._library.position(path)
        except LibraryError:  # a read-only or broken state store must not stop reading
            return 0
        self._remember(path, line)
        return line

    def save_position(self, path: str, line: int) -> None:
        line = max(0, line)
        if self._known.get(path) == line:
            return
        try:
            saved = self._library.save_position(path, line)
        except LibraryError as error:
            self._warn(f"Could not save the position: {error}")
            return
        self._remember(path, line)
        self._say_unsaved(saved, "Reading positions are kept for this session only")

    def _remember(self, path: str, line: int) -> None:
        self._known.pop(path, None)  # the latest last, the oldest dropped first
        self._known[path] = line
        if len(self._known) > _KNOWN_KEPT:
            del self._known[next(iter(self._known))]

    def seen_hash(self, path: str) -> str | None:
        """The version of `path` read (None when unread or the store cannot say)."""
        try:
            return self._library.seen_hash(path)
        except LibraryError:
            return None

    def mark_read(self, path: str) -> bool:
        """Mark `path` read; False when that failed (and the reader was told)."""
        try:
            saved = self._library.mark_read(path, True, opened=True)
        except LibraryError as error:
            self._warn(f"Could not mark read: {error}")
            return False
        self._say_unsaved(saved, "Posts opened are marked read for this session only")
        return True

    def _say_unsaved(self, saved: bool, what: str) -> None:
        if saved or what in self._unsaved_said:
            return
        self._unsaved_said.add(what)
        self._warn(f"{what}: {NOT_SAVED}")

    def _warn(self, text: str) -> None:
        self._widget.notify(text, severity="warning", markup=False)
