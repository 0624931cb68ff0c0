"""Sync progress events, cancelling from another thread, and a cold sync killed with SIGKILL
that resumes where it stopped (real files, real SQLite, real processes)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reader.core.library import Folder, Library
from reader.core.paths import StorePaths
from reader.core.sync import BATCH
from tests.factories import make_posts


def posts_in_folders(root: Path, count: int, prefix: str = "p") -> None:
    """`count` posts spread over five folders, three categories."""
    make_posts(
        root,
        count,
        rel=lambda n: f"d{n % 5}/{prefix}{n:05d}.md",
        title=lambda n: f"{prefix} {n}",
        categories=lambda n: [f"C{n % 3}"],
    )


def indexed_count(index: Path) -> int:
    conn = sqlite3.connect(index)
    try:
        return int(conn.execute("SELECT count(*) FROM posts").fetchone()[0])
    finally:
        conn.close()


def test_progress_events_of_a_cold_sync_and_a_resync(tmp_path: Path) -> None:
    root = tmp_path / "posts"
    total = BATCH * 2 + 10
    posts_in_folders(root, total)
    os.mkfifo(root / "broken.md")  # one file that cannot be parsed
    library = Library.open(root)
    events = list(library.sync())
    parsed = [e.parsed for e in events]
    assert parsed == sorted(parsed) and parsed[0] == BATCH and parsed[-1] == total + 1
    seen = [e.seen for e in events]
    assert seen == sorted(seen) and seen[-1] == total + 1
    assert all(e.estimated_total >= e.seen for e in events)
    assert [e.done for e in events] == [False] * (len(events) - 1) + [True]
    assert (events[-1].new, events[-1].errors, events[-1].unchanged) == (total + 1, 1, 0)

    posts_in_folders(root, 3, prefix="q")
    (root / "d0" / "p00000.md").unlink()
    events = list(library.sync())
    last = events[-1]
    assert last.done and last.estimated_total >= total + 1  # known from the index at once
    assert (last.new, last.removed, last.unchanged, last.errors) == (3, 1, total - 1, 1)
    assert len(library.posts(Folder("all"))) == total + 3
    library.close()


def test_cancel_from_another_thread_stops_and_keeps_what_was_committed(tmp_path: Path) -> None:
    root = tmp_path / "posts"
    total = BATCH * 4
    posts_in_folders(root, total)
    library = Library.open(root)
    cancel = threading.Event()
    events = []
    first = threading.Event()

    def work() -> None:
        for event in library.sync(cancel):
            events.append(event)
            if event.parsed:  # a batch is committed (a slow walk reports before any is)
                first.set()
                cancel.wait(30)  # hold the sync until the main thread cancels

    thread = threading.Thread(target=work)
    thread.start()
    assert first.wait(60)
    cancel.set()
    thread.join(60)
    assert not thread.is_alive()
    assert events and not events[-1].done
    committed = len(library.posts(Folder("all")))
    assert BATCH <= committed < total
    final = list(library.sync())[-1]
    assert final.done and final.new == total - committed and final.removed == 0
    assert len(library.posts(Folder("all"))) == total
    library.close()


SYNC_CHILD = """
import sys
from reader.core.library import Library
from reader.core.paths import StorePaths
library = Library.open(sys.argv[1], paths=StorePaths.default(sys.argv[2]))
for event in library.sync():
    if event.parsed:  # a slow walk reports before any batch is committed
        print(event.parsed, flush=True)
"""


@pytest.mark.slow
def test_killed_cold_sync_resumes_where_it_stopped(tmp_path: Path) -> None:
    root, data = tmp_path / "posts", tmp_path / "data"
    total = BATCH * 6
    posts_in_folders(root, total)
    child = subprocess.Popen(
        [sys.executable, "-c", SYNC_CHILD, str(root), str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    try:
        line = child.stdout.readline()  # the first batch is committed
        assert line.strip() == str(BATCH), child.stderr and child.stderr.read()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    paths = StorePaths.default(data)
    library = Library.open(root, paths=paths)
    assert not any("rebuild" in n for n in library.notices)  # the index was not damaged
    committed = indexed_count(library.index_path)
    assert BATCH <= committed < total  # killed part way, whole batches kept
    final = list(library.sync())[-1]
    assert final.done and final.parsed == final.new == total - committed
    assert final.unchanged == committed and final.removed == 0
    assert indexed_count(library.index_path) == total
    library.close()


def test_a_cold_sync_reports_the_files_counted_and_a_bar_that_is_not_full_at_once(
    tmp_path: Path,
) -> None:
    """Issue 12.7: on a cold sync the total was the count seen so far (the bar always full)."""
    root = tmp_path / "posts"
    files = BATCH * 2 + 10
    posts_in_folders(root, files)
    library = Library.open(root)
    events = list(library.sync())
    library.close()
    counted = [e for e in events if e.total is not None]
    assert all(e.total is None and e.parsed == 0 for e in events[: len(events) - len(counted)])
    assert counted and all(e.total == files for e in counted)
    first = counted[0]
    assert first.handled < files  # a real bar: part of the way, not full
    assert [e.handled for e in counted] == sorted(e.handled for e in counted)
    assert events[-1].done and events[-1].handled == files
