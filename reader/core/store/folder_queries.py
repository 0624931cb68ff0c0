"""The folders of a library as SQL: the registry of virtual folders, and the counts and
post lists of every folder (virtual, category, tag), on a read connection (state.db
ATTACHed as `st`, see reader.core.store.readers).

A virtual folder is one `VirtualFolder` entry: its label, the WHERE clause choosing its
posts and the state it depends on. Its count and its list come from the entry alone, so a
new virtual folder is one more entry in `VIRTUAL_FOLDERS`.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reader.core.store.db import marks, path_to_db, write
from reader.core.store.index import prefix_key

Depends = Literal["reads", "bookmarks"]
Sort = Literal["date", "title"]

FROM_POSTS = "posts p LEFT JOIN st.reads r ON r.library_id = {lib} AND r.path = p.path"
"""Every folder query reads `posts p` with the post's read mark `r` (NULL when unread)."""
UNREAD = "r.path IS NULL"
_ORDER = {"date": "p.date_key DESC, p.id DESC", "title": "p.title_fold, p.id"}


@dataclass(frozen=True, slots=True)
class VirtualFolder:
    """One virtual folder: shown above the categories, in registry order."""

    kind: str
    """Its `Folder.kind` (and its name in the folder snapshot)."""
    label: str
    where: str
    """SQL over `posts p` and its read mark `r` ({lib}: the library id)."""
    depends: frozenset[Depends] = frozenset()
    """The state its posts depend on (besides the posts): its cached list is dropped when
    that state changes."""
    total: str | None = None
    """SQL counting its entries when they are more than its indexed posts ({lib})."""
    listed_by_state: bool = False
    """Its list comes from the state store (the Bookmarked folder keeps vanished posts)."""
    unread: str = UNREAD
    """SQL: which of its posts its unread count counts."""
    quick_count: str | None = None
    """SQL counting its posts without a pass over every post ({lib}). With it, its list newest
    first is read by position from the date index (its first screens at once at any size),
    and the whole id list only once the list is moved through."""


_BOOKMARKED = "p.path IN (SELECT path FROM st.bookmarks WHERE library_id = {lib})"
VIRTUAL_FOLDERS: tuple[VirtualFolder, ...] = (
    VirtualFolder("all", "All", "1"),
    VirtualFolder(
        "unread",
        "Unread",
        UNREAD,
        frozenset({"reads"}),
        quick_count="(SELECT count(*) FROM posts) - (SELECT count(*) FROM st.reads r "
        "JOIN posts p ON p.path = r.path WHERE r.library_id = {lib})",
    ),
    VirtualFolder(
        "new",
        "New since last visit",
        "p.path IN (SELECT f.path FROM st.first_seen f JOIN st.libraries l ON l.id = f.library_id"
        " WHERE f.library_id = {lib} AND f.seen_at > l.last_visit_started)",
    ),
    VirtualFolder(
        "bookmarked",
        "Bookmarked",
        _BOOKMARKED,
        frozenset({"bookmarks"}),
        total="SELECT count(DISTINCT path) FROM st.bookmarks WHERE library_id = {lib}",
        listed_by_state=True,
    ),
    VirtualFolder(
        "updated",
        "Updated since read",
        "r.seen_hash IS NOT NULL AND p.hash IS NOT NULL AND r.seen_hash != p.hash",
        frozenset({"reads"}),
        unread="1",  # read before, changed since: each one is news
    ),
    VirtualFolder("errors", "Errors", "p.error IS NOT NULL"),
)


def virtual_folder(kind: str) -> VirtualFolder | None:
    return next((f for f in VIRTUAL_FOLDERS if f.kind == kind), None)


def _sql(text: str, lib: int) -> str:
    return text.replace("{lib}", str(int(lib)))


def _count_columns(folders: Sequence[VirtualFolder]) -> str:
    """SQL columns: each folder's total and unread over the rows of FROM_POSTS chosen."""
    columns = []
    for folder in folders:
        columns.append(f"coalesce(sum({folder.where}), 0)")
        columns.append(f"coalesce(sum(({folder.where}) AND ({folder.unread})), 0)")
    return ", ".join(columns)


