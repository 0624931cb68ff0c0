"""When the post shown counts as read: once opened (a preview once it is focused), or, with
`mark_read_on = "end"`, once its end is on screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.scroll_view import ScrollView

from reader.widgets import article_messages as messages

if TYPE_CHECKING:
    from reader.widgets.article_document import Document
    from reader.widgets.article_marks import ReadingMarks


class MarksPostRead(ScrollView):
    """Mixin of the article view: marks its document's post read, once."""

    _doc: Document | None
    _generation: int
    _preview: bool
    """The post under the list's cursor, shown beside it: not opened, not read."""
    _read_marked: bool
    _read_before: tuple[str | None, str | None] = (None, None)
    """(path, content hash) of the version read before the post last opened, when it had
    changed since: marked read anew, it would be lost to `d`."""
    _marks: ReadingMarks

    @property
    def _read_at_end(self) -> bool:
        """Posts are marked read at their end, not when opened (config `mark_read_on`)."""
        return getattr(getattr(self.app, "config", None), "mark_read_on", "open") == "end"

    def _mark_read_if_showing(self, doc: Document, generation: int) -> None:
        if self._doc is doc and self._generation == generation:  # not another post meanwhile
            self._mark_read()

    def _mark_read(self) -> None:
        doc = self._doc
        if doc is None or self._read_marked or self._preview:
            return
        self._read_marked = True
        row = doc.article.row  # as loaded, when opened: read and seen as it is now, it stays
        if row.updated:  # what changed since stays to be seen (`d`) once it is read anew
            self._read_before = (doc.path, self._marks.seen_hash(doc.path))
        if not (row.read and not row.updated) and self._marks.mark_read(doc.path):
            self.post_message(messages.MarkedRead(doc.path))

    def version_read_before(self, path: str) -> str | None:
        """The version of `path` read before it was last opened here, if it had changed since
        (its content hash); None otherwise."""
        return self._read_before[1] if self._read_before[0] == path else None

    def _check_end(self) -> None:
        if self._doc is not None and self._doc.complete and self.scroll_y >= self.max_scroll_y:
            self._mark_read()
