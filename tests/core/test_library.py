"""The library service over real files and real SQLite stores in temporary XDG dirs."""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from reader.core import convert as convert_module
from reader.core import library as library_module
from reader.core.library import Folder, Library, known_libraries, library_for_file
from reader.core.paths import StorePaths
from tests.factories import locked_folder, run_python_unprivileged, write_post

BODY = "# Heading\n\nHello.\n"


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    """A small Hexo site: 2 categories (one nested), tags, dates 2024-01-01 .. 2024-01-06."""
    site = tmp_path / "blog"
    (site / "_config.yml").parent.mkdir(parents=True)
    (site / "_config.yml").write_text("title: test\n")
    posts = site / "source" / "_posts"
    write_post(
        posts,
        "a.md",
        "Alpha",
        date="2024-01-01",
        categories=("Tech", "Python"),
        tags=("x",),
        body=BODY,
    )
    write_post(posts, "b.md", "Bravo", date="2024-01-02", categories=("Tech", "Rust"), body=BODY)
    write_post(
        posts,
        "c.md",
        "Charlie",
        date="2024-01-03",
        categories=("Tech",),
        tags=("x", "y"),
        body=BODY,
    )
    write_post(posts, "d.md", "Delta", date="2024-01-04", categories=("Life",), body=BODY)
    write_post(posts, "e.md", "Echo alpha", date="2024-01-05", categories=("Life",), body=BODY)
    write_post(posts, "f.md", "Foxtrot", date="2024-01-06", categories=("Life",), body=BODY)
    return site


def open_synced(site_dir: Path) -> Library:
    library = Library.open(site_dir)
    events = list(library.sync())
    assert events[-1].done
    return library


def titles(library: Library, folder: Folder, **kwargs: object) -> list[str]:
    found = library.posts(folder, **kwargs)  # type: ignore[arg-type]
    return [r.title for r in found.rows(0, len(found))]


def node(library: Library, *labels: str) -> tuple[int, int]:
    nodes = library.folders()
    current = None
    for label in labels:
        current = next(n for n in nodes if n.label == label)
        nodes = list(current.children)
    assert current is not None
    return current.total, current.unread


def test_site_and_posts_root_are_one_library(site_dir: Path) -> None:
    one = Library.open(site_dir)
    two = Library.open(site_dir / "source" / "_posts")
    assert one.root == two.root == str((site_dir / "source" / "_posts").resolve())
    assert one.index_path == two.index_path
    assert known_libraries(StorePaths.default()) == [one.root]
    one.close()
    two.close()


def test_folders_tree_and_counts(site_dir: Path) -> None:
    library = open_synced(site_dir)
    labels = [n.label for n in library.folders()]
    assert labels == [
        "All",
        "Unread",
        "New since last visit",
        "Bookmarked",
        "Updated since read",
        "Errors",
        "Life",
        "Tech",
        "Tags",
    ]
    assert node(library, "All") == (6, 6)
    assert node(library, "Tech") == (3, 3)
    assert node(library, "Tech", "Python") == (1, 1)
    assert node(library, "Tags") == (2, 2)
    assert node(library, "Tags", "x") == (2, 2)
    library.mark_read("a.md")
    assert node(library, "Tech") == (3, 2)
    assert node(library, "Tech", "Python") == (1, 0)
    assert node(library, "Unread") == (5, 5)
    assert node(library, "Tags", "x") == (2, 1)


def test_posts_sorting_filter_and_windows(site_dir: Path) -> None:
    library = open_synced(site_dir)
    assert titles(library, Folder("all")) == [
        "Foxtrot",
        "Echo alpha",
        "Delta",
        "Charlie",
        "Bravo",
        "Alpha",
    ]
    assert titles(library, Folder("all"), sort="title")[:2] == ["Alpha", "Bravo"]
    assert titles(library, Folder("category", ("Tech",))) == ["Charlie", "Bravo", "Alpha"]
    assert titles(library, Folder("category", ("Tech", "Rust"))) == ["Bravo"]
    assert titles(library, Folder("tag", ("y",))) == ["Charlie"]
    assert titles(library, Folder("all"), filter_text="ALPHA") == ["Echo alpha", "Alpha"]
    assert titles(library, Folder("all"), filter_text="echo alp") == ["Echo alpha"]
    listed = library.posts(Folder("all"))
    assert len(listed) == 6
    assert [r.path for r in listed.rows(4, 10)] == ["b.md", "a.md"]
    assert listed.rows(10, 5) == []
    assert listed.index_of("d.md") == 2 and listed.index_of("zz.md") is None
    row = listed.rows(5, 1)[0]
    assert row.categories == (("Tech", "Python"),) and row.date is not None
    assert row.date.year == 2024 and not row.read and not row.bookmarked


