"""The main screen: the library and reading panes (library_panes.py) and what the reader does
with them: open, search, step through unread posts, mark read, undo."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, on

from reader import safe
from reader.core.words import counted
from reader.keys import bindings
from reader.screens.article_dialogs import open_dialog
from reader.screens.library_panes import LibraryPanes
from reader.widgets.article_view import ArticleView
from reader.widgets.folder_tree import ALL

if TYPE_CHECKING:
    from reader.core.config import Config
    from reader.core.library import Library
    from reader.screens.search import SearchResult


class MainScreen(LibraryPanes):
    """Library pane + reading pane."""

    BINDINGS: ClassVar = bindings("main")
    AUTO_FOCUS = "#posts"
    """Not Textual's first focusable widget (the folder tree): focusing it, then the list,
    restyled the tree twice, its many component styles too, on every start."""

    def __init__(self, library: Library, config: Config, *, open_path: str | None = None) -> None:
        super().__init__(library, config, open_path=open_path)
        self._shown_once = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first time the screen shows, every widget was styled as it mounted: Textual's
        restyle of the whole screen on resume would do it all again (dialogs closing and
        theme changes still restyle)."""
        if not self._shown_once:
            self._shown_once = True
            event.refresh_styles = False

    # -- opening, searching, stepping ----------------------------------------------------------

    def action_search(self) -> None:
        from reader.screens.search import SearchScreen

        self.app.push_screen(SearchScreen(self.library), self._search_done)

    def _search_done(self, result: SearchResult | None) -> None:
        if result is not None:
            self.open_post(result.path, find=result.find)

    @on(ArticleView.Opened)
    def _article_opened(self, event: ArticleView.Opened) -> None:
        self.posts.select_path(event.path)
        # Its row read again if opening found it changed (a post converted anew); opening
        # changes no count (its read mark recounts when it comes), and counting all folders
        # of a large library on a worker slowed the post's paint.
        article = self.article.article
        if article is None or article.row != self.posts.current:
            self.posts.invalidate()
        self._show_new_notices()

    @on(ArticleView.Closed)
    def _article_closed(self) -> None:
        self.show_list_pane()

    @on(ArticleView.OpenPost)
    def _followed_post_link(self, event: ArticleView.OpenPost) -> None:
        """The article opened another post itself (a link, or Backspace): follow in the list."""
        self.posts.select_path(event.path)

    @on(ArticleView.DialogRequested)
    def _article_dialog(self, event: ArticleView.DialogRequested) -> None:
        event.stop()
        open_dialog(self.app, event)

    @on(ArticleView.BookmarksChanged)
    def _marks_changed(self) -> None:
        self.refresh_marks()

    @on(ArticleView.MarkedRead)
    def _marked_read(self, event: ArticleView.MarkedRead) -> None:
        # Its row shown read as it is, not read again: a query on the UI thread, which a sync
        # running makes 10-20 ms (each answer waits for the GIL).
        self.refresh_marks(read=event.path)

    def _current_path(self) -> str | None:
        if self.reading and self.article.path is not None:
            return self.article.path
        row = self.posts.current
        return row.path if row is not None else None

    def _unread_step(self, backwards: bool) -> None:
        article = self.article
        if self.reading and article.find_active:
            article.find_prev() if backwards else article.find_next()
            return
        row = self.posts.current
        current = self._current_path()
        if not self.reading and row is not None and not row.read:
            self.open_post(row.path)  # from the list, the unread post under the cursor first
            return
        path = self._unread_in_list(current, backwards)
        if path is None:
            # The folder has no more: the next unread of the whole library (across folders).
            path = self.library.next_unread(current, backwards=backwards)
            if path is None and current is not None:
                path = self.library.next_unread(None, backwards=backwards)  # wrap around
            shown = self.posts.posts
            if path is not None and shown is not None and shown.index_of(path) is None:
                self._show_all(keep=path)
        if path is None or (path == current and self.reading):
            safe.notify(self.app, "No more unread posts.")
            return
        self.open_post(path)

    def _unread_in_list(self, current: str | None, backwards: bool) -> str | None:
        """The next unread post of the list shown (its folder, filter and order), or None."""
        selection = self.posts.posts
        if selection is None or not len(selection):
            return None
        if self.folder == ALL and self.sort == "date" and not self.filter_input.value:
            return None  # the library's own order: next_unread answers without a scan
        index = selection.index_of(current) if current is not None else None
        if index is None:
            index = self.posts.cursor
        return selection.next_unread(index, backwards=backwards, skip=current)

    def _show_all(self, *, keep: str) -> None:
        """Show the All folder, unfiltered, with the cursor on `keep`."""
        if self.filter_input.value:
            self.filter_input.value = ""
            self.filter_input.display = False
        self.folder = ALL
        self.folders.select_folder(ALL)
        self.reload_posts(keep=keep)

    def action_next_unread(self) -> None:
        self._unread_step(backwards=False)

    def action_prev_unread(self) -> None:
        self._unread_step(backwards=True)

    def _post_step(self, delta: int) -> None:
        posts = self.posts
        if not len(posts):
            return
        path = self.article.path if self.reading else None
        index = posts.posts.index_of(path) if path and posts.posts else None
        target = (index if index is not None else posts.cursor) + delta
        if 0 <= target < len(posts):
            posts.cursor = target
            row = posts.current
            if row is not None:
                self.open_post(row.path)

    def action_next_post(self) -> None:
        self._post_step(1)

    def action_prev_post(self) -> None:
        self._post_step(-1)

    # -- marks --------------------------------------------------------------------------------

    def action_toggle_read(self) -> None:
        path = self._current_path()
        if path is None:
            return
        row = self.posts.current
        read = row.read if row is not None and row.path == path else True
        saved = self.library.mark_read(path, not read)
        self.refresh_marks()
        verb = "unread" if read else "read"
        safe.notify_saved(self.app, saved, None, f"Marked {verb} for this session only")

    def action_changes(self) -> None:
        """What changed in the post (read, or under the cursor) since it was read: for a post
        opened while updated, since the version read before that opening."""
        from reader.screens.changes import ChangesScreen

        path = self._current_path()
        if path is None:
            return
        row = self.posts.current
        article = self.article.article
        title = row.title if row is not None and row.path == path else path
        if article is not None and article.row.path == path:
            title = article.row.title
        seen = self.article.version_read_before(path)
        self.app.push_screen(ChangesScreen(self.library, path, title, seen))

    def action_mark_folder_read(self) -> None:
        marked = self.library.mark_folder_read(self.folder)
        self.refresh_marks()
        posts = counted(marked.changed, "post")
        done, unsaved = (
            f"Marked {posts} read (u undoes).",
            f"Marked {posts} read for this session only",
        )
        safe.notify_saved(self.app, marked.saved, done, unsaved)

    def action_undo(self) -> None:
        undone = self.library.undo()
        self.refresh_marks()
        if undone is None:
            safe.notify(self.app, "Nothing to undo.")
            return
        what = undone.description
        safe.notify_saved(
            self.app, undone.saved, f"Undone: {what}", f"Undone for this session only: {what}"
        )

    def action_toggle_sort(self) -> None:
        self.sort = "title" if self.sort == "date" else "date"
        self.reload_posts()
        safe.notify(self.app, f"Sorted by {self.sort}.")

    def action_focus_next_pane(self) -> None:
        self.focus_next()

    def action_focus_previous_pane(self) -> None:
        self.focus_previous()
