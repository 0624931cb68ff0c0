"""What the parts of the library service share: the stores, the read connections, and the
caches with the versions they belong to."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from reader.core.store.readers import ReadPool, file_uri

if TYPE_CHECKING:
    from reader.core.library.model import Folder, FolderNode, PostRow
    from reader.core.library.title_filter import Titled
    from reader.core.scan import Site
    from reader.core.store.index import IndexStore
    from reader.core.store.state import StateStore

T = TypeVar("T")
Versions = tuple[int, int, int, int]
"""(index data version, own index writes, state data version, own state writes)."""
StateWriteBase = tuple[Versions, int]
"""The versions before a state write of this session, and the state's writes by others."""


class LibraryContext:
    """One library's stores and caches. Reads borrow a connection of their own (`reader()`),
    so no read waits for another; the cache lock is held for dictionary work only."""

    def __init__(self, site: Site, state: StateStore, index: IndexStore, library_id: int) -> None:
        self.site = site
        self.state = state
        self.index = index
        self.lib = library_id
        self.readers = ReadPool(self._index_uri, state.reader_uri)
        self.write_lock = threading.RLock()
        """Held by this library's own index writes (never by a read)."""
        self.cache_lock = threading.Lock()
        self.versions: Versions | tuple[()] = ()
        self.own_post_writes = 0
        self.state_epoch = 0
        """Bumped by every state write of this library (a shared-cache memory store does not
        move `data_version` for connections of the same process)."""
        self.unsaved: set[str] = set()
        """Posts whose read mark or bookmark changed this session without being saved."""
        self.ids: dict[tuple[Folder, str], Sequence[int]] = {}
        self.titles: Titled | None = None
        """Every post's casefolded title, newest first, once `prepare_filter` read them."""
        self.last_filter: tuple[str, Titled] | None = None
        """(filter text, the posts it matched): the next keystroke narrows it."""
        self.folders: list[FolderNode] | None = None
        self.state_dependent: set[str] = set()
        """Folder kinds whose cached lists a change of read marks or bookmarks makes stale."""

    def _index_uri(self) -> str:
        if self.index.memory_uri is not None:
            return self.index.memory_uri
        return file_uri(str(self.index.path))

    @property
    def conn(self) -> sqlite3.Connection:
        """The index's own connection: for writes (under `write_lock`), never for reads."""
        return self.index.conn

    @contextmanager
    def reader(self) -> Iterator[sqlite3.Connection]:
        with self.readers.reader() as conn:
            yield conn

    # ---------------------------------------------------------------- freshness
    def refresh(self) -> Versions:
        """Drop the caches a commit made stale (a sync, another reader's marks, our own
        writes); returns the versions the caches now belong to."""
        index_version, state_version = self.readers.versions()
        versions = (index_version, self.own_post_writes, state_version, self.state_epoch)
        with self.cache_lock:
            old = self.versions
            if versions != old:
                self.versions = versions
                if old[:2] != versions[:2]:
                    self.ids.clear()
                    self.titles = None
                    self.folders = None
                    self.last_filter = None
                else:
                    self._state_changed()
        return versions

    def _state_changed(self) -> None:
        self.folders = None
        for key in [k for k in self.ids if k[0].kind in self.state_dependent]:
            del self.ids[key]

    def is_current(self, versions: Versions) -> bool:
        """Whether a result computed at `versions` may be cached (nothing committed since)."""
        return self.versions == versions

    def read_to_cache(
        self,
        versions: Versions,
        query: Callable[[sqlite3.Connection], T],
        keep: Callable[[T], object],
    ) -> T:
        """`query` on a read connection of its own; its result is kept (`keep`, under the cache
        lock) only if nothing was committed since `versions`."""
        with self.reader() as conn:
            value = query(conn)
        with self.cache_lock:
            if self.is_current(versions):
                keep(value)
        return value

    def index_generation(self) -> tuple[int, int]:
        version = self.readers.versions()[0]
        return (id(self.index.conn), version + self.own_post_writes)

    def before_own_state_write(self) -> StateWriteBase | None:
        """Where the caches stand before this session writes a mark, so that caches it changes
        little can be patched after it (`after_own_state_write`); None for a store kept in
        memory (its writes do not move the versions patches are checked against)."""
        if self.state.read_only:
            return None
        return self.refresh(), self.state.data_version()

    def after_own_state_write(self, base: StateWriteBase) -> Versions | None:
        """The versions a patched cache belongs to, if this session's state write was the only
        commit since `base` (no sync, no other session's marks); else None."""
        versions = self.refresh()  # the state changed: the dependent caches were dropped
        then, writes_by_others = base
        if versions[:2] != then[:2] or self.state.data_version() != writes_by_others:
            return None
        return versions

    def state_written(self) -> None:
        self.state_epoch += 1

    def posts_written(self) -> None:
        self.own_post_writes += 1

    # ---------------------------------------------------------------- unsaved writes
    def saved(self, paths: Sequence[str]) -> bool:
        """Whether the write just made persisted; if not, its posts are flagged unsaved."""
        if not self.state.read_only:
            return True
        self.unsaved.update(paths)
        return False

    def flag_unsaved(self, rows: list[PostRow]) -> list[PostRow]:
        if not self.unsaved:
            return rows
        return [replace(r, unsaved=True) if r.path in self.unsaved else r for r in rows]
