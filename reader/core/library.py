"""The library service: the one thing the UI talks to (plain Python, no Textual).

Reads go through a pool of read connections to index.db with state.db ATTACHed read-only,
one per concurrent reader, so lists and counts join posts with read marks and bookmarks in
single SQL queries and no read waits for another (a recount on a worker never blocks the UI).
Writes to the index take their own short transactions on the index's own connection; sync
runs on its own connection in a worker thread.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, get_args

from reader.core.errors import reports_errors
from reader.core.model import Post
from reader.core.paths import StorePaths
from reader.core.permalink import SiteLinks
from reader.core.permalink_lookup import find_post, find_post_link
from reader.core.scan import FileRef, Site, post_file_path, scan, site_at
from reader.core.store.db import chunks, marks, path_from_db, path_to_db, write
from reader.core.store.index import (
    IndexStore,
    all_posts,
    from_iso,
    from_ts,
    get_converted,
    is_write_fault,
    prefix_key,
    prefix_parts,
    put_converted,
    readable_posts_with_hashes,
    save_posts,
    stored_files,
)
from reader.core.store.migrations import INDEX_VERSION
from reader.core.store.readers import ReadPool, file_uri
from reader.core.store.state import (
    BookmarkRecord,
    PostInfo,
    StateStore,
    bookmarks_of,
    combined_note,
    known_roots,
)

if TYPE_CHECKING:  # imported where used: start-up needs none of them
    from reader.core.outline import Heading
    from reader.core.parse import ParsedPost
    from reader.core.search import IndexProgress, SearchIndex, SearchResults
    from reader.core.sync import SyncProgress

__all__ = [
    "NOT_SAVED",
    "Article",
    "Bookmark",
    "Folder",
    "FolderMarked",
    "FolderNode",
    "Library",
    "PostList",
    "PostRow",
    "SyncProgress",
    "Undone",
    "current_posts",
    "known_libraries",
    "library_for_file",
]

FolderKind = Literal["all", "unread", "bookmarked", "updated", "errors", "category", "tag"]
FOLDER_KINDS: tuple[FolderKind, ...] = get_args(FolderKind)
Sort = Literal["date", "title"]
MISSING = "missing: the file is gone"


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


NOT_SAVED = "not saved (state is not being saved)"
"""What a message adds when its write was kept in memory only."""


class FolderMarked(NamedTuple):
    changed: int
    saved: bool


class Undone(NamedTuple):
    description: str
    saved: bool


class PostList:
    """A materialised, ordered selection; rows(start, count) costs the same at any offset."""

    def __init__(self, library: Library, ids: list[int]) -> None:
        self._library = library
        self._ids = ids
        self._positions: dict[int, int] | None = None

    def __len__(self) -> int:
        return len(self._ids)

    def rows(self, start: int, count: int) -> list[PostRow]:
        start = max(0, start)
        return self._library._rows_for_ids(self._ids[start : start + max(0, count)])

    def index_of(self, path: str) -> int | None:
        post_id = self._library._id_of(path)
        if post_id is None:
            return None
        if self._positions is None:
            self._positions = {i: n for n, i in enumerate(self._ids)}
        return self._positions.get(post_id)

    def next_unread(
        self, index: int, *, backwards: bool = False, skip: str | None = None
    ) -> str | None:
        """The first unread post after position `index` (before it, `backwards`), not `skip`.
        Looks a page at a time with one indexed query per page: the cost grows with the
        distance to that post, not with the length of the list."""
        page = _FIRST_UNREAD_PAGE  # grows: a near one is found with a small query
        if backwards:
            end = min(index, len(self))
            while end > 0:
                start = max(0, end - page)
                found = self._unread_paths(start, end)
                for path in reversed(found):
                    if path != skip:
                        return path
                end, page = start, min(page * 2, _LAST_UNREAD_PAGE)
        else:
            start = max(0, index + 1)
            while start < len(self):
                for path in self._unread_paths(start, start + page):
                    if path != skip:
                        return path
                start, page = start + page, min(page * 2, _LAST_UNREAD_PAGE)
        return None

    def _unread_paths(self, start: int, stop: int) -> list[str]:
        """The unread posts among positions start..stop, in list order."""
        return self._library._unread_of_ids(self._ids[start:stop])


class _StaticPostList(PostList):
    """Rows known up front (the Bookmarked folder, which includes vanished posts)."""

    def __init__(self, library: Library, rows: list[PostRow]) -> None:
        super().__init__(library, [])
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def rows(self, start: int, count: int) -> list[PostRow]:
        start = max(0, start)
        chosen = self._rows[start : start + max(0, count)]
        fresh = {r.path: r for r in self._library._rows_for_paths([r.path for r in chosen])}
        result = []
        for row in chosen:
            now = fresh.get(row.path)
            result.append(row if now is None else _with_note(now, row.note))
        return result

    def index_of(self, path: str) -> int | None:
        for n, row in enumerate(self._rows):
            if row.path == path:
                return n
        return None

    def _unread_paths(self, start: int, stop: int) -> list[str]:
        paths = [r.path for r in self._rows[start:stop]]
        return self._library._unread_of_paths(paths)


_FIRST_UNREAD_PAGE = 8
_LAST_UNREAD_PAGE = 512


def _with_note(row: PostRow, note: str | None) -> PostRow:
    return replace(row, note=note)


def _row_sql(lib: int) -> str:
    return (
        "SELECT p.id, p.path, p.title, p.date, p.categories, p.author, p.url, "
        "r.path IS NOT NULL, r.seen_hash, p.hash, "
        f"EXISTS (SELECT 1 FROM st.bookmarks b WHERE b.library_id = {lib:d} AND b.path = p.path), "
        "NULL, p.error "
        f"FROM posts p LEFT JOIN st.reads r ON r.library_id = {lib:d} AND r.path = p.path "
    )


def _unread(lib: int) -> str:
    return f"NOT EXISTS (SELECT 1 FROM st.reads r WHERE r.library_id = {lib:d} AND r.path = p.path)"


_UPDATED = "r.seen_hash IS NOT NULL AND p.hash IS NOT NULL AND r.seen_hash != p.hash"
_ORDER = {"date": "p.date_key DESC, p.id DESC", "title": "p.title_fold, p.id"}


def _row(values: Sequence[Any]) -> PostRow:
    read = bool(values[7])
    return PostRow(
        path=path_from_db(values[1]),
        title=values[2],
        date=from_iso(values[3]),
        categories=tuple(tuple(c) for c in json.loads(values[4])),
        author=values[5],
        url=values[6],
        read=read,
        bookmarked=bool(values[10]),
        updated=read and values[8] is not None and values[9] is not None and values[8] != values[9],
        error=values[12],
        note=values[11],
    )


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
    if kind not in FOLDER_KINDS or not all(isinstance(v, str) for v in value):
        raise ValueError(f"not a folder: {kind!r}")
    return FolderNode(
        Folder(kind, tuple(value)),
        str(label),
        int(total),
        int(unread),
        tuple(_node_from_json(child) for child in children),
    )


class Library:
    """One library (posts root) with its index and its share of the state store."""

    site: Site
    root: str

    def __init__(
        self,
        site: Site,
        paths: StorePaths,
        state: StateStore,
        index: IndexStore,
        library_id: int,
        notices: list[str],
    ) -> None:
        self.site = site
        self.root = str(site.identity)
        self.paths = paths
        self._state = state
        self._index = index
        self._lib = library_id
        self._notices = notices
        self._readers = ReadPool(self._index_uri, state.reader_uri)
        self._write_lock = threading.RLock()
        """Held by this library's own index writes (never by a read)."""
        self._cache_lock = threading.Lock()
        """Guards the caches below; held for dictionary work only, never around a query."""
        self._versions: tuple[int, ...] = ()
        self._state_epoch = 0
        """Bumped by every state write of this library (a shared-cache memory store does not
        move `data_version` for connections of the same process)."""
        self._own_post_writes = 0
        self._unsaved: set[str] = set()
        """Posts whose read mark or bookmark changed this session without being saved."""
        """Posts this connection wrote itself (PRAGMA data_version counts only the others')."""
        self._ids_cache: dict[tuple[Folder, str], list[int]] = {}
        self._last_filter: tuple[list[int], str, list[int]] | None = None
        """(ids filtered, their filter text, result); valid while those ids are cached."""
        self._titles: dict[int, str] | None = None
        self._folders: list[FolderNode] | None = None
        self._search: SearchIndex | None = None

    @property
    def _db(self) -> sqlite3.Connection:
        """The index's own connection: for writes (under `_write_lock`), never for reads."""
        return self._index.conn

    def _index_uri(self) -> str:
        if self._index.memory_uri is not None:
            return self._index.memory_uri
        return file_uri(str(self._index.path))

    # ---------------------------------------------------------------- site links
    @property
    def site_links(self) -> SiteLinks | None:
        """The Hexo site's `url` + `permalink` (None for other sites or unknown patterns)."""
        if self.site.kind != "hexo":
            return None
        return SiteLinks.make(self.site.url, self.site.permalink, self.site.timezone)

    @reports_errors
    def post_for_link(self, href: str) -> tuple[str, str | None] | None:
        """(relpath, anchor) of the post a link to the site's own permalink names, or None."""
        links = self.site_links
        link = links.match(href) if links is not None else None
        if link is None:
            return None
        with self._readers.reader() as conn:
            path = find_post(conn, link.values, self.site.timezone)
        return None if path is None else (path, link.anchor)

    @reports_errors
    def post_for_slug(self, slug: str) -> str | None:
        """The post a `{% post_link slug %}` names, or None (see `find_post_link`)."""
        with self._readers.reader() as conn:
            return find_post_link(conn, slug)

    def source_url(self, row: PostRow) -> str | None:
        """The post's source URL: its `link`, else built from the site's `url` + `permalink`."""
        if row.url:
            return row.url
        links = self.site_links
        if links is None:
            return None
        return links.post_url(row.path, row.title, row.date, row.categories)

    # ---------------------------------------------------------------- opening
    @classmethod
    @reports_errors
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        paths: StorePaths | None = None,
        drafts: bool = False,
    ) -> Library:
        """Detect the site (or lone post file) at `path` (raises SiteError); open its stores."""
        paths = paths or StorePaths.default()
        site = site_at(path, drafts=drafts)
        root = str(site.identity)
        state = StateStore.open(paths)
        notices: list[str] = []
        index = IndexStore.open(paths.index_db(root), root, notices)
        library_id = state.library_id(root)
        return cls(site, paths, state, index, library_id, notices)

    @property
    def notices(self) -> list[str]:
        """Human messages: backups made, read-only state, index rebuilt."""
        search = self._search.notices if self._search is not None else []
        return [*self._state.notices, *self._notices, *search]

    @property
    def read_only(self) -> bool:
        """True when state cannot be saved (unwritable directory, full disk, newer store)."""
        return self._state.read_only

    @property
    def index_path(self) -> Path:
        return self._index.path

    def close(self) -> None:
        with self._write_lock:
            self._keep_folders_snapshot()
            if self._search is not None:
                self._search.close()
            self._readers.close()
            self._index.close()
            self._state.close()

    # ---------------------------------------------------------------- freshness
    def _refresh(self) -> tuple[int, ...]:
        """Drop the caches a commit made stale (a sync, another reader's marks, our own
        writes); returns the versions the caches now belong to."""
        index_version, state_version = self._readers.versions()
        versions = (index_version, self._own_post_writes, state_version, self._state_epoch)
        with self._cache_lock:
            old = self._versions
            if versions != old:
                self._versions = versions
                if old[:2] != versions[:2]:
                    self._ids_cache.clear()
                    self._titles = None
                    self._folders = None
                    self._last_filter = None
                else:
                    self._state_changed()
        return versions

    def _current(self, versions: tuple[int, ...]) -> bool:
        """Whether a result computed at `versions` may be cached (nothing committed since)."""
        return self._versions == versions

    def index_generation(self) -> tuple[int, int]:
        """Changes whenever the posts in the index may have changed, whoever wrote them (a sync
        of this process or another reader's): a list read at another generation is stale."""
        version = self._readers.versions()[0]
        return (id(self._index.conn), version + self._own_post_writes)

    def _state_changed(self) -> None:
        """(Holding the cache lock.) Forget what depends on read marks and bookmarks."""
        self._folders = None
        for key in [k for k in self._ids_cache if k[0].kind in ("unread", "updated")]:
            del self._ids_cache[key]

    def _mark_state_dirty(self) -> None:
        self._state_epoch += 1

    # ---------------------------------------------------------------- sync
    @reports_errors
    def sync(self, cancel: threading.Event | None = None) -> Iterator[SyncProgress]:
        """Update the index from the files; yields progress. Runs on its own connection, so
        call it from a worker thread while the UI keeps reading. When the index cannot be
        written (no room, a size limit), it goes on in memory with a notice."""
        from reader.core.sync import sync_index

        for attempt in range(2):
            try:
                yield from sync_index(
                    self.site,
                    self._index.path,
                    state=self._state,
                    library_id=self._lib,
                    cancel=cancel,
                    on_relink=self._mark_state_dirty,
                    connect_index=self._index.connect_again,
                )
                return
            except sqlite3.OperationalError as error:
                if attempt or not is_write_fault(error) or self._index.in_memory:
                    raise
                self._index_to_memory(error)

    def _index_to_memory(self, error: BaseException) -> None:
        with self._write_lock:
            if self._index.in_memory:
                return
            if self._search is not None:
                self._search.close()
                self._search = None
            self._index.to_memory(error, self._notices)  # readers follow `_index_uri`
            self._own_post_writes += 1

    # ---------------------------------------------------------------- search
    def _search_index(self) -> SearchIndex:
        with self._write_lock:
            if self._search is None:
                from reader.core.search import SearchIndex

                self._search = SearchIndex(
                    self._index.path.with_name("search.db"), in_memory=self._index.in_memory
                )
            return self._search

    @reports_errors
    def update_search(self, cancel: threading.Event | None = None) -> Iterator[IndexProgress]:
        """Bring the full-text index up to date with the post index; yields progress. Runs on
        its own connections, so call it from a worker (after a sync) while the UI reads."""
        from reader.core.search import IndexEntry, markdown_of_file

        connection = self._index.connect_again()
        try:
            entries = [
                IndexEntry.from_post(post, content_hash)
                for post, content_hash in readable_posts_with_hashes(connection)
            ]
            hashes = {entry.path: entry.content_hash for entry in entries}

            def markdown_for(path: str) -> str | None:
                cached = get_converted(connection, hashes.get(path, ""))
                return cached[0] if cached is not None else markdown_of_file(self.site, path)

            yield from self._search_index().update(entries, markdown_for, cancel)
        finally:
            connection.close()

    @reports_errors
    def search(self, query: str, *, limit: int = 50) -> SearchResults:
        """Posts matching `query` (see reader.core.search_query), best first; raises
        QueryError for a query that cannot be understood."""
        return self._search_index().query(
            query,
            limit=limit,
            read=lambda: self._state.reads(self._lib).keys(),
            bookmarked=lambda: self._state.bookmarked_paths(self._lib).keys(),
        )

    # ---------------------------------------------------------------- folders
    def folders(self) -> list[FolderNode]:
        """Virtual folders first, then the category tree, then a Tags node."""
        versions = self._refresh()
        folders = self._folders
        if folders is None:
            with self._readers.reader() as conn:
                folders = self._build_folders(conn)
            with self._cache_lock:
                if self._current(versions):
                    self._folders = folders
        return list(folders)

    def folders_snapshot(self) -> list[FolderNode] | None:
        """The folders with their counts as the last session closed them, None if unknown: the
        first screen of a big library shows them while `folders()` counts (~0.5 s at 100k)."""
        try:
            with self._readers.reader() as conn:
                row = conn.execute("SELECT value FROM meta WHERE key = 'folders'").fetchone()
            return None if row is None else [_node_from_json(n) for n in json.loads(row[0])]
        except (sqlite3.Error, ValueError, TypeError, KeyError, IndexError):
            return None  # a cache: anything odd means count again

    def _keep_folders_snapshot(self) -> None:
        if self._folders is None:
            return
        text = json.dumps([_node_to_json(n) for n in self._folders], ensure_ascii=False)
        try:
            kept = self._db.execute("SELECT value FROM meta WHERE key = 'folders'").fetchone()
            if kept is not None and kept[0] == text:
                return  # unchanged: no write, so other sessions keep their caches
            with write(self._db):
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('folders', ?)", (text,))
        except sqlite3.Error:
            pass  # read-only or busy: the next start counts instead

    def _build_folders(self, db: sqlite3.Connection) -> list[FolderNode]:
        lib = self._lib
        total, errors = db.execute("SELECT count(*), count(error) FROM posts").fetchone()
        read, updated, read_errors = db.execute(
            f"SELECT count(*), sum({_UPDATED}), count(p.error) FROM st.reads r "
            f"JOIN posts p ON p.path = r.path WHERE r.library_id = {lib:d}"
        ).fetchone()
        updated = updated or 0
        bookmarked_total = db.execute(
            f"SELECT count(DISTINCT path) FROM st.bookmarks WHERE library_id = {lib:d}"
        ).fetchone()[0]
        bookmarked_present_unread = db.execute(
            "SELECT count(*) FROM posts p WHERE p.path IN "
            f"(SELECT path FROM st.bookmarks WHERE library_id = {lib:d}) AND {_unread(lib)}"
        ).fetchone()[0]
        nodes = [
            FolderNode(Folder("all"), "All", total, total - read, ()),
            FolderNode(Folder("unread"), "Unread", total - read, total - read, ()),
            FolderNode(
                Folder("bookmarked"), "Bookmarked", bookmarked_total, bookmarked_present_unread, ()
            ),
            FolderNode(Folder("updated"), "Updated since read", updated, updated, ()),
            FolderNode(Folder("errors"), "Errors", errors, errors - read_errors, ()),
        ]
        nodes.extend(self._category_nodes(db))
        nodes.append(self._tags_node(db))
        return nodes

    def _grouped(
        self, db: sqlite3.Connection, table: str, column: str
    ) -> tuple[dict[str, int], dict[str, int]]:
        totals = dict(
            db.execute(f"SELECT {column}, count(*) FROM {table} GROUP BY {column}").fetchall()
        )
        reads = dict(
            db.execute(
                f"SELECT c.{column}, count(*) FROM st.reads r "
                f"JOIN posts p ON p.path = r.path JOIN {table} c ON c.post_id = p.id "
                f"WHERE r.library_id = {self._lib:d} GROUP BY c.{column}"
            ).fetchall()
        )
        return totals, reads

    def _category_nodes(self, db: sqlite3.Connection) -> list[FolderNode]:
        totals, reads = self._grouped(db, "post_categories", "prefix")
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

    def _tags_node(self, db: sqlite3.Connection) -> FolderNode:
        totals, reads = self._grouped(db, "post_tags", "tag")
        total, unread = db.execute(
            f"SELECT count(*), sum({_unread(self._lib)}) FROM posts p WHERE p.tags != '[]'"
        ).fetchone()
        kids = tuple(
            FolderNode(Folder("tag", (tag,)), tag, n, n - reads.get(tag, 0), ())
            for tag, n in sorted(totals.items(), key=lambda t: (t[0].casefold(), t[0]))
        )
        return FolderNode(Folder("tag", ()), "Tags", total, unread or 0, kids)

    # ---------------------------------------------------------------- post lists
    def posts(self, folder: Folder, *, sort: Sort = "date", filter_text: str = "") -> PostList:
        """The posts of a folder, ordered; filter_text keeps titles containing every word
        (case-insensitive)."""
        words = filter_text.casefold().split()
        versions = self._refresh()
        if folder.kind == "bookmarked":
            return _StaticPostList(self, self._bookmark_rows(sort, words))
        ids = self._ids(folder, sort, versions)
        if words:
            ids = self._filtered(ids, words, versions)
        return PostList(self, list(ids))

    def prepare_filter(self) -> None:
        """Read every title for filtering now (~0.1 s at 100k posts), from a worker, so that
        the first key typed in the filter does not pay for it."""
        self._title_map(self._refresh())

    def _filtered(self, base: list[int], words: list[str], versions: tuple[int, ...]) -> list[int]:
        """`base` ids whose titles hold every word. Typing narrows the last result: when the
        text only grew, every match of the new text was a match of the old one."""
        text = " ".join(words)
        source = base
        last = self._last_filter
        if last is not None and last[0] is base and text.startswith(last[1]):
            source = last[2]
        titles = self._title_map(versions)
        if len(words) == 1:
            word = words[0]
            found = [i for i in source if word in titles.get(i, "")]
        else:
            found = [i for i in source if all(w in titles.get(i, "") for w in words)]
        self._last_filter = (base, text, found)
        return found

    def _ids(self, folder: Folder, sort: str, versions: tuple[int, ...]) -> list[int]:
        key = (folder, sort)
        cached = self._ids_cache.get(key)
        if cached is not None:
            return cached
        order = _ORDER[sort]
        where, join, params = self._folder_sql(folder)
        with self._readers.reader() as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    f"SELECT p.id FROM posts p {join} {where} ORDER BY {order}", params
                ).fetchall()
            ]
        with self._cache_lock:
            if self._current(versions):
                self._ids_cache[key] = ids
        return ids

    def _folder_sql(self, folder: Folder) -> tuple[str, str, tuple[Any, ...]]:
        """(WHERE, JOIN, parameters) selecting the posts of a folder from `posts p`."""
        kind = folder.kind
        lib = self._lib
        if kind == "unread":
            return f"WHERE {_unread(lib)}", "", ()
        if kind == "updated":
            join = f"JOIN st.reads r ON r.library_id = {lib:d} AND r.path = p.path"
            return f"WHERE {_UPDATED}", join, ()
        if kind == "errors":
            return "WHERE p.error IS NOT NULL", "", ()
        if kind == "category":
            join = "JOIN post_categories c ON c.post_id = p.id"
            return "WHERE c.prefix = ?", join, (prefix_key(folder.value),)
        if kind == "tag":
            if not folder.value:
                return "WHERE p.tags != '[]'", "", ()
            return "WHERE t.tag = ?", "JOIN post_tags t ON t.post_id = p.id", (folder.value[0],)
        if kind == "bookmarked":
            where = f"WHERE p.path IN (SELECT path FROM st.bookmarks WHERE library_id = {lib:d})"
            return where, "", ()
        return "", "", ()

    def _title_map(self, versions: tuple[int, ...]) -> dict[int, str]:
        titles = self._titles
        if titles is None:
            with self._readers.reader() as conn:
                titles = dict(conn.execute("SELECT id, title_fold FROM posts").fetchall())
            with self._cache_lock:
                if self._current(versions):
                    self._titles = titles
        return titles

    def _rows_for_ids(self, ids: Sequence[int]) -> list[PostRow]:
        if not ids:
            return []
        self._refresh()
        with self._readers.reader() as conn:
            found = {
                r[0]: _row(r)
                for r in conn.execute(
                    f"{_row_sql(self._lib)} WHERE p.id IN ({marks(len(ids))})", ids
                ).fetchall()
            }
            rows = self._with_notes(conn, [found[i] for i in ids if i in found])
        return self._flag_unsaved(rows)

    def _with_notes(self, conn: sqlite3.Connection, rows: list[PostRow]) -> list[PostRow]:
        """Rows of bookmarked posts with the notes of their bookmarks (one indexed query)."""
        marked = [r.path for r in rows if r.bookmarked]
        if not marked:
            return rows
        by_path: dict[str, list[BookmarkRecord]] = {}
        for record in bookmarks_of(conn, self._lib, marked, schema="st"):
            by_path.setdefault(record.path, []).append(record)
        return [
            _with_note(r, combined_note(by_path[r.path])) if r.path in by_path else r for r in rows
        ]

    def _flag_unsaved(self, rows: list[PostRow]) -> list[PostRow]:
        if not self._unsaved:
            return rows
        return [replace(r, unsaved=True) if r.path in self._unsaved else r for r in rows]

    def _saved(self, paths: Sequence[str]) -> bool:
        """Whether the write just made persisted; if not, its posts are flagged unsaved."""
        if not self._state.read_only:
            return True
        self._unsaved.update(paths)
        return False

    def _rows_for_paths(self, paths: Sequence[str]) -> list[PostRow]:
        result: list[PostRow] = []
        self._refresh()
        with self._readers.reader() as conn:
            for part in chunks([path_to_db(p) for p in paths]):
                result.extend(
                    _row(r)
                    for r in conn.execute(
                        f"{_row_sql(self._lib)} WHERE p.path IN ({marks(len(part))})", part
                    ).fetchall()
                )
            result = self._with_notes(conn, result)
        return self._flag_unsaved(result)

    def _unread_of_ids(self, ids: Sequence[int]) -> list[str]:
        """Paths of the unread posts among `ids`, in the order of `ids`."""
        if not ids:
            return []
        with self._readers.reader() as conn:
            found = dict(
                conn.execute(
                    f"SELECT p.id, p.path FROM posts p WHERE p.id IN ({marks(len(ids))}) "
                    f"AND {_unread(self._lib)}",
                    ids,
                ).fetchall()
            )
        return [path_from_db(found[i]) for i in ids if i in found]

    def _unread_of_paths(self, paths: Sequence[str]) -> list[str]:
        """Those of `paths` that are indexed and unread, in the order of `paths`."""
        if not paths:
            return []
        keys = [path_to_db(p) for p in paths]
        with self._readers.reader() as conn:
            found = {
                r[0]
                for r in conn.execute(
                    f"SELECT p.path FROM posts p WHERE p.path IN ({marks(len(keys))}) "
                    f"AND {_unread(self._lib)}",
                    keys,
                ).fetchall()
            }
        return [p for p, k in zip(paths, keys, strict=True) if k in found]

    def _id_of(self, path: str) -> int | None:
        with self._readers.reader() as conn:
            row = conn.execute(
                "SELECT id FROM posts WHERE path = ?", (path_to_db(path),)
            ).fetchone()
        return None if row is None else int(row[0])

    def has_post(self, path: str) -> bool:
        """Whether the index lists the post (a new file is listed once a sync saw it)."""
        return self._id_of(path) is not None

    def _row_of(self, path: str) -> PostRow | None:
        rows = self._rows_for_paths([path])
        return rows[0] if rows else None

    def _bookmark_rows(self, sort: str, words: list[str]) -> list[PostRow]:
        records = self._state.bookmarks(self._lib)
        present = {r.path: r for r in self._rows_for_paths(sorted({b.path for b in records}))}
        by_path: dict[str, list[BookmarkRecord]] = {}
        for record in records:
            by_path.setdefault(record.path, []).append(record)
        rows: dict[str, PostRow] = {}
        for path, of_path in by_path.items():
            record = min(of_path, key=lambda r: (r.anchor is not None, r.created))
            row = present.get(path)
            if row is None:
                row = PostRow(
                    path=record.path,
                    title=record.title,
                    date=from_ts(record.date),
                    categories=record.categories,
                    author=record.author,
                    url=record.url,
                    read=False,
                    bookmarked=True,
                    updated=False,
                    error=MISSING,
                )
            rows[path] = _with_note(row, combined_note(of_path))
        result = [r for r in rows.values() if all(w in r.title.casefold() for w in words)]
        if sort == "title":
            result.sort(key=lambda r: (r.title.casefold(), r.path))
        else:  # newest bookmark first (records come newest first)
            newest: dict[str, int] = {}
            for rank, record in enumerate(records):
                newest.setdefault(record.path, rank)
            result.sort(key=lambda r: newest[r.path])
        return self._flag_unsaved(result)

    # ---------------------------------------------------------------- articles
    def cached_article(self, path: str, max_bytes: int | None = None) -> Article | None:
        """The article when its converted Markdown is cached, the file did not change since and
        is at most `max_bytes`, else None. No conversion: cheap enough for the UI thread."""
        from reader.core.outline import outline

        with self._readers.reader() as conn:
            stored = conn.execute(
                "SELECT size, mtime_ns, hash FROM posts WHERE path = ?", (path_to_db(path),)
            ).fetchone()
        if stored is None or not stored[2] or (max_bytes is not None and stored[0] > max_bytes):
            return None
        try:
            st = os.stat(post_file_path(self.site, path))
        except OSError:
            return None
        if (st.st_size, st.st_mtime_ns) != (stored[0], stored[1]):
            return None
        with self._readers.reader() as conn:
            cached = get_converted(conn, stored[2])
        row = self._row_of(path) if cached is not None else None
        if cached is None or row is None:
            return None
        return Article(row, cached[0], outline(cached[0]), cached[1])

    @reports_errors
    def quick_article(self, path: str, max_bytes: int) -> Article | None:
        """The article when it is cached, or its file is at most `max_bytes` (converting a
        small post takes a few milliseconds); None when it should be loaded in a worker."""
        cached = self.cached_article(path, max_bytes)
        if cached is not None:
            return cached
        try:
            size = os.stat(post_file_path(self.site, path)).st_size
        except OSError:
            return None
        return self._converted_article(path) if size <= max_bytes else None

    @reports_errors
    def article(self, path: str) -> Article:
        """Converted Markdown of a post, from the cache when the file did not change.
        Call it from a worker: a first conversion of a big post takes a while."""
        cached = self.cached_article(path)
        return cached if cached is not None else self._converted_article(path)

    def _converted_article(self, path: str) -> Article:
        """Read and convert the post now, and cache the result."""
        from reader.core.convert import to_markdown
        from reader.core.outline import outline
        from reader.core.parse import read_post

        with self._readers.reader() as conn:
            stored = conn.execute(
                "SELECT size, mtime_ns, hash FROM posts WHERE path = ?", (path_to_db(path),)
            ).fetchone()
        if stored is None:
            return self._missing_article(path)
        file = post_file_path(self.site, path)
        try:
            st = os.stat(file)
        except OSError as error:
            row = self._row_of(path)
            assert row is not None
            return Article(row, "", [], f"cannot read {path}: {error.strerror or error}")
        size, mtime_ns, content_hash = stored
        ref = FileRef(path, st.st_size, st.st_mtime_ns, draft=path.startswith("_drafts/"))
        parsed = read_post(self.site, ref)
        converted = to_markdown(parsed.body, parsed.post.format)
        notice = converted.notice
        if parsed.post.error is not None:
            notice = parsed.post.error if notice is None else f"{parsed.post.error}; {notice}"
        changed = parsed.content_hash != content_hash or (size, mtime_ns) != (
            st.st_size,
            st.st_mtime_ns,
        )
        with self._write_lock:
            try:
                self._cache_article(parsed, st, converted.markdown, notice, changed)
            except sqlite3.OperationalError as error:
                if not is_write_fault(error) or self._index.in_memory:
                    raise
                self._index_to_memory(error)
                self._cache_article(parsed, st, converted.markdown, notice, changed)
        row = self._row_of(path)
        assert row is not None
        return Article(row, converted.markdown, outline(converted.markdown), notice)

    def _cache_article(
        self,
        parsed: ParsedPost,
        st: os.stat_result,
        markdown: str,
        notice: str | None,
        changed: bool,
    ) -> None:
        if changed:
            with write(self._db):
                known = stored_files(self._db, parsed.post.path)
                save_posts(
                    self._db,
                    [(parsed.post, st.st_size, st.st_mtime_ns, parsed.content_hash or None)],
                    known,
                )
            self._own_post_writes += 1  # the next read drops the caches
        if parsed.content_hash:
            put_converted(self._db, parsed.content_hash, markdown, notice)

    def _missing_article(self, path: str) -> Article:
        for record in self._state.bookmarks(self._lib):
            if record.path == path:
                row = PostRow(
                    path,
                    record.title,
                    from_ts(record.date),
                    record.categories,
                    record.author,
                    record.url,
                    False,
                    True,
                    False,
                    MISSING,
                    record.note,
                )
                return Article(row, "", [], f"{path} is no longer in the library")
        raise KeyError(path)

    # ---------------------------------------------------------------- read marks
    def _hashes(self, paths: Sequence[str]) -> list[tuple[str, str | None]]:
        result: list[tuple[str, str | None]] = []
        with self._readers.reader() as conn:
            for part in chunks([path_to_db(p) for p in paths]):
                result.extend(
                    (path_from_db(p), h)
                    for p, h in conn.execute(
                        f"SELECT path, hash FROM posts WHERE path IN ({marks(len(part))})", part
                    ).fetchall()
                )
        return result

    def _set_read(
        self, items: Sequence[tuple[str, str | None]], read: bool, description: str
    ) -> FolderMarked:
        changed = self._state.set_read(self._lib, items, read, description)
        self._mark_state_dirty()
        return FolderMarked(changed, self._saved([p for p, _ in items]))

    @reports_errors
    def mark_read(self, path: str, read: bool = True) -> bool:
        """Mark one post read or unread; False when the mark could not be saved."""
        items = self._hashes([path]) or [(path, None)]
        verb = "read" if read else "unread"
        return self._set_read(items, read, f"mark {path} {verb}").saved

    def mark_folder_read(self, folder: Folder) -> FolderMarked:
        """Mark every post of a folder read (one undo step): how many changed, and whether
        that was saved."""
        versions = self._refresh()
        if folder.kind == "bookmarked":
            paths = list(self._state.bookmarked_paths(self._lib))
        else:
            ids = self._ids(folder, "date", versions)
            paths = []
            with self._readers.reader() as conn:
                for part in chunks(ids):
                    paths.extend(
                        path_from_db(r[0])
                        for r in conn.execute(
                            f"SELECT path FROM posts WHERE id IN ({marks(len(part))})", part
                        ).fetchall()
                    )
        items = self._hashes(paths)
        label = "/".join(folder.value) or folder.kind
        return self._set_read(items, True, f"mark {label} read")

    def undo(self) -> Undone | None:
        """Undo the last mark or bookmark action: what it was and whether the undo was saved;
        None when there is nothing to undo."""
        description = self._state.undo(self._lib)
        self._mark_state_dirty()
        if description is None:
            return None
        return Undone(description, not self._state.read_only)

    def next_unread(self, after: str | None, *, backwards: bool = False) -> str | None:
        """The next unread post in date order (newest first) after `after`."""
        unread = _unread(self._lib)
        order = "ASC" if backwards else "DESC"
        where, params = unread, ()
        with self._readers.reader() as conn:
            if after is not None:
                pos = conn.execute(
                    "SELECT date_key, id FROM posts WHERE path = ?", (path_to_db(after),)
                ).fetchone()
                if pos is not None:
                    cmp = ">" if backwards else "<"
                    where = f"{unread} AND (p.date_key, p.id) {cmp} (?, ?)"
                    params = tuple(pos)
            row = conn.execute(
                f"SELECT p.path FROM posts p WHERE {where} "
                f"ORDER BY p.date_key {order}, p.id {order} LIMIT 1",
                params,
            ).fetchone()
        return None if row is None else path_from_db(row[0])

    # ---------------------------------------------------------------- positions
    @reports_errors
    def position(self, path: str) -> int:
        return self._state.position(self._lib, path)

    @reports_errors
    def save_position(self, path: str, line: int) -> bool:
        """False when the position could not be saved."""
        self._state.save_position(self._lib, path, line)
        return not self._state.read_only

    # ---------------------------------------------------------------- bookmarks
    @reports_errors
    def add_bookmark(
        self,
        path: str,
        *,
        heading: str | None = None,
        anchor: str | None = None,
        note: str | None = None,
        created: datetime | None = None,
        updated: datetime | None = None,
    ) -> Bookmark:
        """Bookmark a post (or its section `anchor`); `created`/`updated` restore the times of
        an imported bookmark. Raises KeyError for a path the library never had."""
        row = self._row_of(path)
        if row is None:
            old = [b for b in self._state.bookmarks(self._lib) if b.path == path]
            if not old:
                raise KeyError(path)
            info = PostInfo(old[0].title, old[0].url, old[0].date, old[0].author, old[0].categories)
        else:
            date = row.date.timestamp() if row.date else None
            info = PostInfo(row.title, row.url, date, row.author, row.categories)
        times = None
        if created is not None:
            times = (created.timestamp(), (updated or created).timestamp())
        record = self._state.add_bookmark(
            self._lib, path, info, heading=heading, anchor=anchor, note=note, times=times
        )
        self._mark_state_dirty()
        saved = self._saved([path])
        return replace(self._bookmark(record, row), saved=saved)

    @reports_errors
    def set_bookmark_note(self, path: str, note: str | None, *, anchor: str | None = None) -> bool:
        """False when the note could not be saved."""
        self._state.set_bookmark_note(self._lib, path, note, anchor)
        self._mark_state_dirty()
        return self._saved([path])

    @reports_errors
    def remove_bookmark(self, path: str, *, anchor: str | None = None) -> bool:
        """False when the removal could not be saved."""
        self._state.remove_bookmark(self._lib, path, anchor)
        self._mark_state_dirty()
        return self._saved([path])

    @reports_errors
    def bookmarks(self) -> list[Bookmark]:
        """Newest first; bookmarks of vanished posts are kept with missing=True and the post
        facts saved with them; present posts give their title, URL, date... as they are now."""
        records = self._state.bookmarks(self._lib)
        present = {r.path: r for r in self._rows_for_paths(sorted({b.path for b in records}))}
        return [self._bookmark(r, present.get(r.path)) for r in records]

    def bookmark_at(self, path: str, anchor: str | None) -> Bookmark | None:
        """The bookmark of `path` at `anchor` (None: the whole post), if any: one lookup."""
        with self._readers.reader() as conn:
            records = [
                r for r in bookmarks_of(conn, self._lib, [path], schema="st") if r.anchor == anchor
            ]
        if not records:
            return None
        return self._bookmark(records[0], self._row_of(path))

    def is_bookmarked(self, path: str) -> bool:
        with self._readers.reader() as conn:
            row = conn.execute(
                "SELECT 1 FROM st.bookmarks WHERE library_id = ? AND path = ?",
                (self._lib, path_to_db(path)),
            ).fetchone()
        return row is not None

    def _bookmark(self, record: BookmarkRecord, row: PostRow | None) -> Bookmark:
        """`row`: the post as indexed now; None when its file is gone (the saved facts then)."""
        return Bookmark(
            library=self.root,
            path=record.path,
            title=record.title if row is None else row.title,
            url=record.url if row is None else row.url,
            heading=record.heading,
            anchor=record.anchor,
            note=record.note,
            created=datetime.fromtimestamp(record.created, UTC),
            updated=datetime.fromtimestamp(record.updated, UTC),
            missing=row is None,
            date=from_ts(record.date) if row is None else row.date,
            author=record.author if row is None else row.author,
            categories=record.categories if row is None else row.categories,
        )


