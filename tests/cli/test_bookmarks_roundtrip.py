"""Bookmarks across stores and file moves, through the command line.

- export -> a fresh store (data dir deleted) -> import gives back the same posts, sections,
  notes and bookmark times, to the microsecond; bookmarks whose post is gone are reported.
- a renamed post file keeps its bookmarks (relink), so does an index rebuild (index.db
  deleted), and the export names the new path without a `reader sync` first.
- `reader bookmarks list|add|remove`: JSON Lines keys, the deepest known library, exit 2 with a
  hint at --library for a file in no known library.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt

from reader.core.library import Library
from reader.core.paths import StorePaths
from tests.conftest import run_reader
from tests.factories import BlogPost, cli, sync_once, write_blog, write_post

NOTE = "why *this* [matters] <b>\n\nsecond paragraph | # ! `x`\nline two 中文 😀"


DATE = "2025-06-07 08:09:10"
POSTS = {
    "guide/intro.md": BlogPost("Intro [draft] *one*", "## Setup\n\ntext\n", "https://b.ex/i"),
    "guide/深 (1)/说明.md": BlogPost("中文 说明 😀", "## 第一节\n\n内容\n\n### Sub `x`\n\nm\n"),
    "notes/plain file.md": BlogPost("Plain | pipes # hash", "body\n", "https://b.ex/a b/(c)"),
    "notes/gone.md": BlogPost("Soon gone", "## Part\n\nbody\n"),
}


@pytest.fixture
def blog(tmp_path: Path, data: Path) -> Path:
    root = write_blog(tmp_path / "blog", POSTS, date=DATE)
    sync_once(root, data)
    return root


def listed(capsys: pytest.CaptureFixture[str], data: Path) -> list[dict[str, object]]:
    code, out, err = cli(capsys, data, "bookmarks", "list", "--json")
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def anchor_of(root: Path, data: Path, relpath: str, text: str) -> str:
    library = Library.open(root, paths=StorePaths.default(data))
    try:
        return next(h.anchor for h in library.article(relpath).headings if h.text == text)
    finally:
        library.close()


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def bookmark_with_times(root: Path, data: Path) -> None:
    """Bookmarks with notes, sections and times of their own (microseconds included)."""
    library = Library.open(root, paths=StorePaths.default(data))
    try:
        setup = next(h for h in library.article("guide/intro.md").headings if h.text == "Setup")
        first = next(h for h in library.article("guide/深 (1)/说明.md").headings if h.anchor)
        library.add_bookmark(
            "guide/intro.md",
            note=NOTE,
            created=at(2019, 3, 4, 5, 6, 7, 123456),
            updated=at(2024, 1, 2, 3, 4, 5, 999999),
        )
        library.add_bookmark(
            "guide/intro.md",
            heading=setup.text,
            anchor=setup.anchor,
            note="the setup",
            created=at(2021, 12, 31, 23, 59, 59, 1),
        )
        library.add_bookmark(
            "guide/深 (1)/说明.md",
            heading=first.text,
            anchor=first.anchor,
            note="多行\n注释 [/]",
            created=at(2022, 2, 2, 2, 2, 2, 500000),
        )
        library.add_bookmark("notes/plain file.md", created=at(2023, 7, 7, 7, 7, 7, 777))
        library.add_bookmark("notes/gone.md", note="will vanish", created=at(2020, 1, 1))
    finally:
        library.close()


def test_export_fresh_store_import_gives_back_every_field(
    capsys: pytest.CaptureFixture[str], blog: Path, data: Path, tmp_path: Path
) -> None:
    bookmark_with_times(blog, data)
    before = listed(capsys, data)
    assert len(before) == 5
    times = {(b["path"], b["anchor"]): (b["created"], b["updated"]) for b in before}
    assert times[("guide/intro.md", None)] == (
        "2019-03-04T05:06:07.123456+00:00",
        "2024-01-02T03:04:05.999999+00:00",
    )
    exported = tmp_path / "export dir" / "bookmarks.md"
    exported.parent.mkdir()
    assert cli(capsys, data, "export-bookmarks", "-o", str(exported))[0] == 0

    shutil.rmtree(data)  # a fresh store: state, index and all
    sync_once(blog, data)
    assert listed(capsys, data) == []
    code, out, _ = cli(capsys, data, "import-bookmarks", str(exported))
    assert code == 0, out
    assert "Restored 5 bookmarks" in out
    assert listed(capsys, data) == before  # same posts, sections, notes, times, order

    code, out, _ = cli(capsys, data, "import-bookmarks", str(exported))
    assert code == 0 and "Restored 0 bookmarks" in out and "5 already there" in out
    assert listed(capsys, data) == before


def test_unmatched_bookmarks_are_reported_not_dropped(
    capsys: pytest.CaptureFixture[str], blog: Path, data: Path, tmp_path: Path
) -> None:
    bookmark_with_times(blog, data)
    (blog / "notes/gone.md").unlink()
    exported = tmp_path / "bookmarks.md"
    assert cli(capsys, data, "export-bookmarks", "-o", str(exported))[0] == 0
    text = exported.read_text(encoding="utf-8")
    assert text.count("reader-bookmark {") == 5 and "missing: the post file is gone" in text
    before = [b for b in listed(capsys, data) if b["path"] != "notes/gone.md"]

    shutil.rmtree(data)
    sync_once(blog, data)
    code, out, err = cli(capsys, data, "import-bookmarks", str(exported))
    assert code == 1, err
    assert "Restored 4 bookmarks" in out and "1 matched no post" in out
    unmatched = [line for line in out.splitlines() if line.startswith("  line ")]
    assert len(unmatched) == 1 and "Soon gone" in unmatched[0] and "notes/gone.md" in unmatched[0]
    assert listed(capsys, data) == before


def file_links(document: str) -> dict[tuple[str, str], str]:
    """(link text, anchor) -> the decoded file target of every item."""
    links = {}
    for token in MarkdownIt("commonmark").parse(document):
        children = token.children or []
        if children and children[0].type == "link_open":
            close = next(i for i, c in enumerate(children) if c.type == "link_close")
            text = "".join(c.content for c in children[1:close])
            target, _, anchor = str(children[0].attrGet("href")).partition("#")
            links[(text, unquote(anchor))] = unquote(target)
    return links


def test_rename_relinks_and_index_rebuild_keeps_them_and_export_shows_the_new_path(
    capsys: pytest.CaptureFixture[str], blog: Path, data: Path
) -> None:
    setup = anchor_of(blog, data, "guide/intro.md", "Setup")
    intro = str(blog / "guide/intro.md")
    assert cli(capsys, data, "bookmarks", "add", intro, "--note", "keep")[0] == 0
    assert cli(capsys, data, "bookmarks", "add", intro, "--heading", "Setup")[0] == 0
    before = listed(capsys, data)

    (blog / "archive 2025").mkdir()
    renamed = blog / "archive 2025" / "intro (renamed).md"
    (blog / "guide/intro.md").rename(renamed)
    # No `reader sync`: the export looks at the files as they are now.
    code, out, err = cli(capsys, data, "export-bookmarks", "--link", "file")
    assert code == 0, err
    links = file_links(out)
    assert links == {
        ("Intro [draft] *one*", ""): str(renamed.resolve()),
        ("Intro [draft] *one*", setup): str(renamed.resolve()),
    }
    assert "missing: the post" not in out and "guide/intro.md" not in out
    after = listed(capsys, data)
    assert [(b["path"], b["anchor"], b["note"], b["missing"]) for b in after] == [
        ("archive 2025/intro (renamed).md", setup, None, False),
        ("archive 2025/intro (renamed).md", None, "keep", False),
    ]
    assert [(b["created"], b["updated"]) for b in after] == [
        (b["created"], b["updated"]) for b in before
    ]

    index = StorePaths.default(data).index_db(str(blog.resolve()))
    assert index.is_file()
    index.unlink()  # the index is a cache: rebuilt from the files
    code, out, err = cli(capsys, data, "export-bookmarks", "--link", "file")
    assert code == 0, err
    assert file_links(out) == links and "missing: the post" not in out
    assert listed(capsys, data) == after
    assert index.is_file()


def test_export_marks_a_deleted_post_missing_without_a_sync(
    capsys: pytest.CaptureFixture[str], blog: Path, data: Path
) -> None:
    assert cli(capsys, data, "bookmarks", "add", str(blog / "notes/gone.md"))[0] == 0
    (blog / "notes/gone.md").unlink()
    code, out, _ = cli(capsys, data, "export-bookmarks")
    assert code == 0 and "Soon gone" in out and "missing: the post file is gone" in out
    assert [b["missing"] for b in listed(capsys, data)] == [True]


# -- the bookmarks command ------------------------------------------------------------------


def test_list_json_lines_have_the_documented_keys(
    capsys: pytest.CaptureFixture[str], blog: Path, data: Path
) -> None:
    post = str(blog / "notes/plain file.md")
    code, _, err = cli(capsys, data, "bookmarks", "add", post, "--note", "a\nb [/]")
    assert code == 0, err
    code, out, _ = cli(capsys, data, "bookmarks", "list", "--json")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 1
    record = json.loads(lines[0])
    assert {"path", "library", "title", "url", "heading", "note", "created"} <= set(record)
    assert record["path"] == "notes/plain file.md"
    assert record["library"] == str(blog.resolve())
    assert record["title"] == "Plain | pipes # hash"
    assert record["url"] == "https://b.ex/a b/(c)"
    assert record["heading"] is None and record["note"] == "a\nb [/]"
    assert datetime.fromisoformat(str(record["created"])).tzinfo is not None


def test_file_goes_to_the_deepest_known_library(
    capsys: pytest.CaptureFixture[str], blog: Path, data: Path
) -> None:
    inner = blog / "notes"
    sync_once(inner, data)  # a library inside the blog library
    post = str(blog / "notes/plain file.md")
    assert cli(capsys, data, "bookmarks", "add", post)[0] == 0
    records = listed(capsys, data)
    assert [(r["library"], r["path"]) for r in records] == [(str(inner.resolve()), "plain file.md")]
    code, out, _ = cli(capsys, data, "bookmarks", "add", post, "--library", str(blog))
    assert code == 0, out
    assert sorted((r["library"], r["path"]) for r in listed(capsys, data)) == sorted(
        [(str(inner.resolve()), "plain file.md"), (str(blog.resolve()), "notes/plain file.md")]
    )
    code, out, _ = cli(capsys, data, "bookmarks", "remove", post)
    assert code == 0 and "Removed 1 bookmark" in out
    assert [(r["library"], r["path"]) for r in listed(capsys, data)] == [
        (str(blog.resolve()), "notes/plain file.md")
    ]


@pytest.mark.slow
def test_file_in_no_known_library_exits_2_and_names_library_option(
    blog: Path, data: Path, tmp_path: Path
) -> None:
    stray = write_post(tmp_path / "elsewhere", "post.md", "Stray", date=DATE, body="text\n")
    for action in (["add", str(stray)], ["add", str(stray), "--note", "n"], ["remove", str(stray)]):
        result = run_reader("--data-dir", str(data), "bookmarks", *action)
        assert result.returncode == 2, (action, result.stdout, result.stderr)
        assert "--library" in result.stderr and result.stdout == ""
    result = run_reader(
        "--data-dir", str(data), "bookmarks", "add", str(stray), "--library", str(stray.parent)
    )
    assert result.returncode == 0, result.stderr
    assert "Bookmarked Stray" in result.stdout
    listing = run_reader("--data-dir", str(data), "bookmarks", "list", "--json")
    assert listing.returncode == 0
    assert [json.loads(line)["title"] for line in listing.stdout.splitlines()] == ["Stray"]


def test_export_shows_the_post_as_it_is_now(
    capsys: pytest.CaptureFixture[str], blog: Path, data: Path
) -> None:
    post = blog / "notes/gone.md"
    assert cli(capsys, data, "bookmarks", "add", str(post), "--note", "n")[0] == 0
    post.write_text(
        "---\ntitle: Retitled [now]\ndate: 2025-06-07 08:09:10\ncategories: [Fresh, Sub]\n"
        "permalink: https://b.ex/retitled\n---\n\n## Part\n\nedited body\n",
        encoding="utf-8",
    )
    code, out, _ = cli(capsys, data, "export-bookmarks")
    assert code == 0
    assert "## Fresh › Sub" in out
    links = file_links(out)
    assert links == {("Retitled [now]", ""): "https://b.ex/retitled"}
    [record] = listed(capsys, data)
    assert (record["title"], record["url"]) == ("Retitled [now]", "https://b.ex/retitled")
