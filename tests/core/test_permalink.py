"""Hexo permalinks (issue 12.9): patterns, matching a site's own links, building a post's URL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reader.core.permalink import DEFAULT_PERMALINK, Permalink, SiteLinks


def test_the_default_pattern_matches_a_post_path() -> None:
    pattern = Permalink.parse(DEFAULT_PERMALINK)
    assert pattern is not None
    assert pattern.match("2023/01/02/target-post/") == {
        "year": "2023",
        "month": "01",
        "day": "02",
        "title": "target-post",
    }
    assert pattern.match("2023/01/02/target-post") is not None  # the slash is optional
    assert pattern.match("2023/01/02/target-post/index.html") is not None
    assert pattern.match("2023/1/02/target-post/") is None
    assert pattern.match("about/") is None


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        (":year/:i_month/:i_day/:name.html", "2023/1/2/post.html", {"name": "post"}),
        ("posts/:title/", "posts/Guide/welcome/", {"title": "Guide/welcome"}),
        (":category/:post_title/", "tech/Hello World/", {"post_title": "Hello World"}),
        ("p/:id.html", "p/42.html", {"id": "42"}),
        ("p/:hash/", "p/3f2a9c/", {"hash": "3f2a9c"}),
        (":year/:month/:day/:title/", "2023/01/02/%E4%B8%AD%E6%96%87/", {"title": "中文"}),
    ],
)
def test_every_hexo_token_matches(pattern: str, path: str, expected: dict[str, str]) -> None:
    parsed = Permalink.parse(pattern)
    assert parsed is not None
    found = parsed.match(path)
    assert found is not None and expected.items() <= found.items()


def test_unknown_tokens_are_not_guessed() -> None:
    assert Permalink.parse(":year/:slugify_me/") is None
    assert Permalink.parse("") is None


def test_site_links_recognise_the_sites_own_urls() -> None:
    links = SiteLinks.make("https://blog.example.com/notes", None)
    assert links is not None
    own = links.match("/notes/2023/01/02/target-post/#part")
    assert own is not None and own.values["title"] == "target-post" and own.anchor == "part"
    assert links.match("https://blog.example.com/notes/2023/01/02/target-post/") is not None
    assert links.match("http://blog.example.com/notes/2023/01/02/target-post") is not None
    assert links.match("https://other.example.com/notes/2023/01/02/target-post/") is None
    assert links.match("/notes/about/") is None
    assert links.match("target-post.md") is None  # a relative file link is not a permalink
    bare = SiteLinks.make(None, ":title.html")
    assert bare is not None and bare.match("/hello.html") is not None
    assert bare.match("https://anywhere.example/hello.html") is None  # no url: no host known
    assert SiteLinks.make("https://x.example", ":nonsense/") is None


def test_a_posts_url_is_built_from_url_and_permalink() -> None:
    links = SiteLinks.make("https://blog.example.com/", None)
    assert links is not None
    date = datetime(2023, 1, 2, 23, 30, tzinfo=UTC)
    url = links.post_url("Guide/target post.md", "Target", date, (("Tech",),))
    assert url == "https://blog.example.com/2023/01/02/Guide/target%20post/"
    assert links.post_url("undated.md", "T", None, ()) is None  # :year needs a date
    assert SiteLinks.make(None, None) is not None
    assert SiteLinks.make(None, None).post_url("a.md", "A", date, ()) is None  # type: ignore[union-attr]
    by_title = SiteLinks.make("https://b.example", ":category/:post_title/")
    assert by_title is not None
    assert by_title.post_url("a.md", "Hello", date, (("Tech", "Py"),)) == (
        "https://b.example/Tech/Py/Hello/"
    )
    by_id = SiteLinks.make("https://b.example", "p/:id/")
    assert by_id is not None and by_id.post_url("a.md", "A", date, ()) is None  # id not known


# -- the library: links to the site's own posts, found by indexed queries ---------------------

from pathlib import Path  # noqa: E402

from reader.core.library import Folder, Library  # noqa: E402
from tests.factories import open_synced, write_post  # noqa: E402


def hexo_site(root: Path, config: str) -> Path:
    posts = root / "source" / "_posts"
    posts.mkdir(parents=True)
    (root / "_config.yml").write_text(config, encoding="utf-8")
    for name, date, extra in [
        ("target-post.md", "2023-01-02 10:00:00", ""),
        ("2023-01-05-dated.md", "2023-01-05 10:00:00", ""),
        ("Guide/nested.md", "2023-02-03 10:00:00", ""),
        ("linked.md", "2023-03-04 10:00:00", "link: https://elsewhere.example/x\n"),
        ("中文.md", "2023-04-05 10:00:00", ""),
    ]:
        write_post(posts, name, name, date=date, extra=extra, body="Text\n")
    return root


def assert_indexed(library: Library, statements: list[str]) -> None:
    """Every SELECT traced used an index: none walks the posts table."""
    lookups = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert lookups
    for statement in lookups:
        plan = " ".join(str(r[-1]) for r in library._db.execute("EXPLAIN QUERY PLAN " + statement))
        assert "SCAN posts" not in plan, plan


def test_links_to_the_sites_own_posts_are_found_with_indexed_queries(tmp_path: Path) -> None:
    site = hexo_site(tmp_path / "site", "title: t\nurl: https://blog.example.com\n")
    library = open_synced(site, tmp_path / "data")
    statements: list[str] = []
    library._readers.set_trace_callback(statements.append)
    try:
        assert library.post_for_link("/2023/01/02/target-post/") == ("target-post.md", None)
        assert library.post_for_link("https://blog.example.com/2023/01/05/dated/#part") == (
            "2023-01-05-dated.md",
            "part",
        )
        assert library.post_for_link("/2023/02/03/Guide/nested/") == ("Guide/nested.md", None)
        assert library.post_for_link("/2023/04/05/%E4%B8%AD%E6%96%87/") == ("中文.md", None)
        assert library.post_for_link("/2023/01/03/target-post/") is None  # another day
        assert library.post_for_link("/2023/01/02/missing/") is None
        assert library.post_for_link("https://other.example/2023/01/02/target-post/") is None
    finally:
        library._readers.set_trace_callback(None)
    assert_indexed(library, statements)
    library.close()


def test_y_builds_the_source_url_from_url_and_permalink(tmp_path: Path) -> None:
    config = "url: 'https://blog.example.com/notes/'\npermalink: posts/:title.html\n"
    library = open_synced(hexo_site(tmp_path / "site", config), tmp_path / "data")
    rows = {row.path: row for row in library.posts(Folder("all")).rows(0, 10)}
    assert library.source_url(rows["Guide/nested.md"]) == (
        "https://blog.example.com/notes/posts/Guide/nested.html"
    )
    assert library.source_url(rows["linked.md"]) == "https://elsewhere.example/x"
    assert library.post_for_link("/notes/posts/Guide/nested.html") == ("Guide/nested.md", None)
    library.close()


def test_an_unknown_permalink_pattern_keeps_todays_behaviour(tmp_path: Path) -> None:
    config = "url: https://blog.example.com\npermalink: :year/:custom_token/\n"
    library = open_synced(hexo_site(tmp_path / "site", config), tmp_path / "data")
    rows = {row.path: row for row in library.posts(Folder("all")).rows(0, 10)}
    assert library.source_url(rows["target-post.md"]) is None
    assert library.post_for_link("/2023/target-post/") is None
    library.close()


def test_the_index_has_no_table_scan_for_a_path_lookup(tmp_path: Path) -> None:
    config = "url: https://b.example\npermalink: :title/\n"
    library = open_synced(hexo_site(tmp_path / "site", config), tmp_path / "data")
    statements: list[str] = []
    library._readers.set_trace_callback(statements.append)
    assert library.post_for_link("/Guide/nested/") == ("Guide/nested.md", None)
    library._readers.set_trace_callback(None)
    assert_indexed(library, statements)
    config = "url: https://b.example\npermalink: :category/:post_title/\n"
    library.close()
    library = open_synced(hexo_site(tmp_path / "site2", config), tmp_path / "data2")
    library._readers.set_trace_callback(statements.append)
    assert library.post_for_link("/x/linked.md/") == ("linked.md", None)
    library._readers.set_trace_callback(None)
    assert_indexed(library, statements)
    library.close()


def test_post_link_slugs_are_found_without_reading_every_post(tmp_path: Path) -> None:
    library = open_synced(hexo_site(tmp_path / "site", "title: t\n"), tmp_path / "data")
    statements: list[str] = []
    library._readers.set_trace_callback(statements.append)
    assert library.post_for_slug("Guide/nested") == "Guide/nested.md"
    assert library.post_for_slug("nested") == "Guide/nested.md"
    assert library.post_for_slug("dated") == "2023-01-05-dated.md"  # new_post_name's date
    assert library.post_for_slug("中文") == "中文.md"
    assert library.post_for_slug("nest") is None
    assert library.post_for_slug("100%_sure") is None  # LIKE wildcards are literal
    library._readers.set_trace_callback(None)
    for statement in [s for s in statements if s.lstrip().upper().startswith("SELECT")]:
        plan = " ".join(str(r[-1]) for r in library._db.execute("EXPLAIN QUERY PLAN " + statement))
        assert "SCAN posts" not in plan or "COVERING INDEX" in plan, plan
    library.close()
