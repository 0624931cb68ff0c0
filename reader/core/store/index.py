"""index.db: the disposable cache of one library (file refs, metadata, categories, converted
Markdown). Wrong version, another root or a damaged file means: rebuild, with a notice."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import sqlite3
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from reader.core.model import Post
from reader.core.store.db import (
    check_schema,
    chunks,
    connect,
    is_busy,
    marks,
    path_from_db,
    path_to_db,
    remove_db_files,
    write,
    write_unless_busy,
)
from reader.core.store.migrations import INDEX_VERSION, create_index_schema, index_schema

NO_DATE_KEY = -1.0e18  # sorts undated posts after every dated one (newest first)
CONVERTED_KEEP = 2000  # converted articles kept in the cache
SEP = "\x1f"  # joins category path segments; sanitized text never contains it


class Stored(NamedTuple):
    """What sync needs to know about an indexed file (a tuple: 100k are made per sync)."""

    id: int
    size: int
    mtime_ns: int
    error: bool


def prefix_key(path: Sequence[str]) -> str:
    return SEP.join(path)


def prefix_parts(key: str) -> tuple[str, ...]:
    return tuple(key.split(SEP)) if key else ()


def ts(value: datetime | None) -> float | None:
    return None if value is None else value.timestamp()


def from_ts(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def iso(value: datetime | None) -> str | None:
    """Dates are stored as ISO text: exact, unlike a float timestamp."""
    return None if value is None else value.isoformat()


def from_iso(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


class IndexStore:
    """Opens (or rebuilds) the index of one library; also the place for its SQL.

    Where the index cannot be written (no room, a file-size limit, a read-only cache dir and
    temp dir), it is kept in memory for the session: one shared-cache memory database that
    every connection of this process reaches by name (`memory_uri`)."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path, root: str, memory_uri: str | None = None
    ) -> None:
        self.conn = conn
        self.path = path
        self.root = root
        self.memory_uri = memory_uri

    @property
    def in_memory(self) -> bool:
        return self.memory_uri is not None

    @classmethod
    def open(cls, path: Path, root: str, notices: list[str]) -> IndexStore:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            return cls(_open_or_rebuild(path, root, notices), path, root)
        except (OSError, sqlite3.OperationalError) as error:
            if isinstance(error, sqlite3.OperationalError) and is_busy(error):
                raise
            first = error
        digest = hashlib.sha256(os.fsencode(root)).hexdigest()[:16]
        try:
            fallback = _private_dir(f"reader-{os.getuid()}-{digest}") / "index.db"
            _copy_readable(path, fallback)
            conn = _open_or_rebuild(fallback, root, [])
        except (OSError, sqlite3.OperationalError) as error:
            if isinstance(error, sqlite3.OperationalError) and is_busy(error):
                raise
            memory, uri = _memory_index(root)
            notices.append(cannot_write_notice(path, first))
            return cls(memory, path, root, uri)
        notices.append(f"cannot write the index at {path} ({first}); using {fallback}")
        return cls(conn, fallback, root)

    def to_memory(self, error: BaseException, notices: list[str]) -> None:
        """Go on in memory with what the index holds now (a write to its file failed)."""
        if self.in_memory:
            raise error
        conn, uri = _memory_index(self.root)
        with contextlib.suppress(sqlite3.Error):
            self.conn.backup(conn)  # keeps what was indexed; else the sync starts afresh
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
        self.conn, self.memory_uri = conn, uri
        notices.append(cannot_write_notice(self.path, error))

    def connect_again(self) -> sqlite3.Connection:
        """Another connection to the same file, for a worker thread."""
        if self.memory_uri is not None:
            return _connect_memory(self.memory_uri)
        return connect(self.path, synchronous="NORMAL")

    def close(self) -> None:
        self.conn.close()


def cannot_write_notice(path: Path, error: BaseException) -> str:
    return f"the index cannot be written at {path} ({error}); it is kept in memory this session"


def is_write_fault(error: sqlite3.Error) -> bool:
    """A write that failed for want of room or of a writable file (not a lock held)."""
    return isinstance(error, sqlite3.OperationalError) and not is_busy(error)


