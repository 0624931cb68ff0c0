"""`Library`: the one thing the UI and the CLI talk to. A thin facade over the parts of the
service, each with one job: folders (folders.py), post lists (post_lists.py), articles
(articles.py), read marks and positions (marks.py), bookmarks (bookmarks.py); sync and
full-text search are driven from here. All SQL is in reader.core.store."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.errors import reports_errors
from reader.core.library.articles import Articles
from reader.core.library.bookmarks import Bookmarks
from reader.core.library.changes import ReadChanges
from reader.core.library.context import LibraryContext
from reader.core.library.folders import Folders
from reader.core.library.marks import Marks
from reader.core.library.model import (
    Article,
    Bookmark,
    Folder,
    FolderMarked,
    FolderNode,
    PostRow,
    Sort,
    Undone,
)
from reader.core.library.post_lists import PostList, PostLists
from reader.core.library.rows import Rows
from reader.core.parse_pool import ParseWorkers
from reader.core.paths import StorePaths
from reader.core.permalink import SiteLinks
from reader.core.permalink_lookup import find_post, find_post_link
from reader.core.scan import Site, site_at
from reader.core.store.index import IndexStore, is_write_fault
from reader.core.store.library_reads import post_id
from reader.core.store.readers import ReadPool
from reader.core.store.state import StateStore

if TYPE_CHECKING:
    from reader.core.search import IndexProgress, SearchIndex, SearchResults
    from reader.core.search_child import Builders
    from reader.core.sync import SyncProgress


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
        self._search: SearchIndex | None = None
        self._search_builders: Builders | None = None
        self._parse_workers = ParseWorkers()
        self._context = context = LibraryContext(site, state, index, library_id)
        rows = Rows(context)
        self._bookmarks = Bookmarks(context, rows)
        self._lists = PostLists(context, rows, self._bookmarks.folder_rows)
        self._folders = Folders(context)
        self._articles = Articles(context, rows, self._index_to_memory)
        self._marks = Marks(context, self._lists, self._folders)
        self._rows = rows

    # ---------------------------------------------------------------- for tests and tools
    @property
    def _readers(self) -> ReadPool:
        return self._context.readers

    @property
    def _write_lock(self) -> threading.RLock:
        return self._context.write_lock

    @property
    def _db(self) -> sqlite3.Connection:
        """The index's own connection: for writes (under `_write_lock`), never for reads."""
        return self._context.conn

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
        with self._context.reader() as conn:
            path = find_post(conn, link.values, self.site.timezone)
        return None if path is None else (path, link.anchor)

    @reports_errors
    def post_for_slug(self, slug: str) -> str | None:
        """The post a `{% post_link slug %}` names, or None (see `find_post_link`)."""
        with self._context.reader() as conn:
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
        cls, path: str | os.PathLike[str], *, paths: StorePaths | None = None, drafts: bool = False
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

    def begin_visit(self) -> None:
        """A session of the app with this library begins ("New since last visit" counts from
        the one before)."""
        self._state.begin_visit(self._lib)

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
        if self._search_builders is not None:
            self._search_builders.close()  # quitting mid-build leaves no builder behind
        self._parse_workers.close()  # a sync still running stops: no worker outlives us
        with self._context.write_lock:
            self._folders.keep_snapshot()
            if self._search is not None:
                self._search.close()
            self._context.readers.close()
            self._index.close()
            self._state.close()

    def release_memory(self) -> None:
        """Drop SQLite's page caches (read again as needed): before a trim of the heap."""
        self._context.readers.release_memory()

    def index_generation(self) -> tuple[int, int]:
        """Changes whenever the posts in the index may have changed, whoever wrote them (a sync
        of this process or another reader's): a list read at another generation is stale."""
        return self._context.index_generation()

    # ---------------------------------------------------------------- sync
    @reports_errors
    def sync(
        self,
        cancel: threading.Event | None = None,
        may_run: threading.Event | None = None,
        only: Sequence[str] | None = None,
    ) -> Iterator[SyncProgress]:
        """Update the index from the files (with `only`, from the files at those paths: what
        a watcher saw change); yields progress. Runs on its own connection, so call it from a
        worker thread while the UI keeps reading; it gives way to the keys while `may_run` is
        clear (reader.core.give_way). When the index cannot be written (no room, a size
        limit), it goes on in memory with a notice."""
        from reader.core.sync import sync_index

        for attempt in range(2):
            try:
                yield from sync_index(
                    self.site,
                    self._index.path,
                    state=self._state,
                    library_id=self._lib,
                    cancel=cancel,
                    parser=self._parse_workers.parse,
                    on_relink=self._context.state_written,
                    connect_index=self._index.connect_again,
                    may_run=may_run,
                    only=only,
                )
                return
            except sqlite3.OperationalError as error:
                if attempt or not is_write_fault(error) or self._index.in_memory:
                    raise
                self._index_to_memory(error)

    def _index_to_memory(self, error: BaseException) -> None:
        with self._context.write_lock:
            if self._index.in_memory:
                return
            if self._search is not None:
                self._search.close()
                self._search = None
            self._index.to_memory(error, self._notices)  # readers follow the index's URI
            self._context.posts_written()

    # ---------------------------------------------------------------- search
    def _search_index(self) -> SearchIndex:
        with self._context.write_lock:
            if self._search is None:
                from reader.core.search import SearchIndex

                self._search = SearchIndex(
                    self._index.path.with_name("search.db"), in_memory=self._index.in_memory
                )
            return self._search

    @reports_errors
    def update_search(self, cancel: threading.Event | None = None) -> Iterator[IndexProgress]:
        """Bring the full-text index up to date with the post index; yields progress. Builds in
        a child process (reader.core.search_child); call it from a worker (after a sync) while
        the UI reads. A cancel, or closing the library, stops the build; what it wrote stays."""
        from reader.core.search_builder import BuildJob
        from reader.core.search_child import Builders, update_index

        index = self._search_index()
        with self._context.write_lock:
            if self._search_builders is None:
                self._search_builders = Builders()
            builders = self._search_builders
        job = BuildJob(self.site, self._index.path, index.db_path)
        yield from update_index(index, job, self._index.connect_again, builders, cancel)

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

    # ---------------------------------------------------------------- folders and lists
    def folders(self) -> list[FolderNode]:
        """Virtual folders first, then the category tree, then a Tags node."""
        return self._folders.folders()

    def folders_snapshot(self) -> list[FolderNode] | None:
        """The folders with their counts as the last session closed them, None if unknown: the
        first screen of a big library shows them while `folders()` counts (~0.5 s at 100k)."""
        return self._folders.snapshot()

    def posts(self, folder: Folder, *, sort: Sort = "date", filter_text: str = "") -> PostList:
        """The posts of a folder, ordered; filter_text keeps titles containing every word
        (case-insensitive)."""
        return self._lists.posts(folder, sort=sort, filter_text=filter_text)

    def posts_ready(self, folder: Folder, *, sort: Sort = "date") -> bool:
        """Whether `posts(folder)` is quick now (no whole folder to read: call it from a
        worker otherwise)."""
        return self._lists.ready(folder, sort)

    def prepare_filter(self) -> None:
        """Read every title for the title filter now, from a worker (see PostLists)."""
        self._lists.prepare_filter()

    def has_post(self, path: str) -> bool:
        """Whether the index lists the post (a new file is listed once a sync saw it)."""
        with self._context.reader() as conn:
            return post_id(conn, path) is not None

    # ---------------------------------------------------------------- articles
    def cached_article(self, path: str, max_bytes: int | None = None) -> Article | None:
        """The article when its conversion is cached and current; cheap enough for the UI."""
        return self._articles.cached(path, max_bytes)

    @reports_errors
    def quick_article(
        self, path: str, max_bytes: int, *, cached_max_bytes: int | None = None
    ) -> Article | None:
        """The article when its file is at most `max_bytes` (converted now if need be), or at
        most `cached_max_bytes` and its conversion cached; else None (use a worker)."""
        return self._articles.quick(path, max_bytes, cached_max_bytes)

    def is_current(self, article: Article) -> bool:
        """Whether `article` was converted from its file as it is now (one stat, no query)."""
        return self._articles.current(article)

    @reports_errors
    def article(self, path: str) -> Article:
        """Converted Markdown of a post, from the cache when current (call it from a worker)."""
        return self._articles.article(path)

    # ---------------------------------------------------------------- read marks
    @reports_errors
    def mark_read(self, path: str, read: bool = True, *, opened: bool = False) -> bool:
        """Mark one post read or unread; False when the mark could not be saved. A post read
        `opened` is kept as it is now, for `changes_since_read`."""
        return self._marks.mark_read(path, read, opened=opened)

    @reports_errors
    def seen_hash(self, path: str) -> str | None:
        """The version of `path` read (its content hash); None when unread."""
        return self._marks.seen_hash(path)

    @reports_errors
    def changes_since_read(self, path: str, seen: str | None = None) -> ReadChanges:
        """What changed in `path` since the version read (`seen`, by default its read mark's).
        Call it from a worker: it converts two versions of the post."""
        return self._marks.changes_since_read(path, seen)

    def mark_folder_read(self, folder: Folder) -> FolderMarked:
        """Mark every post of a folder read (one undo step)."""
        return self._marks.mark_folder_read(folder)

    def undo(self) -> Undone | None:
        """Undo the last mark or bookmark action; None when there is nothing to undo."""
        return self._marks.undo()

    def next_unread(self, after: str | None, *, backwards: bool = False) -> str | None:
        """The next unread post in date order (newest first) after `after`."""
        return self._marks.next_unread(after, backwards=backwards)

    @reports_errors
    def position(self, path: str) -> int:
        return self._marks.position(path)

    @reports_errors
    def save_position(self, path: str, line: int) -> bool:
        """False when the position could not be saved."""
        return self._marks.save_position(path, line)

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
        """Bookmark a post (or its section `anchor`); raises KeyError for an unknown path."""
        return self._bookmarks.add(
            path, heading=heading, anchor=anchor, note=note, created=created, updated=updated
        )

    @reports_errors
    def set_bookmark_note(self, path: str, note: str | None, *, anchor: str | None = None) -> bool:
        """False when the note could not be saved."""
        return self._bookmarks.set_note(path, note, anchor=anchor)

    @reports_errors
    def remove_bookmark(self, path: str, *, anchor: str | None = None) -> bool:
        """False when the removal could not be saved."""
        return self._bookmarks.remove(path, anchor=anchor)

    @reports_errors
    def bookmarks(self) -> list[Bookmark]:
        """Newest first, vanished posts' bookmarks kept (missing=True)."""
        return self._bookmarks.all()

    def bookmark_at(self, path: str, anchor: str | None) -> Bookmark | None:
        """The bookmark of `path` at `anchor` (None: the whole post), if any."""
        return self._bookmarks.at(path, anchor)

    def is_bookmarked(self, path: str) -> bool:
        return self._bookmarks.is_bookmarked(path)