def test_marks_unread_folder_undo_and_next_unread(site_dir: Path) -> None:
    library = open_synced(site_dir)
    library.mark_read("f.md")
    assert library.next_unread(None) == "e.md"
    assert library.next_unread("e.md") == "d.md"
    assert library.next_unread("b.md", backwards=True) == "c.md"
    assert library.next_unread("a.md") is None
    assert library.mark_folder_read(Folder("category", ("Tech",))) == (3, True)
    assert titles(library, Folder("unread")) == ["Echo alpha", "Delta"]
    assert library.undo() == ("mark Tech read", True)
    assert titles(library, Folder("unread")) == ["Echo alpha", "Delta", "Charlie", "Bravo", "Alpha"]
    library.mark_read("f.md", False)
    assert node(library, "Unread") == (6, 6)
    assert library.undo() == ("mark f.md unread", True)
    assert library.posts(Folder("all")).rows(0, 1)[0].read


def test_positions(site_dir: Path) -> None:
    library = open_synced(site_dir)
    assert library.position("a.md") == 0
    library.save_position("a.md", 120)
    library.close()
    again = open_synced(site_dir)
    assert again.position("a.md") == 120
    writes = again._marks._c.state.conn.total_changes
    again.save_position("a.md", 120)  # closed where it was opened: nothing to write
    again.save_position("b.md", 0)
    assert again._marks._c.state.conn.total_changes == writes
    again.save_position("a.md", 3)
    assert again._marks._c.state.conn.total_changes == writes + 1
    assert again.position("a.md") == 3


def test_bookmarks_and_missing_posts(site_dir: Path) -> None:
    library = open_synced(site_dir)
    first = library.add_bookmark("b.md", note="good one")
    assert (first.title, first.note, first.missing) == ("Bravo", "good one", False)
    library.add_bookmark("c.md", heading="Heading", anchor="heading")
    assert library.is_bookmarked("b.md") and not library.is_bookmarked("a.md")
    assert [b.path for b in library.bookmarks()] == ["c.md", "b.md"]
    library.set_bookmark_note("b.md", "better")
    rows = library.posts(Folder("bookmarked")).rows(0, 10)
    assert [(r.path, r.note, r.bookmarked) for r in rows] == [
        ("c.md", None, True),
        ("b.md", "better", True),
    ]
    (site_dir / "source" / "_posts" / "b.md").unlink()
    list(library.sync())
    missing = next(b for b in library.bookmarks() if b.path == "b.md")
    assert missing.missing and missing.title == "Bravo" and missing.note == "better"
    assert missing.categories == (("Tech", "Rust"),)
    rows = library.posts(Folder("bookmarked")).rows(0, 10)
    assert rows[1].error == library_module.MISSING and rows[1].title == "Bravo"
    assert library.article("b.md").notice is not None
    assert node(library, "Bookmarked")[0] == 2
    library.remove_bookmark("c.md", anchor="heading")
    assert [b.path for b in library.bookmarks()] == ["b.md"]
    assert library.undo() == ("remove bookmark Charlie", True)
    assert len(library.bookmarks()) == 2
    with pytest.raises(KeyError):
        library.add_bookmark("nope.md")


def test_updated_since_read(site_dir: Path) -> None:
    library = open_synced(site_dir)
    library.mark_read("d.md")
    path = write_post(site_dir / "source/_posts", "d.md", "Delta", date="2024-01-04", body="New!\n")
    os.utime(path, ns=(2_000_000_000, 2_000_000_000))
    list(library.sync())
    assert titles(library, Folder("updated")) == ["Delta"]
    assert node(library, "Updated since read") == (1, 1)
    row = library.posts(Folder("all")).rows(2, 1)[0]
    assert row.read and row.updated
    library.mark_read("d.md")
    assert titles(library, Folder("updated")) == []


