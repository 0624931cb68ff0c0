"""Bookmarks -> CommonMark: every title, note and target survives every renderer literally."""

from __future__ import annotations

import json
import os
import random
import re
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from reader.core.export import (
    COMMENT_TAG,
    ExportError,
    bookmark_target,
    default_export_path,
    export_bookmarks,
    write_atomically,
)
from reader.core.sanitize import sanitize, sanitize_line
from tests.conftest import sweep

ROOT = "/home/me/blog/source/_posts"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class FakeBookmark:
    """Mirrors reader.core.library.Bookmark (the export only reads these fields)."""

    library: str = ROOT
    path: str = "a.md"
    title: str = "A post"
    url: str | None = None
    heading: str | None = None
    anchor: str | None = None
    note: str | None = None
    created: datetime = NOW - timedelta(days=1)
    updated: datetime = NOW - timedelta(days=1)
    missing: bool = False
    date: datetime | None = datetime(2026, 1, 5, 9, tzinfo=UTC)
    author: str | None = None
    categories: tuple[tuple[str, ...], ...] = ()


SPECIALS = "[]*_`<>|#!\\&$~()-+=.:;\"'{}%?@^"
NASTY = [
    "[/]",
    "[@click=app.quit]",
    "[b]bold[/b]",
    "*not emphasis*",
    "__nor this__",
    "`code`",
    "<script>alert(1)</script>",
    "<!-- comment -->",
    "--> closes?",
    "a | b | c",
    "# heading",
    "![image](x.png)",
    "[link](http://evil.example)",
    "&amp; &lt;",
    "1. list",
    "- item",
    "+ item",
    "> quote",
    "    indented code",
    "---",
    "===",
    "~~~",
    "```python",
    "$x^2$",
    "\\",
    "trailing backslash \\",
    "www.example.com http://example.com",
    "中文标题：阅读",
    "日本語のタイトル",
    "한국어",
    "emoji 😀👍🏽🇯🇵",
    "zero\u200bwidth",
    "tab\there",
    "esc \x1b[31mred\x1b[0m",
]
FIXED_TITLES = [*NASTY, SPECIALS, "".join(NASTY)]


def fuzz_text(rng: random.Random, *, lines: bool) -> str:
    parts = [
        rng.choice([*NASTY, *SPECIALS, "word", "  ", "中", "😀"]) for _ in range(rng.randint(1, 8))
    ]
    joiner = rng.choice(["", " ", "\n", "\n\n", "\r\n"]) if lines else rng.choice(["", " ", "\n"])
    return joiner.join(parts)


def fuzz_path(rng: random.Random) -> str:
    names = ["a b", "(1)", "#hash", "?q", "100%", "中文", "<x>", "[y]", "😀", "c:d", "e'f", "x.md"]
    return "/".join([*(rng.choice(names) for _ in range(rng.randint(0, 3))), "post x.md"])


def fuzz_url(rng: random.Random) -> str | None:
    return rng.choice(
        [
            None,
            "https://example.com/a b/(c)/d?x=1&y=[2]#frag",
            "https://例子.测试/文章/标题?q=中文",
            "http://example.com/100%/ok%20already",
            "https://example.com/<angle>/`tick`/\\back",
            "javascript:alert(1)",
            "ftp://example.com/file",
            "https://example.com/" + "".join(rng.choice(SPECIALS) for _ in range(12)),
        ]
    )


def fuzz_bookmark(rng: random.Random, index: int) -> FakeBookmark:
    anchor = rng.choice([None, "section-1", "中文标题", "a-b_c", "x(1)"])
    return FakeBookmark(
        path=f"{index}/{fuzz_path(rng)}",
        title=fuzz_text(rng, lines=False) if index >= len(FIXED_TITLES) else FIXED_TITLES[index],
        url=fuzz_url(rng),
        heading=None if anchor is None else fuzz_text(rng, lines=False),
        anchor=anchor,
        note=rng.choice([None, fuzz_text(rng, lines=True), NASTY[index % len(NASTY)]]),
        author=rng.choice([None, "Ann_Smith", "*star*", "作者"]),
        categories=rng.choice([(), (("Guide", "Basics"),), (("[x]", "a|b"), ("#c",))]),
        created=NOW - timedelta(minutes=index),
        missing=rng.random() < 0.1,
    )


