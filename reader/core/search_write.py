"""Writing the search index (see reader.core.search for its layout): the posts that changed are
made ready on a second thread (plain text, folded, counted) while the previous batch is
written, in batches of `BATCH` committed one by one, so a stopped update keeps what it did."""

from __future__ import annotations

import itertools
import json
import sqlite3
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from reader.core import search_chars
from reader.core.model import CategoryPath, Post
from reader.core.sanitize import sanitize_line
from reader.core.search_query import fold
from reader.core.search_select import SEP
from reader.core.search_text import clean, plain_text
from reader.core.store.db import (
    MAX_VARIABLES,
    check_schema,
    marks,
    path_to_db,
    retry_busy,
    write,
)
from reader.core.store.migrations import SEARCH_VERSION, create_search_schema, search_schema

BATCH = 200
OPTIMIZE_AFTER = 500
"""Merge the index into one segment after an update that changed this many posts or more."""
MERGE_CHARS_AFTER = 64
"""Merge the one-character postings once this many batches wrote segments since the last merge."""
PAD = "  "
"""Appended to the indexed text: every character then starts a trigram, so the trigrams that
begin with a one- or two-character term find all its occurrences (whitespace is folded to
single spaces, so two spaces never occur in a term or the text)."""
Signature = tuple[object, ...]


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """What the index needs to know about one post besides its text."""

    path: str
    content_hash: str
    title: str
    date: datetime | None = None
    categories: tuple[CategoryPath, ...] = ()
    tags: tuple[str, ...] = ()
    author: str | None = None

    @classmethod
    def from_post(cls, post: Post, content_hash: str) -> IndexEntry:
        return cls(
            path=post.path,
            content_hash=content_hash,
            title=post.title,
            date=post.date,
            categories=post.categories,
            tags=post.tags,
            author=post.author,
        )


@dataclass(frozen=True, slots=True)
class IndexProgress:
    """Progress of `SearchIndex.update`: `done` of `total` changed posts indexed so far."""

    done: int
    total: int
    removed: int
    finished: bool


def _epoch(value: datetime | None) -> float | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 6)


def _unpack(data: bytes) -> str:
    return zlib.decompress(data).decode("utf-8")


def _keys(entry: IndexEntry) -> tuple[str, str, str]:
    """Folded qualifier keys: category segments and /-joined prefixes, tags, author."""
    names: dict[str, None] = {}
    for path in entry.categories:
        for segment in path:
            names.setdefault(fold(sanitize_line(segment)), None)
        for end in range(2, len(path) + 1):
            names.setdefault(fold("/".join(sanitize_line(s) for s in path[:end])), None)
    tags = (fold(sanitize_line(tag)) for tag in entry.tags)
    catkey = SEP + SEP.join(names) + SEP
    tagkey = SEP + SEP.join(tags) + SEP
    return catkey, tagkey, fold(sanitize_line(entry.author or ""))


