"""Incremental sync of a library's index with its files.

`scandir` + `stat` every file (CORE's `scan`), compare (size, mtime_ns) with the index (looked
up a chunk of files at a time: a map of every indexed file took 30 MB at 100k), parse only new
or changed files, delete vanished ones. The walk finishes before parsing
starts, so progress has a true total (walking 100k files is a second of a cold sync's minutes).
The files to parse go in batches to a `Parser`: the library's parses a big sync in worker
processes (reader.core.parse_pool), so this thread, run beside the app's event loop, only walks,
stats and writes. Batches are committed as they go, in short transactions, so a killed cold sync
resumes where it stopped. Renamed files take their read mark, position and bookmarks with them when
their front-matter identity, or title + date, match.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.core.give_way import give_way
from reader.core.packed_refs import PackedRefs
from reader.core.parse_pool import parse_in_thread
from reader.core.scan import FileRef, Site, refs_at, scan
from reader.core.store.db import MAX_VARIABLES, chunks, connect, marks, path_from_db, write
from reader.core.store.index import (
    IndexRow,
    Stored,
    delete_posts,
    identities,
    indexed_files,
    save_rows,
    stored_files_by_id,
    stored_files_of,
    stored_files_under,
)
from reader.core.store.state import StateStore

BATCH = 500  # files parsed per committed transaction
GIVE_WAY_EVERY = 100
"""Files saved between two chances to give way to a key (`may_run`): a few ms of Python at
100k. Inside the batch's transaction: committing every 100 files instead of 500 made a 100k
cold sync ~30% slower (every commit rewrites the index pages it touched)."""
CHECK_EVERY = 0xFF  # the walk looks at `cancel` every 256 files (a mask: cheaper than %)
PROGRESS_EVERY = 0x7FF  # and reports its progress every 2048 files


@dataclass(frozen=True, slots=True)
class SyncProgress:
    seen: int
    parsed: int
    unchanged: int
    removed: int
    errors: int
    estimated_total: int
    done: bool
    new: int = 0
    changed: int = 0
    relinked: int = 0
    total: int | None = None  # files the walk found; None while it is still walking

    @property
    def handled(self) -> int:
        """Files dealt with so far (parsed or found unchanged), out of `total`."""
        return self.parsed + self.unchanged


Parser = Callable[[Site, Sequence[Sequence[FileRef]]], Iterator[list[IndexRow]]]
"""The rows of each batch of files, in order (reader.core.parse_pool)."""


def sync_index(
    site: Site,
    index_path: Path,
    *,
    state: StateStore | None = None,
    library_id: int | None = None,
    cancel: threading.Event | None = None,
    parser: Parser = parse_in_thread,
    on_relink: Callable[[], None] | None = None,
    connect_index: Callable[[], sqlite3.Connection] | None = None,
    may_run: threading.Event | None = None,
    only: Sequence[str] | None = None,
) -> Iterator[SyncProgress]:
    """Bring the index at `index_path` (or the one `connect_index` reaches: an index kept in
    memory) up to date with the files of `site`; with `only`, with the files at those paths
    (`FileRef.relpath`s: files or folders, there or gone) and nothing else: what a watcher saw
    change. Between small units of work the sync waits (briefly) while `may_run` is clear: a
    key is being answered (reader.core.give_way)."""
    conn = connect_index() if connect_index else connect(index_path, synchronous="NORMAL")
    try:
        yield from _sync(conn, site, state, library_id, cancel, parser, on_relink, may_run, only)
    finally:
        conn.close()


def _sync(
    conn: sqlite3.Connection,
    site: Site,
    state: StateStore | None,
    library_id: int | None,
    cancel: threading.Event | None,
    parser: Parser,
    on_relink: Callable[[], None] | None,
    may_run: threading.Event | None,
    only: Sequence[str] | None,
) -> Iterator[SyncProgress]:
    # Files are looked up in the index a chunk at a time as the walk finds them, not in a map
    # of every indexed file (100k paths: 30 MB of the app's memory while the app starts).
    # Posts up to `last_id` are those indexed when the sync started; `seen_ids` marks those
    # the walk found: the others vanished.
    last_id = int(conn.execute("SELECT coalesce(max(id), 0) FROM posts").fetchone()[0])
    indexed = int(conn.execute("SELECT count(*) FROM posts").fetchone()[0])
    seen_ids = bytearray(last_id + 1)
    # Posts with an id above `floor` were added since the last complete sync (this one, or
    # one that was cancelled or killed): the candidates for relinking a vanished file.
    pending = conn.execute("SELECT value FROM meta WHERE key = 'new_since'").fetchone()
    floor = int(pending[0]) if pending else last_id
    counts = {"seen": 0, "parsed": 0, "unchanged": 0, "errors": 0, "new": 0, "changed": 0}
    seen_stamp = state.first_seen_stamp(library_id) if state and library_id is not None else 0.0
    walked: list[int | None] = [None]

    def progress(removed: int = 0, done: bool = False, relinked: int = 0) -> SyncProgress:
        return SyncProgress(
            seen=counts["seen"],
            parsed=counts["parsed"],
            unchanged=counts["unchanged"],
            removed=removed,
            errors=counts["errors"],
            estimated_total=max(indexed, counts["seen"]),
            done=done,
            new=counts["new"],
            changed=counts["changed"],
            relinked=relinked,
            total=walked[0],
        )

    def write_batch(batch: Sequence[FileRef], rows: list[IndexRow]) -> None:
        known: dict[str, Stored] = {}
        with write(conn):
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('new_since', ?)", (str(floor),))
            for start in range(0, len(rows), GIVE_WAY_EVERY):
                if start:
                    give_way(may_run)
                stop = start + GIVE_WAY_EVERY
                # Looked up inside the write transaction: another reader may be syncing this
                # library at the same time, and what it saved is updated, not inserted again.
                part = stored_files_of(conn, [ref.relpath for ref in batch[start:stop]])
                save_rows(conn, rows[start:stop], part)
                known.update(part)
        first_seen = []
        for row in rows:
            if row.path in known:
                counts["changed"] += 1
            else:
                counts["new"] += 1
                first_seen.append(row.path)
            if row.failed:
                counts["errors"] += 1
        if state is not None and library_id is not None:  # kept when the index is rebuilt
            state.record_first_seen(library_id, first_seen, seen_stamp)
        counts["parsed"] += len(batch)

    to_parse = PackedRefs()  # 100k files on a cold sync: packed, not 100k tuples

    failed = {row[0] for row in conn.execute("SELECT id FROM posts WHERE error IS NOT NULL")}

    def sort_out(found: list[FileRef]) -> int:
        """Put the files of `found` that changed in `to_parse`; returns how many did not."""
        stored = indexed_files(conn, [ref.relpath for ref in found])
        same = 0
        for ref in found:
            old = stored.get(ref.relpath)
            if old is not None:
                _, post_id, size, mtime_ns = old
                if post_id <= last_id:
                    seen_ids[post_id] = 1
                same_file = mtime_ns == ref.mtime_ns and size == ref.size
                if same_file and ref.error is None and post_id not in failed:  # failed: again
                    same += 1
                    continue
            to_parse.append(ref)
        found.clear()
        return same

    # The loop runs once per file (100k for a big library): locals, no attribute lookups.
    cancelled = cancel.is_set if cancel is not None else None
    seen = unchanged = 0
    last = time.monotonic()
    found: list[FileRef] = []
    for ref in scan(site) if only is None else refs_at(site, only):
        seen += 1
        found.append(ref)
        if len(found) == MAX_VARIABLES:
            unchanged += sort_out(found)
        if not seen & CHECK_EVERY:
            give_way(may_run)
            if cancelled is not None and cancelled():
                return
            if not seen & PROGRESS_EVERY and time.monotonic() - last > 0.05:
                last = time.monotonic()
                counts["seen"], counts["unchanged"] = seen, unchanged
                yield progress()  # still walking: no total yet
    unchanged += sort_out(found)
    counts["seen"], counts["unchanged"] = seen, unchanged
    walked[0] = seen
    batches = to_parse.batches(BATCH)
    parsed = parser(site, batches)
    try:
        for batch, rows in zip(batches, parsed, strict=False):
            give_way(may_run)
            if cancelled is not None and cancelled():
                return
            write_batch(batch, rows)
            yield progress()
    finally:
        close = getattr(parsed, "close", None)
        if close is not None:
            close()  # stops the workers now, whether the loop ended, was cancelled or failed
    if counts["parsed"] < len(to_parse):
        return  # the parser stopped early: its library is closing
    if cancelled is not None and cancelled():
        return
    if only is None:
        vanished = _vanished(conn, seen_ids, indexed)
    else:  # of the posts at the paths given, those indexed before and not found now
        under = stored_files_under(conn, only).items()
        vanished = {p: s for p, s in under if s.id <= last_id and not seen_ids[s.id]}
    relinked = 0
    if vanished and state is not None and library_id is not None:
        new_ids = [r[0] for r in conn.execute("SELECT id FROM posts WHERE id > ?", (floor,))]
        if new_ids:
            relinked = _relink(conn, state, library_id, vanished, new_ids)
        if relinked and on_relink is not None:
            on_relink()
    if vanished or pending or counts["parsed"]:
        with write(conn):
            delete_posts(conn, [s.id for s in vanished.values()])
            if only is None or pending is None:  # a whole sync cut short still needs it
                conn.execute("DELETE FROM meta WHERE key = 'new_since'")
    yield progress(removed=len(vanished), done=True, relinked=relinked)


def _vanished(conn: sqlite3.Connection, seen_ids: bytearray, indexed: int) -> dict[str, Stored]:
    """The posts indexed when the sync started (`indexed` of them, ids below `len(seen_ids)`)
    that the walk did not find."""
    if seen_ids.count(1) == indexed:
        return {}  # every post indexed at the start was found
    ids = conn.execute("SELECT id FROM posts WHERE id < ?", (len(seen_ids),))
    return stored_files_by_id(conn, [post_id for (post_id,) in ids if not seen_ids[post_id]])


def _relink(
    conn: sqlite3.Connection,
    state: StateStore,
    library_id: int,
    vanished: dict[str, Stored],
    new_ids: list[int],
) -> int:
    """Pair each vanished file with a new one that has the same identity key."""
    new_keys = identities(conn, new_ids)
    by_key: dict[str, int] = {}
    for post_id, keys in new_keys.items():
        for key in keys:
            by_key.setdefault(key, post_id)
    old_by_id = {s.id: path for path, s in vanished.items()}
    old_keys = identities(conn, list(old_by_id))
    taken: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for old_id, keys in old_keys.items():
        for key in keys:
            match = by_key.get(key)
            if match is not None and match not in taken:
                taken.add(match)
                pairs.append((old_id, match))
                break
    if not pairs:
        return 0
    new_paths: dict[int, str] = {}
    for part in chunks(sorted(taken)):
        rows = conn.execute(f"SELECT id, path FROM posts WHERE id IN ({marks(len(part))})", part)
        new_paths.update((i, path_from_db(p)) for i, p in rows)
    return state.relink(library_id, [(old_by_id[o], new_paths[n]) for o, n in pairs])