@dataclass
class RenderedItem:
    link_text: str
    href: str
    note: str
    comment: dict[str, Any] | None


def rendered_items(document: str, md: MarkdownIt) -> list[RenderedItem]:
    tokens = md.parse(document)
    items: list[RenderedItem] = []
    depth = 0
    current: list[Token] = []
    for token in tokens:
        if token.type == "list_item_open":
            depth += 1
            if depth == 1:
                current = []
                continue
        if token.type == "list_item_close":
            depth -= 1
            if depth == 0:
                items.append(_item(current))
                continue
        if depth:
            current.append(token)
    return items


def _inline_text(children: list[Token]) -> str:
    out = []
    for child in children:
        if child.type in ("text", "text_special", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)


def _item(tokens: list[Token]) -> RenderedItem:
    first = next(t for t in tokens if t.type == "inline")
    children = first.children or []
    opens = [i for i, c in enumerate(children) if c.type == "link_open"]
    assert opens and opens[0] == 0, "the item starts with the title link"
    close = next(i for i, c in enumerate(children) if c.type == "link_close")
    href = str(children[0].attrGet("href"))
    text = _inline_text(children[1:close])
    note_paragraphs: list[str] = []
    in_quote = 0
    comment = None
    for token in tokens:
        in_quote += {"blockquote_open": 1, "blockquote_close": -1}.get(token.type, 0)
        if in_quote and token.type == "inline":
            note_paragraphs.append(_inline_text(token.children or []))
        if token.type == "html_block" and COMMENT_TAG in token.content:
            match = re.fullmatch(r"<!-- reader-bookmark (\{.*\}) -->\n?", token.content)
            assert match, token.content
            comment = json.loads(match.group(1))
    return RenderedItem(text, href, "\n\n".join(note_paragraphs), comment)


def expected_note(note: str | None) -> str:
    if not note:
        return ""
    paragraphs: list[list[str]] = [[]]
    for line in sanitize(note).replace("\r", "\n").split("\n"):
        line = sanitize_line(line)
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join("\n".join(p) for p in paragraphs if p)


def renderers() -> list[MarkdownIt]:
    return [
        MarkdownIt("commonmark"),
        MarkdownIt("gfm-like"),  # tables, strikethrough, linkify
    ]


@pytest.mark.parametrize("seed", sweep(range(8), fast=2))
@pytest.mark.parametrize("link", ["source", "file"])
@pytest.mark.parametrize("group_by", ["category", "date", "none"])
def test_fuzzed_titles_and_notes_render_literally(seed: int, link: Any, group_by: Any) -> None:
    rng = random.Random(seed)
    bookmarks = [fuzz_bookmark(rng, i) for i in range(len(FIXED_TITLES) + 20)]
    document = export_bookmarks(bookmarks, group_by=group_by, link=link, library_root=ROOT, now=NOW)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", document)
    for md in renderers():
        items = rendered_items(document, md)
        assert len(items) == len(bookmarks)
        by_path = {item.comment["path"]: item for item in items if item.comment}
        for bookmark in bookmarks:
            item = by_path[bookmark.path]
            assert item.link_text == sanitize_line(bookmark.title)
            target = bookmark_target(bookmark, link=link, library_root=ROOT)
            assert item.href == target
            assert item.note == expected_note(bookmark.note)


