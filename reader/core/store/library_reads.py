"""Named queries of the library service on a read connection (index.db with state.db ATTACHed
as `st`, see reader.core.store.readers): post rows with their marks, unread lookups,
files and titles. Each is one indexed query (per chunk of at most MAX_VARIABLES values)."""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Sequence
from typing import Any

from reader.core.store.db import chunks, marks, path_from_db, path_to_db

_ROW = (
    "SELECT p.id, p.path, p.title, p.date, p.categories, p.author, p.url, "
    "r.path IS NOT NULL, r.seen_hash, p.hash, "
    "EXISTS (SELECT 1 FROM st.bookmarks b WHERE b.library_id = :lib AND b.path = p.path), "
    "p.error FROM posts p LEFT JOIN st.reads r ON r.library_id = :lib AND r.path = p.path "
)
_UNREAD = "NOT EXISTS (SELECT 1 FROM st.reads r WHERE r.library_id = :lib AND r.path = p.path)"
RowValues = tuple[Any, ...]
"""(id, path, title, date, categories, author, url, read, seen hash, hash, bookmarked, error)"""


def _named(values: Sequence[Any], lib: int) -> dict[str, Any]:
    params: dict[str, Any] = {f"v{n}": v for n, v in enumerate(values)}
    params["lib"] = lib
    return params


def _in_list(count: int) -> str:
    return ",".join(f":v{n}" for n in range(count))


def rows_by_ids(conn: sqlite3.Connection, lib: int, ids: Sequence[int]) -> list[RowValues]:
    """The rows of `ids` (any order; vanished ids left out)."""
    result: list[RowValues] = []
    for part in chunks(ids):
        sql = f"{_ROW} WHERE p.id IN ({_in_list(len(part))})"
        result.extend(conn.execute(sql, _named(part, lib)).fetchall())
    return result


def rows_by_paths(conn: sqlite3.Connection, lib: int, paths: Sequence[str]) -> list[RowValues]:
    """The rows of the indexed ones of `paths` (any order)."""
    result: list[RowValues] = []
    for part in chunks([path_to_db(p) for p in paths]):
        sql = f"{_ROW} WHERE p.path IN ({_in_list(len(part))})"
        result.extend(conn.execute(sql, _named(part, lib)).fetchall())
    return result


def unread_ids(conn: sqlite3.Connection, lib: int, ids: Sequence[int]) -> dict[int, str]:
    """id -> path of the unread posts among `ids`."""
    found: dict[int, str] = {}
    for part in chunks(ids):
        sql = (
            f"SELECT p.id, p.path FROM posts p WHERE p.id IN ({_in_list(len(part))}) AND {_UNREAD}"
        )
        found.update((i, path_from_db(p)) for i, p in conn.execute(sql, _named(part, lib)))
    return found


def unread_paths(conn: sqlite3.Connection, lib: int, paths: Sequence[str]) -> set[str]:
    """Those of `paths` that are indexed and unread."""
    found: set[str] = set()
    for part in chunks([path_to_db(p) for p in paths]):
        sql = f"SELECT p.path FROM posts p WHERE p.path IN ({_in_list(len(part))}) AND {_UNREAD}"
        found.update(path_from_db(r[0]) for r in conn.execute(sql, _named(part, lib)))
    return found


def next_unread(
    conn: sqlite3.Connection, lib: int, after: str | None, *, backwards: bool
) -> str | None:
    """The next unread post in date order (newest first) after `after` (the date index)."""
    order = "ASC" if backwards else "DESC"
    where = _UNREAD
    params: dict[str, Any] = {"lib": lib}
    if after is not None:
        pos = conn.execute(
            "SELECT date_key, id FROM posts WHERE path = ?", (path_to_db(after),)
        ).fetchone()
        if pos is not None:
            cmp = ">" if backwards else "<"
            where = f"{_UNREAD} AND (p.date_key, p.id) {cmp} (:key, :id)"
            params.update(key=pos[0], id=pos[1])
    row = conn.execute(
        f"SELECT p.path FROM posts p WHERE {where} "
        f"ORDER BY p.date_key {order}, p.id {order} LIMIT 1",
        params,
    ).fetchone()
    return None if row is None else path_from_db(row[0])


def post_id(conn: sqlite3.Connection, path: str) -> int | None:
    row = conn.execute("SELECT id FROM posts WHERE path = ?", (path_to_db(path),)).fetchone()
    return None if row is None else int(row[0])


def post_file(conn: sqlite3.Connection, path: str) -> tuple[int, int, str | None] | None:
    """(size, mtime_ns, content hash) of an indexed post, None when it is not indexed."""
    row = conn.execute(
        "SELECT size, mtime_ns, hash FROM posts WHERE path = ?", (path_to_db(path),)
    ).fetchone()
    return None if row is None else (int(row[0]), int(row[1]), row[2])


