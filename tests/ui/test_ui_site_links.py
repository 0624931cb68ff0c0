"""Hexo site links in the app (issue 12.9): a link to the site's own permalink opens the post in
reader, and `y` copies a URL built from `url` + `permalink` when the post has no `link`."""

from __future__ import annotations

from pathlib import Path

from test_ui_article import async_test, hosted, settle, show

from reader.screens.links import LinksScreen


def site_with_permalinks(root: Path) -> Path:
    posts = root / "source" / "_posts"
    posts.mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\nurl: https://blog.example.com\n")
    (posts / "source.md").write_text(
        "---\ntitle: Source\ndate: 2023-01-01 09:00:00\n---\n\n"
        "- [by path](/2023/01/02/target-post/)\n"
        "- [by URL](https://blog.example.com/2023/01/02/target-post/#second)\n"
        "- [elsewhere](https://other.example/2023/01/02/target-post/)\n",
        encoding="utf-8",
    )
    (posts / "target-post.md").write_text(
        "---\ntitle: Target\ndate: 2023-01-02 09:00:00\n---\n\n# First\n\nText.\n\n"
        "## Second\n\nMore.\n",
        encoding="utf-8",
    )
    return root


@async_test
async def test_a_permalink_opens_the_post_inside_reader(tmp_path: Path) -> None:
    site = site_with_permalinks(tmp_path / "site")
    async with hosted(site, tmp_path / "data", size=(80, 24)) as (app, pilot, view):
        await show(pilot, view, "source.md")
        await pilot.press("l")
        screen = app.screen
        assert isinstance(screen, LinksScreen)
        kinds = [(t.kind, t.value, t.anchor) for t in screen._targets]
        assert kinds == [
            ("post", "target-post.md", None),
            ("post", "target-post.md", "second"),
            ("external", "https://other.example/2023/01/02/target-post/", None),
        ]
        await pilot.press("1", "enter")
        await settle(pilot)
        assert view.path == "target-post.md"
        await pilot.press("y")
        assert app.clipboard == "https://blog.example.com/2023/01/02/target-post/"