def test_cached_article_is_only_a_conversion_already_made_of_the_file_as_it_is(
    site_dir: Path,
) -> None:
    library = open_synced(site_dir)
    assert library.cached_article("a.md") is None  # never converted yet
    converted = library.article("a.md")
    cached = library.cached_article("a.md")
    assert cached is not None and cached.markdown == converted.markdown
    assert cached.row.title == "Alpha" and [h.text for h in cached.headings] == ["Heading"]
    path = write_post(
        site_dir / "source/_posts", "a.md", "Alpha 2", date="2024-01-01", body="Changed body\n"
    )
    os.utime(path, ns=(3_000_000_000, 3_000_000_000))
    assert library.cached_article("a.md") is None  # the file changed: convert it again
    assert library.cached_article("nope.md") is None


def test_an_article_is_current_while_its_file_is_as_it_was_converted(site_dir: Path) -> None:
    library = open_synced(site_dir)
    converted, cached = library.article("a.md"), library.cached_article("a.md")
    assert cached is not None
    assert library.is_current(converted) and library.is_current(cached)
    path = site_dir / "source/_posts/a.md"
    path.write_text(path.read_text() + "More.\n")
    assert not library.is_current(converted) and not library.is_current(cached)
    fresh = library.article("a.md")
    assert library.is_current(fresh) and "More." in fresh.markdown
    path.unlink()
    assert not library.is_current(fresh)
    assert not library.is_current(replace(fresh, file=None))  # not read from a file


def test_quick_article_converts_only_small_posts_at_once(site_dir: Path) -> None:
    library = open_synced(site_dir)
    size = (site_dir / "source/_posts/a.md").stat().st_size
    assert library.quick_article("a.md", size - 1) is None  # too big: for a worker
    quick = library.quick_article("a.md", size)
    assert quick is not None and "Hello." in quick.markdown
    assert library.cached_article("a.md") is not None  # converted now: cached
    assert library.quick_article("a.md", size - 1) is None  # and still too big for at once
    assert library.quick_article("nope.md", size) is None


def test_quick_article_reads_a_bigger_post_when_its_conversion_is_cached(site_dir: Path) -> None:
    library = open_synced(site_dir)
    size = (site_dir / "source/_posts/a.md").stat().st_size
    assert library.quick_article("a.md", size - 1, cached_max_bytes=size) is None  # not cached
    library.article("a.md")
    quick = library.quick_article("a.md", size - 1, cached_max_bytes=size)
    assert quick is not None and "Hello." in quick.markdown
    assert library.quick_article("a.md", size - 1, cached_max_bytes=size - 1) is None


