"""Sync parsing in worker processes (reader.core.parse_pool): the same index as parsing in the
sync's thread, broken posts still listed, and no worker left after a cancel or a close."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.parse_pool import POOL_FROM, ParseWorkers, parse_in_thread
from reader.core.paths import StorePaths
from reader.core.scan import Site, detect_site
from reader.core.store.index import IndexStore
from reader.core.sync import BATCH, Parser, SyncProgress, sync_index
from tests.factories import write_post

pytestmark = pytest.mark.slow  # worker processes

BROKEN = "Broken/bad-yaml.md"
NOT_TEXT = "Broken/binary.md"


def _write_library(root: Path, count: int) -> None:
    for n in range(count):
        write_post(
            root,
            f"Cat{n % 7}/Sub{n % 3}/post{n}.md",
            f"Post {n}",
            date=f"2024-01-{n % 28 + 1:02d}",
            categories=[f"Cat{n % 7}", f"Sub{n % 3}"],
            tags=[f"tag{n % 5}", "all"],
        )
    (root / "Broken").mkdir(parents=True, exist_ok=True)
    (root / BROKEN).write_text("---\ntitle: [unclosed\ndate: 2024-01-01\n---\nBody\n")
    (root / NOT_TEXT).write_bytes(b"\x00\x01\x02\xff\xfe binary" * 50)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("workers") / "posts"
    _write_library(root, BATCH * 3 + 20)
    return detect_site(root)


def _index(site: Site, data: Path) -> Path:
    paths = StorePaths.default(data)
    index = IndexStore.open(paths.index_db(str(site.posts_root)), str(site.posts_root), [])
    index.close()
    return index.path


def _rows(index_path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(index_path)
    try:
        return {
            table: sorted(conn.execute(f"SELECT * FROM {table}"))
            for table in ("posts", "post_categories", "post_tags")
        }
    finally:
        conn.close()


def _children() -> set[int]:
    """Pids of this process's children that run a parse worker (read from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"reader.core.parse_pool" in command:
            found.add(int(entry.name))
    return found


def _sync(site: Site, data: Path, parser: Parser) -> list[SyncProgress]:
    return list(sync_index(site, _index(site, data), parser=parser))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to see workers")
def test_workers_make_the_same_index_as_the_thread(site: Site, tmp_path: Path) -> None:
    in_thread = _sync(site, tmp_path / "thread", parse_in_thread)
    workers = ParseWorkers(2, pool_from=0)
    try:
        pooled = _sync(site, tmp_path / "pool", workers.parse)
    finally:
        workers.close()
    assert pooled[-1] == in_thread[-1]
    assert pooled[-1].parsed == BATCH * 3 + 22 and pooled[-1].errors == 2
    thread_rows = _rows(_index(site, tmp_path / "thread"))
    pool_rows = _rows(_index(site, tmp_path / "pool"))
    assert pool_rows == thread_rows
    assert len(pool_rows["posts"]) == BATCH * 3 + 22 and pool_rows["post_tags"]
    assert not _children()


def test_a_broken_post_is_listed_with_its_error(site: Site, tmp_path: Path) -> None:
    workers = ParseWorkers(1, pool_from=0)
    try:
        _sync(site, tmp_path, workers.parse)
    finally:
        workers.close()
    conn = sqlite3.connect(_index(site, tmp_path))
    try:
        errors = dict(conn.execute("SELECT path, error FROM posts WHERE error IS NOT NULL"))
    finally:
        conn.close()
    assert set(errors) == {BROKEN, NOT_TEXT}
    assert all(errors.values())


def test_small_syncs_parse_in_their_thread(site: Site, tmp_path: Path) -> None:
    workers = ParseWorkers(2, pool_from=10**6)
    seen: set[int] = set()
    for _ in sync_index(site, _index(site, tmp_path), parser=workers.parse):
        seen |= set(workers.pids())
    assert not seen


def _first_batch_then(events: Iterator[SyncProgress]) -> SyncProgress:
    for event in events:
        if event.parsed:
            return event
    raise AssertionError("the sync parsed nothing")


def test_cancel_stops_the_workers(site: Site, tmp_path: Path) -> None:
    workers = ParseWorkers(2, pool_from=0)
    cancel = threading.Event()
    events = sync_index(site, _index(site, tmp_path), cancel=cancel, parser=workers.parse)
    first = _first_batch_then(events)
    running = workers.pids()
    assert running and set(running) <= _children()
    cancel.set()
    rest = list(events)
    assert not rest  # a cancelled sync stops without a final report
    assert first.parsed < BATCH * 3 + 22
    assert workers.pids() == [] and not _children()


def test_a_killed_worker_leaves_its_batches_to_the_thread(site: Site, tmp_path: Path) -> None:
    workers = ParseWorkers(1, pool_from=0)
    events = sync_index(site, _index(site, tmp_path), parser=workers.parse)
    _first_batch_then(events)
    for pid in workers.pids():
        os.kill(pid, signal.SIGKILL)
    last = list(events)[-1]
    assert last.done and last.parsed == BATCH * 3 + 22
    assert len(_rows(_index(site, tmp_path))["posts"]) == BATCH * 3 + 22
    assert not _children()


def test_no_worker_left_after_the_library_closes_mid_sync(tmp_path: Path) -> None:
    root = tmp_path / "posts"
    _write_library(root, POOL_FROM + BATCH)  # big enough for the library to start workers
    library = Library.open(root, paths=StorePaths.default(tmp_path / "data"))
    started, finished = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def run() -> None:
        try:
            for event in library.sync():
                if event.parsed:
                    started.set()
        except BaseException as error:  # reported by the assertion below
            failures.append(error)
        finally:
            started.set()
            finished.set()

    worker = threading.Thread(target=run)
    worker.start()
    assert started.wait(60)
    assert _children()  # a sync of this size parses in worker processes
    library.close()
    assert not _children()
    worker.join(60)
    assert finished.is_set() and not failures


def test_batches_bigger_than_a_pipe_do_not_block(tmp_path: Path) -> None:
    root = tmp_path / "posts"
    long_name = "a-very-long-post-name-" * 8  # a batch of these pickles to more than a pipe holds
    for n in range(BATCH * 3):
        write_post(root, f"{long_name}/{long_name}{n}.md", f"{long_name} {n}")
    site = detect_site(root)
    workers = ParseWorkers(1, pool_from=0)
    events: list[SyncProgress] = []
    runner = threading.Thread(target=lambda: events.extend(_sync(site, tmp_path, workers.parse)))
    runner.start()
    runner.join(60)
    workers.close()  # unblocks a sync stuck on a pipe, so a failure does not hang the run
    runner.join(10)
    assert events and events[-1].done and events[-1].parsed == BATCH * 3