def content_hashes(conn: sqlite3.Connection, paths: Sequence[str]) -> list[tuple[str, str | None]]:
    """(path, content hash) of the indexed ones of `paths`."""
    result: list[tuple[str, str | None]] = []
    for part in chunks([path_to_db(p) for p in paths]):
        rows = conn.execute(
            f"SELECT path, hash FROM posts WHERE path IN ({marks(len(part))})", part
        ).fetchall()
        result.extend((path_from_db(p), h) for p, h in rows)
    return result


def paths_of_ids(conn: sqlite3.Connection, ids: Sequence[int]) -> list[str]:
    paths: list[str] = []
    for part in chunks(ids):
        rows = conn.execute(
            f"SELECT path FROM posts WHERE id IN ({marks(len(part))})", part
        ).fetchall()
        paths.extend(path_from_db(r[0]) for r in rows)
    return paths


_BY_DATE = "ORDER BY date_key DESC, id DESC"
"""All's order: newest first (the `posts_date` index)."""


Titles = list[str] | list[bytes]


def titled_by_date(
    conn: sqlite3.Connection, words: Sequence[str], *, decoded: bool = False
) -> tuple[array[int], Titles]:
    """The ids and casefolded titles of the posts whose titles hold every one of `words`
    (casefolded), newest first. One scan of the `posts_date` index, which carries the titles;
    each column comes back as one value built by SQLite, without the GIL (no row object per
    post). Titles come as UTF-8 bytes unless `decoded`: decoding costs as much as the scan
    (CJK), and a UTF-8 substring match is a character substring match."""
    inner = f"SELECT id, title_fold FROM posts WHERE {_having(words)} {_BY_DATE}"
    count, ids, blob = conn.execute(
        "SELECT count(*), group_concat(id), CAST(group_concat(title_fold, char(0)) AS BLOB) "
        f"FROM ({inner})",
        list(words),
    ).fetchone()
    if not count:
        return array("q"), []
    titles: Titles = bytes(blob).decode().split("\0") if decoded else bytes(blob).split(b"\0")
    if len(titles) != count:  # a title holds a NUL: read them row by row instead
        rows = conn.execute(inner, list(words)).fetchall()
        titles = [str(r[1]) for r in rows] if decoded else [str(r[1]).encode() for r in rows]
        return array("q", [r[0] for r in rows]), titles
    return array("q", map(int, str(ids).split(","))), titles


def _having(words: Sequence[str]) -> str:
    """SQL keeping the posts whose casefolded title holds every one of `words` (one `?` each)."""
    return " AND ".join(["instr(title_fold, ?) > 0"] * len(words)) or "1"


def ids_by_date(
    conn: sqlite3.Connection, start: int, count: int, words: Sequence[str] = ()
) -> list[int]:
    """The ids at positions start..start+count of All newest first, or of the posts of All
    whose titles hold every one of `words` (the `posts_date` index, no sort)."""
    rows = conn.execute(
        f"SELECT id FROM posts WHERE {_having(words)} {_BY_DATE} LIMIT ? OFFSET ?",
        [*words, max(0, count), max(0, start)],
    )
    return [r[0] for r in rows]


def ids_by_date_from_end(
    conn: sqlite3.Connection, start: int, count: int, total: int, words: Sequence[str] = ()
) -> list[int]:
    """`ids_by_date` for positions near the end of a list of `total` posts: the index read
    from its other end, so the cost grows with the distance to the end, not to the start."""
    stop = min(start + max(0, count), total)
    if stop <= start:
        return []
    rows = conn.execute(
        f"SELECT id FROM posts WHERE {_having(words)} ORDER BY date_key, id LIMIT ? OFFSET ?",
        [*words, stop - start, total - stop],
    )
    return [r[0] for r in rows][::-1]


def post_count(conn: sqlite3.Connection, words: Sequence[str] = ()) -> int:
    """How many posts there are, or how many have titles holding every one of `words`."""
    sql = f"SELECT count(*) FROM posts WHERE {_having(words)}"
    return int(conn.execute(sql, list(words)).fetchone()[0])


def position_by_date(conn: sqlite3.Connection, path: str, words: Sequence[str] = ()) -> int | None:
    """The position of `path` in All newest first, or among the posts of All whose titles
    hold every one of `words`; None when it is not there. Counts the ones before it."""
    found = conn.execute(
        f"SELECT date_key, id FROM posts WHERE path = ? AND {_having(words)}",
        [path_to_db(path), *words],
    ).fetchone()
    if found is None:
        return None
    before = conn.execute(
        f"SELECT count(*) FROM posts WHERE (date_key, id) > (?, ?) AND {_having(words)}",
        [found[0], found[1], *words],
    ).fetchone()
    return int(before[0])


def is_bookmarked(conn: sqlite3.Connection, lib: int, path: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM st.bookmarks WHERE library_id = ? AND path = ? LIMIT 1",
        (lib, path_to_db(path)),
    ).fetchone()
    return row is not None


def is_current_index(conn: sqlite3.Connection) -> bool:
    """Whether `conn` holds an index of the schema this program writes."""
    from reader.core.store.migrations import INDEX_VERSION

    return int(conn.execute("PRAGMA user_version").fetchone()[0]) == INDEX_VERSION
