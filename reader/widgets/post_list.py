"""The virtual post list: one line per post, drawn with the Line API; no widget per post.

Only the rows on screen are fetched from the `PostList` (in small cached pages), so a list of
100,000 posts costs what a list of 30 does. Columns: read mark, date, bookmark mark, title; the
title is cut by cell width so CJK titles keep the columns aligned.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader import safe
from reader.core.library import PostList, PostRow
from reader.keys import bindings
from reader.widgets.focus_styles import FocusStyleCache
from reader.widgets.scroll_growth import grow_below

_PAGE = 128


class PostListView(ScrollView, FocusStyleCache, can_focus=True):
    """A cursor over a `PostList`, rendering only the visible rows."""

    BINDINGS: ClassVar = bindings("list")
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "post-list--cursor",
        "post-list--unread",
        "post-list--read",
        "post-list--date",
        "post-list--mark",
        "post-list--bookmark",
        "post-list--error",
        "post-list--empty",
    }
    DEFAULT_CSS = """
    PostListView { height: 1fr; overflow-x: hidden; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    @dataclass
    class Highlighted(Message):
        """The cursor moved onto a post."""

        path: str

    @dataclass
    class Selected(Message):
        """Enter on a post."""

        path: str

    @dataclass
    class FilterRequested(Message):
        """`/` pressed in the list."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._posts: PostList | None = None
        self._length = 0
        self._pages: dict[int, list[PostRow]] = {}
        self._stale: set[int] = set()
        """Pages whose rows are read again (the same posts) when next painted."""
        self.empty_message = "No posts here."

    # -- data ---------------------------------------------------------------------------------

    @property
    def posts(self) -> PostList | None:
        return self._posts

    def __len__(self) -> int:
        return self._length

    def set_posts(self, posts: PostList, *, keep: str | None = None) -> None:
        """Show a new selection; keep the cursor on `keep` (a path) if it is still there."""
        self._posts = posts
        self._length = len(posts)
        self._pages.clear()
        self._stale.clear()
        self._set_length(Size(self.size.width, self._length))
        index = posts.index_of(keep) if keep is not None else None
        self.cursor = self._clamp(index if index is not None else min(self.cursor, self._length))
        self.refresh()

    def _set_length(self, size: Size) -> None:
        """The list's virtual size, without Textual's layout of the whole screen (which setting
        `virtual_size` asks for): only the scrollbar depends on it, and showing or hiding the
        scrollbar lays out on its own. A sync streaming posts in changes the length twice a
        second; a layout each time held the UI thread 15 ms (CPU) at 80x24, more while busy."""
        if not self.size or size == self.virtual_size:
            self.virtual_size = size  # not laid out yet: the first layout places it
            return
        grow_below(self, size)
        self.refresh()

    def invalidate(self) -> None:
        """Read the rows shown again (marks changed) and repaint: the same posts in the same
        places (a post read in Unread stays until the list is read again), as they are now."""
        self._stale.update(self._pages)
        self.refresh()

    def show_read(self, path: str) -> bool:
        """Show the row of `path`, just marked read, read (as reading it again would); False
        when other rows are stale too (they must be read again)."""
        if self._stale:
            return False
        for page, rows in self._pages.items():
            for n, row in enumerate(rows):
                if row.path == path:
                    rows = self._pages[page] = list(rows)
                    rows[n] = replace(row, read=True, updated=False)
                    self.refresh_line(page * _PAGE + n - self.scroll_offset.y)
        return True

    def row(self, index: int) -> PostRow | None:
        if self._posts is None or not 0 <= index < self._length:
            return None
        page, offset = divmod(index, _PAGE)
        rows = self._pages.get(page)
        if rows is not None and page in self._stale:
            self._stale.discard(page)
            rows = self._pages[page] = self._posts.same_posts(rows)
        if rows is None:
            if len(self._pages) > 64:
                self._pages.clear()
                self._stale.clear()
            rows = self._posts.rows(page * _PAGE, _PAGE)
            self._pages[page] = rows
        return rows[offset] if offset < len(rows) else None

    @property
    def current(self) -> PostRow | None:
        """The row under the cursor."""
        return self.row(self.cursor)

    def select_path(self, path: str) -> bool:
        """Move the cursor to `path` if it is in the list."""
        if self._posts is None:
            return False
        current = self.current
        if current is not None and current.path == path:
            return True  # already there (Enter on it): no look-up (~1 ms at 100k posts)
        index = self._posts.index_of(path)
        if index is None:
            return False
        self.cursor = index
        return True

    # -- cursor -------------------------------------------------------------------------------

    def _clamp(self, index: int) -> int:
        return max(0, min(index, self._length - 1)) if self._length else 0

    def validate_cursor(self, value: int) -> int:
        return self._clamp(value)

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old - self.scroll_offset.y)
        self.refresh_line(new - self.scroll_offset.y)
        self.scroll_to_region(
            Region(0, new, 1, 1), animate=False, force=True, immediate=True, x_axis=False
        )
        row = self.row(new)
        if row is not None:
            self.post_message(self.Highlighted(row.path))

    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def action_down(self) -> None:
        self.cursor += 1

    def action_up(self) -> None:
        self.cursor -= 1

    def action_top(self) -> None:
        self.cursor = 0

    def action_bottom(self) -> None:
        self.cursor = self._length - 1

    def action_half_down(self) -> None:
        self.cursor += max(1, self._page_height() // 2)

    def action_half_up(self) -> None:
        self.cursor -= max(1, self._page_height() // 2)

    def action_page_down(self) -> None:
        self.cursor += self._page_height()

    def action_page_up(self) -> None:
        self.cursor -= self._page_height()

    def action_open(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(row.path))

    def action_filter(self) -> None:
        self.post_message(self.FilterRequested())

    async def _on_click(self, event: object) -> None:
        y = getattr(event, "y", None)
        if isinstance(y, int):
            index = self.scroll_offset.y + y
            if 0 <= index < self._length:
                if index == self.cursor:
                    self.action_open()
                self.cursor = index

    # -- rendering ----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        if self._length == 0:
            if y == 0:
                style = self.get_component_rich_style("post-list--empty")
                return Strip([Segment(safe.fit(" " + self.empty_message, width), style)], width)
            return Strip.blank(width, self.rich_style)
        row = self.row(index)
        if row is None:
            return Strip.blank(width, self.rich_style)
        return self._render_row(row, width, index == self.cursor)

    def _render_row(self, row: PostRow, width: int, is_cursor: bool) -> Strip:
        style = self.get_component_rich_style
        base = style("post-list--read" if row.read else "post-list--unread")
        if row.error:
            mark, mark_style = "!", style("post-list--error")
        elif not row.read:
            mark, mark_style = "●", style("post-list--mark")
        elif row.updated:
            mark, mark_style = "U", style("post-list--mark")
        else:
            mark, mark_style = " ", base
        date = row.date.strftime("%Y-%m-%d") if row.date is not None else " " * 10
        star = "★" if row.bookmarked else " "
        unsaved = "  (not saved)" if row.unsaved else ""  # its mark lasts this session only
        title_width = max(0, width - 16 - len(unsaved))
        segments = [
            Segment(" " + mark + " ", mark_style),
            Segment(date, style("post-list--date")),
            Segment(" " + star + " ", style("post-list--bookmark")),
            Segment(safe.fit(safe.line(row.title), title_width), base),
        ]
        if row.note:  # a bookmarked post's note after its title, when there is room
            title = safe.line(row.title)
            room = title_width - cell_len(title)
            if room > 4:
                segments[-1] = Segment(title, base)
                note = safe.fit("  ✎ " + safe.line(row.note), room)
                segments.append(Segment(note, style("post-list--date")))
        if unsaved:
            segments.append(Segment(unsaved, style("post-list--error")))
        strip = Strip(segments).crop_extend(0, width, base)
        if is_cursor:
            cursor_style = style("post-list--cursor")
            strip = Strip(
                [
                    Segment(text, (seg_style or Style()) + cursor_style)
                    for text, seg_style, _ in strip
                ],
                width,
            )
        return strip

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self._length)
