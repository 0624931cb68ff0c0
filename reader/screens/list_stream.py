"""The post list read on a worker: kept current while a sync streams posts in, and a folder
whose posts are not kept yet (reading a big category's ids takes ~0.1 s at 100k posts).

Every streamed update reads the list again (its length, the cursor's position, the rows around
it: 50-300 ms of queries at 100k posts on a loaded machine); on the UI thread, keys pressed
meanwhile would wait for them. A worker reads it and the screen shows it only if nothing newer
was asked for since (a folder switch, a filter) and the cursor is still on the post the worker
kept it on; otherwise the list is read again. A streamed update waits for the keys to pause
(reader.after_keys); a folder switched to is shown at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import get_current_worker

from reader.after_keys import after_keys
from reader.core.give_way import give_way
from reader.core.library import Folder, ListWindow, PostList, Sort
from reader.foreground import may_run_of

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

    from reader.screens.library_panes import LibraryPanes


@dataclass
class ListRead(Message):
    """A list read on the stream worker; `asked` tells which request it answers."""

    asked: int
    generation: tuple[int, int]
    keep: str | None
    posts: PostList


class ListStream:
    """Reads of the post list for a streaming sync, at most one running (the newest)."""

    def __init__(self, screen: LibraryPanes) -> None:
        self._screen = screen
        self._asked = 0

    def supersede(self) -> None:
        """A list was just read on the UI thread: a read still running is stale."""
        self._asked += 1

    def request(self, *, at_top: bool = False) -> None:
        """Read the list again on the worker; the screen shows it when it comes (`at_top`: a
        new folder's, from its top)."""
        self._asked += 1
        screen = self._screen
        current = screen.posts.current
        # A cursor on the first row stays on the first row (None): posts that come above it,
        # the newest as a sync or the watcher brings them, are shown, not scrolled past; one
        # elsewhere, or on the post being read, stays on its post
        on_top = screen.posts.cursor == 0 and not screen.reading
        read = partial(
            self._read,
            self._asked,
            screen.folder,
            screen.sort,
            screen.filter_input.value,
            "" if at_top else None if on_top else (current.path if current else None),
            0 if at_top else screen.posts.cursor,
        )
        screen.run_worker(read, thread=True, group="stream", exclusive=True, exit_on_error=False)

    def _read(
        self, asked: int, folder: Folder, sort: Sort, text: str, keep: str | None, cursor: int
    ) -> None:
        library = self._screen.library
        may_run = may_run_of(self._screen.app)
        give_way(may_run)  # keys first: this read takes 50-300 ms of Python at 100k posts
        generation = library.index_generation()
        selection = library.posts(folder, sort=sort, filter_text=text)
        give_way(may_run)
        window = ListWindow(selection, keep, cursor)
        if not get_current_worker().is_cancelled:
            self._screen.post_message(ListRead(asked, generation, keep, window))

    @property
    def app(self) -> App[object]:
        return self._screen.app

    def set_timer(self, delay: float, callback: Callable[[], object]) -> Timer:
        return self._screen.set_timer(delay, callback)

    def received(self, message: ListRead) -> None:
        if message.keep == "":  # a folder switched to: its list is the key's answer
            self._show(message)
        else:  # the list refreshed as a sync streams posts in: news
            self._streamed(message)

    @after_keys
    def _streamed(self, message: ListRead) -> None:
        self._show(message)

    def _show(self, message: ListRead) -> None:
        if message.asked != self._asked:
            return  # a newer list was asked for (or read) since
        posts = self._screen.posts
        current = posts.current
        # keep "": a new folder's list, from its top wherever the old list's cursor is
        if message.keep is None:
            moved = posts.cursor != 0
        else:
            moved = message.keep != "" and (current.path if current else None) != message.keep
        if moved:
            self.request()  # the cursor moved meanwhile: keep it where it is now
            return
        self._screen.show_posts(message.posts, message.keep, message.generation)
