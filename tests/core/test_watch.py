"""Watching a library's folders: real files, the real watcher (inotify here), real threads.
Nothing is timed: each test waits for what it expects, with a generous deadline."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reader.core.scan import Site, detect_site, site_at
from reader.core.watch import WatchUnavailable, library_paths, watch_library
from tests.factories import write_post

DEADLINE = 20.0


@pytest.fixture
def site(tmp_path: Path) -> Site:
    root = tmp_path / "posts"
    write_post(root, "Cat/first.md", "First")
    return detect_site(root)


class Watching:
    """`watch_library` on a thread of its own; the groups it reports, in a queue."""

    def __init__(self, site: Site) -> None:
        self.groups: queue.Queue[list[str]] = queue.Queue()
        self.stop = threading.Event()
        self.failed: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, args=(site,), daemon=True)
        self.thread.start()

    def _run(self, site: Site) -> None:
        try:
            watch_library(site, self.stop, self.groups.put)
        except BaseException as error:
            self.failed.append(error)

    def until(self, wanted: set[str]) -> list[list[str]]:
        """The groups reported until every path of `wanted` was in one, itself or a folder
        of it (files written into a new folder before the watcher watches it too are not
        reported; the folder is, and a sync of it finds them)."""
        groups: list[list[str]] = []
        seen: set[str] = set()
        while not all(_covered(path, seen) for path in wanted):
            groups.append(self.groups.get(timeout=DEADLINE))
            seen.update(groups[-1])
        return groups


def _covered(path: str, seen: set[str]) -> bool:
    parts = path.split("/")
    return any("/".join(parts[:n]) in seen for n in range(1, len(parts) + 1))


@pytest.fixture
def watching(site: Site) -> Iterator[Watching]:
    watching = Watching(site)
    yield watching
    watching.stop.set()
    watching.thread.join(DEADLINE)
    assert not watching.thread.is_alive() and not watching.failed


def settled(watching: Watching, site: Site) -> None:
    """Wait until the watcher reports: a file written until it is seen (it watches from its
    first step, a moment after the thread starts)."""
    probe = site.posts_root / "probe.md"
    for n in range(50):
        write_post(site.posts_root, "probe.md", f"Probe {n}")
        try:
            watching.groups.get(timeout=0.2)
            break
        except queue.Empty:
            continue
    probe.unlink()
    watching.until({"probe.md"})


def test_a_post_written_is_reported_by_its_path(watching: Watching, site: Site) -> None:
    settled(watching, site)
    write_post(site.posts_root, "Cat/second.md", "Second")
    assert ["Cat/second.md"] in watching.until({"Cat/second.md"})


def test_many_files_written_at_once_come_in_few_groups(watching: Watching, site: Site) -> None:
    settled(watching, site)
    names = {f"Bulk/post{n:04d}.md" for n in range(2000)}
    for name in sorted(names):
        write_post(site.posts_root, name, name)
    groups = watching.until(names)
    assert len(groups) <= 5  # one per `GROUP_AT_MOST_MS` of writing, not one per file


def test_what_the_walk_would_not_take_is_not_reported(watching: Watching, site: Site) -> None:
    settled(watching, site)
    (site.posts_root / ".git").mkdir()
    (site.posts_root / ".git" / "index").write_text("x")
    (site.posts_root / "node_modules").mkdir()
    write_post(site.posts_root, "node_modules/readme.md", "Not a post")
    (site.posts_root / ".first.md.swp").write_text("an editor's temporary file")
    write_post(site.posts_root, "Cat/after.md", "After")
    reported = {path for group in watching.until({"Cat/after.md"}) for path in group}
    assert reported == {"Cat/after.md"}


def test_library_paths_keeps_drafts_and_a_lone_post_apart(tmp_path: Path) -> None:
    root = tmp_path / "blog" / "source"
    write_post(root / "_posts", "a.md", "A")
    write_post(root / "_drafts", "d.md", "D")
    site = detect_site(tmp_path / "blog", drafts=True)
    assert site.drafts_root is not None
    given = [str(site.posts_root / "a.md"), str(site.drafts_root / "d.md"), str(tmp_path)]
    assert list(library_paths(site, given)) == ["a.md", "_drafts/d.md"]
    lone = site_at(site.posts_root / "a.md")
    other = str(site.posts_root / "b.md")
    assert list(library_paths(lone, [str(site.posts_root / "a.md"), other])) == ["a.md"]


def test_a_watcher_that_cannot_start_says_why(site: Site) -> None:
    def no_watches_left(*paths: Any, **options: Any) -> Iterator[set[tuple[Any, str]]]:
        raise OSError(28, "OS file watch limit reached")
        yield set()  # a generator, as watchfiles.watch is

    with pytest.raises(WatchUnavailable, match="watch limit"):
        watch_library(site, threading.Event(), print, no_watches_left)


def test_an_unreadable_folder_leaves_the_others_watched(site: Site) -> None:
    """The watch limit must not be passed over silently: permission errors are let pass
    only once one was met."""
    asked: list[bool] = []

    def denied_unless_ignored(*paths: Any, **options: Any) -> Iterator[set[tuple[Any, str]]]:
        asked.append(options["ignore_permission_denied"])
        if not options["ignore_permission_denied"]:
            raise PermissionError(13, "Permission denied")
        yield {(None, str(site.posts_root / "a.md"))}

    seen: list[list[str]] = []
    watch_library(site, threading.Event(), seen.append, denied_unless_ignored)
    assert asked == [False, True] and seen == [["a.md"]]


def test_for_a_lone_post_only_its_changes_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    write_post(folder, "post.md", "Alone")
    write_post(folder, "deep/other.md", "Not this one")
    lone = site_at(folder / "post.md")
    watching = Watching(lone)
    try:
        for n in range(50):  # until the watcher reports (it starts a moment after its thread)
            write_post(folder, "post.md", f"Alone, edit {n}")
            try:
                assert watching.groups.get(timeout=0.2) == ["post.md"]
                break
            except queue.Empty:
                continue
        write_post(folder, "deep/other.md", "Not this one, changed")
        write_post(folder, "post.md", "Alone, last edit")
        assert watching.groups.get(timeout=DEADLINE) == ["post.md"]
    finally:
        watching.stop.set()
        watching.thread.join(DEADLINE)
    assert not watching.failed
