"""Read marks (one post, a whole folder), undo, the next unread post, reading positions.
They are written to state.db in short transactions; the next read sees them."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from reader.core.library.changes import ReadChanges, changes_since_read
from reader.core.library.context import LibraryContext
from reader.core.library.folders import Folders
from reader.core.library.model import Folder, FolderMarked, Undone
from reader.core.library.post_lists import PostLists
from reader.core.store import folder_queries as fq
from reader.core.store import library_reads as q


class Marks:
    def __init__(self, context: LibraryContext, lists: PostLists, folders: Folders) -> None:
        self._c = context
        self._lists = lists
        self._folders = folders

    def _hashes(self, paths: Sequence[str]) -> list[tuple[str, str | None]]:
        with self._c.reader() as conn:
            return q.content_hashes(conn, paths)

    def _set_read(
        self,
        items: Sequence[tuple[str, str | None]],
        read: bool,
        description: str,
        texts: dict[str, bytes] | None = None,
    ) -> FolderMarked:
        c = self._c
        changed = c.state.set_read(c.lib, items, read, description, texts)
        if changed:  # lists and counts that depend on read marks are still right otherwise
            c.state_written()
        return FolderMarked(changed, c.saved([p for p, _ in items]))

    def mark_read(self, path: str, read: bool = True, *, opened: bool = False) -> bool:
        """Mark one post read or unread; False when the mark could not be saved. A post
        `opened` is kept as read, to show what changes in it later."""
        items = self._hashes([path]) or [(path, None)]
        texts = self._as_read(path, items[0][1]) if opened and read else None
        verb = "read" if read else "unread"
        base = self._c.before_own_state_write()
        lists = self._lists.kept_before_marks() if base is not None and read else {}
        counts = self._folders.standing_before([path]) if base is not None else None
        marked = self._set_read(items, read, f"mark {path} {verb}", texts)
        versions = None
        if base is not None and marked.changed:
            versions = self._c.after_own_state_write(base)
        if versions is not None:  # the caches it changed are patched, not read again
            if lists:
                self._lists.after_marked_read(lists, versions, [path])
            if counts is not None:
                self._folders.after_marks(counts, versions, [path])
        return marked.saved

    def _as_read(self, path: str, content_hash: str | None) -> dict[str, bytes] | None:
        """The file of `path` if it is still the version indexed (`content_hash`)."""
        from reader.core.parse import file_bytes

        data = file_bytes(self._c.site, path)
        if data is None or content_hash is None:
            return None
        if hashlib.sha1(data, usedforsecurity=False).hexdigest() != content_hash:
            return None  # changed since the sync: the next one tells, the read mark is older
        return {path: data}

    def changes_since_read(self, path: str, seen: str | None = None) -> ReadChanges:
        return changes_since_read(self._c, path, seen)

    def seen_hash(self, path: str) -> str | None:
        return self._c.state.seen_hash(self._c.lib, path)

    def mark_folder_read(self, folder: Folder) -> FolderMarked:
        """Mark every post of a folder read (one undo step): how many changed, and whether
        that was saved."""
        c = self._c
        versions = c.refresh()
        virtual = fq.virtual_folder(folder.kind)
        if virtual is not None and virtual.listed_by_state:
            paths = list(c.state.bookmarked_paths(c.lib))
        else:
            ids = self._lists.ids(folder, "date", versions)
            with c.reader() as conn:
                paths = q.paths_of_ids(conn, ids)
        items = self._hashes(paths)
        label = "/".join(folder.value) or folder.kind
        return self._set_read(items, True, f"mark {label} read")

    def undo(self) -> Undone | None:
        """Undo the last mark or bookmark action: what it was and whether the undo was saved;
        None when there is nothing to undo."""
        c = self._c
        description = c.state.undo(c.lib)
        c.state_written()
        if description is None:
            return None
        return Undone(description, not c.state.read_only)

    def next_unread(self, after: str | None, *, backwards: bool = False) -> str | None:
        """The next unread post in date order (newest first) after `after`."""
        with self._c.reader() as conn:
            return q.next_unread(conn, self._c.lib, after, backwards=backwards)

    def position(self, path: str) -> int:
        return self._c.state.position(self._c.lib, path)

    def save_position(self, path: str, line: int) -> bool:
        """False when the position could not be saved. Nothing is written when it is the one
        saved (a post closed where it was opened): a write waits for the disk."""
        if self.position(path) != max(0, line):
            self._c.state.save_position(self._c.lib, path, line)
        return not self._c.state.read_only
