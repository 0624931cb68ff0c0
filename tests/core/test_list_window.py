"""A post list read ahead on a worker (ListWindow): what a view reads from it is what the list
itself says, and a row asked for again is read afresh (its read mark may have changed)."""

from __future__ import annotations

from pathlib import Path

from reader.core.library import Folder, Library, ListWindow
from tests.factories import write_post


def synced_library(tmp_path: Path, posts: int) -> Library:
    site = tmp_path / "blog"
    site.mkdir()
    (site / "_config.yml").write_text("title: test\n")
    for n in range(posts):
        write_post(
            site / "source" / "_posts",
            f"p{n:03}.md",
            f"Post {n}",
            date=f"2024-01-01 00:{n // 60:02}:{n % 60:02}",
        )
    library = Library.open(site)
    assert list(library.sync())[-1].done
    return library


def test_a_window_answers_as_the_list_it_was_read_from(tmp_path: Path) -> None:
    library = synced_library(tmp_path, 300)
    try:
        posts = library.posts(Folder("all"))
        keep = posts.rows(200, 1)[0].path
        window = ListWindow(library.posts(Folder("all")), keep, cursor=0)
        assert len(window) == len(posts) == 300
        assert window.index_of(keep) == 200
        assert window.index_of(posts.rows(5, 1)[0].path) == 5  # not read ahead: asked anew
        for start in (0, 128, 256, 290):
            assert window.rows(start, 128) == posts.rows(start, 128)
    finally:
        library.close()


def test_rows_asked_for_again_are_read_afresh(tmp_path: Path) -> None:
    library = synced_library(tmp_path, 20)
    try:
        window = ListWindow(library.posts(Folder("all")), None, cursor=0)
        first = window.rows(0, 10)
        assert not first[3].read
        library.mark_read(first[3].path)
        assert window.rows(0, 10)[3].read
    finally:
        library.close()


def test_an_empty_list_makes_an_empty_window(tmp_path: Path) -> None:
    library = synced_library(tmp_path, 0)
    try:
        window = ListWindow(library.posts(Folder("all")), None, cursor=3)
        assert len(window) == 0 and window.rows(0, 10) == []
    finally:
        library.close()


def test_the_last_rows_of_all_read_before_the_id_list_match_it(tmp_path: Path) -> None:
    library = synced_library(tmp_path, 600)
    try:
        for text in ("", "post"):
            fresh = library.posts(Folder("all"), filter_text=text)  # no id list read yet
            tail = [r.path for r in fresh.rows(590, 20)]
            middle = [r.path for r in fresh.rows(400, 128)]
            every = [r.path for r in fresh.rows(0, 600)]  # reads the id list
            assert len(every) == 600
            assert (tail, middle) == (every[590:], every[400:528])
    finally:
        library.close()


def test_unread_read_by_position_matches_its_id_list(tmp_path: Path) -> None:
    """Unread newest first before its id list is read (count, first and last screens, a post's
    position from the index) equals Unread read whole, with read posts all along it."""
    library = synced_library(tmp_path, 600)
    try:
        every = [r.path for r in library.posts(Folder("all")).rows(0, 600)]
        for path in every[::7] + every[:3] + every[-2:]:
            library.mark_read(path)
        unread = Folder("unread")
        whole = [r.path for r in library.posts(unread, sort="title").rows(0, 600)]
        fresh = library.posts(unread)  # by position: nothing read whole yet
        assert len(fresh) == len(whole) > 256
        head, tail = fresh.rows(0, 128), fresh.rows(len(whole) - 20, 20)
        positions = [fresh.index_of(path) for path in every[3:40]]
        newest_first = [r.path for r in fresh.rows(0, len(whole))]  # reads the id list
        assert sorted(newest_first) == sorted(whole)
        assert [r.path for r in head] == newest_first[:128]
        assert [r.path for r in tail] == newest_first[-20:]
        assert positions == [
            newest_first.index(p) if p in newest_first else None for p in every[3:40]
        ]
    finally:
        library.close()