def test_article_is_converted_once_and_cached(
    site_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = open_synced(site_dir)
    calls = []
    real = convert_module.to_markdown

    def counting(body: str, fmt: str) -> object:
        calls.append(body)
        return real(body, fmt)  # type: ignore[arg-type]

    monkeypatch.setattr(convert_module, "to_markdown", counting)
    article = library.article("a.md")
    assert "Hello." in article.markdown and article.row.title == "Alpha"
    assert [h.text for h in article.headings] == ["Heading"]
    again = library.article("a.md")
    assert again.markdown == article.markdown and len(calls) == 1
    path = write_post(
        site_dir / "source/_posts", "a.md", "Alpha 2", date="2024-01-01", body="Changed body\n"
    )
    os.utime(path, ns=(3_000_000_000, 3_000_000_000))
    changed = library.article("a.md")
    assert "Changed body" in changed.markdown and changed.row.title == "Alpha 2"
    assert len(calls) == 2
    assert titles(library, Folder("all"))[-1] == "Alpha 2"
    with pytest.raises(KeyError):
        library.article("nope.md")


def test_deleting_the_index_keeps_state(site_dir: Path) -> None:
    library = open_synced(site_dir)
    library.mark_read("a.md")
    library.add_bookmark("b.md")
    index = library.index_path
    library.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{index}{suffix}").unlink(missing_ok=True)
    again = open_synced(site_dir)
    assert node(again, "Unread") == (5, 5)
    assert again.is_bookmarked("b.md")


@pytest.mark.parametrize("damage", ["garbage", "old-version"])
def test_damaged_or_old_index_is_rebuilt(site_dir: Path, damage: str) -> None:
    library = open_synced(site_dir)
    index = library.index_path
    library.close()
    if damage == "garbage":
        for suffix in ("-wal", "-shm"):
            Path(f"{index}{suffix}").unlink(missing_ok=True)
        index.write_bytes(b"\x00garbage" * 512)
    else:
        import sqlite3

        conn = sqlite3.connect(index)
        conn.execute("PRAGMA user_version=0")
        conn.commit()
        conn.close()
    again = Library.open(site_dir)
    assert any("rebuilding" in n for n in again.notices)
    assert list(again.sync())[-1].new == 6


def test_sync_in_a_thread_while_reading(site_dir: Path) -> None:
    library = Library.open(site_dir)
    posts = site_dir / "source" / "_posts"
    for n in range(1200):
        write_post(posts, f"bulk/p{n}.md", f"Bulk {n}", date="2023-05-05")
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in library.sync():
                pass
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    while thread.is_alive():
        library.folders()
        library.posts(Folder("all")).rows(0, 20)
    thread.join()
    assert not errors
    assert node(library, "All") == (1206, 1206)


def test_library_for_file(site_dir: Path, tmp_path: Path) -> None:
    paths = StorePaths.default()
    assert library_for_file(site_dir / "source/_posts/a.md", paths) is None
    outer = Library.open(site_dir)
    inner_dir = site_dir / "source" / "_posts" / "deep"
    write_post(inner_dir, "x.md", "X")
    inner = Library.open(inner_dir)
    assert library_for_file(inner_dir / "x.md", paths) == (inner.root, "x.md")
    assert library_for_file(site_dir / "source/_posts/a.md", paths) == (outer.root, "a.md")
    assert library_for_file(tmp_path / "elsewhere.md", paths) is None


READ_ONLY_PROBE = """
import sys
from reader.core.library import Folder, Library
from reader.core.paths import StorePaths
library = Library.open(sys.argv[1], paths=StorePaths.default(sys.argv[2]))
list(library.sync())
library.mark_read("a.md")
print(library.read_only, library.posts(Folder("unread")).__len__(), library.notices[0][:30])
"""


def test_read_only_data_dir_library_keeps_working(site_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "ro"
    data.mkdir()
    with locked_folder(data):
        result = run_python_unprivileged(READ_ONLY_PROBE, str(site_dir), str(data))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 2)[:2] == ["True", "5"]
    assert "state is not being saved" in result.stdout


def test_the_folders_of_the_last_session_are_kept_for_the_next_first_screen(
    site_dir: Path,
) -> None:
    library = open_synced(site_dir)
    assert library.folders_snapshot() is None  # nothing kept yet: the app counts at once
    library.mark_read("a.md")
    counted = library.folders()
    library.close()
    again = Library.open(site_dir)
    assert again.folders_snapshot() == counted
    again.mark_read("b.md")  # the snapshot is what the last session saw, folders() is now
    assert again.folders_snapshot() == counted
    assert node(again, "Tech") != next((n.total, n.unread) for n in counted if n.label == "Tech")
    again.close()


def test_a_first_count_is_kept_even_if_the_session_never_closes(site_dir: Path) -> None:
    """A terminal closed under the app skips close(): the next start still paints from counts
    instead of counting every folder first."""
    library = open_synced(site_dir)
    counted = library.folders()
    other = Library.open(site_dir)  # the next start, while the first one never closed
    try:
        assert other.folders_snapshot() == counted
        library.mark_read("a.md")
        library.folders()  # counted again: not written (each write makes every cache stale)
        assert other.folders_snapshot() == counted
    finally:
        other.close()
        library.close()


def test_a_damaged_folders_snapshot_is_ignored(site_dir: Path) -> None:
    library = open_synced(site_dir)
    library.folders()
    library.close()
    again = Library.open(site_dir)
    # what another version or a disk fault could leave in the cache
    for odd in ('[["nope", [], "x", 1, 1, []]]', "{not json", "[[1, 2]]"):
        with again._write_lock:
            again._db.execute("UPDATE meta SET value = ? WHERE key = 'folders'", (odd,))
        assert again.folders_snapshot() is None
    again.close()
