"""Incremental sync of index.db with the files of a library (real files, real SQLite)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from reader.core.paths import StorePaths
from reader.core.scan import Site, detect_site, scan
from reader.core.store.index import IndexStore, stored_files
from reader.core.store.state import StateStore
from reader.core.sync import BATCH, GIVE_WAY_EVERY, SyncProgress, sync_index
from tests.factories import write_post


@pytest.fixture
def site(tmp_path: Path) -> Site:
    root = tmp_path / "posts"
    for n in range(12):
        write_post(root, f"Cat{n % 3}/Sub/post{n}.md", f"Post {n}", date=f"2024-01-{n + 1:02d}")
    return detect_site(root)


def run(site: Site, paths: StorePaths, **kwargs: object) -> SyncProgress:
    index = IndexStore.open(paths.index_db(str(site.posts_root)), str(site.posts_root), [])
    index.close()
    events = list(sync_index(site, index.path, **kwargs))  # type: ignore[arg-type]
    assert events
    return events[-1]


def indexed(site: Site, paths: StorePaths) -> dict[str, tuple[int, int]]:
    index = IndexStore.open(paths.index_db(str(site.posts_root)), str(site.posts_root), [])
    try:
        return {p: (s.size, s.mtime_ns) for p, s in stored_files(index.conn).items()}
    finally:
        index.close()


def test_cold_sync_then_no_change_resync(site: Site, tmp_path: Path) -> None:
    paths = StorePaths.default(tmp_path / "data")
    first = run(site, paths)
    assert first.done and (first.seen, first.parsed, first.new, first.unchanged) == (12, 12, 12, 0)
    assert len(indexed(site, paths)) == 12
    again = run(site, paths)
    assert again.done and (again.seen, again.parsed, again.unchanged, again.removed) == (
        12,
        0,
        12,
        0,
    )


def test_changed_added_removed(site: Site, tmp_path: Path) -> None:
    paths = StorePaths.default(tmp_path / "data")
    run(site, paths)
    root = site.posts_root
    changed = write_post(root, "Cat0/Sub/post0.md", "Post zero, longer now")
    os.utime(changed, ns=(1, 1_000_000_000))
    write_post(root, "New/post-new.md", "Brand new")
    (root / "Cat1/Sub/post1.md").unlink()
    result = run(site, paths)
    assert (result.parsed, result.new, result.changed, result.removed) == (2, 1, 1, 1)
    files = indexed(site, paths)
    assert "Cat1/Sub/post1.md" not in files and "New/post-new.md" in files
    assert files["Cat0/Sub/post0.md"][1] == 1_000_000_000


def test_a_resync_of_many_files_finds_each_change_once(tmp_path: Path) -> None:
    """Files are looked up in the index a chunk at a time: changes on both sides of a chunk's
    end, and files gone from anywhere, are all found."""
    root = tmp_path / "many"
    total = 2000  # more than two lookup chunks
    for n in range(total):
        write_post(root, f"d{n % 3}/p{n}.md", f"P{n}")
    site = detect_site(root)
    paths = StorePaths.default(tmp_path / "data")
    run(site, paths)
    walked = [ref.relpath for ref in scan(site)]
    touched = [walked[n] for n in (0, 898, 899, 900, 1799, 1999)]
    for n, rel in enumerate(touched):
        os.utime(root / rel, ns=(1, 1_000_000_000 + n))
    removed = [walked[n] for n in (1, 901, 1500)]
    for rel in removed:
        (root / rel).unlink()
    write_post(root, "d0/new.md", "New")
    result = run(site, paths)
    assert (result.parsed, result.changed, result.new, result.removed) == (7, 6, 1, 3)
    assert result.unchanged == total - len(touched) - len(removed)
    files = indexed(site, paths)
    assert set(files) == set(walked) - set(removed) | {"d0/new.md"}
    assert [files[rel][1] for rel in touched] == [1_000_000_000 + n for n in range(6)]


def test_errors_are_listed_and_retried(site: Site, tmp_path: Path) -> None:
    paths = StorePaths.default(tmp_path / "data")
    os.mkfifo(site.posts_root / "pipe.md")
    result = run(site, paths)
    assert result.errors == 1 and "pipe.md" in indexed(site, paths)
    again = run(site, paths)
    assert (again.parsed, again.errors, again.unchanged) == (1, 1, 12)


def test_cancelled_cold_sync_resumes_where_it_stopped(tmp_path: Path) -> None:
    root = tmp_path / "many"
    total = BATCH * 2 + 10
    for n in range(total):
        write_post(root, f"d{n % 7}/p{n}.md", f"P{n}")
    site = detect_site(root)
    paths = StorePaths.default(tmp_path / "data")
    index = IndexStore.open(paths.index_db(str(site.posts_root)), str(site.posts_root), [])
    cancel = threading.Event()
    events = []
    for event in sync_index(site, index.path, cancel=cancel):
        events.append(event)
        cancel.set()  # stop after the first committed batch
    assert not events[-1].done
    done_before = len(stored_files(index.conn))
    assert BATCH <= done_before < total
    rest = list(sync_index(site, index.path))[-1]
    assert rest.done and rest.parsed == total - done_before and rest.removed == 0
    assert len(stored_files(index.conn)) == total


def test_rename_relinks_state_by_title_and_date_or_identity(site: Site, tmp_path: Path) -> None:
    paths = StorePaths.default(tmp_path / "data")
    root = site.posts_root
    write_post(root, "perma/a.md", "Other title", extra="permalink: /2024/a/\n")
    state = StateStore.open(paths)
    lib = state.library_id(str(root))
    run(site, paths)
    state.set_read(lib, [("Cat0/Sub/post3.md", "h"), ("perma/a.md", "h")], True, "m")
    state.save_position(lib, "Cat0/Sub/post3.md", 9)
    (root / "Cat0/Sub/post3.md").rename(root / "Cat0/moved.md")
    (root / "perma/a.md").unlink()
    write_post(root, "perma/renamed.md", "Retitled", extra="permalink: /2024/a/\n", body="x\n")
    result = run(site, paths, state=state, library_id=lib)
    assert result.relinked == 2 and result.removed == 2
    assert set(state.reads(lib)) == {"Cat0/moved.md", "perma/renamed.md"}
    assert state.position(lib, "Cat0/moved.md") == 9


def test_undecodable_file_name_is_indexed(tmp_path: Path) -> None:
    root = tmp_path / "odd"
    root.mkdir()
    name = os.fsencode(root) + b"/caf\xe9.md"
    with open(name, "wb") as handle:
        handle.write(b"---\ntitle: Odd\n---\nx\n")
    site = detect_site(root)
    paths = StorePaths.default(tmp_path / "data")
    assert run(site, paths).new == 1
    assert run(site, paths).unchanged == 1


class KeyBeingAnswered(threading.Event):
    """Never set: a key is always being answered. Counts the waits."""

    waits = 0

    def wait(self, timeout: float | None = None) -> bool:
        self.waits += 1
        return False


def test_a_sync_gives_way_between_small_writes_and_still_ends(tmp_path: Path) -> None:
    root = tmp_path / "many"
    total = GIVE_WAY_EVERY * 3 + 10  # one batch: a walk of 256+ files, four parts to save
    for n in range(total):
        write_post(root, f"d{n % 7}/p{n}.md", f"P{n}")
    site = detect_site(root)
    paths = StorePaths.default(tmp_path / "data")
    may_run = KeyBeingAnswered()
    last = run(site, paths, may_run=may_run)
    assert last.done and last.parsed == total  # a sync never stops for keys
    assert len(indexed(site, paths)) == total
    # Once in the walk, once before the batch, and between its four parts.
    assert may_run.waits == 1 + 1 + 3
