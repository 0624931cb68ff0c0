"""The reading pane: a post (ArticlePane's display) and the reader's actions on it.

Find, the outline, links, bookmarks, copying and going back live here. Dialogs are the screen's
to open: the view posts a `DialogRequested` (article_messages.py) with what to do with the
answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar, TypeAlias

from textual import events
from textual.binding import BindingType

from reader import safe
from reader.browser import copy_text
from reader.core.errors import LibraryError
from reader.keys import bindings
from reader.widgets import article_messages as messages
from reader.widgets.article_bookmarks import BookmarkPlace, apply_note
from reader.widgets.article_links import link_targets, open_outside
from reader.widgets.article_pane import SAVE_DELAY, ArticlePane

if TYPE_CHECKING:
    from reader.core.library import Library
    from reader.linkopen import LinkTarget
    from reader.widgets.article_blocks import RenderedLink
    from reader.widgets.article_messages import NoteResult

__all__ = ["SAVE_DELAY", "ArticleView"]

HISTORY = 100
"""Posts remembered for Backspace."""


class ArticleView(ArticlePane):
    """Shows one post; bindings for reading actions live here."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("article")
    """From the one key table (reader/keys.py): close, back, outline, links, copy, bookmark,
    edit_note, find, and the reading moves (scroll_*, half_page, page_*)."""

    Opened: TypeAlias = messages.Opened
    Closed: TypeAlias = messages.Closed
    OpenPost: TypeAlias = messages.OpenPost
    MarkedRead: TypeAlias = messages.MarkedRead
    BookmarksChanged: TypeAlias = messages.BookmarksChanged
    DialogRequested: TypeAlias = messages.DialogRequested

    def __init__(
        self,
        library: Library,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(library, name=name, id=id, classes=classes)
        self._history: list[str] = []
        self._jump: tuple[str, int] | None = None
        """(anchor, line) of the last outline jump: the current section while not scrolled."""
        self._pending_anchor: str | None = None
        """The section a followed link names, scrolled to once its post has opened."""
        self._changed_on_disk = False
        """The post's file changed since it was opened: `R` shows it as it is now."""

    def show(
        self, path: str, *, find: str = "", preview: bool = False, _from_history: bool = False
    ) -> None:
        """Open `path` (see ArticlePane.show); a post opened, not previewed, nor reached by
        going back, puts the one it replaces in the history."""
        previous = self._doc.path if self._doc is not None else None
        if not (_from_history or self._preview) and previous not in (None, path):
            self._history.append(previous)
            del self._history[:-HISTORY]
        self._jump = None
        self._changed_on_disk = False
        super().show(path, find=find, preview=preview)

    # -- the post's file changing on disk ------------------------------------------------------

    def files_changed(self, paths: Sequence[str]) -> None:
        """The library synced `paths` (files or folders) that changed on disk: if the post
        shown is among them, say so; a changed one can be reloaded (`R`), a removed one stays
        as it was loaded."""
        path = self.path
        if path is None or self._preview or not self.display:  # a post closed is not told of
            return
        if not any(_within(path, changed) for changed in paths):
            return
        self._changed_on_disk = self._library.has_post(path)
        self.refresh_bindings()  # R, while it applies
        if self._changed_on_disk:
            safe.notify(self.app, "This post changed on disk: R shows it as it is now")
        else:
            message = "This post was removed from disk: shown as it was when opened"
            safe.notify(self.app, message, severity="warning", timeout=30)
            self._mark_removed(message)

    def _mark_removed(self, notice: str) -> None:
        """Say in the post's header, for as long as it is shown, that its file is gone."""
        article = self.article
        if article is not None and notice not in (article.notice or ""):
            told = f"{article.notice}; {notice}" if article.notice else notice
            self._rerender(replace(article, notice=told))

    def action_reload(self) -> None:
        if self.path is not None and self._changed_on_disk:
            self.show(self.path)  # from the place read so far, as near as the new text has it

    # -- find -----------------------------------------------------------------------------

    @property
    def find_active(self) -> bool:
        """True while an in-article find is active (n/N go to hits then, Esc ends it)."""
        return self.finder.active

    @property
    def find_query(self) -> str:
        return self.finder.query

    @property
    def hit_count(self) -> int:
        return len(self.finder.hits)

    def find(self, query: str) -> int:
        """Highlight every hit of `query`, scroll to the first one from the top of the view."""
        lines = self._doc.lines if self._doc is not None else []
        self.finder.start(query, lines, round(self.scroll_y))
        if self.finder.hits:
            self._reveal_hit()
        self._repaint_hits()
        self.refresh_bindings()
        return len(self.finder.hits)

    def find_next(self) -> None:
        self._step_hit(1)

    def find_prev(self) -> None:
        self._step_hit(-1)

    def clear_find(self) -> None:
        self.finder.clear()
        self._repaint_hits()
        self.refresh_bindings()

    def _step_hit(self, step: int) -> None:
        finder = self.finder
        if not finder.hits:
            if finder.query:
                self.notify(f"Not found: {finder.query}", markup=False)
            return
        finder.step(step)
        self._reveal_hit()
        self._repaint_hits()
        self.notify(f"{finder.index + 1}/{len(finder.hits)}", timeout=1.5, markup=False)

    def action_find(self) -> None:
        if self._doc is None:
            return

        def done(keep: bool | None) -> None:
            if not keep:
                self.clear_find()
            elif not self.finder.hits:
                self.notify(f"Not found: {self.finder.query}", markup=False)

        self.post_message(messages.FindRequested(self.finder.query, self.find, done))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("find_next", "find_prev"):
            return self.find_active  # otherwise n/N go on to next/previous unread
        if action == "reload":
            return self._changed_on_disk
        return True

    def action_find_next(self) -> None:
        self.find_next()

    def action_find_prev(self) -> None:
        self.find_prev()

    # -- sections -------------------------------------------------------------------------

    def current_section(self) -> tuple[str, str] | None:
        """(heading text, anchor) of the section at the top of the view, None at the very top."""
        doc = self._doc
        if doc is None or not doc.article.headings:
            return None
        y = round(self.scroll_y)
        if self._jump is not None and self._jump[1] == min(y, round(self.max_scroll_y)):
            anchor = self._jump[0]
            for heading in doc.article.headings:
                if heading.anchor == anchor:
                    return heading.text, heading.anchor
        return doc.section_at(y) if y > 0 else None

    def scroll_to_anchor(self, anchor: str) -> bool:
        """Scroll so the heading with `anchor` is at the top; False if there is none."""
        doc = self._doc
        if doc is None:
            return False
        for heading in doc.article.headings:
            if heading.anchor == anchor:
                line = doc.line_for_source(heading.line)
                if line is None:
                    self._restore.start(heading.line)
                    return True
                self.scroll_to(y=line, animate=False, immediate=True, force=True)
                self._jump = (anchor, min(line, round(self.max_scroll_y)))
                return True
        return False

    def action_outline(self) -> None:
        doc = self._doc
        if doc is None:
            return
        if not doc.article.headings:
            self.notify("This post has no headings", markup=False)
            return
        section = self.current_section()

        def jump(anchor: str | None) -> None:
            if anchor is not None:
                self.scroll_to_anchor(anchor)

        current = section[1] if section else None
        self.post_message(messages.OutlineRequested(doc.article.headings, current, jump))

    # -- moving ---------------------------------------------------------------------------

    def action_scroll_home(self) -> None:
        """g: the top of the post at once, as G jumps to the end (Textual's own animates)."""
        self._restore.stop()
        self._follow_end = False
        self.scroll_to(y=0, animate=False, immediate=True, force=True)

    def action_scroll_end(self) -> None:
        """G: the end of the post, even while the rest of it is still being rendered."""
        self._restore.stop()
        self._follow_end = self._doc is not None and not self._doc.complete
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)

    def action_half_page(self, direction: int) -> None:
        self.scroll_relative(y=direction * max(1, self.size.height // 2), animate=False)

    def action_close(self) -> None:
        if self.find_active:
            self.clear_find()
            return
        self.save_position()
        self.post_message(self.Closed())

    def action_back(self) -> None:
        while self._history:
            previous = self._history.pop()
            if previous != self.path:
                self.show(previous, _from_history=True)
                self.post_message(self.OpenPost(previous))
                return
        self.notify("No previous post", markup=False)

    def action_copy(self) -> None:
        doc = self._doc
        if doc is None:
            return
        url = self._library.source_url(doc.article.row)
        if not url:
            self.notify("This post has no source URL", severity="warning", markup=False)
            return
        self.copy_text(url)

    def copy_text(self, text: str) -> None:
        """Copy (OSC 52) and show it, for terminals that ignore it."""
        self.notify(copy_text(self.app, text), markup=False)

    # -- links ----------------------------------------------------------------------------

    def action_links(self) -> None:
        doc = self._doc
        if doc is None:
            return
        if not doc.links:
            more = "" if doc.complete else " yet"
            self.notify(f"No links in this post{more}", markup=False)
            return
        self._request_links(doc.links)

    def on_click(self, event: events.Click) -> None:
        number = event.style.meta.get("reader_link") if event.style else None
        doc = self._doc
        if isinstance(number, int) and doc is not None and 0 < number <= len(doc.links):
            self._request_links([doc.links[number - 1]])

    def _request_links(self, links: list[RenderedLink]) -> None:
        assert self._doc is not None
        targets = link_targets(self._library, links, self._doc.path, self._warn)
        self.post_message(messages.LinksRequested(links, targets, self.follow))

    def _warn(self, text: str) -> None:
        self.notify(text, markup=False)

    def follow(self, target: LinkTarget | None) -> None:
        """Act on a link chosen in the link list."""
        if target is None:
            return
        if target.kind == "refused":
            self.notify(f"Link refused: {target.reason}", severity="warning", markup=False)
        elif target.kind == "anchor":
            if not self.scroll_to_anchor(target.value):
                self.notify(f"No section #{target.value} here", markup=False)
        elif target.kind == "external":
            open_outside(self, target.value)
        elif target.kind == "post":
            self.show(target.value)
            if target.anchor:
                self._pending_anchor = target.anchor
            self.post_message(self.OpenPost(target.value))

    def on_article_view_opened(self, message: messages.Opened) -> None:
        anchor, self._pending_anchor = self._pending_anchor, None
        if anchor is not None and message.path == self.path:
            self.call_after_refresh(self.scroll_to_anchor, anchor)

    # -- bookmarks ------------------------------------------------------------------------

    def action_bookmark(self) -> None:
        self._request_note(create=True)

    def action_edit_note(self) -> None:
        self._request_note(create=False)

    def _request_note(self, *, create: bool) -> None:
        doc = self._doc
        if doc is None:
            return
        heading, anchor = self.current_section() or (None, None)
        place = BookmarkPlace(doc.path, doc.article.row.title, heading, anchor)
        existing = place.existing(self._library)
        if existing is None and not create:
            self.notify("No bookmark here; press b to add one", markup=False)
            return

        def done(result: NoteResult | None) -> None:
            if result is None:
                return
            try:
                outcome = apply_note(self._library, place, existing, result)
            except (LibraryError, KeyError) as error:  # KeyError: the post left the library
                self.notify(f"Bookmark not saved: {error}", severity="error", markup=False)
                return
            safe.notify_saved(self.app, outcome.saved, outcome.done, outcome.unsaved)
            self.post_message(self.BookmarksChanged(place.path))

        note = existing.note if existing else None
        request = messages.NoteRequested(place.title, heading, note, existing is not None, done)
        self.post_message(request)


def _within(path: str, changed: str) -> bool:
    """`path` is the file `changed`, or inside the folder `changed`."""
    return path == changed or path.startswith(changed + "/")