_memory_names = itertools.count(1)


def _connect_memory(uri: str) -> sqlite3.Connection:
    conn = connect(uri, synchronous="OFF", uri=True)
    # Shared-cache tables lock per table and a locked read fails at once instead of waiting:
    # readers here read uncommitted, so the UI never fails while the sync worker writes.
    conn.execute("PRAGMA read_uncommitted=1")
    return conn


def _memory_index(root: str) -> tuple[sqlite3.Connection, str]:
    """A new, empty index in memory (its schema made), and the URI that reaches it."""
    uri = f"file:reader-index-{os.getpid()}-{next(_memory_names)}?mode=memory&cache=shared"
    conn = _connect_memory(uri)
    with write(conn):
        create_index_schema(conn, path_to_db(root))
    return conn, uri


def _private_dir(name: str) -> Path:
    """A directory of ours in the temp dir: reused when we own it (mode 700, no symlink),
    else a fresh one (another user may have made the predictable name first)."""
    folder = Path(tempfile.gettempdir()) / name
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    info = os.lstat(folder)
    if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and info.st_mode & 0o077 == 0:
        return folder
    return Path(tempfile.mkdtemp(prefix=f"{name}-"))


def _copy_readable(source: Path, dest: Path) -> None:
    """Start the fallback index from a copy of the unwritable one (so a big library is not
    parsed again), unless the fallback is already there. Anything unreadable is skipped."""
    if dest.exists() and dest.stat().st_size > 0:
        return
    if not source.exists():
        return
    for query in ("mode=ro", "immutable=1"):
        try:
            reader = sqlite3.connect(f"file:{source}?{query}", uri=True)
            try:
                reader.execute("SELECT count(*) FROM posts").fetchone()
                target = sqlite3.connect(dest)
                try:
                    reader.backup(target)
                finally:
                    target.close()
            finally:
                reader.close()
            return
        except sqlite3.Error:
            remove_db_files(dest)
            continue


def _open_or_rebuild(path: Path, root: str, notices: list[str]) -> sqlite3.Connection:
    key = path_to_db(root)
    try:
        conn = connect(path, synchronous="NORMAL")
    except sqlite3.OperationalError:
        raise
    except sqlite3.DatabaseError as error:
        notices.append(f"the index was damaged ({error}); rebuilding it")
        remove_db_files(path)
        conn = connect(path, synchronous="NORMAL")
    try:
        if _why_rebuild(conn, key) is None:
            return conn
        # Rebuilt in place under the write lock, never by deleting the file: another reader
        # starting at the same moment may be creating this index, and the one whose file was
        # deleted would go on reading an unlinked copy that no sync ever fills.
        with write(conn):
            why = _why_rebuild(conn, key)
            if why is not None:
                if why:
                    notices.append(why)
                create_index_schema(conn, key)
        return conn
    except sqlite3.OperationalError:
        conn.close()
        raise
    except sqlite3.DatabaseError as error:  # pages too damaged to drop: start a new file
        conn.close()
        notices.append(f"the index was damaged ({error}); rebuilding it")
    remove_db_files(path)
    conn = connect(path, synchronous="NORMAL")
    with write(conn):
        create_index_schema(conn, key)
    return conn


