"""The main screen's panes: folders, filter and post list beside the reading pane.

Wide terminals (>= 120 columns) show both panes side by side; narrower ones show one at a time
(list <-> article). `LibraryPanes` lays them out and keeps the list current (the sync worker,
the filter, the preview); MainScreen (main.py) adds what the reader does. Workers call the core;
message handlers change widgets.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Resize
from textual.widgets import Input
from textual.worker import Worker, WorkerState, get_current_worker

from reader import long_lived, safe
from reader.after_keys import after_keys
from reader.core.give_way import give_way
from reader.core.library import Folder, Library, PostList
from reader.core.words import counted
from reader.foreground import may_run_of
from reader.screens.cursor_rest import CursorRest
from reader.screens.library_messages import FoldersCounted, SearchIndexUpdate, SyncUpdate
from reader.screens.list_stream import ListRead, ListStream
from reader.screens.live_library import LiveLibrary
from reader.screens.one_frame import OneFrameScreen
from reader.widgets.article_view import ArticleView
from reader.widgets.filter_input import FilterInput
from reader.widgets.focus_styles import FocusStyleCache
from reader.widgets.folder_tree import ALL, FolderTree
from reader.widgets.footer import ReaderFooter
from reader.widgets.library_pane import LibraryPane
from reader.widgets.memory_trim import trim_when_idle
from reader.widgets.post_list import PostListView
from reader.widgets.sync_status import SyncStatus

if TYPE_CHECKING:
    from reader.core.config import Config
    from reader.core.sync import SyncProgress

WIDE = 120
_STREAM_EVERY = 0.5  # seconds between list refreshes while a sync streams posts in
_RECOUNT_EVERY = 3.0  # seconds between folder recounts while a sync streams posts in


class LibraryPanes(OneFrameScreen[None]):
    """Library pane + reading pane, and the sync that keeps the library current."""

    def __init__(self, library: Library, config: Config, *, open_path: str | None = None) -> None:
        super().__init__()
        self.library = library
        self.config = config
        self._open_at_start = open_path
        """A post to open as soon as the index lists it (now, or once the first sync is done)."""
        self.folder: Folder = ALL
        self.sort: Literal["date", "title"] = "date"
        self._sync_cancel = threading.Event()
        self._last_stream = self._last_recount = 0.0
        self._stream = ListStream(self)
        self._notices_shown: set[str] = set()
        self._listed_generation: tuple[int, int] | None = None
        self._sync_progress: SyncProgress | None = None  # the last report of a running sync
        self._cursor_rest = CursorRest(self)
        self._live = LiveLibrary(self)
        self._folders_asked = 0  # generation of the newest folder count asked for
        self._folders_shown = 0  # generation of the count the tree shows
        self._reading = False
        self._synced_once = False

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The layout classes before the panes exist: set later, they restyle every widget.
        self._apply_layout(self.app.size.width)
        with Horizontal(id="panes"):
            with LibraryPane(id="library-pane"):
                yield FolderTree(id="folders")
                yield FilterInput(placeholder="Filter titles…", id="filter", select_on_focus=False)
                yield PostListView(id="posts")
            yield ArticleView(self.library, id="article")
        yield SyncStatus(id="sync")
        yield ReaderFooter()

    @property
    def posts(self) -> PostListView:
        return self.query_one("#posts", PostListView)

    @property
    def folders(self) -> FolderTree:
        return self.query_one("#folders", FolderTree)

    @property
    def article(self) -> ArticleView:
        return self.query_one("#article", ArticleView)

    @property
    def filter_input(self) -> FilterInput:
        return self.query_one("#filter", FilterInput)

    @property
    def reading(self) -> bool:
        """The article pane is the one shown (narrow) or focused (wide)."""
        return self._reading

    def on_mount(self) -> None:
        if self.app.is_headless:
            self.filter_input.cursor_blink = False
        self.library.begin_visit()
        snapshot = self.library.folders_snapshot()
        if snapshot is None:
            self.folders.set_folders(self.library.folders())
        else:  # the counts of the last session now, current ones once the screen is painted
            self.folders.set_folders(snapshot)
            self.call_after_refresh(self._recount_folders)
        self.reload_posts()
        self.posts.focus()
        self._show_new_notices()
        self._open_pending_post()
        # The first screen, then its objects frozen, then the resync: frozen before the sync,
        # the full collections its allocations set off (one every ~4 s) skip them (at 100k
        # posts: 70-185 ms each, holding the GIL the keys wait for).
        self.call_after_refresh(self._freeze_long_lived)
        self.call_after_refresh(self.start_sync)
        self.call_after_refresh(self._live.start)
        self.call_after_refresh(self._keep_focus_styles)

    def on_unmount(self) -> None:
        self._sync_cancel.set()
        self._live.stop()
        long_lived.thaw(self)

    def on_resize(self, event: Resize) -> None:
        was_wide = self.has_class("-wide")
        self._apply_layout(event.size.width)
        self._show_panes()
        current = self.posts.current
        if not was_wide and self.has_class("-wide") and current is not None:
            self._cursor_rest.moved(current.path)  # the reading pane just appeared

    def _apply_layout(self, width: int) -> None:
        wide = width >= WIDE
        self.set_class(wide, "-wide")
        self.set_class(not wide, "-narrow")

    def show_article_pane(self) -> None:
        self._set_reading(True)
        self.article.focus()

    def show_list_pane(self) -> None:
        self._set_reading(False)
        self.posts.focus()

    def _set_reading(self, reading: bool) -> None:
        self._reading = reading
        self._show_panes()

    def _show_panes(self) -> None:
        """Narrow: the one pane read; wide: both. Set on each pane itself (its `display`): a
        class would restyle the pane and every widget in it on each post opened and closed."""
        narrow = not self.has_class("-wide")
        self.query_one("#library-pane").display = not (narrow and self._reading)
        self.article.display = not narrow or self._reading

    # -- data ---------------------------------------------------------------------------------

    def reload_posts(self, *, keep: str | None = None) -> None:
        """Query the current folder, sort and filter again; keep the cursor on `keep`."""
        current = self.posts.current
        keep = keep if keep is not None else (current.path if current else None)
        self._stream.supersede()
        generation = self.library.index_generation()
        selection = self.library.posts(
            self.folder, sort=self.sort, filter_text=self.filter_input.value
        )
        self.show_posts(selection, keep, generation)

    def show_posts(self, posts: PostList, keep: str | None, generation: tuple[int, int]) -> None:
        self._listed_generation = generation
        self.posts.empty_message = self._empty_message()
        self.posts.set_posts(posts, keep=keep)

    @on(ListRead)
    def _list_read(self, message: ListRead) -> None:
        self._stream.received(message)

    def _empty_message(self) -> str:
        """What an empty list says: a library still being read is not an empty one."""
        if self.filter_input.value:
            return "No titles match the filter."
        progress = self._sync_progress
        if progress is not None and not progress.done:
            if progress.total is None:
                return f"Reading the library… {counted(progress.seen, 'file')} found"
            return f"Reading the library… {counted(progress.parsed, 'post')} so far"
        return "No posts here."

    def refresh_marks(self, *, read: str | None = None) -> None:
        """Repaint rows at once (`read`: only that post was marked read) and the folder
        counts when recounted (off the UI thread)."""
        if read is None or not self.posts.show_read(read):
            self.posts.invalidate()
        self._recount_folders()
        self._show_new_notices()

    def _recount_folders(self) -> None:
        """Count the folders again on a worker; the tree shows the counts when they come."""
        self._folders_asked += 1
        self._count_folders(self._folders_asked)

    @work(thread=True, exclusive=True, group="folders", exit_on_error=False)
    def _count_folders(self, generation: int) -> None:
        give_way(may_run_of(self.app))
        folders = self.library.folders()
        if not get_current_worker().is_cancelled:
            self.post_message(FoldersCounted(generation, folders))

    @on(FoldersCounted)
    @after_keys
    def _folders_counted(self, message: FoldersCounted) -> None:
        if message.generation > self._folders_shown:
            self._folders_shown = message.generation
            self.folders.set_folders(message.folders)

    def _show_new_notices(self) -> None:
        """Backups, rebuilds and 'state is not being saved' (say, the disk filled up), once."""
        for notice in self.library.notices:
            if notice not in self._notices_shown:
                self._notices_shown.add(notice)
                safe.notify(self.app, notice, severity="warning", timeout=8)

    @on(FolderTree.FolderChanged)
    def _folder_changed(self, event: FolderTree.FolderChanged) -> None:
        if event.folder != self.folder:
            self.folder = event.folder
            self.posts.cursor = 0
            if self.library.posts_ready(self.folder, sort=self.sort):
                self.reload_posts(keep="")
            else:  # the tree's cursor moves at once; the list follows when read
                self._stream.request(at_top=True)

    @on(FolderTree.FolderOpened)
    def _folder_opened(self) -> None:
        self.posts.focus()

    # -- filter -------------------------------------------------------------------------------

    @on(PostListView.FilterRequested)
    @on(FolderTree.FilterRequested)
    def open_filter(self) -> None:
        self.filter_input.display = True  # not a class: that restyles the box (see app.tcss)
        # Selected, so typing replaces the last filter (Tab back into the box keeps it as is:
        # the box does not select on focus).
        self.filter_input.select_all()
        self.filter_input.focus()

    def close_filter(self, *, clear: bool) -> None:
        if clear and self.filter_input.value:
            self.filter_input.value = ""
            self.reload_posts()
        if not self.filter_input.value:
            self.filter_input.display = False
        self.posts.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.reload_posts()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.close_filter(clear=False)

    @on(FilterInput.Cancelled)
    def _filter_cancelled(self) -> None:
        self.close_filter(clear=True)

    # -- opening posts ------------------------------------------------------------------------

    @on(PostListView.Highlighted)
    def _post_highlighted(self, event: PostListView.Highlighted) -> None:
        self._cursor_rest.moved(event.path)

    @on(PostListView.Selected)
    def _post_selected(self, event: PostListView.Selected) -> None:
        self.open_post(event.path)

    def _open_pending_post(self, *, synced: bool = False) -> None:
        """Open the post asked for at start once the index lists it; after a sync that did
        not find it, say so instead of waiting."""
        path = self._open_at_start
        if path is None:
            return
        if self.library.has_post(path):
            self._open_at_start = None
            self.open_post(path)
        elif synced:
            self._open_at_start = None
            safe.notify(self.app, f"{path} is not a post of this library", severity="error")

    def open_post(self, path: str, *, find: str = "") -> None:
        self.posts.select_path(path)
        self.article.show(path, find=find)
        self.show_article_pane()

    # -- sync ---------------------------------------------------------------------------------

    def action_resync(self) -> None:
        self.start_sync()

    def start_sync(self) -> None:
        self._sync_cancel.set()
        self._sync_cancel = threading.Event()
        self._run_sync(self._sync_cancel)

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _run_sync(self, cancel: threading.Event) -> None:
        last = 0.0
        for progress in self.library.sync(cancel, may_run_of(self.app)):
            now = time.monotonic()
            if progress.done or now - last >= 0.05:
                last = now
                self.post_message(SyncUpdate(progress))
            if cancel.is_set():
                return
        self.library.prepare_filter()
        if self.config.search_index != "background":
            return
        # Then new and changed posts go into the search index; a resync cancels this (the
        # batches already written stay), and the search screen finishes what is left.
        for indexed in self.library.update_search(cancel):
            now = time.monotonic()
            if indexed.total and (indexed.finished or now - last >= 0.2):
                last = now
                self.post_message(SearchIndexUpdate(indexed))

    @on(SearchIndexUpdate)
    @after_keys
    def _search_index_update(self, event: SearchIndexUpdate) -> None:
        status = self.query_one(SyncStatus)
        status.update_indexing(event.progress)
        status.hide_later(3 if event.progress.finished else None)
        if event.progress.finished:
            self._show_new_notices()  # say, a damaged search index rebuilt

    @on(SyncUpdate)
    @after_keys
    def _sync_update(self, event: SyncUpdate) -> None:
        status = self.query_one(SyncStatus)
        status.update_progress(event.progress, live=event.live)
        self.article.files_changed(event.paths)
        now = time.monotonic()
        progress = event.progress
        self._sync_progress = progress
        if not len(self.posts):
            self.posts.empty_message = self._empty_message()
            self.posts.refresh()
        if (
            progress.done
            and not (progress.parsed or progress.removed or progress.relinked)
            and self.library.index_generation() == self._listed_generation
        ):
            pass  # a no-change resync, and no other reader indexed meanwhile: list is current
        elif progress.done or now - self._last_stream >= _STREAM_EVERY:
            self._last_stream = now
            self._stream.request()  # read on a worker: 50-300 ms at 100k posts
            if progress.done or now - self._last_recount >= _RECOUNT_EVERY:
                self._last_recount = now
                self._recount_folders()  # off the UI thread, yet it takes the GIL
        if event.progress.done:
            status.hide_later(4)
            self._open_pending_post(synced=True)
            trim_when_idle(self, self.library.release_memory)  # parsing's garbage is free
            if not self._synced_once:  # start-up is over: what it read stays
                self._synced_once = True
                self.call_after_refresh(self._freeze_long_lived)

    def _keep_focus_styles(self) -> None:
        """The panes' styles in both focus states, worked out once the first screen is up
        (~3-7 ms a pane): else the first pane switch (opening a post, the filter) pays it."""
        for widget in self.walk_children(FocusStyleCache):  # a mixin: no CSS type to query
            widget.keep_both_focus_states()

    def _freeze_long_lived(self) -> None:
        if self.is_attached and not self.app.is_headless:  # not closed (thawed) meanwhile
            long_lived.freeze(self)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "sync" and event.state == WorkerState.ERROR:
            self._sync_progress = None
            self.posts.empty_message = self._empty_message()
            self.posts.refresh()
            self.query_one(SyncStatus).hide()
            safe.notify(self.app, f"Sync failed: {event.worker.error}", severity="error")