@pytest.mark.parametrize("seed", range(4))
def test_targets_mean_the_right_place(seed: int) -> None:
    rng = random.Random(seed)
    for index in range(60):
        bookmark = fuzz_bookmark(rng, index)
        target = bookmark_target(bookmark, link="file", library_root=ROOT)
        path, _, fragment = target.partition("#")
        assert unquote(path) == f"{ROOT}/{bookmark.path}"
        assert unquote(fragment) == (bookmark.anchor or "")
        assert not re.search(r"[\s()<>\[\]\\`]", target)
        assert target.isascii()

        source = bookmark_target(bookmark, link="source", library_root=ROOT)
        assert source.isascii() and not re.search(r"[\s()<>\\`]", source)
        if bookmark.url and bookmark.url.startswith("http") and "%" not in bookmark.url:
            split = urlsplit(source)
            original = urlsplit(bookmark.url)
            assert unquote(split.path) == original.path
            assert unquote(split.query) == original.query
            expected_fragment = bookmark.anchor if bookmark.anchor else original.fragment
            assert unquote(split.fragment) == expected_fragment
        elif not (bookmark.url or "").startswith("http"):
            assert source == target  # no usable source URL: the file


def test_relative_file_links_from_the_export_folder() -> None:
    bookmark = FakeBookmark(path="Guide/a b.md", anchor="x")
    target = bookmark_target(bookmark, link="file", library_root=ROOT, base_dir="/home/me/notes")
    assert target == "../blog/source/_posts/Guide/a%20b.md#x"
    colon = FakeBookmark(path="c:d.md")
    assert bookmark_target(colon, link="file", library_root=ROOT, base_dir=ROOT) == "./c:d.md"


def test_unsafe_source_urls_are_not_links() -> None:
    for url in ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "//x.y/z"]:
        bookmark = FakeBookmark(url=url, path="p.md")
        assert bookmark_target(bookmark, link="source", library_root=ROOT) == f"{ROOT}/p.md"


def test_document_shape() -> None:
    bookmarks = [
        FakeBookmark(
            path="g/one.md",
            title="One",
            url="https://example.com/one",
            categories=(("Guide", "Basics"),),
            author="Ann",
            note="first line\nsecond line",
            heading="Install",
            anchor="install",
        ),
        FakeBookmark(path="two.md", title="Two", date=None, missing=True),
        FakeBookmark(path="g/three.md", title="Three", categories=(("Guide",),)),
    ]
    doc = export_bookmarks(bookmarks, library_root=ROOT, now=NOW)
    lines = doc.splitlines()
    assert lines[0] == "# Bookmarks"
    assert "Exported 2026-11-25 12:00 UTC" in lines[2] and "3 bookmarks" in lines[2]
    assert "from blog (/home/me/blog)" in lines[2]  # the site, not its source/_posts folder
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == ["## Guide", "## Guide › Basics", "## Uncategorized"]
    assert "- [One](https://example.com/one#install)\\" in lines
    assert "  Section: Install\\" in lines
    assert "  2026-01-05 · Ann · Guide › Basics\\" in lines
    assert any("Bookmarked 2026-11-24 12:00 UTC · missing" in line for line in lines)
    assert "  > first line\\" in lines and "  > second line" in lines
    assert doc.endswith("\n") and not doc.endswith("\n\n")

    by_date = export_bookmarks(bookmarks, group_by="date", library_root=ROOT, now=NOW)
    assert [x for x in by_date.splitlines() if x.startswith("## ")] == ["## 2026-01", "## Undated"]
    flat = export_bookmarks(bookmarks, group_by="none", library_root=ROOT, now=NOW)
    assert not [x for x in flat.splitlines() if x.startswith("## ")]

    empty = export_bookmarks([], library_root=ROOT, now=NOW)
    assert "0 bookmarks" in empty and "No bookmarks yet." in empty


