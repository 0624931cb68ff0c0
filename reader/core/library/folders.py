"""The folder tree: the virtual folders of the registry (reader.core.store.folder_queries),
the category tree and the Tags node, each with its post and unread counts."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Sequence
from functools import partial
from typing import Any

from reader.core.library.context import LibraryContext, Versions
from reader.core.library.model import Folder, FolderNode
from reader.core.store import folder_queries as fq
from reader.core.store.index import prefix_key, prefix_parts


def _node_to_json(node: FolderNode) -> list[Any]:
    return [
        node.folder.kind,
        list(node.folder.value),
        node.label,
        node.total,
        node.unread,
        [_node_to_json(child) for child in node.children],
    ]


def _node_from_json(data: list[Any]) -> FolderNode:
    kind, value, label, total, unread, children = data
    kinds = {f.kind for f in fq.VIRTUAL_FOLDERS} | {"category", "tag"}
    if kind not in kinds or not all(isinstance(v, str) for v in value):
        raise ValueError(f"not a folder: {kind!r}")
    return FolderNode(
        Folder(kind, tuple(value)),
        str(label),
        int(total),
        int(unread),
        tuple(_node_from_json(child) for child in children),
    )


KeptCounts = tuple[list[FolderNode], fq.Standing]
"""The folder counts kept before a mark, and what the marked posts added to them."""


def _standing_key(folder: Folder) -> tuple[str, str]:
    if folder.kind == "category":
        return (folder.kind, prefix_key(folder.value))
    return (folder.kind, folder.value[0] if folder.value else "")


def _patched(
    node: FolderNode, before: fq.Standing, now: fq.Standing, totals: dict[str, int]
) -> FolderNode:
    """`node` and its children, their counts moved by what changed from `before` to `now`;
    a total counted by its own SQL is `totals`' figure."""
    key = _standing_key(node.folder)
    total_before, unread_before = before.get(key, (0, 0))
    total_now, unread_now = now.get(key, (0, 0))
    return FolderNode(
        node.folder,
        node.label,
        totals.get(node.folder.kind, node.total + total_now - total_before),
        node.unread + unread_now - unread_before,
        tuple(_patched(child, before, now, totals) for child in node.children),
    )


class Folders:
    def __init__(self, context: LibraryContext) -> None:
        self._c = context

    def folders(self) -> list[FolderNode]:
        """Virtual folders first, then the category tree, then a Tags node. Counted on a
        read connection of its own: other reads go on meanwhile (~0.3 s at 100k posts)."""
        c = self._c
        versions = c.refresh()
        folders = c.folders
        if folders is None:
            folders = c.read_to_cache(versions, self._count, partial(setattr, c, "folders"))
            if self.snapshot() is None:
                self._keep(folders)
        return list(folders)

    def standing_before(self, paths: Sequence[str]) -> KeptCounts | None:
        """The counts kept, and what the posts at `paths` add to them, before a mark."""
        folders = self._c.folders
        if folders is None:
            return None
        with self._c.reader() as conn:
            return folders, fq.standing(conn, self._c.lib, paths)

    def after_marks(self, kept: KeptCounts, versions: Versions, paths: Sequence[str]) -> None:
        """Keep the counts of `kept` again, changed by what the posts at `paths` add now,
        after this session marked them (and nothing else was written: `versions`): counting
        every folder again takes ~0.3 s at 100k posts, a mark's change a few look-ups."""
        folders, before = kept
        with self._c.reader() as conn:
            now = fq.standing(conn, self._c.lib, paths)
            totals = fq.custom_totals(conn, self._c.lib)
        patched = [_patched(node, before, now, totals) for node in folders]
        with self._c.cache_lock:
            if self._c.is_current(versions) and self._c.folders is None:
                self._c.folders = patched

    def snapshot(self) -> list[FolderNode] | None:
        """The folders with their counts as the last session closed them, None if unknown."""
        try:
            with self._c.reader() as conn:
                text = fq.folders_snapshot(conn)
            return None if text is None else [_node_from_json(n) for n in json.loads(text)]
        except (sqlite3.Error, ValueError, TypeError, KeyError, IndexError):
            return None  # a cache: anything odd means count again

    def keep_snapshot(self) -> None:
        """(Holding the write lock, at close.) Keep the last counts for the next first screen."""
        folders = self._c.folders
        if folders is not None:
            self._keep(folders)

    def _keep(self, folders: list[FolderNode]) -> None:
        """Kept at close, and at the first count of a library that has none: a session that
        never closes (its terminal closed) or one that only synced (`reader sync`) leaves
        none, and every next start would count (~0.5 s at 100k) before its first paint. Not at
        every count: a write to the index makes every cached list of this and every other
        session stale."""
        text = json.dumps([_node_to_json(n) for n in folders], ensure_ascii=False)
        with self._c.write_lock, contextlib.suppress(sqlite3.Error):  # read-only or busy
            fq.keep_folders_snapshot(self._c.conn, text)

    def _count(self, conn: sqlite3.Connection) -> list[FolderNode]:
        virtual = fq.VIRTUAL_FOLDERS
        counts = fq.virtual_counts(conn, self._c.lib, virtual)
        nodes = [
            FolderNode(Folder(f.kind), f.label, total, unread, ())
            for f, (total, unread) in zip(virtual, counts, strict=True)
        ]
        nodes.extend(self._category_nodes(conn))
        nodes.append(self._tags_node(conn))
        return nodes

    def _category_nodes(self, conn: sqlite3.Connection) -> list[FolderNode]:
        totals, reads = fq.grouped_counts(conn, self._c.lib, "category")
        children: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for key in totals:
            parts = prefix_parts(key)
            children.setdefault(parts[:-1], []).append(parts)

        def build(parts: tuple[str, ...]) -> FolderNode:
            key = prefix_key(parts)
            kids = sorted(children.get(parts, []), key=lambda p: (p[-1].casefold(), p[-1]))
            return FolderNode(
                Folder("category", parts),
                parts[-1],
                totals[key],
                totals[key] - reads.get(key, 0),
                tuple(build(k) for k in kids),
            )

        top = sorted(children.get((), []), key=lambda p: (p[-1].casefold(), p[-1]))
        return [build(parts) for parts in top]

    def _tags_node(self, conn: sqlite3.Connection) -> FolderNode:
        totals, reads = fq.grouped_counts(conn, self._c.lib, "tag")
        total, unread = fq.tagged_counts(conn, self._c.lib)
        kids = tuple(
            FolderNode(Folder("tag", (tag,)), tag, n, n - reads.get(tag, 0), ())
            for tag, n in sorted(totals.items(), key=lambda t: (t[0].casefold(), t[0]))
        )
        return FolderNode(Folder("tag", ()), "Tags", total, unread, kids)