def _why_rebuild(conn: sqlite3.Connection, key: str) -> str | None:
    """None when the file is the current index of this library; else the notice to give
    ('' for a new, empty file)."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version != INDEX_VERSION:
        empty = conn.execute("SELECT count(*) FROM main.sqlite_master").fetchone()[0] == 0
        if version == 0 and empty:
            return ""
        return f"the index has an old format (version {version}); rebuilding it"
    try:
        check_schema(conn, index_schema(), version)
    except sqlite3.OperationalError:
        raise
    except sqlite3.DatabaseError as error:
        return f"the index was damaged ({error}); rebuilding it"
    row = conn.execute("SELECT value FROM meta WHERE key='root'").fetchone()
    if row is None or row[0] != key:
        return "the index was made for another folder; rebuilding it"
    return None


def posts_stamp(conn: sqlite3.Connection) -> str | None:
    """Which index.db, and how many changes its posts have seen: equal stamps mean the same
    posts, so a search index built from one needs no update."""
    rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('instance', 'changes')"))
    if "instance" not in rows or "changes" not in rows:
        return None
    return f"{rows['instance']}:{rows['changes']}"


# -------------------------------------------------------------------- sync side
def stored_files(conn: sqlite3.Connection, only: str | None = None) -> dict[str, Stored]:
    """path -> Stored for every indexed file (or just `only`). Reads the columns at the start
    of each row only (`error` sits at the end of a wide row; its partial index says which)."""
    if only is not None:
        rows = conn.execute(
            "SELECT path, id, size, mtime_ns, error IS NOT NULL FROM posts WHERE path = ?",
            (path_to_db(only),),
        )
        return {path_from_db(p): Stored(i, s, m, bool(e)) for p, i, s, m, e in rows}
    failed = {r[0] for r in conn.execute("SELECT id FROM posts WHERE error IS NOT NULL")}
    new = tuple.__new__  # skips NamedTuple.__new__'s Python frame: 100k rows per sync
    known = {
        p if p[:1] != "\0" else path_from_db(p): new(Stored, (i, s, m, False))
        for p, i, s, m in conn.execute("SELECT path, id, size, mtime_ns FROM posts")
    }
    if failed:
        for path, stored in known.items():
            if stored.id in failed:
                known[path] = stored._replace(error=True)
    return known


def stored_files_of(conn: sqlite3.Connection, paths: Sequence[str]) -> dict[str, Stored]:
    """path -> Stored for those of `paths` that are indexed."""
    return _stored_where(conn, "path", [path_to_db(p) for p in paths])


def indexed_files(
    conn: sqlite3.Connection, paths: Sequence[str]
) -> dict[str, tuple[str, int, int, int]]:
    """path -> (path as stored, id, size, mtime_ns) for those of `paths` that are indexed: what
    a sync compares each file it finds with, a chunk at a time (see `stored_files` on `error`).
    The rows are kept as SQLite gives them: 100k files per sync."""
    result: dict[str, tuple[str, int, int, int]] = {}
    escaped = False
    for part in chunks([p if p.isascii() else path_to_db(p) for p in paths]):
        rows = conn.execute(
            f"SELECT path, id, size, mtime_ns FROM posts WHERE path IN ({marks(len(part))})", part
        )
        for row in rows:
            result[row[0]] = row
            escaped = escaped or row[0][:1] == "\0"
    if escaped:
        result = {path_from_db(p): row for p, row in result.items()}
    return result


def stored_files_by_id(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[str, Stored]:
    """path -> Stored for the posts of `ids` that are indexed."""
    return _stored_where(conn, "id", ids)


def stored_files_under(conn: sqlite3.Connection, paths: Sequence[str]) -> dict[str, Stored]:
    """path -> Stored for the indexed posts at `paths` or inside them (a folder's posts)."""
    result: dict[str, Stored] = {}
    for path in paths:
        # Both spellings of the folder: a post's name that is not UTF-8 is stored escaped
        # (path_to_db), and the escaped form of the folder is a prefix of it
        for prefix in {path, "\0" + path.encode("utf-8", "surrogateescape").decode("latin-1")}:
            rows = conn.execute(
                f"{_SELECT_STORED} WHERE path = ? OR (path > ? AND path < ?)",  # '0' after '/'
                (path_to_db(path), prefix + "/", prefix + "0"),
            )
            result.update(_stored(rows))
    return result


def _stored_where(
    conn: sqlite3.Connection, column: str, values: Sequence[str] | Sequence[int]
) -> dict[str, Stored]:
    result: dict[str, Stored] = {}
    for part in chunks(values):
        rows = conn.execute(f"{_SELECT_STORED} WHERE {column} IN ({marks(len(part))})", part)
        result.update(_stored(rows))
    return result


_SELECT_STORED = "SELECT path, id, size, mtime_ns, error IS NOT NULL FROM posts"


def _stored(rows: Iterable[tuple[str, int, int, int, int]]) -> Iterator[tuple[str, Stored]]:
    """(path, Stored) of rows selected by `_SELECT_STORED`."""
    return ((path_from_db(p), Stored(i, s, m, bool(e))) for p, i, s, m, e in rows)


class IndexRow(NamedTuple):
    """One parsed post as the index stores it: plain values only, so a worker process makes it
    and the app's sync thread just unpickles and writes it."""

    path: str
    values: tuple[Any, ...]
    """The `_COLUMNS`, in order."""
    prefixes: tuple[str, ...]
    """Every category prefix of the post (`prefix_key`), for the category folders."""
    tags: tuple[str, ...]
    failed: bool
    """The post has an error (it is still listed)."""


def post_row(post: Post, size: int, mtime_ns: int, content_hash: str | None) -> IndexRow:
    date = ts(post.date)
    values = (
        size,
        mtime_ns,
        content_hash,
        post.title,
        post.title.casefold(),
        iso(post.date),
        NO_DATE_KEY if date is None else date,
        post.date_source,
        json.dumps([list(c) for c in post.categories], ensure_ascii=False),
        json.dumps(list(post.tags), ensure_ascii=False),
        post.author,
        post.url,
        post.cover,
        iso(post.updated),
        int(post.draft),
        post.format,
        post.error,
        json.dumps(list(post.identity), ensure_ascii=False),
    )
    prefixes = {prefix_key(c[:n]) for c in post.categories for n in range(1, len(c) + 1)}
    return IndexRow(
        post.path, values, tuple(prefixes), tuple(set(post.tags)), post.error is not None
    )


_COLUMNS = (
    "size, mtime_ns, hash, title, title_fold, date, date_key, date_source, categories, tags, "
    "author, url, cover, updated, draft, format, error, identity"
)


def save_posts(
    conn: sqlite3.Connection,
    items: Iterable[tuple[Post, int, int, str | None]],
    known: dict[str, Stored],
) -> list[int]:
    """Insert or update parsed posts (post, size, mtime_ns, hash) inside the caller's write
    transaction; ids of existing paths are kept. Returns the ids written, in order."""
    return save_rows(conn, [post_row(*item) for item in items], known)


def save_rows(
    conn: sqlite3.Connection, rows: Iterable[IndexRow], known: dict[str, Stored]
) -> list[int]:
    """`save_posts` for posts already made into rows (by a parsing worker process)."""
    names = _COLUMNS.split(", ")
    next_id = int(conn.execute("SELECT coalesce(max(id), 0) FROM posts").fetchone()[0]) + 1
    ids: list[int] = []
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    categories: list[tuple[str, int]] = []
    tags: list[tuple[str, int]] = []
    for path, values, prefixes, post_tags, _failed in rows:
        old = known.get(path)
        if old is not None:
            post_id = old.id
            updates.append((*values, post_id))
        else:
            post_id = next_id
            next_id += 1
            inserts.append((post_id, path_to_db(path), *values))
        ids.append(post_id)
        categories.extend((p, post_id) for p in prefixes)
        tags.extend((t, post_id) for t in post_tags)
    if updates:
        changed = [(u[-1],) for u in updates]
        conn.executemany("DELETE FROM post_categories WHERE post_id=?", changed)
        conn.executemany("DELETE FROM post_tags WHERE post_id=?", changed)
        conn.executemany(
            "UPDATE posts SET " + ", ".join(f"{n}=?" for n in names) + " WHERE id=?", updates
        )
    conn.executemany(
        f"INSERT INTO posts (id, path, {_COLUMNS}) VALUES (?, ?{',?' * len(names)})", inserts
    )
    conn.executemany("INSERT OR IGNORE INTO post_categories VALUES (?, ?)", categories)
    conn.executemany("INSERT OR IGNORE INTO post_tags VALUES (?, ?)", tags)
    if ids:
        _posts_changed(conn)
    return ids


def delete_posts(conn: sqlite3.Connection, ids: Sequence[int]) -> None:
    for part in chunks(ids):
        q = marks(len(part))
        conn.execute(f"DELETE FROM post_categories WHERE post_id IN ({q})", part)
        conn.execute(f"DELETE FROM post_tags WHERE post_id IN ({q})", part)
        conn.execute(f"DELETE FROM posts WHERE id IN ({q})", part)
    if ids:
        _posts_changed(conn)


def _posts_changed(conn: sqlite3.Connection) -> None:
    """Count a change to `posts` (every writer of the table calls this; a trigger per row
    cost a cold sync of 100k posts ~0.7 s). The id tells this index.db from a rebuilt one,
    whose count starts again."""
    conn.execute("INSERT OR IGNORE INTO meta VALUES ('instance', lower(hex(randomblob(8))))")
    conn.execute(
        "INSERT INTO meta VALUES ('changes', 1) "
        "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


def identities(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """id -> relink keys: front-matter identities, and title + date."""
    result: dict[int, tuple[str, ...]] = {}
    for part in chunks(ids):
        for post_id, identity, title, date in conn.execute(
            f"SELECT id, identity, title, date FROM posts WHERE id IN ({marks(len(part))})", part
        ):
            keys = [f"id:{v}" for v in json.loads(identity)]
            if date is not None and title:
                keys.append(f"td:{title}\x00{date}")
            result[post_id] = tuple(keys)
    return result


_POST_SQL = (
    "SELECT path, title, date, date_source, categories, tags, author, url, cover, updated, "
    "draft, format, error, identity FROM posts"
)


def post_from_row(row: Sequence[Any]) -> Post:
    return Post(
        path=path_from_db(row[0]),
        title=row[1],
        date=from_iso(row[2]),
        date_source=row[3],
        categories=tuple(tuple(c) for c in json.loads(row[4])),
        tags=tuple(json.loads(row[5])),
        author=row[6],
        url=row[7],
        cover=row[8],
        updated=from_iso(row[9]),
        draft=bool(row[10]),
        format=row[11],
        error=row[12],
        identity=tuple(json.loads(row[13])),
    )


def all_posts(conn: sqlite3.Connection) -> list[Post]:
    return [post_from_row(row) for row in conn.execute(_POST_SQL)]


def readable_posts_with_hashes(
    conn: sqlite3.Connection, page: int = 1000
) -> Iterator[tuple[Post, str]]:
    """Posts that parsed without error, each with its content hash, read a page at a time: one
    page of posts in memory, and a short read of the index per page (one read over all of them
    would hold back its checkpoints while the search index is built)."""
    sql = _POST_SQL.replace(
        " FROM posts", ", hash, id FROM posts WHERE error IS NULL AND id > ? ORDER BY id LIMIT ?"
    )
    last = 0
    while True:
        rows = conn.execute(sql, (last, page)).fetchall()
        for row in rows:
            yield post_from_row(row), row[-2] or ""
        if len(rows) < page:
            return
        last = rows[-1][-1]


# -------------------------------------------------------------------- converted cache
CONVERTER_VERSION = 3
"""Bump when reader.core.convert makes different Markdown of the same post (2: images with a
web address became links; 3: issue 15, emphasis next to CJK, fenced code, footnotes, one image
placeholder): conversions cached by an older converter are then not used."""


def _converted_key(content_hash: str) -> str:
    return f"{content_hash}:{CONVERTER_VERSION}"


def get_converted(conn: sqlite3.Connection, content_hash: str) -> tuple[str, str | None] | None:
    row = conn.execute(
        "SELECT markdown, notice FROM converted WHERE hash=?", (_converted_key(content_hash),)
    ).fetchone()
    return None if row is None else (row[0], row[1])


def put_converted(
    conn: sqlite3.Connection, content_hash: str, markdown: str, notice: str | None
) -> None:
    """Cache a conversion; skipped when another connection is writing (a sync's batch): a
    reader opening a post does not wait for it, and the next opening converts again."""
    with write_unless_busy(conn) as writing:
        if not writing:
            return
        conn.execute(
            "INSERT OR REPLACE INTO converted VALUES (?,?,?,?)",
            (_converted_key(content_hash), markdown, notice, time.time()),
        )
        conn.execute(
            "DELETE FROM converted WHERE hash IN (SELECT hash FROM converted "
            "ORDER BY used DESC LIMIT -1 OFFSET ?)",
            (CONVERTED_KEEP,),
        )
