"""Bookmarking the section at the top of the article, with an optional note."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.sanitize import sanitize_line

if TYPE_CHECKING:
    from reader.core.library import Bookmark, Library
    from reader.widgets.article_messages import NoteResult


@dataclass(frozen=True, slots=True)
class BookmarkPlace:
    """Where a bookmark goes: the post, the section's heading and anchor (None at the top)."""

    path: str
    title: str
    heading: str | None
    anchor: str | None

    def existing(self, library: Library) -> Bookmark | None:
        """The bookmark already here, if any."""
        return library.bookmark_at(self.path, self.anchor)


@dataclass(frozen=True, slots=True)
class NoteSaved:
    """What a note dialog's answer did: whether it was saved, and what to tell the reader."""

    saved: bool
    done: str
    unsaved: str


def apply_note(
    library: Library, place: BookmarkPlace, existing: Bookmark | None, result: NoteResult
) -> NoteSaved:
    """Add, change or remove the bookmark at `place` as the note dialog answered."""
    path, anchor, heading = place.path, place.anchor, place.heading
    if result.remove:
        saved = library.remove_bookmark(path, anchor=anchor)
        return NoteSaved(
            saved, "Bookmark removed (u to undo)", "Bookmark removed for this session only"
        )
    if existing is None:
        bookmark = library.add_bookmark(path, heading=heading, anchor=anchor, note=result.note)
        title = sanitize_line(place.title)
        where = f" › {sanitize_line(heading)}" if heading else ""
        return NoteSaved(
            bookmark.saved,
            f"Bookmarked: {title}{where}",
            f"Bookmarked for this session only: {title}",
        )
    saved = library.set_bookmark_note(path, result.note, anchor=anchor)
    return NoteSaved(saved, "Note saved", "Note kept for this session only")