def virtual_counts(
    conn: sqlite3.Connection, lib: int, folders: Sequence[VirtualFolder]
) -> list[tuple[int, int]]:
    """(total, unread) of each virtual folder: one pass over the posts for all of them."""
    row = conn.execute(_sql(f"SELECT {_count_columns(folders)} FROM {FROM_POSTS}", lib)).fetchone()
    counts = []
    for n, folder in enumerate(folders):
        total, unread = int(row[2 * n]), int(row[2 * n + 1])
        if folder.total is not None:
            total = int(conn.execute(_sql(folder.total, lib)).fetchone()[0])
        counts.append((total, unread))
    return counts


def grouped_counts(
    conn: sqlite3.Connection, lib: int, grouping: Literal["category", "tag"]
) -> tuple[dict[str, int], dict[str, int]]:
    """(totals, reads) per category prefix or per tag."""
    table, column = (
        ("post_categories", "prefix") if grouping == "category" else ("post_tags", "tag")
    )
    totals = dict(
        conn.execute(f"SELECT {column}, count(*) FROM {table} GROUP BY {column}").fetchall()
    )
    reads = dict(
        conn.execute(
            f"SELECT c.{column}, count(*) FROM st.reads r "
            f"JOIN posts p ON p.path = r.path JOIN {table} c ON c.post_id = p.id "
            f"WHERE r.library_id = ? GROUP BY c.{column}",
            (lib,),
        ).fetchall()
    )
    return totals, reads


def tagged_counts(
    conn: sqlite3.Connection, lib: int, chosen: str = "1", params: Sequence[str] = ()
) -> tuple[int, int]:
    """(total, unread) of the posts with any tag (the Tags node), of those `chosen`."""
    sql = f"SELECT count(*), sum({UNREAD}) FROM {FROM_POSTS} WHERE {chosen} AND p.tags != '[]'"
    total, unread = conn.execute(_sql(sql, lib), params).fetchone()
    return int(total), int(unread or 0)


def _selection(kind: str, value: tuple[str, ...]) -> tuple[str, str, tuple[Any, ...]]:
    """(JOIN, WHERE, parameters) choosing a folder's posts from FROM_POSTS."""
    if kind == "category":
        join = "JOIN post_categories c ON c.post_id = p.id"
        return join, "c.prefix = ?", (prefix_key(value),)
    if kind == "tag":
        if not value:
            return "", "p.tags != '[]'", ()
        return "JOIN post_tags t ON t.post_id = p.id", "t.tag = ?", (value[0],)
    virtual = virtual_folder(kind)
    if virtual is None:
        raise KeyError(kind)
    return "", virtual.where, ()


def folder_ids(
    conn: sqlite3.Connection, lib: int, kind: str, value: tuple[str, ...], sort: Sort
) -> array[int]:
    """The ids of a folder's posts in `sort` order."""
    join, where, params = _selection(kind, value)
    sql = f"SELECT p.id FROM {FROM_POSTS} {join} WHERE {where} ORDER BY {_ORDER[sort]}"
    # 8 bytes an id (a list of ints takes ~36): a 100k-post folder is 0.8 MB.
    return array("q", [r[0] for r in conn.execute(_sql(sql, lib), params)])


_NEWEST_FIRST = "ORDER BY p.date_key DESC, p.id DESC"


def count_quickly(conn: sqlite3.Connection, lib: int, folder: VirtualFolder) -> int:
    assert folder.quick_count is not None
    return int(conn.execute(_sql(f"SELECT {folder.quick_count}", lib)).fetchone()[0])


def ids_newest_first(
    conn: sqlite3.Connection, lib: int, folder: VirtualFolder, start: int, count: int
) -> list[int]:
    """The ids at positions start..start+count of `folder` newest first (the date index)."""
    sql = f"SELECT p.id FROM {FROM_POSTS} WHERE {folder.where} {_NEWEST_FIRST} LIMIT ? OFFSET ?"
    return [r[0] for r in conn.execute(_sql(sql, lib), (max(0, count), max(0, start)))]


def ids_newest_first_from_end(
    conn: sqlite3.Connection,
    lib: int,
    folder: VirtualFolder,
    start: int,
    count: int,
    total: int,
) -> list[int]:
    """`ids_newest_first` near the end of its `total` posts: the index read from its end."""
    stop = min(start + max(0, count), total)
    if stop <= start:
        return []
    sql = (
        f"SELECT p.id FROM {FROM_POSTS} WHERE {folder.where} "
        "ORDER BY p.date_key, p.id LIMIT ? OFFSET ?"
    )
    return [r[0] for r in conn.execute(_sql(sql, lib), (stop - start, total - stop))][::-1]


