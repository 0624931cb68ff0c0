"""The search index is built in a child process (reader.core.search_builder): killed part way it
resumes from its committed batches to the same index; closing the library, or the parent dying,
leaves no builder behind; two builders never work on one search.db at once. Real processes, real
files; the builder's own progress reports say where it is, never a clock."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.paths import StorePaths
from reader.core.search_builder import BuildJob
from reader.core.search_child import Builders
from reader.core.search_lock import build_lock
from tests.factories import make_posts, open_synced
from tests.processes import builder_pids, gone, wait_gone

POSTS = 1200  # six batches
QUERIES = ("needle", "word7", "e", "post 11", "zz")


def _site(root: Path, count: int = POSTS) -> Path:
    make_posts(
        root / "source" / "_posts",
        count,
        rel=lambda n: f"post-{n:04}.md",
        title=lambda n: f"Post {n}",
        date=lambda n: f"2020-01-{n % 28 + 1:02}",
        categories=lambda n: [f"C{n % 3}"],
        body=lambda n: f"{'needle ' if n % 5 == 0 else ''}word{n % 11} text of post {n}\n",
    )
    return root


def _job(library: Library) -> BuildJob:
    return BuildJob(library.site, library.index_path, library.index_path.with_name("search.db"))


def _rows(search_db: Path) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(search_db)
    try:
        return connection.execute(
            "SELECT path, hash, title, date, cats, catkey, tagkey, author, ftitle, body"
            " FROM docs JOIN bodies USING (id) ORDER BY path"
        ).fetchall()
    finally:
        connection.close()


def _answers(library: Library) -> list[tuple[int, list[str]]]:
    answers = []
    for query in QUERIES:
        results = library.search(query, limit=2000)
        answers.append((results.total, sorted(hit.path for hit in results.hits)))
    return answers


def _until_progress(lines: Iterator[dict[str, object]]) -> dict[str, object]:
    for line in lines:
        if int(str(line.get("done", 0))) > 0:
            return line
    raise AssertionError("the builder ended without reporting progress")


@pytest.mark.slow  # builder processes
def test_a_killed_build_resumes_and_ends_with_the_same_index(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    whole = open_synced(site, tmp_path / "whole")
    killed = open_synced(site, tmp_path / "killed")
    try:
        for _ in whole.update_search():
            pass
        builders = Builders()
        lines = builders.run(_job(killed), None)
        _until_progress(lines)  # a batch is committed
        (pid,) = builders.pids
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(ChildProcessError, match="ended early"):
            for _ in lines:
                pass
        kept = len(_rows(_job(killed).search_db))
        assert 0 < kept < POSTS
        resumed = list(killed.update_search())
        assert resumed[0].total == POSTS - kept  # nothing thrown away, nothing done twice
        assert resumed[-1].finished
        assert _rows(_job(killed).search_db) == _rows(_job(whole).search_db)
        assert _answers(killed) == _answers(whole)
        assert killed.search("needle").complete
    finally:
        whole.close()
        killed.close()


@pytest.mark.slow  # builder processes
def test_closing_the_library_mid_build_stops_the_builder(tmp_path: Path) -> None:
    library = open_synced(_site(tmp_path / "site"), tmp_path / "data")
    started, pids, reports = threading.Event(), [], []

    def build() -> None:
        for progress in library.update_search():
            reports.append(progress)
            if not started.is_set():
                pids.extend(builder_pids(os.getpid()))
                started.set()

    worker = threading.Thread(target=build)
    worker.start()
    assert started.wait(120)
    library.close()
    worker.join()
    assert len(pids) == 1 and gone(pids[0])
    assert not reports[-1].finished  # stopped part way, not run to its end
    assert builder_pids(os.getpid()) == []


PARENT = """
import sys
from reader.core.library import Library
from reader.core.paths import StorePaths
library = Library.open(sys.argv[1], paths=StorePaths.default(sys.argv[2]))
for progress in library.update_search():
    if progress.done:
        print("indexing", flush=True)
        sys.stdin.read()  # until the test kills this process
"""


@pytest.mark.slow  # builder processes
def test_a_builder_ends_when_its_parent_is_killed(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    open_synced(site, tmp_path / "data").close()
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(site), str(tmp_path / "data")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None and parent.stdout.readline() == "indexing\n"
        (builder,) = builder_pids(parent.pid)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        # The pipe's end or the kernel's parent-death signal ends it: wait for that, bounded.
        assert wait_gone(builder)
    finally:
        parent.kill()
        parent.wait()
    library = Library.open(site, paths=StorePaths.default(tmp_path / "data"))
    try:
        resumed = list(library.update_search())
        assert resumed[0].total < POSTS and resumed[-1].finished  # its batches were kept
        assert len(_rows(_job(library).search_db)) == POSTS
    finally:
        library.close()


@pytest.mark.slow  # builder processes
def test_a_second_builder_waits_for_the_first(tmp_path: Path) -> None:
    library = open_synced(_site(tmp_path / "site"), tmp_path / "data")
    first, second = Builders(), Builders()
    try:
        a = first.run(_job(library), None)
        _until_progress(a)
        (a_pid,) = first.pids
        os.kill(a_pid, signal.SIGSTOP)  # holds the lock, mid-build
        try:
            assert not build_lock(_job(library).search_db).acquire()
            b = second.run(_job(library), None)
            assert next(b) == {"waiting": True}
        finally:
            os.kill(a_pid, signal.SIGCONT)
        a_lines = [line for line in a if "done" in line]
        b_lines = [line for line in b if "done" in line]
        assert a_lines[-1]["finished"] and a_lines[-1]["total"] == POSTS
        # The second started once the first was done: it found nothing left to index.
        assert b_lines[-1]["finished"] and b_lines[-1]["total"] == 0
    finally:
        first.close()
        second.close()
        library.close()


@pytest.mark.slow  # builder processes
def test_a_builder_waits_while_another_session_builds(tmp_path: Path) -> None:
    library = open_synced(_site(tmp_path / "site", 30), tmp_path / "data")
    other = build_lock(_job(library).search_db)
    try:
        assert other.acquire()
        lines = Builders().run(_job(library), None)
        assert next(lines) == {"waiting": True}
        assert not _job(library).search_db.exists()  # it waits before writing anything
        other.release()
        progress = [line for line in lines if "done" in line]
        assert progress[-1]["finished"] and progress[-1]["done"] == 30
    finally:
        other.release()
        library.close()


@pytest.mark.slow  # builder processes
def test_a_cancelled_build_stops_its_child(tmp_path: Path) -> None:
    library = open_synced(_site(tmp_path / "site"), tmp_path / "data")
    cancel = threading.Event()
    try:
        reports = []
        for progress in library.update_search(cancel):
            reports.append(progress)
            if progress.done:
                pids = builder_pids(os.getpid())
                cancel.set()
        assert not reports[-1].finished
        assert len(pids) == 1 and gone(pids[0])
        assert not library.search("needle").complete
    finally:
        library.close()


def test_a_builder_child_gives_big_blocks_back_to_the_system() -> None:
    from reader.core.search_child import MMAP_THRESHOLD, child_environment

    assert child_environment()["MALLOC_MMAP_THRESHOLD_"] == str(MMAP_THRESHOLD)
    assert child_environment()["PATH"] == os.environ["PATH"]


def test_a_malloc_setting_of_the_user_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.core.search_child import child_environment

    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "65536")
    assert child_environment()["MALLOC_MMAP_THRESHOLD_"] == "65536"