def prepare_schema(connection: sqlite3.Connection, *, in_memory: bool = False) -> None:
    """Create the tables of an empty search.db, or check those of a current one; raises
    sqlite3.DatabaseError for a damaged or foreign file."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version not in (0, SEARCH_VERSION):
        raise sqlite3.DatabaseError(f"old search index version {version}")
    if version == SEARCH_VERSION:  # a dropped table would be recreated empty, the rest stale
        check_schema(connection, search_schema(), version)
    else:
        # Pages freed by merging the index go back to the file system at the end of
        # an update; switching it on takes a VACUUM, instant while the file is empty.
        connection.execute("PRAGMA auto_vacuum = INCREMENTAL")
        if not in_memory:
            retry_busy(lambda: connection.execute("VACUUM"))
    with write(connection):
        create_search_schema(connection)
        if version == 0:
            # No merging while posts are added (a quarter of the indexing time): a big
            # update ends in one `optimize`, small ones leave a few segments that FTS5
            # merges once sixteen pile up (its 'crisismerge').
            connection.execute("INSERT INTO fts(fts, rank) VALUES ('automerge', 0)")
    connection.execute("SELECT count(*) FROM fts WHERE fts MATCH 'abc'").fetchone()


def meta(connection: sqlite3.Connection, key: str) -> str | None:
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def update(
    connection: sqlite3.Connection,
    entries: Callable[[], Iterable[IndexEntry]],
    markdown_for: Callable[[str], str | None],
    cancel: threading.Event | None,
    source: str | None = None,
) -> Iterator[IndexProgress]:
    """Bring the index on `connection` up to date with the posts `entries()` yields (called
    twice: once to find the changes, once to index them, so that only a batch of posts is in
    memory at a time, never the library). `source`: the stamp of those posts, kept once the
    update ends (see `up_to_date_with`)."""
    changed, gone = _changes(connection, entries())
    if not changed and not gone and meta(connection, "built") == "1":
        # Up to date: write nothing, so readers never see the index as incomplete.
        pending = meta(connection, "pending")
        if pending in (None, "0"):
            _built_from(connection, source)
            yield IndexProgress(done=0, total=0, removed=0, finished=True)
            return
    with write(connection):
        connection.execute("INSERT OR REPLACE INTO meta VALUES ('pending', ?)", (str(changed + 1),))
        for doc_id in gone:
            _delete(connection, doc_id)
    total = changed
    done = 0
    yield IndexProgress(done=0, total=total, removed=len(gone), finished=False)
    batches = _batches(connection, entries())
    stop = threading.Event()
    # The next batch's text is made on a second thread while this one is written: SQLite
    # lets go of the GIL while it indexes, so on two cores the two overlap.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-text") as pool:
        try:
            batch = next(batches, None)
            if batch is not None:
                ahead = pool.submit(_prepare_batch, batch, markdown_for, stop, cancel)
            while batch is not None:
                posts = ahead.result()
                following = next(batches, None) if len(posts) == len(batch) else None
                if following is not None:
                    ahead = pool.submit(_prepare_batch, following, markdown_for, stop, cancel)
                with write(connection):
                    written = []  # (id, character counts), (id, word counts), ...
                    for post in posts:
                        doc_id = _write(connection, post)
                        written += [(doc_id, post.counts), (doc_id, post.words)]
                    if written:
                        search_chars.write_segment(connection, "chars", written[0::2])
                        search_chars.write_segment(connection, "words", written[1::2])
                        _add(connection, "batches", 1)
                    done += len(posts)
                    connection.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('pending', ?)",
                        (str(total - done + 1),),
                    )
                yield IndexProgress(done=done, total=total, removed=len(gone), finished=False)
                if len(posts) < len(batch):
                    return
                batch = following
        finally:
            stop.set()  # an abandoned update leaves the batch being made unfinished
    with write(connection):
        connection.execute("INSERT OR REPLACE INTO meta VALUES ('pending', '0')")
        connection.execute("INSERT OR REPLACE INTO meta VALUES ('built', '1')")
    _built_from(connection, source)
    connection.execute("DELETE FROM temp.changed_paths")
    _tidy(connection, big=total + len(gone) >= OPTIMIZE_AFTER)
    yield IndexProgress(done=done, total=total, removed=len(gone), finished=True)


def up_to_date_with(connection: sqlite3.Connection, source: str | None) -> bool:
    """Whether the last update that ran to its end read the posts `source` stamps (see
    `store.index.posts_stamp`), and none is under way since."""
    return (
        source is not None
        and meta(connection, "source") == source
        and meta(connection, "built") == "1"
        and meta(connection, "pending") in (None, "0")
    )


def _built_from(connection: sqlite3.Connection, source: str | None) -> None:
    if source is not None and meta(connection, "source") != source:
        with write(connection):
            connection.execute("INSERT OR REPLACE INTO meta VALUES ('source', ?)", (source,))


def _changes(
    connection: sqlite3.Connection, entries: Iterable[IndexEntry]
) -> tuple[int, list[int]]:
    """(how many posts are new or changed, ids of the posts no longer there). The posts seen,
    and the paths of those changed, go to temporary tables rather than memory (100k paths held
    as a set took 19 MB); each post is looked up in `docs` by its path."""
    connection.execute("CREATE TEMP TABLE IF NOT EXISTS seen_paths(path PRIMARY KEY)")
    connection.execute("CREATE TEMP TABLE IF NOT EXISTS changed_paths(path PRIMARY KEY)")
    connection.execute("DELETE FROM temp.seen_paths")
    connection.execute("DELETE FROM temp.changed_paths")
    for chunk in _chunks(entries, 1000):
        paths = [(path_to_db(entry.path),) for entry in chunk]
        connection.executemany("INSERT OR IGNORE INTO temp.seen_paths VALUES (?)", paths)
        different = []
        for entry, path in zip(chunk, paths, strict=True):
            row = connection.execute(
                "SELECT hash, title, date, cats, tagkey, author FROM docs WHERE path = ?", path
            ).fetchone()
            if row is None or tuple(row) != _signature(entry):
                different.append(path)
        connection.executemany("INSERT OR IGNORE INTO temp.changed_paths VALUES (?)", different)
    gone = [
        int(row[0])
        for row in connection.execute(
            "SELECT id FROM docs WHERE path NOT IN (SELECT path FROM temp.seen_paths)"
        )
    ]
    connection.execute("DELETE FROM temp.seen_paths")
    changed = connection.execute("SELECT count(*) FROM temp.changed_paths").fetchone()[0]
    return int(changed), gone


def _chunks(entries: Iterable[IndexEntry], size: int) -> Iterator[list[IndexEntry]]:
    iterator = iter(entries)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _batches(
    connection: sqlite3.Connection, entries: Iterable[IndexEntry]
) -> Iterator[list[IndexEntry]]:
    """The entries whose paths `_changes` found changed, `BATCH` at a time."""
    batch: list[IndexEntry] = []
    for chunk in _chunks(entries, MAX_VARIABLES):
        paths = [path_to_db(entry.path) for entry in chunk]
        changed = {
            row[0]
            for row in connection.execute(
                f"SELECT path FROM temp.changed_paths WHERE path IN ({marks(len(paths))})", paths
            )
        }
        for entry, path in zip(chunk, paths, strict=True):
            if path in changed:
                batch.append(entry)
                if len(batch) == BATCH:
                    yield batch
                    batch = []
    if batch:
        yield batch


def _add(connection: sqlite3.Connection, key: str, by: int) -> None:
    value = int(meta(connection, key) or 0) + by
    connection.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, str(value)))


def _tidy(connection: sqlite3.Connection, *, big: bool) -> None:
    """Merge the one-character postings when they hold many segments or many deleted
    posts, the trigram index after a big update, and give freed pages back."""
    stale = int(meta(connection, "stale") or 0)
    batches = int(meta(connection, "batches") or 0)
    live_count = int(connection.execute("SELECT count(*) FROM docs").fetchone()[0])
    if big or batches >= MERGE_CHARS_AFTER or stale * 8 > live_count:
        with write(connection):
            live = {row[0] for row in connection.execute("SELECT id FROM docs")}
            for table in search_chars.TABLES:
                search_chars.merge(connection, table, live if stale else None)
            connection.execute("DELETE FROM meta WHERE key IN ('stale', 'batches')")
    if big:
        connection.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    # executescript steps the pragma to its end (execute frees a single page).
    retry_busy(lambda: connection.executescript("PRAGMA incremental_vacuum;"))


def _delete(connection: sqlite3.Connection, doc_id: int) -> None:
    """Remove one post; its indexed text is re-derived to tell the contentless FTS table."""
    row = connection.execute(
        "SELECT ftitle, body FROM docs JOIN bodies USING (id) WHERE id = ?", (doc_id,)
    ).fetchone()
    if row is not None:
        body = fold(_unpack(row[1]))
        connection.execute(
            "INSERT INTO fts(fts, rowid, title, body) VALUES ('delete', ?, ?, ?)",
            (doc_id, row[0] + PAD, body + PAD),
        )
    connection.execute("DELETE FROM docs WHERE id = ?", (doc_id,))
    _add(connection, "stale", 1)  # its one-character postings go at the next merge
    connection.execute("DELETE FROM bodies WHERE id = ?", (doc_id,))


def _write(connection: sqlite3.Connection, post: _Prepared) -> int:
    """Index one post; returns its id."""
    # Looked up again inside the write transaction: another process may have indexed it.
    old_row = connection.execute("SELECT id FROM docs WHERE path = ?", (post.row[0],)).fetchone()
    if old_row is not None:
        _delete(connection, int(old_row[0]))
    cursor = connection.execute(
        "INSERT INTO docs(path, hash, title, date, cats, catkey, tagkey, author, ftitle)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        post.row,
    )
    doc_id = int(cursor.lastrowid or 0)
    connection.execute("INSERT INTO bodies(id, body) VALUES (?, ?)", (doc_id, post.packed))
    connection.execute(
        "INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)",
        (doc_id, post.ftitle + PAD, post.fbody + PAD),
    )
    return doc_id


@dataclass(frozen=True, slots=True)
class _Prepared:
    """One post made ready to index: the values of its rows, worked out off the writing thread."""

    row: tuple[object, ...]
    """The docs row: path, hash, title, date, cats, catkey, tagkey, author, ftitle."""
    packed: bytes
    ftitle: str
    fbody: str
    counts: Counter[str]
    words: Counter[str]


def _prepare(entry: IndexEntry, markdown: str | None) -> _Prepared:
    body = plain_text(markdown or "")
    title = clean(sanitize_line(entry.title))
    catkey, tagkey, author = _keys(entry)
    ftitle, fbody = fold(title), fold(body)
    row = (
        path_to_db(entry.path),
        entry.content_hash,
        title,
        _epoch(entry.date),
        _cats_json(entry.categories),
        catkey,
        tagkey,
        author,
        ftitle,
    )
    counts = search_chars.char_counts(ftitle, fbody)
    words = search_chars.word_counts(ftitle, fbody)
    return _Prepared(row, _pack(body), ftitle, fbody, counts, words)


def _prepare_batch(
    batch: list[IndexEntry],
    markdown_for: Callable[[str], str | None],
    stop: threading.Event,
    cancel: threading.Event | None,
) -> list[_Prepared]:
    """The posts of `batch` made ready, up to the first one met after a stop or cancel."""
    prepared = []
    for entry in batch:
        if stop.is_set() or (cancel is not None and cancel.is_set()):
            break
        prepared.append(_prepare(entry, markdown_for(entry.path)))
    return prepared


def _signature(entry: IndexEntry) -> Signature:
    _, tagkey, author = _keys(entry)
    return (
        entry.content_hash,
        clean(sanitize_line(entry.title)),
        _epoch(entry.date),
        _cats_json(entry.categories),
        tagkey,
        author,
    )


def _cats_json(categories: tuple[CategoryPath, ...]) -> str:
    return json.dumps([[sanitize_line(s) for s in path] for path in categories], ensure_ascii=False)
