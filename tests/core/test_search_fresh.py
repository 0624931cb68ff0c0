"""The search index knows which posts it was built from: an update with nothing to do starts no
builder process, and any change to the posts (or a rebuilt index.db) starts one again."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core import search_child
from reader.core.library import Library
from reader.core.search_builder import BuildJob
from tests.factories import open_synced, synced, write_post

Spawn = Callable[[BuildJob], "subprocess.Popen[bytes]"]


@pytest.fixture
def spawned(monkeypatch: pytest.MonkeyPatch) -> list[BuildJob]:
    """The builder processes started from here on (they still run)."""
    started: list[BuildJob] = []
    real: Spawn = search_child._spawn

    def counting(job: BuildJob) -> subprocess.Popen[bytes]:
        started.append(job)
        return real(job)

    monkeypatch.setattr(search_child, "_spawn", counting)
    return started


def _site(root: Path) -> Path:
    posts = root / "source" / "_posts"
    write_post(posts, "cat.md", "Cat", body="a cat sat\n")
    write_post(posts, "dog.md", "Dog", body="a dog ran\n")
    return root


def _indexed(library: Library) -> None:
    assert list(library.update_search())[-1].finished


@pytest.mark.slow  # a process of its own (see the marker)
def test_an_update_with_nothing_to_do_starts_no_builder(
    tmp_path: Path, spawned: list[BuildJob]
) -> None:
    library = open_synced(_site(tmp_path / "site"), tmp_path / "data")
    try:
        _indexed(library)
        assert len(spawned) == 1
        _indexed(library)
        synced(library)  # nothing changed on disk
        _indexed(library)
        assert len(spawned) == 1
        assert [hit.path for hit in library.search("cat").hits] == ["cat.md"]
    finally:
        library.close()


@pytest.mark.slow  # a process of its own (see the marker)
def test_a_changed_post_is_indexed_again(tmp_path: Path, spawned: list[BuildJob]) -> None:
    site = _site(tmp_path / "site")
    library = open_synced(site, tmp_path / "data")
    try:
        _indexed(library)
        write_post(site / "source" / "_posts", "cat.md", "Cat", body="a cat slept\n")
        synced(library)
        _indexed(library)
        assert len(spawned) == 2
        assert [hit.path for hit in library.search("slept").hits] == ["cat.md"]
        (site / "source" / "_posts" / "dog.md").unlink()
        synced(library)
        _indexed(library)
        assert len(spawned) == 3
        assert library.search("dog").total == 0
    finally:
        library.close()


@pytest.mark.slow  # a process of its own (see the marker)
def test_a_rebuilt_post_index_is_checked_again(tmp_path: Path, spawned: list[BuildJob]) -> None:
    """A new index.db counts its changes from zero: its stamp must still differ."""
    site, data = _site(tmp_path / "site"), tmp_path / "data"
    library = open_synced(site, data)
    _indexed(library)
    index_path = library.index_path
    library.close()
    index_path.unlink()
    write_post(site / "source" / "_posts", "cat.md", "Cat", body="a cat slept\n")
    library = open_synced(site, data)
    try:
        _indexed(library)
        assert len(spawned) == 2
        assert [hit.path for hit in library.search("slept").hits] == ["cat.md"]
    finally:
        library.close()
