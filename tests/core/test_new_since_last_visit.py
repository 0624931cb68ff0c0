""" "New since last visit": the posts first seen after the previous session of the library
began. The first session has none; when each post was first seen lives in state.db, so an
index deleted or rebuilt makes nothing new, and a post renamed is not new (real files, real
SQLite)."""

from __future__ import annotations

from pathlib import Path

from reader.core.library import Folder, Library
from reader.core.paths import StorePaths
from tests.factories import synced, write_post

NEW = Folder("new")


def visit(site: Path, data: Path) -> Library:
    """A session of the app: the library opened, its visit begun, synced."""
    library = Library.open(site, paths=StorePaths.default(data))
    library.begin_visit()
    return synced(library)


def new_paths(library: Library) -> list[str]:
    return sorted(row.path for row in library.posts(NEW).rows(0, 100))


def count(library: Library) -> int:
    return next(n.total for n in library.folders() if n.folder == NEW)


def test_posts_found_after_the_last_visit_began_are_new(tmp_path: Path) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    write_post(site, "a.md", "A")
    first = visit(site, data)
    assert new_paths(first) == [] and count(first) == 0  # the first session has none
    write_post(site, "during.md", "Added while the first session runs")
    synced(first)
    first.close()
    write_post(site, "between.md", "Added between the sessions")

    second = visit(site, data)
    assert new_paths(second) == ["between.md"]
    assert count(second) == 1
    write_post(site, "later.md", "Added during the second session")
    synced(second)
    assert new_paths(second) == ["between.md", "later.md"]
    second.close()

    third = visit(site, data)  # counted from the second session's start now
    assert new_paths(third) == ["between.md", "later.md"]
    third.close()
    fourth = visit(site, data)
    assert new_paths(fourth) == []
    fourth.close()


def test_an_index_rebuilt_makes_nothing_new(tmp_path: Path) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    write_post(site, "a.md", "A")
    visit(site, data).close()
    for index in data.rglob("index.db*"):
        index.unlink()
    second = visit(site, data)
    assert new_paths(second) == []
    second.close()


def test_a_post_renamed_is_not_new(tmp_path: Path) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    write_post(site, "a.md", "A", date="2024-01-01")
    visit(site, data).close()
    (site / "a.md").rename(site / "renamed.md")
    second = visit(site, data)
    assert [row.path for row in second.posts(Folder("all")).rows(0, 10)] == ["renamed.md"]
    assert new_paths(second) == []
    second.close()
