"""Renamed and vanished posts: state follows a renamed file by its front-matter identity
(id / permalink / link / url / abbrlink) or by title + date; a vanished post keeps its bookmark,
shown as missing. Real files, real SQLite stores in the temporary XDG dirs."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from reader.core import sync as sync_module
from reader.core.library import MISSING, Folder, Library
from tests.factories import write_post


def synced(root: Path) -> Library:
    library = Library.open(root)
    assert list(library.sync())[-1].done
    return library


def give_state(library: Library, path: str) -> None:
    library.mark_read(path)
    library.add_bookmark(path, note=f"note on {path}")
    library.save_position(path, 33)


def state_of(library: Library, path: str) -> tuple[bool, str | None, int]:
    rows = {r.path: r for r in library.posts(Folder("all")).rows(0, 1000)}
    notes = {b.path: b.note for b in library.bookmarks() if not b.missing}
    row = rows.get(path)
    return (row is not None and row.read, notes.get(path), library.position(path))


@pytest.mark.parametrize("key", ["id", "permalink", "link", "url", "abbrlink"])
def test_rename_with_new_title_keeps_state_by_front_matter_identity(
    tmp_path: Path, key: str
) -> None:
    root = tmp_path / "posts"
    write_post(root, "other.md", "Other", date="2024-03-01", extra=f"{key}: other-value\n")
    write_post(root, "old/name.md", "Old title", date="2024-01-01", extra=f"{key}: the-value\n")
    library = synced(root)
    give_state(library, "old/name.md")
    (root / "old/name.md").unlink()
    # new path, new title, new date, new body: only the identity key still matches
    write_post(
        root,
        "new/place.md",
        "New title",
        date="2025-05-05",
        extra=f"{key}: the-value\n",
        body="changed\n",
    )
    final = list(library.sync())[-1]
    assert (final.new, final.removed, final.relinked) == (1, 1, 1)
    assert state_of(library, "new/place.md") == (True, "note on old/name.md", 33)
    assert state_of(library, "other.md") == (False, None, 0)
    assert [b.path for b in library.bookmarks()] == ["new/place.md"]
    library.close()


def test_rename_keeps_state_by_title_and_date(tmp_path: Path) -> None:
    root = tmp_path / "posts"
    write_post(root, "a.md", "Same title", date="2024-01-01 10:00:00", body="old body\n")
    write_post(root, "b.md", "Same title", date="2024-01-02 10:00:00")  # same title, other date
    library = synced(root)
    give_state(library, "a.md")
    (root / "moved").mkdir()
    (root / "a.md").rename(root / "moved" / "a-renamed.md")
    final = list(library.sync())[-1]
    assert final.relinked == 1
    assert state_of(library, "moved/a-renamed.md") == (True, "note on a.md", 33)
    assert state_of(library, "b.md") == (False, None, 0)
    library.close()


def test_different_identity_is_not_relinked(tmp_path: Path) -> None:
    root = tmp_path / "posts"
    write_post(root, "a.md", "Title", date="2024-01-01", extra="id: 1\n")
    library = synced(root)
    give_state(library, "a.md")
    (root / "a.md").unlink()
    # same id value under another key, other title: not the same post
    write_post(root, "b.md", "Another", date="2024-01-01", extra="url: 1\n")
    final = list(library.sync())[-1]
    assert final.relinked == 0
    assert state_of(library, "b.md") == (False, None, 0)
    (bookmark,) = library.bookmarks()
    assert bookmark.path == "a.md" and bookmark.missing and bookmark.note == "note on a.md"
    library.close()


def test_state_is_not_moved_onto_a_post_that_has_its_own(tmp_path: Path) -> None:
    root = tmp_path / "posts"
    write_post(root, "a.md", "Twin", date="2024-01-01")
    library = synced(root)
    give_state(library, "a.md")
    library.save_position("b.md", 5)  # b.md has a position of its own (from another session)
    (root / "a.md").unlink()
    write_post(root, "b.md", "Twin", date="2024-01-01")
    assert list(library.sync())[-1].relinked == 1
    read, note, position = state_of(library, "b.md")
    assert position == 5  # its own, not a.md's 33
    assert read and note == "note on a.md"  # what it did not have follows the rename
    library.close()


def test_rename_of_a_post_with_no_state_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "posts"
    write_post(root, "a.md", "Plain", date="2024-01-01")
    write_post(root, "z.md", "Read one", date="2024-01-02")
    library = synced(root)
    library.mark_read("z.md")
    (root / "a.md").rename(root / "b.md")
    final = list(library.sync())[-1]
    assert (final.relinked, final.removed, final.new) == (0, 1, 1)
    assert state_of(library, "z.md")[0] is True
    library.close()


def test_vanished_post_keeps_bookmark_as_missing_and_comes_back(tmp_path: Path) -> None:
    root = tmp_path / "posts"
    path = write_post(root, "gone.md", "Gone soon", date="2024-01-01", categories=("A", "B"))
    write_post(root, "stay.md", "Stays", date="2024-01-02")
    library = synced(root)
    library.add_bookmark("gone.md", note="keep me")
    text = path.read_text()
    path.unlink()
    list(library.sync())
    (bookmark,) = library.bookmarks()
    assert bookmark.missing and bookmark.title == "Gone soon" and bookmark.note == "keep me"
    assert bookmark.categories == (("A", "B"),)
    (row,) = library.posts(Folder("bookmarked")).rows(0, 10)
    assert row.error == MISSING and row.note == "keep me"
    assert "gone.md" in library.article("gone.md").notice  # type: ignore[operator]
    library.close()
    # survives reopening (and a deleted index) too
    again = Library.open(root)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{again.index_path}{suffix}").unlink(missing_ok=True)
    again.close()
    again = synced(root)
    assert [(b.path, b.missing) for b in again.bookmarks()] == [("gone.md", True)]
    path.write_text(text)
    list(again.sync())
    assert [(b.path, b.missing) for b in again.bookmarks()] == [("gone.md", False)]
    again.close()


def test_rename_seen_by_a_cancelled_sync_is_relinked_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rename's new file is committed by a sync that is cancelled before it deletes the
    vanished one; the next (complete) sync still pairs them."""
    root = tmp_path / "posts"
    for n in range(30):
        write_post(root, f"bulk/p{n:04d}.md", f"Bulk {n}", date="2020-01-01")
    write_post(root, "a.md", "Renamed later", date="2024-01-01", url="/a/")
    library = synced(root)
    give_state(library, "a.md")
    (root / "a.md").unlink()
    write_post(root, "aa/b.md", "Renamed later", date="2024-01-01", url="/a/")
    for n in range(30):
        write_post(root, f"bulk/p{n:04d}.md", f"Bulk {n} changed", date="2020-01-01")
    monkeypatch.setattr(sync_module, "BATCH", 1)  # commit (and report) file by file
    cancel = threading.Event()
    events = []
    for event in library.sync(cancel):
        events.append(event)
        if indexed(library.index_path, "aa/b.md"):
            cancel.set()
    assert not events[-1].done and indexed(library.index_path, "aa/b.md")
    assert indexed(library.index_path, "a.md")  # not removed yet: the sync stopped
    final = list(library.sync())[-1]
    assert final.done and final.removed == 1 and final.relinked == 1 and final.new == 0
    assert state_of(library, "aa/b.md") == (True, "note on a.md", 33)
    library.close()


def indexed(index: Path, path: str) -> bool:
    conn = sqlite3.connect(index)
    try:
        return conn.execute("SELECT 1 FROM posts WHERE path = ?", (path,)).fetchone() is not None
    finally:
        conn.close()
