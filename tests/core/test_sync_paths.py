"""A sync of the paths a watcher saw change: those files (or folders) and nothing else,
with the same outcome a whole sync would have (real files, real SQLite)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from reader.core.paths import StorePaths
from reader.core.scan import Site, detect_site, refs_at
from reader.core.store.state import StateStore
from reader.core.sync import SyncProgress
from tests.core.test_sync import indexed, run
from tests.factories import write_post


@pytest.fixture
def site(tmp_path: Path) -> Site:
    root = tmp_path / "posts"
    for n in range(6):
        write_post(root, f"Cat{n % 2}/post{n}.md", f"Post {n}", date=f"2024-01-{n + 1:02d}")
    return detect_site(root)


@pytest.fixture
def paths(site: Site, tmp_path: Path) -> StorePaths:
    paths = StorePaths.default(tmp_path / "data")
    run(site, paths)
    return paths


def sync_only(site: Site, paths: StorePaths, *only: str, **kwargs: object) -> SyncProgress:
    return run(site, paths, only=list(only), **kwargs)


def test_only_the_paths_given_are_looked_at(site: Site, paths: StorePaths) -> None:
    root = site.posts_root
    write_post(root, "Cat0/post0.md", "Post 0, edited", body="New words.\n")
    write_post(root, "Cat1/post1.md", "Post 1, edited", body="Not looked at.\n")
    write_post(root, "Cat0/new.md", "New post")
    (root / "Cat1/post3.md").unlink()
    before = indexed(site, paths)

    result = sync_only(site, paths, "Cat0/post0.md", "Cat0/new.md", "Cat1/post3.md")

    assert (result.seen, result.parsed, result.new, result.changed, result.removed) == (
        2,
        2,
        1,
        1,
        1,
    )
    after = indexed(site, paths)
    assert set(after) == set(before) - {"Cat1/post3.md"} | {"Cat0/new.md"}
    assert after["Cat1/post1.md"] == before["Cat1/post1.md"]  # changed, but not given
    assert after["Cat0/post0.md"] != before["Cat0/post0.md"]


def test_a_whole_sync_afterwards_finds_only_what_was_not_given(
    site: Site, paths: StorePaths
) -> None:
    write_post(site.posts_root, "Cat0/post0.md", "Post 0, edited")
    write_post(site.posts_root, "Cat1/post1.md", "Post 1, edited")
    sync_only(site, paths, "Cat0/post0.md")
    whole = run(site, paths)
    assert (whole.parsed, whole.changed, whole.removed) == (1, 1, 0)


def test_a_folder_given_brings_its_files_and_drops_its_gone_ones(
    site: Site, paths: StorePaths
) -> None:
    root = site.posts_root
    write_post(root, "Cat0/deeper/added.md", "Added below")
    shutil.rmtree(root / "Cat1")
    result = sync_only(site, paths, "Cat0", "Cat1")
    assert (result.new, result.removed) == (1, 3)
    assert sorted(indexed(site, paths)) == [
        "Cat0/deeper/added.md",
        "Cat0/post0.md",
        "Cat0/post2.md",
        "Cat0/post4.md",
    ]


def test_a_folder_renamed_is_two_paths_and_keeps_its_read_marks(
    site: Site, paths: StorePaths
) -> None:
    state = StateStore.open(paths)
    lib = state.library_id(str(site.posts_root))
    state.set_read(lib, [("Cat1/post1.md", "h")], True, "m")
    (site.posts_root / "Cat1").rename(site.posts_root / "Moved")
    result = sync_only(site, paths, "Cat1", "Moved", state=state, library_id=lib)
    assert (result.new, result.removed, result.relinked) == (3, 3, 1)  # 1 with a state
    assert set(state.reads(lib)) == {"Moved/post1.md"}


def test_a_file_replaced_by_a_rename_over_it_is_an_edit(site: Site, paths: StorePaths) -> None:
    """Editors save by writing a temporary file and renaming it over the post: the watcher
    sees a removal and a creation of the same path, and the sync finds the file changed."""
    state = StateStore.open(paths)
    lib = state.library_id(str(site.posts_root))
    state.set_read(lib, [("Cat0/post0.md", "h")], True, "m")
    write_post(site.posts_root, ".post0.md.swp", "Post 0, saved", body="Saved.\n")
    os.replace(site.posts_root / ".post0.md.swp", site.posts_root / "Cat0/post0.md")
    result = sync_only(site, paths, "Cat0/post0.md", ".post0.md.swp", state=state, library_id=lib)
    assert (result.changed, result.new, result.removed) == (1, 0, 0)
    assert set(state.reads(lib)) == {"Cat0/post0.md"}


def test_paths_the_walk_does_not_take_give_nothing(site: Site) -> None:
    root = site.posts_root
    write_post(root, "node_modules/pkg/readme.md", "Not a post")
    write_post(root, ".hidden/post.md", "Hidden")
    (root / "notes.txt").write_text("not a post")
    given = ["node_modules/pkg/readme.md", ".hidden", "notes.txt", "gone.md", "Cat0/post0.md"]
    assert [ref.relpath for ref in refs_at(site, given)] == ["Cat0/post0.md"]


def test_a_folder_and_a_file_in_it_give_the_file_once(site: Site, paths: StorePaths) -> None:
    """A new folder and the file written into it both come from the watcher."""
    write_post(site.posts_root, "Fresh/new.md", "New")
    given = ["Fresh/new.md", "Fresh", "Fresh/new.md"]
    assert [ref.relpath for ref in refs_at(site, given)] == ["Fresh/new.md"]
    result = sync_only(site, paths, *given)
    assert (result.new, result.errors) == (1, 0)
