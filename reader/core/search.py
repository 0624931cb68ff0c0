"""Full-text search over a library: an SQLite FTS5 index in its own file, `search.db`.

Layout (chosen by measurement on a synthetic 10k-post library, `reader.core.search_bench`):
- `docs` keeps what a result shows (path, title, date, categories), the folded title and the
  qualifier keys; `bodies` the plain text, zlib-packed, for snippets;
- `fts` is a contentless FTS5 table with the `trigram` tokenizer over the folded (`fold`,
  length-preserving lower case) title and text, case-sensitive since the text is folded
  already, without positions (`detail=none`, a third of the size of full detail): a term of
  three characters matches exactly the posts holding it; a longer term matches the posts
  holding all its trigrams, and those are verified against their text, which also counts
  the occurrences for ranking;
- terms of two characters (上市, "go") have no trigram of their own, but every occurrence
  starts a trigram of the padded text (`search_write.PAD`), so a range over the index's term list
  (`fts_terms`, an fts5vocab table) yields exactly the posts containing them;
- one-character terms (猫, and the first key typed) would read every occurrence that way,
  millions for a Latin letter, so `chars` keeps, per character, the posts holding it and how
  often, packed (reader.core.search_chars).
All of it is as exact as a scan of the text. The schema lives in reader.core.store.migrations.
Search is a separate file from index.db so that indexing never contends with sync for the
write lock, and a broken or old search.db is simply rebuilt.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reader.core import search_chars, search_write
from reader.core.model import CategoryPath
from reader.core.search_lock import users_lock
from reader.core.search_query import Query, QueryError, fold, parse_query
from reader.core.search_select import (
    CANDIDATES,
    checked_page,
    checked_terms,
    matches,
    ranked_page,
    uses_words,
)
from reader.core.search_source import markdown_of_file
from reader.core.search_text import find_all, merge_hits, plain_text, snippet_of_packed
from reader.core.search_write import (
    IndexEntry,
    IndexProgress,
    meta,
    prepare_schema,
    up_to_date_with,
)
from reader.core.store.db import (
    connect,
    is_busy,
    path_from_db,
    path_to_db,
    retry_busy,
    snapshot,
)
from reader.core.store.migrations import SEARCH_VERSION

__all__ = [
    "IndexEntry",
    "IndexProgress",
    "QueryError",
    "SearchHit",
    "SearchIndex",
    "SearchResults",
    "find_all",
    "fold",
    "markdown_of_file",
    "parse_query",
    "plain_text",
]

SCHEMA_VERSION = SEARCH_VERSION


# -- data --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchHit:
    path: str
    title: str
    date: datetime | None
    categories: tuple[CategoryPath, ...]
    snippet: str
    """Plain text, sanitized, one line."""
    highlights: tuple[tuple[int, int], ...]
    """(start, end) offsets of the hits in `snippet`."""
    title_highlights: tuple[tuple[int, int], ...] = ()
    """(start, end) offsets of the hits in `title`."""


@dataclass(frozen=True, slots=True)
class SearchResults:
    hits: list[SearchHit]
    total: int
    """How many posts match (hits holds at most `limit` of them)."""
    complete: bool
    """False while the index is being built or was never finished: results may be missing."""
    query: Query
    total_exact: bool = True
    """False: `total` is an estimate (a term of four or more characters had too many candidate
    posts to check them all; see search_select.COUNT_LIMIT). `hits` are exact either way."""


# -- the index ---------------------------------------------------------------------------------

# Bodies live apart from docs: ranking reads the docs row of every match (title, date), and with
# the bodies inline those rows spread over ten times the pages (a one-character query over 100k
# posts took 6 s cold and 0.3 s warm in a model of the index, against 0.5 s and 0.1 s apart).

_memory_names = itertools.count(1)


class SearchIndex:
    """The search index of one library. Queries may run while `update` runs in another thread."""

    def __init__(self, db_path: str | os.PathLike[str], *, in_memory: bool = False) -> None:
        self.db_path = Path(db_path)
        self._memory_uri: str | None = None
        self._memory_keep: sqlite3.Connection | None = None
        """Holds the shared memory database open while the per-thread connections come and go."""
        self._local = threading.local()
        self._lock = threading.Lock()
        self._update_lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self.notices: list[str] = []
        self._users = users_lock(self.db_path)
        if in_memory:
            self._use_memory()
        else:
            self._prepare()

    # connections ------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self._memory_uri is not None:
            connection = connect(self._memory_uri, uri=True, synchronous="NORMAL")
            # Shared-cache locks are per table and fail at once: readers read uncommitted.
            connection.execute("PRAGMA read_uncommitted = 1")
        else:
            # A cache: NORMAL may lose the last commits in a power cut, never corrupt the file.
            connection = connect(self.db_path, synchronous="NORMAL")
        with self._lock:
            self._connections.append(connection)
        return connection

    def _conn(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connect()
            self._local.connection = connection
        return connection

    def _use_memory(self, error: BaseException | None = None) -> None:
        """Go on with an empty index in memory: its file cannot be written."""
        self._close_connections()
        self._users.release()
        self._memory_uri = (
            f"file:reader-search-{os.getpid()}-{next(_memory_names)}?mode=memory&cache=shared"
        )
        self._memory_keep = self._connect()
        self._create()
        if error is not None:
            self.notices.append(
                f"the search index cannot be written at {self.db_path} ({error}); "
                "it is kept in memory this session"
            )

    @property
    def in_memory(self) -> bool:
        return self._memory_uri is not None

    def to_memory(self, error: BaseException) -> None:
        """Go on in memory with a notice: the file could not be written (by a builder child)."""
        if self._memory_uri is None:
            self._use_memory(error)

    def _prepare(self) -> None:
        try:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
            self._users.acquire(shared=True, wait=True)  # this session has search.db open
            self._create()
        except OSError as error:
            self._use_memory(error)
        except sqlite3.OperationalError as error:
            if is_busy(error):
                raise  # another session holds it: not damage, and not ours to delete
            self._use_memory(error)  # no room, a size limit, a read-only folder
        except sqlite3.DatabaseError as error:
            self._replace_damaged(error)

    def _replace_damaged(self, error: sqlite3.DatabaseError) -> None:
        """A cache: a damaged or foreign file is replaced, never repaired; but only when no other
        session has it open (deleting a database in use, its WAL with it, would break theirs)."""
        self._close_connections()
        if not self._users.acquire(shared=False):
            self._use_memory()
            self.notices.append(
                f"the search index at {self.db_path} is damaged ({error}) and open in another "
                "session; it is kept in memory this session and rebuilt once that one closes"
            )
            return
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.db_path}{suffix}").unlink(missing_ok=True)
        self._users.acquire(shared=True, wait=True)
        self.notices.append(f"search index rebuilt ({error})")
        self._create()

    def _create(self) -> None:
        prepare_schema(self._conn(), in_memory=self._memory_uri is not None)

    def checkpoint(self) -> None:
        """Fold the WAL into the file and empty it (the size of search.db is measured after)."""
        retry_busy(lambda: self._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())

    def close(self) -> None:
        self._close_connections()
        self._users.release()

    def _close_connections(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()
        self._local = threading.local()

    # state --------------------------------------------------------------------------------------
    @property
    def complete(self) -> bool:
        """True when an update ran to its end and none is under way."""
        connection = self._conn()
        return meta(connection, "built") == "1" and meta(connection, "pending") in (
            None,
            "0",
        )

    def up_to_date_with(self, source: str | None) -> bool:
        """Whether the last finished update read the posts `source` stamps (see
        `store.index.posts_stamp`): then an update would find nothing to do."""
        return up_to_date_with(self._conn(), source)

    def __len__(self) -> int:
        return int(self._conn().execute("SELECT count(*) FROM docs").fetchone()[0])

    # building -----------------------------------------------------------------------------------
    def update(
        self,
        entries: Iterable[IndexEntry] | Callable[[], Iterable[IndexEntry]],
        markdown_for: Callable[[str], str | None],
        cancel: threading.Event | None = None,
    ) -> Iterator[IndexProgress]:
        """Bring the index up to date with `entries`, the complete list of current posts
        (or a function giving them, called twice: see `search_write.update`).

        New posts and posts whose content hash or metadata changed are (re)indexed with
        `markdown_for(path)` (None: title only); posts not in `entries` are removed. Work is
        committed in batches, so a cancelled update keeps what it did; until an update
        finishes, `complete` is False. Runs on its own connection (call it from a worker).
        """
        source = entries if callable(entries) else _listed(list(entries))
        with self._update_lock:  # one update at a time in this process
            try:
                yield from self._update_on_own_connection(source, markdown_for, cancel)
            except sqlite3.OperationalError as error:
                if is_busy(error) or self._memory_uri is not None:
                    raise
                self._use_memory(error)  # the file filled up: index again, in memory
                yield from self._update_on_own_connection(source, markdown_for, cancel)

    def _update_on_own_connection(
        self,
        entries: Callable[[], Iterable[IndexEntry]],
        markdown_for: Callable[[str], str | None],
        cancel: threading.Event | None,
    ) -> Iterator[IndexProgress]:
        connection = self._connect()
        try:
            yield from search_write.update(connection, entries, markdown_for, cancel)
        finally:
            with self._lock:
                if connection in self._connections:
                    self._connections.remove(connection)
            connection.close()

    # querying -----------------------------------------------------------------------------------
    def query(
        self,
        text: str,
        *,
        limit: int = 50,
        read: Callable[[], Iterable[str]] | None = None,
        bookmarked: Callable[[], Iterable[str]] | None = None,
    ) -> SearchResults:
        """Posts matching `text` (see reader.core.search_query), best first.

        Order: posts with more terms in the title first, then relevance (the number of
        occurrences of the terms; three-character terms count only where a longer term made
        the text be read), then newest.
        `read` and `bookmarked` supply the paths that `is:unread` / `is:bookmarked` need.
        Raises QueryError for a query that cannot be understood.
        """
        parsed = parse_query(text)
        connection = self._conn()
        complete = self.complete
        if parsed.is_empty:
            return SearchResults(hits=[], total=0, complete=complete, query=parsed)
        if parsed.unread and read is None:
            raise QueryError("is:unread is not available here")
        if parsed.bookmarked and bookmarked is None:
            raise QueryError("is:bookmarked is not available here")
        with snapshot(connection):
            if parsed.unread and read is not None:
                _fill_temp(connection, "sel_read", read())
            if parsed.bookmarked and bookmarked is not None:
                _fill_temp(connection, "sel_marked", bookmarked())
            lists = {
                term: _postings(connection, term)
                for term in parsed.terms
                if len(term) == 1 or uses_words(term)
            }
            # A list of ints prints as JSON, which SQLite reads with json_each.
            sql, params = matches(parsed, {term: str(found) for term, found in lists.items()})
            exact = True
            if checked_terms(parsed.terms):
                candidates = connection.execute(sql + CANDIDATES, params).fetchall()
                page = checked_page(connection, candidates, parsed.terms, max(0, limit))
                total, ids, exact = page.total, page.ids, page.exact
            else:
                known = _postings_total(connection, parsed, lists)
                ids, total = ranked_page(connection, sql, params, parsed.terms, limit, known)
        hits = [self._hit(connection, doc_id, parsed.terms) for doc_id in ids]
        return SearchResults(
            hits=hits, total=total, complete=complete, query=parsed, total_exact=exact
        )

    def _hit(
        self, connection: sqlite3.Connection, doc_id: int, terms: tuple[str, ...]
    ) -> SearchHit:
        path, title, body, stamp, cats = connection.execute(
            "SELECT path, title, body, date, cats FROM docs JOIN bodies USING (id) WHERE id = ?",
            (doc_id,),
        ).fetchone()
        snippet, highlights = snippet_of_packed(body, terms)
        return SearchHit(
            path=path_from_db(path),
            title=title,
            date=None if stamp is None else datetime.fromtimestamp(stamp, UTC),
            categories=tuple(tuple(p) for p in json.loads(cats)),
            snippet=snippet,
            highlights=highlights,
            title_highlights=merge_hits(title, terms),
        )


def _listed(entries: list[IndexEntry]) -> Callable[[], list[IndexEntry]]:
    return lambda: entries


def _postings(connection: sqlite3.Connection, term: str) -> list[int]:
    if len(term) == 1:
        return search_chars.read(connection, term)
    return search_chars.read_containing(connection, term)


def _postings_total(
    connection: sqlite3.Connection, query: Query, lists: dict[str, list[int]]
) -> int | None:
    """How many posts match, when the query is one term found through postings and no deleted
    post left its ids in them (see search_chars.merge): counting the rows instead took 29 ms
    for 的 at 100k posts."""
    if len(query.terms) != 1 or query.has_filters or query.terms[0] not in lists:
        return None
    if meta(connection, "stale") not in (None, "0"):
        return None
    return len(lists[query.terms[0]])


def _fill_temp(connection: sqlite3.Connection, name: str, paths: Iterable[str]) -> None:
    connection.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name}(path BLOB PRIMARY KEY)")
    connection.execute(f"DELETE FROM temp.{name}")
    connection.executemany(
        f"INSERT OR IGNORE INTO temp.{name} VALUES (?)", ((path_to_db(p),) for p in paths)
    )
