"""What the library service hands the UI and the CLI: folders, rows, articles, bookmarks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from reader.core.outline import Heading

FolderKind = str
"""A virtual folder's kind (see reader.core.store.folder_queries.VIRTUAL_FOLDERS),
"category" or "tag"."""
Sort = Literal["date", "title"]
MISSING = "missing: the file is gone"
NOT_SAVED = "not saved (state is not being saved)"
"""What a message adds when its write was kept in memory only."""


@dataclass(frozen=True, slots=True)
class Folder:
    """A selectable node in the library pane."""

    kind: FolderKind
    value: tuple[str, ...] = ()
    """Category path prefix, or (tag,); () for the Tags node."""


@dataclass(frozen=True, slots=True)
class FolderNode:
    folder: Folder
    label: str
    total: int
    unread: int
    children: tuple[FolderNode, ...]


@dataclass(frozen=True, slots=True)
class PostRow:
    path: str
    title: str
    date: datetime | None
    categories: tuple[tuple[str, ...], ...]
    author: str | None
    url: str | None
    read: bool
    bookmarked: bool
    updated: bool
    error: str | None
    note: str | None = None
    unsaved: bool = False
    """Its read mark or bookmark was changed this session but could not be saved."""


@dataclass(frozen=True, slots=True)
class Article:
    row: PostRow
    markdown: str
    headings: list[Heading]
    notice: str | None
    file: tuple[int, int] | None = None
    """(size, mtime_ns) of the file it was converted from; None when none was read."""


@dataclass(frozen=True, slots=True)
class Bookmark:
    library: str
    path: str
    title: str
    url: str | None
    heading: str | None
    anchor: str | None
    note: str | None
    created: datetime
    updated: datetime
    missing: bool
    date: datetime | None
    author: str | None
    categories: tuple[tuple[str, ...], ...]
    saved: bool = True
    """False when the bookmark was kept in memory only (state is not being saved)."""


class FolderMarked(NamedTuple):
    changed: int
    saved: bool


class Undone(NamedTuple):
    description: str
    saved: bool
