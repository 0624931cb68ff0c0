"""The library service: the one thing the UI talks to (plain Python, no Textual).

Reads go through a pool of read connections to index.db with state.db ATTACHed read-only
(reader.core.store.readers), one per concurrent reader, so lists and counts join posts with
read marks and bookmarks in single SQL queries and no read waits for another (a recount on a
worker never blocks the UI). Writes take their own short transactions. The parts:

- facade.py: `Library`, the thin facade the UI and the CLI call;
- folders.py: the folder tree from the registry of virtual folders
  (reader.core.store.folder_queries.VIRTUAL_FOLDERS), categories and tags;
- post_lists.py: a folder's posts in order, filtered; rows.py: the rows they show;
- articles.py: converted posts and their cache;
- marks.py: read marks, undo, next unread, positions; bookmarks.py: bookmarks and notes;
- locate.py: libraries known, the library holding a file, a current index's posts.
"""

from __future__ import annotations

from typing import Any

from reader.core.library.changes import ReadChanges
from reader.core.library.facade import Library
from reader.core.library.list_window import ListWindow
from reader.core.library.locate import (
    current_posts,
    known_libraries,
    library_for_file,
    post_location,
)
from reader.core.library.model import (
    MISSING,
    NOT_SAVED,
    Article,
    Bookmark,
    Folder,
    FolderMarked,
    FolderNode,
    PostRow,
    Sort,
    Undone,
)
from reader.core.library.post_lists import PostList

__all__ = [
    "MISSING",
    "NOT_SAVED",
    "Article",
    "Bookmark",
    "Folder",
    "FolderMarked",
    "FolderNode",
    "Library",
    "ListWindow",
    "PostList",
    "PostRow",
    "ReadChanges",
    "Sort",
    "SyncProgress",
    "Undone",
    "current_posts",
    "known_libraries",
    "library_for_file",
    "post_location",
]


def __getattr__(name: str) -> Any:
    """`SyncProgress` is re-exported lazily: importing sync (and its parser) costs start-up."""
    if name == "SyncProgress":
        from reader.core.sync import SyncProgress

        return SyncProgress
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
