"""bytes -> ParsedPost: the one model, whatever the dialect; never raises."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from reader.core.parse import parse_post, read_post
from reader.core.scan import detect_site, scan

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
    assert len(parsed.content_hash) == 32


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