def position_newest_first(
    conn: sqlite3.Connection, lib: int, folder: VirtualFolder, path: str
) -> int | None:
    """The position of `path` in `folder` newest first; None when it is not there."""
    found = conn.execute(
        _sql(f"SELECT p.date_key, p.id FROM {FROM_POSTS} WHERE p.path = ? AND {folder.where}", lib),
        (path_to_db(path),),
    ).fetchone()
    if found is None:
        return None
    sql = f"SELECT count(*) FROM {FROM_POSTS} WHERE (p.date_key, p.id) > (?, ?) AND {folder.where}"
    return int(conn.execute(_sql(sql, lib), (found[0], found[1])).fetchone()[0])


def virtual_members(conn: sqlite3.Connection, lib: int, folder: VirtualFolder) -> list[int]:
    """The ids of a virtual folder's posts, in no order. Without an ORDER BY the planner reads
    them the cheap way (a partial index, the path index) instead of walking the date index
    with a look-up in the posts table per post (at 100k: Errors ~170 ms -> ~0, Unread ~6x)."""
    sql = f"SELECT group_concat(p.id) FROM {FROM_POSTS} WHERE {folder.where}"
    ids = conn.execute(_sql(sql, lib)).fetchone()[0]  # one string: no row object per post
    return [] if ids is None else list(map(int, str(ids).split(",")))


def membership(
    conn: sqlite3.Connection, lib: int, folder: VirtualFolder, paths: Sequence[str]
) -> dict[int, bool]:
    """Whether each indexed post at `paths` is in `folder` now, by post id."""
    sql = f"SELECT p.id, ({folder.where}) FROM {FROM_POSTS} WHERE p.path IN ({marks(len(paths))})"
    keys = [path_to_db(path) for path in paths]
    return {post: bool(member) for post, member in conn.execute(_sql(sql, lib), keys)}


Standing = dict[tuple[str, str], tuple[int, int]]
"""What some posts add to each folder's (total, unread), keyed by (folder kind, key): a virtual
folder's key is "", a category's its prefix key, a tag's the tag ("" for the Tags node)."""


def standing(conn: sqlite3.Connection, lib: int, paths: Sequence[str]) -> Standing:
    """What the indexed posts at `paths` add to every folder's counts now (indexed look-ups:
    a read mark's change of the counts, without counting every post again)."""
    keys = [path_to_db(path) for path in paths]
    chosen = f"p.path IN ({marks(len(paths))})"
    columns = _count_columns(VIRTUAL_FOLDERS)
    row = conn.execute(
        _sql(f"SELECT {columns} FROM {FROM_POSTS} WHERE {chosen}", lib), keys
    ).fetchone()
    found: Standing = {
        (folder.kind, ""): (int(row[2 * n]), int(row[2 * n + 1]))
        for n, folder in enumerate(VIRTUAL_FOLDERS)
    }
    for kind, table, column in (
        ("category", "post_categories", "prefix"),
        ("tag", "post_tags", "tag"),
    ):
        sql = (
            f"SELECT c.{column}, count(*), sum({UNREAD}) FROM {FROM_POSTS} "
            f"JOIN {table} c ON c.post_id = p.id WHERE {chosen} GROUP BY c.{column}"
        )
        for key, total, unread in conn.execute(_sql(sql, lib), keys):
            found[(kind, str(key))] = (int(total), int(unread))
    found[("tag", "")] = tagged_counts(conn, lib, chosen, keys)
    return found


def custom_totals(conn: sqlite3.Connection, lib: int) -> dict[str, int]:
    """The totals of the virtual folders counted by their own SQL (small state tables)."""
    return {
        f.kind: int(conn.execute(_sql(f.total, lib)).fetchone()[0])
        for f in VIRTUAL_FOLDERS
        if f.total is not None
    }


def folders_snapshot(conn: sqlite3.Connection) -> str | None:
    """The folder tree (JSON) the last session closed with, None when none was kept."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'folders'").fetchone()
    return None if row is None else str(row[0])


def keep_folders_snapshot(conn: sqlite3.Connection, text: str) -> None:
    """Save the folder tree for the next session (no write when it did not change, so other
    sessions keep their caches). On the index's own connection."""
    if folders_snapshot(conn) == text:
        return
    with write(conn):
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('folders', ?)", (text,))
