"""What changed since a post was read: the file is kept when it is opened and read, and later
compared, word by word, with the file now (real files, real SQLite)."""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.paths import StorePaths
from reader.core.store import read_texts
from tests.factories import open_synced, synced, write_post


def changed_words(library: Library, path: str, seen: str | None = None) -> list[tuple[str, str]]:
    changes = library.changes_since_read(path, seen)
    assert changes.diff is not None, changes.reason
    return [
        (piece.kind, piece.text)
        for hunk in changes.diff.hunks
        for paragraph in hunk
        for piece in paragraph.pieces
        if piece.kind != "same"
    ]


def read_then_edited(tmp_path: Path, name: str, before: str, after: str) -> Library:
    """A library whose post `name` was opened and read as `before`, then edited to `after`."""
    site = tmp_path / "site"
    write_post(site, name, "T", body=before)
    library = open_synced(site, tmp_path / "data")
    assert library.mark_read(name, opened=True)
    write_post(site, name, "T", body=after)
    return synced(library)


def test_an_opened_post_edited_since_shows_the_words_changed(tmp_path: Path) -> None:
    before = "First paragraph.\n\nThe cat sat on the mat.\n"
    library = read_then_edited(tmp_path, "a.md", before, before.replace("cat", "dog"))
    assert changed_words(library, "a.md") == [("removed", "cat"), ("added", "dog")]
    library.close()


def test_html_bodies_are_compared_as_converted_text(tmp_path: Path) -> None:
    before = "<p>Hello <b>old</b> world.</p>\n"
    library = read_then_edited(tmp_path, "h.md", before, before.replace("old", "new"))
    assert changed_words(library, "h.md") == [("removed", "old"), ("added", "new")]
    library.close()


def test_reasons_when_there_is_nothing_to_compare(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for name in ("unread.md", "same.md", "marked.md"):
        write_post(site, name, name)
    library = open_synced(site, tmp_path / "data")
    assert library.changes_since_read("unread.md").reason is not None
    library.mark_read("same.md", opened=True)
    assert library.changes_since_read("same.md").diff is None  # not changed since
    library.mark_read("marked.md")  # `m`: never opened, so not kept
    write_post(site, "marked.md", "marked.md", body="Other text.\n")
    synced(library)
    changes = library.changes_since_read("marked.md")
    assert changes.diff is None and changes.reason is not None
    library.close()


def test_reading_the_new_version_keeps_the_old_one_for_undo(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_post(site, "a.md", "A", body="Version one.\n")
    library = open_synced(site, tmp_path / "data")
    library.mark_read("a.md", opened=True)
    first = library.seen_hash("a.md")
    write_post(site, "a.md", "A", body="Version two.\n")
    synced(library)
    library.mark_read("a.md", opened=True)
    assert library.seen_hash("a.md") != first
    assert changed_words(library, "a.md", first) == [("removed", "one"), ("added", "two")]
    library.undo()  # back to the first version's read mark: `d` still has its text
    assert library.seen_hash("a.md") == first
    assert changed_words(library, "a.md") == [("removed", "one"), ("added", "two")]
    library.close()


def test_the_oldest_texts_are_dropped_past_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    noise = [bytes(range(256)) * 8 for _ in range(3)]  # barely compressible
    for n in range(3):
        write_post(site, f"p{n}.md", f"P{n}", body=noise[n].hex() + "\n")
    library = open_synced(site, tmp_path / "data")
    one = len(zlib.compress((site / "p0.md").read_bytes(), 6))
    monkeypatch.setattr(read_texts, "TOTAL_CAP", one * 2 + one // 2)
    for n in range(3):
        library.mark_read(f"p{n}.md", opened=True)
    for n in range(3):
        write_post(site, f"p{n}.md", f"P{n}", body="Changed.\n")
    synced(library)
    reasons = [library.changes_since_read(f"p{n}.md").reason for n in range(3)]
    assert reasons[0] is not None and "cap" in reasons[0]  # the oldest went first
    assert reasons[1] is None and reasons[2] is None
    with sqlite3.connect(StorePaths.default(tmp_path / "data").state_db) as conn:
        (kept,) = conn.execute("SELECT total(size) FROM read_texts").fetchone()
    assert kept <= read_texts.TOTAL_CAP
    library.close()


def test_a_renamed_post_keeps_its_text_read(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_post(site, "old.md", "A", body="The words as read.\n")
    library = open_synced(site, tmp_path / "data")
    library.mark_read("old.md", opened=True)
    (site / "old.md").rename(site / "new.md")
    synced(library)
    write_post(site, "new.md", "A", body="The words as changed.\n")
    synced(library)
    assert changed_words(library, "new.md") == [("removed", "read"), ("added", "changed")]
    library.close()


def test_code_keeps_its_lines_and_prose_is_unwrapped(tmp_path: Path) -> None:
    before = "Some prose\nwrapped here.\n\n```\nx = 1\ny = 2\n```\n"
    after = "Some prose wrapped\nhere.\n\n```\nx = 1\ny = 3\n```\n"
    library = read_then_edited(tmp_path, "c.md", before, after)
    changes = library.changes_since_read("c.md")
    assert changes.diff is not None
    ((paragraph,),) = [[p for p in hunk if p.changed] for hunk in changes.diff.hunks]
    assert "".join(piece.text for piece in paragraph.pieces) == "```\nx = 1\ny = 23\n```"
    library.close()