def current_posts(site: Site, paths: StorePaths | None = None) -> list[Post] | None:
    """Every post of `site` from its index, when the index is current: every scanned file is
    indexed with the same size and mtime, and nothing else is. None otherwise (or when the
    index cannot be read); the caller then parses the files. Never writes anything."""
    index_path = (paths or StorePaths.default()).index_db(str(site.identity))
    if not index_path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{index_path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        if int(conn.execute("PRAGMA user_version").fetchone()[0]) != INDEX_VERSION:
            return None
        known = stored_files(conn)
        seen = 0
        for ref in scan(site):
            stored = known.get(ref.relpath)
            if (
                stored is None
                or (stored.size, stored.mtime_ns) != (ref.size, ref.mtime_ns)
                or (stored.error and ref.error is None)  # a read error may be gone by now
            ):
                return None
            seen += 1
        if seen != len(known):
            return None
        return all_posts(conn)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def __getattr__(name: str) -> Any:
    """`SyncProgress` is re-exported lazily: importing sync (and its parser) costs start-up."""
    if name == "SyncProgress":
        from reader.core.sync import SyncProgress

        return SyncProgress
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def known_libraries(paths: StorePaths) -> list[str]:
    """Roots of the libraries opened before, last opened first (posts piped in are not
    libraries anyone would choose again)."""
    piped = os.path.realpath(paths.piped_dir) + os.sep  # roots are realpaths
    return [root for root in known_roots(paths) if not root.startswith(piped)]


@reports_errors
def library_for_file(file: str | os.PathLike[str], paths: StorePaths) -> tuple[str, str] | None:
    """(root, relpath) of the deepest known library whose root contains `file`."""
    target = Path(os.path.realpath(file))
    best: tuple[str, str] | None = None
    for root in known_roots(paths):
        try:
            rel = target.relative_to(root)
        except ValueError:
            continue
        if rel == Path("."):  # the file read on its own before: not a library holding it
            continue
        if best is None or len(root) > len(best[0]):
            best = (root, rel.as_posix())
    return best


@reports_errors
def post_location(file: str | os.PathLike[str], paths: StorePaths) -> tuple[str, str]:
    """(library, relpath) to read a post file in: the known library holding it (its marks,
    its neighbours), else the file on its own (its state keyed by its real path)."""
    found = library_for_file(file, paths)
    if found is not None and Path(found[0]).is_dir():
        return found
    real = os.path.realpath(file)
    return real, os.path.basename(real)
