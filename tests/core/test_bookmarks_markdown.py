"""Exported files, from a real library on disk, parsed with markdown-it (CommonMark and GFM-like).

Posts have fuzzed titles, headings and notes (every Markdown special character, line breaks,
CJK, emoji, Textual markup look-alikes) and awkward file names and source URLs (spaces,
parentheses, `#`, `%`, `?`, non-ASCII). For every bookmark the rendered link text must be the
title and the href the intended target, worked out here from the post file and the URL, not from
the exporter's own helpers. Section bookmarks link to `#anchor`; groups are right for every
--group-by; a bookmark of a vanished post stays in the file, marked missing.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from reader.cli import main
from reader.core.library import Library
from reader.core.paths import StorePaths
from reader.core.sanitize import sanitize, sanitize_line
from tests.factories import write_post

SPECIAL = "[ ] * _ ` < > | # ! \\ & ~ $ ( ) - + = . : ; ' \" { } % ? @ ^"
PIECES = [
    *SPECIAL.split(),
    "[/]",
    "[@click=app.quit]",
    "[b]bold[/b]",
    "*em*",
    "__strong__",
    "`code`",
    "<script>x</script>",
    "<!-- c -->",
    "-->",
    "a | b",
    "# h",
    "![i](x.png)",
    "[l](http://evil.example)",
    "&amp;",
    "1.",
    "- ",
    "> ",
    "    ",
    "---",
    "===",
    "```",
    "http://example.com",
    "中文",
    "日本語",
    "한국어",
    "😀",
    "👍🏽",
    "🇯🇵",
    "\u200b",
    "\t",
    "\x1b[31m",
    "word",
]
FILE_NAMES = ["a b", "(1)", "#hash", "q?x", "100%", "中文", "[y]", "😀", "c:d", "e'f", "x&y"]
URLS = [
    None,
    "https://example.com/a b/(c)/d?x=1&y=[2]",
    "https://example.com/文章/标题?q=中文#old-fragment",
    "http://example.com/100%/ok%20already",
    "https://例子.测试/路径 (1)",
    "javascript:alert(1)",
]


def fuzz(rng: random.Random, *, breaks: str) -> str:
    parts = ["word", *(rng.choice(PIECES) for _ in range(rng.randint(1, 7)))]
    rng.shuffle(parts)
    return "".join(part + rng.choice([" ", "", breaks]) for part in parts)


@dataclass
class Planned:
    relpath: str
    title: str
    url: str | None
    date: str
    categories: list[str]
    heading: str
    note: str | None
    section_note: str | None
    anchor: str | None = None
    missing: bool = False
    notes: dict[str | None, str | None] = field(default_factory=dict)
    shelf: list[list[str]] = field(default_factory=list)
    """The category paths the library gives the post."""


def plan(rng: random.Random, count: int) -> list[Planned]:
    planned = []
    for index in range(count):
        folder = "/".join(rng.choice(FILE_NAMES) for _ in range(rng.randint(0, 2)))
        name = f"{rng.choice(FILE_NAMES)} {index}.md"
        relpath = f"{folder}/{name}" if folder else name
        category_pool = [["Guide", "Basics"], ["[x]", "a|b"], ["C#", "*star*"], ["中文"], []]
        planned.append(
            Planned(
                relpath=relpath,
                title=fuzz(rng, breaks="\n"),
                url=rng.choice(URLS),
                date=f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-05 10:00:00",
                categories=rng.choice(category_pool),
                heading=fuzz(rng, breaks=" ").replace("#", "").strip() or "Section",
                note=rng.choice([None, fuzz(rng, breaks="\n"), fuzz(rng, breaks="\n\n")]),
                section_note=rng.choice([None, fuzz(rng, breaks="\r\n")]),
            )
        )
    return planned


@dataclass
class Item:
    group: str | None
    text: str
    href: str
    lines: list[str]
    note: str
    record: dict[str, Any]


def inline_text(children: list[Token]) -> str:
    out = []
    for child in children:
        if child.type in ("text", "text_special", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif child.type == "html_inline":
            out.append("<HTML>")  # raw HTML would be a rendering bug: make it show
    return "".join(out)


def items_of(document: str, md: MarkdownIt) -> list[Item]:
    tokens = md.parse(document)
    items: list[Item] = []
    group: str | None = None
    depth = 0
    quote = 0
    current: Item | None = None
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and depth == 0:
            group = inline_text(tokens[index + 1].children or [])
        if token.type == "list_item_open":
            depth += 1
            if depth == 1:
                current = Item(group, "", "", [], "", {})
                items.append(current)
        elif token.type == "list_item_close":
            depth -= 1
        elif token.type in ("blockquote_open", "blockquote_close"):
            quote += 1 if token.type == "blockquote_open" else -1
        elif current is not None and depth and token.type == "inline":
            children = token.children or []
            if quote:
                current.note += ("\n\n" if current.note else "") + inline_text(children)
            elif not current.href:
                assert children[0].type == "link_open", token.content
                close = next(i for i, c in enumerate(children) if c.type == "link_close")
                current.href = str(children[0].attrGet("href"))
                current.text = inline_text(children[1:close])
                current.lines = inline_text(children[close + 1 :]).split("\n")[1:]
                # no other link, but the bare URLs a GFM renderer links up (same text)
                assert all(
                    c.markup == "linkify" for c in children[close + 1 :] if c.type == "link_open"
                )
        elif current is not None and depth and token.type == "html_block":
            content = token.content.strip()
            assert content.startswith("<!-- reader-bookmark {") and content.endswith("} -->")
            current.record = json.loads(content[len("<!-- reader-bookmark ") : -len(" -->")])
    return items


def expected_note(note: str | None) -> str:
    if not note:
        return ""
    paragraphs: list[list[str]] = [[]]
    for line in sanitize(note).replace("\r", "\n").split("\n"):
        if sanitize_line(line):
            paragraphs[-1].append(sanitize_line(line))
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join("\n".join(p) for p in paragraphs if p)


def expected_group(post: Planned, group_by: str) -> str | None:
    if group_by == "none":
        return None
    if group_by == "date":
        return post.date[:7]
    return " › ".join(post.shelf[0]) if post.shelf else "Uncategorized"


def check_href(
    href: str, post: Planned, anchor: str | None, *, link: str, out: Path, root: Path
) -> None:
    assert href.isascii(), href
    assert not any(ch.isspace() or ch in "()<>\\`" for ch in href), href
    target, hash_, fragment = href.partition("#")
    if anchor is not None:
        assert hash_ and unquote(fragment) == anchor
    url = post.url if post.url and post.url.startswith("http") else None
    if link == "source" and url is not None:
        original = url.split("#", 1)[0] if anchor is not None else url
        if anchor is None and "#" in original:
            target = href  # the post's own fragment is part of its URL
        got, want = urlsplit(unquote(target)), urlsplit(unquote(original))
        assert got.scheme == want.scheme and got.path == want.path and got.query == want.query
        host = got.hostname or ""
        assert host.encode("ascii").decode("idna") == (want.hostname or "")
        return
    # a file link, relative to the folder of the export, to the post file itself
    assert (out.parent / unquote(target)).resolve() == (root / post.relpath).resolve()
    assert (root / post.relpath).exists() != post.missing


@pytest.fixture(scope="module")
def library_state(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Planned]]:
    """A synced library with a bookmark (and often a section bookmark) on every post."""
    base = tmp_path_factory.mktemp("md")
    root, data = base / "blog", base / "data"
    rng = random.Random(20261125)
    planned = plan(rng, 36)
    for post in planned:
        write_post(
            root,
            post.relpath,
            post.title,
            date=post.date,
            categories=post.categories,
            url=post.url,
            body=f"Intro text.\n\n## {post.heading}\n\nSection text.\n",
        )
    library = Library.open(root, paths=StorePaths.default(data))
    try:
        for _progress in library.sync():
            pass
        for index, post in enumerate(planned):
            library.add_bookmark(post.relpath, note=post.note)
            post.notes[None] = post.note
            # a folder library files a post without categories under its folder
            post.shelf = [list(c) for c in library.article(post.relpath).row.categories]
            if post.categories:
                assert post.shelf[0] == [sanitize_line(c) for c in post.categories]
            if index % 3:
                headings = library.article(post.relpath).headings
                assert len(headings) == 1, post.heading
                post.anchor = headings[0].anchor
                post.heading = headings[0].text  # the outline's plain text of the heading
                library.add_bookmark(
                    post.relpath,
                    heading=headings[0].text,
                    anchor=post.anchor,
                    note=post.section_note,
                )
                post.notes[post.anchor] = post.section_note
        for post in planned[::7]:
            (root / post.relpath).unlink()
            post.missing = True
        for _progress in library.sync():
            pass
        assert sum(b.missing for b in library.bookmarks()) == sum(
            len(p.notes) for p in planned if p.missing
        )
    finally:
        library.close()
    return root, data, planned


@pytest.mark.parametrize("link", ["source", "file"])
@pytest.mark.parametrize("group_by", ["category", "date", "none"])
def test_every_link_text_and_target_in_the_exported_file(
    library_state: tuple[Path, Path, list[Planned]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    link: str,
    group_by: str,
) -> None:
    root, data, planned = library_state
    out = tmp_path / "vault (notes)" / "書籤 bookmarks.md"
    out.parent.mkdir()
    args = ["--data-dir", str(data), "export-bookmarks", "--library", str(root)]
    code = main([*args, "-o", str(out), "--link", link, "--group-by", group_by])
    assert code == 0, capsys.readouterr().err
    document = out.read_text(encoding="utf-8")
    by_path = {post.relpath: post for post in planned}
    wanted = {(p.relpath, anchor) for p in planned for anchor in p.notes}

    for md in (MarkdownIt("commonmark"), MarkdownIt("gfm-like")):
        items = items_of(document, md)
        seen = set()
        for item in items:
            post = by_path[item.record["path"]]
            anchor = item.record["anchor"]
            seen.add((post.relpath, anchor))
            assert item.text == sanitize_line(post.title)
            check_href(item.href, post, anchor, link=link, out=out, root=root)
            assert item.note == expected_note(post.notes[anchor])
            assert item.group == expected_group(post, group_by)
            if anchor is not None:
                assert item.lines[0] == "Section: " + sanitize_line(post.heading)
            assert ("missing" in item.lines[-1]) == post.missing
            assert item.lines[-1].startswith("Bookmarked ")
        assert seen == wanted and len(items) == len(wanted)


def test_stdout_export_links_are_absolute_files(
    library_state: tuple[Path, Path, list[Planned]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, data, planned = library_state
    capsys.readouterr()
    code = main(["--data-dir", str(data), "export-bookmarks", "--library", str(root)])
    document = capsys.readouterr().out
    assert code == 0 and document.startswith("# Bookmarks\n")
    by_path = {post.relpath: post for post in planned}
    for item in items_of(document, MarkdownIt("commonmark")):
        post = by_path[item.record["path"]]
        if not (post.url or "").startswith("http"):
            target = unquote(item.href.partition("#")[0])
            assert Path(target).is_absolute() and Path(target) == root.resolve() / post.relpath