def test_comment_cannot_be_closed_early() -> None:
    evil = "--> <!-- -- > < & \u2028 \x1b]52;c;AAAA\x07"
    bookmark = FakeBookmark(title=evil, note=evil, heading=evil, anchor="--", url=evil)
    doc = export_bookmarks([bookmark], library_root=ROOT, now=NOW)
    comment_line = next(line for line in doc.splitlines() if COMMENT_TAG in line)
    inner = comment_line.strip()[len("<!-- ") : -len(" -->")]
    assert "--" not in inner.replace(COMMENT_TAG, "") and ">" not in inner and "<" not in inner
    assert inner.isascii()
    data = json.loads(inner[len(COMMENT_TAG) + 1 :])
    assert data["note"] == sanitize(evil) and data["anchor"] == "--"
    assert datetime.fromisoformat(data["created"]) == bookmark.created


# -- writing atomically ---------------------------------------------------------------------


def test_write_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    assert write_atomically(target, "one\n") == target
    assert target.read_text() == "one\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()
    target.chmod(0o600)
    write_atomically(str(target), "two 中文\n", overwrite=True)
    assert target.read_text(encoding="utf-8") == "two 中文\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_write_refuses_symlinks_and_special_files(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("keep")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    with pytest.raises(ExportError, match="symlink"):
        write_atomically(link, "new")
    assert real.read_text() == "keep" and link.is_symlink()
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "nowhere.md")
    with pytest.raises(ExportError, match="symlink"):
        write_atomically(dangling, "new")
    assert not (tmp_path / "nowhere.md").exists()
    with pytest.raises(ExportError, match="not a regular file"):
        write_atomically(tmp_path, "new")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(ExportError, match="not a regular file"):
        write_atomically(fifo, "new")
    with pytest.raises(ExportError, match="does not exist"):
        write_atomically(tmp_path / "missing" / "x.md", "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "dangling.md",
        "fifo",
        "link.md",
        "real.md",
    ]


def test_default_export_path_is_in_documents() -> None:
    path = default_export_path(NOW)
    assert path.name == "reader-bookmarks-2026-11-25.md"
    assert path.parent == Path(os.environ["XDG_DOCUMENTS_DIR"])
    os.rmdir(os.environ["XDG_DOCUMENTS_DIR"])  # a server without a documents folder
    assert default_export_path(NOW).parent == Path.home()


_WRITER = """
import sys
from reader.core.export import write_atomically
size = int(sys.argv[2])
text = ("new line of the export " * 4 + "\\n") * (size // 93)
print("start", flush=True)
write_atomically(sys.argv[1], text, overwrite=True)
print("done", flush=True)
"""


@pytest.mark.slow
def test_kill_during_export_leaves_old_or_new_file(tmp_path: Path) -> None:
    size = 64 * 1024 * 1024
    new_text = ("new line of the export " * 4 + "\n") * (size // 93)
    old_text = "old export\n" * 1000
    target = tmp_path / "bookmarks.md"
    rng = random.Random(6)
    # One undisturbed run tells how long a write takes, so the kills land inside it.
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", _WRITER, str(target), str(size)], check=True)
    duration = time.monotonic() - started
    assert target.read_text() == new_text
    outcomes = set()
    for _round in range(12):
        target.write_text(old_text)
        process = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(target), str(size)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        assert process.stdout.readline() == "start\n"
        time.sleep(rng.uniform(0, duration))
        process.kill()
        process.wait()
        content = target.read_text()
        assert content in (old_text, new_text)
        outcomes.add(content == new_text)
        for leftover in tmp_path.glob(".bookmarks.md.*.tmp"):
            leftover.unlink()  # a killed writer may leave its temporary file, never the target
    assert False in outcomes  # at least one kill landed before the rename


def test_fake_bookmark_matches_the_contract_fields() -> None:
    fields = set(FakeBookmark.__dataclass_fields__)
    assert fields == {
        "library", "path", "title", "url", "heading", "anchor", "note", "created",
        "updated", "missing", "date", "author", "categories",
    }  # fmt: skip
    assert replace(FakeBookmark(), title="x").title == "x"
