"""Import of exported bookmarks: parsing, matching, and export -> fresh store -> import."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader.core.bookmarks_import import (
    ImportedBookmark,
    NotAnExportError,
    import_bookmarks,
    match_posts,
    parse_export,
)
from reader.core.export import export_bookmarks
from reader.core.library import Bookmark, Library
from reader.core.sanitize import sanitize, sanitize_line
from tests.factories import BlogPost, open_synced, write_blog

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

DATE = "2026-01-05 09:00:00"
POSTS = {
    "guide/intro.md": BlogPost(
        "Intro [draft] *one*", "## Setup\n\ntext\n", "https://blog.example/intro"
    ),
    "guide/deep/说明 (1).md": BlogPost(
        "中文 说明 😀", "## 第一节\n\n内容\n\n### Sub `x`\n\nmore\n"
    ),
    "notes/plain.md": BlogPost("Plain | pipes # hash", "body\n", "https://blog.example/a b/(c)"),
    "notes/other.md": BlogPost("Other", "body\n"),
}


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    return write_blog(tmp_path / "blog", POSTS, date=DATE)


@pytest.fixture
def library(blog: Path, tmp_path: Path) -> Iterator[Library]:
    lib = open_synced(blog, tmp_path / "data")
    yield lib
    lib.close()


def heading_of(library: Library, path: str, text: str) -> tuple[str, str]:
    for heading in library.article(path).headings:
        if heading.text == text:
            return heading.text, heading.anchor
    raise AssertionError(f"no heading {text!r} in {path}")


def bookmark_some(library: Library) -> None:
    library.add_bookmark("guide/intro.md", note="why *this* [matters]\n\nsecond para")
    text, anchor = heading_of(library, "guide/intro.md", "Setup")
    library.add_bookmark("guide/intro.md", heading=text, anchor=anchor, note="the setup")
    text, anchor = heading_of(library, "guide/deep/说明 (1).md", "第一节")
    library.add_bookmark("guide/deep/说明 (1).md", heading=text, anchor=anchor, note="多行\n注释")
    library.add_bookmark("notes/plain.md")


def key(bookmark: Bookmark) -> tuple[object, ...]:
    return (
        bookmark.path,
        bookmark.heading,
        bookmark.anchor,
        bookmark.note,
        bookmark.created,
        bookmark.updated,
        bookmark.title,
    )


# -- parsing and matching ------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    path: str
    url: str | None


def test_round_trip_through_library_and_fresh_store(
    library: Library, blog: Path, tmp_path: Path
) -> None:
    bookmark_some(library)
    before = sorted(map(key, library.bookmarks()), key=repr)
    text = export_bookmarks(library.bookmarks(), library_root=library.root, now=NOW)
    library.close()
    shutil.rmtree(tmp_path / "data")  # state and index gone

    fresh = open_synced(blog, tmp_path / "data")
    try:
        assert fresh.bookmarks() == []
        report = import_bookmarks(text, fresh)
        assert report.restored == 4 and report.unmatched == [] and report.problems == []
        after = sorted(map(key, fresh.bookmarks()), key=repr)
        assert after == before
        again = import_bookmarks(text, fresh)
        assert again.restored == 0 and again.unchanged == 4
    finally:
        fresh.close()


def test_import_matches_moved_posts_by_url_and_reports_the_rest(
    library: Library, blog: Path, tmp_path: Path
) -> None:
    bookmark_some(library)
    library.add_bookmark("notes/other.md", note="will vanish")
    text = export_bookmarks(library.bookmarks(), library_root=library.root, now=NOW)
    library.close()
    shutil.rmtree(tmp_path / "data")
    # On the new machine the posts were reorganised: intro moved, other is gone.
    (blog / "moved").mkdir()
    (blog / "guide/intro.md").rename(blog / "moved/intro-renamed.md")
    (blog / "notes/other.md").unlink()

    fresh = open_synced(blog, tmp_path / "data")
    try:
        report = import_bookmarks(text, fresh)
        assert report.restored == 4
        assert len(report.unmatched) == 1 and "notes/other.md" in report.unmatched[0]
        paths = {b.path for b in fresh.bookmarks()}
        assert paths == {"moved/intro-renamed.md", "guide/deep/说明 (1).md", "notes/plain.md"}
    finally:
        fresh.close()


def test_parse_export_reads_back_every_field() -> None:
    rng = random.Random(3)
    specials = "[]*_`<>|#!\\&$~-\n中😀"
    items = []
    for index in range(40):
        title = "".join(rng.choice(specials + "ab ") for _ in range(12))
        note = "".join(rng.choice(specials + "ab ") for _ in range(30)) if index % 3 else None
        items.append(
            _FakeBookmark(
                path=f"p/{index} {title[:3]}.md".replace("\n", ""),
                title=title,
                note=note,
                heading="Sec --> x" if index % 2 else None,
                anchor="sec--x" if index % 2 else None,
                created=NOW - timedelta(seconds=index * 1.5),
            )
        )
    text = export_bookmarks(items, library_root="/root", now=NOW)
    parsed, problems = parse_export(text)
    assert problems == []
    assert [p.path for p in parsed] == [b.path for b in items]
    for record, bookmark in zip(parsed, items, strict=True):
        assert record.title == sanitize_line(bookmark.title)
        assert record.note == (sanitize(bookmark.note) or None if bookmark.note else None)
        assert record.heading == bookmark.heading and record.anchor == bookmark.anchor
        assert record.created == bookmark.created and record.library == "/root"


def test_parse_reports_damaged_records() -> None:
    good = '{"v":1,"path":"a.md","created":"2026\\u002d01\\u002d01T00:00:00+00:00"}'
    lines = [
        f"<!-- reader-bookmark {good} -->",
        '<!-- reader-bookmark {"v":1,"path":"a.md"} -->',  # no time
        '<!-- reader-bookmark {"v":9,"path":"a.md","created":"2026"} -->',
        '<!-- reader-bookmark {"v":1,"path":"../x.md","created":"2026"} -->',
        '<!-- reader-bookmark {"v":1,"path":"/etc/x","created":"2026"} -->',
        "<!-- reader-bookmark {not json} -->",
    ]
    parsed, problems = parse_export("\n".join(lines))
    assert [p.path for p in parsed] == ["a.md"]
    assert len(problems) == 5 and problems[0].startswith("line 2:")


def test_import_of_a_foreign_file_says_so(library: Library) -> None:
    with pytest.raises(NotAnExportError, match="not written by reader"):
        import_bookmarks("# Some notes\n\n- [a](b)\n", library)


def test_match_prefers_path_then_url() -> None:
    rows = [
        Row("a.md", "https://x/a"),
        Row("b.md", "https://x/b"),
        Row("new/c.md", "https://x/c/"),
    ]

    def item(path: str, url: str | None) -> ImportedBookmark:
        return ImportedBookmark(path, "t", url, None, None, None, NOW, NOW, 1)

    matched, unmatched = match_posts(
        [
            item("a.md", "https://x/a"),  # same path, same URL
            item("a.md", "https://x/b"),  # path now holds another post: follow the URL
            item("c.md", "HTTPS://x/c#frag"),  # moved: URL without case/slash/fragment noise
            item("b.md", "https://elsewhere/"),  # URL unknown here, path still fits
            item("gone.md", None),
        ],
        rows,
    )
    assert [path for _, path in matched] == ["a.md", "b.md", "new/c.md", "b.md"]
    assert [i.path for i in unmatched] == ["gone.md"]


@dataclass(frozen=True)
class _FakeBookmark:
    path: str
    title: str
    note: str | None
    heading: str | None
    anchor: str | None
    created: datetime
    library: str = "/root"
    url: str | None = None
    updated: datetime = NOW
    missing: bool = False
    date: datetime | None = None
    author: str | None = None
    categories: tuple[tuple[str, ...], ...] = ()
