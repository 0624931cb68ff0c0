"""bytes -> ParsedPost: the one model, whatever the dialect; never raises."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from reader.core import parse as parse_module
from reader.core.model import Post
from reader.core.parse import parse_post, read_post
from reader.core.scan import FileRef, SiteKind, detect_site, scan
from tests.fixtures_posts import (
    HOSTILE_TITLES,
    LEGACY_TEXTS,
    REMOVED,
    hostile_post,
)

MTIME = 1_600_000_000_000_000_000


def parse(text: str | bytes, relpath: str = "a.md", **kwargs: object) -> object:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_post(data, relpath, mtime_ns=MTIME, **kwargs).post  # type: ignore[arg-type]


def test_hexo_post() -> None:
    parsed = parse_post(
        b"\n---\ntitle: 'Hello\n  world'\ncategories: \n - A\n - B\ntags: [x, y]\n"
        b"date: Fri, 25 Mar 2022 00:00:00 GMT\nauthor: Me\n---\n<div>hi</div>\n",
        "A/B/hello.md",
        mtime_ns=MTIME,
        kind="hexo",
    )
    post = parsed.post
    assert post.title == "Hello world"
    assert post.categories == (("A", "B"),)
    assert post.tags == ("x", "y")
    assert post.date == datetime(2022, 3, 25, tzinfo=UTC)
    assert post.date_source == "front-matter"
    assert post.author == "Me"
    assert post.format == "html"
    assert post.error is None
    assert parsed.body == "<div>hi</div>\n"
    assert len(parsed.content_hash) == 40


def test_naive_dates_use_the_site_timezone() -> None:
    post = parse("---\ndate: 2020-03-30 19:20:00\n---\n", timezone=ZoneInfo("Asia/Tokyo"))
    assert post.date == datetime(2020, 3, 30, 10, 20, tzinfo=UTC)  # type: ignore[attr-defined]


def test_read_post_from_disk(tmp_path: Path) -> None:
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2020-01-02-x.markdown").write_text(
        "---\ntitle: X\ncategory: Releases\ntags: a b\n---\n# H\n", encoding="utf-8"
    )
    site = detect_site(tmp_path)
    (ref,) = scan(site)
    post = read_post(site, ref).post
    assert post.date == datetime(2020, 1, 2, tzinfo=UTC)
    assert post.date_source == "filename"
    assert post.categories == (("Releases",),)
    assert post.tags == ("a", "b")
    assert post.format == "markdown"


# --- the one model, field by field -------------------------------------------------------


def post_of(header: str, relpath: str = "a.md", kind: SiteKind = "hexo", body: str = "") -> Post:
    data = f"---\n{header}\n---\n{body}".encode()
    return parse_post(data, relpath, mtime_ns=MTIME, kind=kind).post


@pytest.mark.parametrize(
    ("kind", "header", "relpath", "expected"),
    [
        ("hexo", "categories: [A, B]", "x.md", (("A", "B"),)),
        ("hexo", "categories:\n  - A\n  - B\n  - C", "x.md", (("A", "B", "C"),)),
        ("hexo", "categories:\n- [A, B]\n- [C]", "x.md", (("A", "B"), ("C",))),
        ("hexo", "categories:\n- [A, B]\n- C", "x.md", (("A", "B"), ("C",))),
        ("hexo", "categories: Blog", "x.md", (("Blog",),)),
        ("hexo", "category: Blog", "x.md", (("Blog",),)),
        ("hexo", "categories: [2020, true]", "x.md", (("2020", "True"),)),
        ("hexo", "categories: []", "F/G/x.md", (("F", "G"),)),
        ("hexo", "title: no categories", "F/G/x.md", (("F", "G"),)),
        ("hexo", "title: at the top", "x.md", ()),
        ("hexo", "categories: [A, A]\n", "x.md", (("A", "A"),)),
        ("jekyll", "category: Releases", "x.md", (("Releases",),)),
        ("jekyll", "categories: web dev", "x.md", (("web", "dev"),)),
        ("jekyll", "categories: [web, dev]", "x.md", (("web", "dev"),)),
        ("hugo", 'categories: ["Go", "DNS"]', "blog/x.md", (("Go",), ("DNS",))),
        ("hugo", "title: none", "blog/x.md", (("blog",),)),
        ("hugo", "title: bundle", "blog/my-post/index.md", (("blog",),)),
        ("folder", "categories: [A, B]", "x.md", (("A", "B"),)),
        ("hexo", "title: draft", "_drafts/sub/x.md", (("sub",),)),
    ],
)
def test_categories_by_dialect(
    kind: SiteKind, header: str, relpath: str, expected: tuple[tuple[str, ...], ...]
) -> None:
    assert post_of(header, relpath, kind).categories == expected


def test_very_deep_category_paths_are_cut_with_a_mark() -> None:
    deep = "[" + ", ".join(f"d{i}" for i in range(1000)) + "]"
    (path,) = post_of(f"categories: {deep}", "x.md", "hexo").categories
    assert len(path) == parse_module.MAX_CATEGORY_DEPTH
    assert path[:2] == ("d0", "d1") and path[-1] == "…"
    folder = "/".join(f"f{i}" for i in range(60)) + "/x.md"
    (from_folders,) = post_of("title: t", folder, "hexo").categories
    assert len(from_folders) == parse_module.MAX_CATEGORY_DEPTH and from_folders[-1] == "…"


@pytest.mark.parametrize(
    ("kind", "header", "expected"),
    [
        ("hexo", "tags: [a, b, a]", ("a", "b")),
        ("hexo", "tags:\n- [日記]\n- [AddToAny]", ("日記", "AddToAny")),
        ("hexo", "tags: 音视频", ("音视频",)),
        ("hexo", "tag: one two", ("one two",)),
        ("jekyll", "tags: embedded nerves", ("embedded", "nerves")),
        ("hexo", "tags:", ()),
        ("hexo", "tags: []", ()),
        ("hugo", 'tags: ["Release", 1.2]', ("Release", "1.2")),
    ],
)
def test_tags(kind: SiteKind, header: str, expected: tuple[str, ...]) -> None:
    assert post_of(header, kind=kind).tags == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("author: Me", "Me"),
        ("authors:\n-  José Valim\n- Other", "José Valim, Other"),
        ("author:\n  name: Ann\n  email: a@b", "Ann"),
        ("authors: [{name: A}, B]", "A, B"),
        ("author: ''", None),
        ("title: x", None),
    ],
)
def test_author(header: str, expected: str | None) -> None:
    assert post_of(header).author == expected


def test_url_cover_updated_draft_identity() -> None:
    post = post_of(
        "permalink: a-slug\nlink: https://example.org/post\nid: 819\nabbrlink: 46cc00de\n"
        "cover_image: /images/c.jpg\nupdated: 2019/10/13\ndraft: true"
    )
    assert post.url == "https://example.org/post"
    assert post.cover == "/images/c.jpg"
    assert post.updated == datetime(2019, 10, 13, tzinfo=UTC)
    assert post.draft
    assert post.identity == (
        "id:819",
        "permalink:a-slug",
        "link:https://example.org/post",
        "abbrlink:46cc00de",
    )
    assert post_of("permalink: slug-only").url is None
    assert post_of("source: https://src.example/x").url == "https://src.example/x"
    assert post_of("published: false").draft
    assert post_of("photos:\n  - https://img.example/1.png").cover == "https://img.example/1.png"


@pytest.mark.parametrize(
    ("header", "relpath", "body", "expected"),
    [
        ("title: '  Spaced\n\n  out  '", "x.md", "", "Spaced out"),
        ("title: ''", "x.md", "intro\n# From Heading\n", "From Heading"),
        ("tltle: typo", "notes/from-name.md", "no heading", "from-name"),
        ("title:", "_posts/2012-04-24-a-peek.markdown", "", "a-peek"),
        ("title: 2018", "x.md", "", "2018"),
        ("title: [a, b]", "x.md", "", "x"),
        ("title: ''", "blog/bundle/index.md", "", "bundle"),
        ("title: ''", ".md", "", ".md"),
    ],
)
def test_title_and_fallbacks(header: str, relpath: str, body: str, expected: str) -> None:
    kind: SiteKind = "hugo" if relpath.endswith("index.md") else "hexo"
    assert post_of(header, relpath, kind, body).title == expected


@pytest.mark.parametrize(
    "title", ["\u200b\u200b", "\u200c\u200d\ufeff", "' \u3164 '", "'\u2060\u200b'"]
)
def test_a_title_that_draws_nothing_falls_back_to_the_file_name(title: str) -> None:
    assert post_of(f"title: {title}", "notes/from-name.md").title == "from-name"
    invisible_heading = post_of("title: ''", "x.md", body=f"# {title.strip(chr(39))}\n")
    assert invisible_heading.title == "x"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("\x1b]0;PWNED-NAME-title\x07.md", "\ufffd"),
        ("\x1b[31337;31337H\x1b[2J.md", "\ufffd"),
        ("a\x1b[2Jb.md", "a\ufffdb"),
        ("\u200b.md", "\u200b.md"),  # an invisible stem: the whole name, which draws
    ],
)
def test_a_file_name_with_escapes_shows_a_mark_where_they_were(name: str, expected: str) -> None:
    post = post_of("title: ''", name)
    assert post.title == expected
    assert post.path == name
    failed = parse_post(b"\xff\xfe\x00", name, mtime_ns=MTIME).post
    assert failed.title == expected


def test_a_folder_named_with_escapes_shows_a_mark_where_they_were() -> None:
    post = post_of("title: t", "\x1b]0;PWNED-DIR\x07/inner.md")
    assert post.categories == (("\ufffd",),)


def test_title_from_undecodable_file_name_shows_replacement_character() -> None:
    post = parse_post(b"no front matter", "caf\udce9.md", mtime_ns=MTIME).post
    assert post.title == "caf\ufffd"
    assert post.path == "caf\udce9.md"


@pytest.mark.parametrize(
    ("body", "name", "expected"),
    [
        ("\n<div>   \n<p>feed item</p>\n</div>\n            ", "a.md", "html"),
        ("<!-- more -->\n<p>x</p>", "a.md", "html"),
        ("<pre># shell comment<br>\n</pre>", "a.md", "html"),
        ("# Title\n\n<div>inline html</div>\n", "a.md", "markdown"),
        ('<p align="center"><img src="x"></p>\n\n## Usage\n', "a.md", "markdown"),
        ("<div>\n```js\ncode\n```\n</div>", "a.md", "markdown"),
        ("plain words", "a.md", "markdown"),
        ("text then <b>bold</b>", "a.html", "html"),
        ("no tags at all", "a.html", "markdown"),
        ("", "a.md", "markdown"),
    ],
)
def test_body_format_is_sniffed(body: str, name: str, expected: str) -> None:
    assert parse_module.sniff_format(body, name) == expected
    assert post_of("title: t", name, body=body).format == expected


@pytest.mark.parametrize("name", sorted(HOSTILE_TITLES))
def test_hostile_strings_are_sanitized_in_every_field(name: str) -> None:
    written, expected = HOSTILE_TITLES[name]
    post = parse_post(hostile_post(written), "a.md", mtime_ns=MTIME, kind="hexo").post
    assert post.title == expected
    assert post.author == expected
    assert post.categories == ((expected,),)
    assert post.tags == (expected,)
    fields: list[Any] = [post.title, post.author, *post.categories[0], *post.tags, post.url]
    for value in fields:
        assert not any(ch in value for ch in REMOVED), (name, value)
        assert "\n" not in value and "\t" not in value


def test_raw_control_bytes_in_yaml_titles() -> None:
    data = b"---\ntitle: a \x1b]52;c;QUJD\x07 b \x1b[2J\xc2\x9b31m c \xc2\x85 d\n---\nbody"
    post = parse_post(data, "a.md", mtime_ns=MTIME).post
    assert post.error is None
    assert not any(ch in post.title for ch in REMOVED)
    assert post.title == "a b c d"


@pytest.mark.parametrize("encoding", sorted(LEGACY_TEXTS))
def test_legacy_encoded_post(encoding: str) -> None:
    text = LEGACY_TEXTS[encoding]
    parsed = parse_post(text.encode(encoding), "old.md", mtime_ns=MTIME)
    assert parsed.post.error is None
    assert parsed.post.title == text.split("title: ")[1].split("\n")[0]
    assert parsed.body == text.split("---\n", 2)[2]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not text"),
        (b"", "empty file"),
        (b"---\ntitle: open\nbody", "front matter is not closed"),
        # Parser errors: our words and the line; the parser's own words after them may change
        # with its version, so they are not asserted.
        (b"---\ntitle: [unclosed\n---\nbody", "YAML error at line 3: …"),
        (b"+++\ntitle = \n+++\n", "TOML error: …"),
    ],
)
def test_errors_keep_the_post_listed(data: bytes, error: str) -> None:
    post = parse_post(data, "cat/2021-02-03-broken.md", mtime_ns=MTIME).post
    assert post.error is not None
    if error.endswith(" …"):
        assert post.error.startswith(error.removesuffix("…")) and len(post.error) > len(error)
    else:
        assert post.error == error
    assert post.title == "broken"
    assert post.categories == (("cat",),)
    assert post.date == datetime(2021, 2, 3, tzinfo=UTC)
    assert post.date_source == "filename"


def test_mtime_is_the_last_resort_date() -> None:
    post = parse_post(b"---\ndate: someday\n---\n", "x.md", mtime_ns=MTIME).post
    assert post.date == datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)
    assert post.date_source == "mtime"


def test_too_large_keeps_the_first_part(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_module, "MAX_READ", 1024 * 1024)
    data = b"---\ntitle: Big\n---\n" + "标".encode() * 500_000
    parsed = parse_post(data, "big.md", mtime_ns=MTIME)
    assert parsed.post.error == "too large: showing the first 1 MiB"
    assert parsed.post.title == "Big"
    assert 300_000 < len(parsed.body) < 400_000


def test_read_post_errors_never_raise(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\n")
    site = detect_site(tmp_path)
    (ref,) = scan(site)
    (tmp_path / "a.md").unlink()
    gone = read_post(site, ref).post
    assert gone.error == "cannot read: file is gone"
    os.mkfifo(tmp_path / "a.md")  # swapped for a FIFO after the scan: must not hang
    assert read_post(site, ref).post.error == "not a regular file"
    flagged = read_post(site, FileRef("b.md", 0, MTIME, error="link leaves the library")).post
    assert flagged.error == "link leaves the library"
    assert flagged.title == "b"
    assert flagged.date_source == "mtime"


def test_drafts_are_flagged(tmp_path: Path) -> None:
    (tmp_path / "source" / "_posts").mkdir(parents=True)
    (tmp_path / "source" / "_drafts").mkdir()
    (tmp_path / "source" / "_drafts" / "wip.md").write_text("---\ntitle: WIP\n---\n")
    site = detect_site(tmp_path, drafts=True)
    (ref,) = scan(site)
    post = read_post(site, ref).post
    assert (post.path, post.draft, post.title, post.categories) == (
        "_drafts/wip.md",
        True,
        "WIP",
        (),
    )
