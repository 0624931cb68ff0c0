"""No widget per post: a 100,000-post library paints, and the cursor reaches the last row."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.config import Config
from reader.screens.main import MainScreen
from tests.ui_helpers import async_test, running_app, settle

COUNT = 100_000


def build_large_site(root: Path, count: int) -> Path:
    """A Hexo site of `count` tiny posts in 100 categories (fast: one small write per post)."""
    posts = root / "source" / "_posts"
    posts.mkdir(parents=True)
    (root / "_config.yml").write_text("title: large\n", encoding="utf-8")
    for i in range(count):
        day = 1 + i % 28
        month = 1 + (i // 28) % 12
        year = 1990 + i // (28 * 12)
        (posts / f"p{i:06d}.md").write_bytes(
            f"---\ntitle: Post {i:06d}\ndate: {year}-{month:02d}-{day:02d} 12:00:00\n"
            f"categories: [c{i % 100:02d}]\n---\nBody {i}.\n".encode()
        )
    return root


@pytest.mark.slow
@async_test
async def test_100k_posts_paint_and_cursor_reaches_last_row(tmp_path: Path) -> None:
    site = build_large_site(tmp_path / "large", COUNT)
    # Indexing 100k posts for search is not what this test is about (settle waits for it).
    config = Config(search_index="on_search")
    async with running_app(site, tmp_path / "data", size=(100, 30), config=config) as (
        app,
        pilot,
    ):
        screen = app.screen
        assert isinstance(screen, MainScreen)
        posts = screen.posts
        assert len(posts) == COUNT
        # Only a screenful of rows was fetched, and the DOM does not grow with the library.
        assert len(list(screen.query("*"))) < 200
        assert len(posts._pages) <= 2
        first = "".join(seg.text for seg in posts.render_line(0))
        assert f"Post {COUNT - 1:06d}" in first  # newest first
        await pilot.press("G")
        await settle(app, pilot)
        assert posts.cursor == COUNT - 1
        last_visible = posts.scrollable_content_region.height - 1
        line = "".join(seg.text for seg in posts.render_line(last_visible))
        assert "Post 000000" in line
        assert posts.scroll_offset.y == COUNT - posts.scrollable_content_region.height
        await pilot.press("g", "ctrl+d", "slash", "0", "9", "9", "9", "9")
        assert len(posts) == 11  # "Post 09999x" and "Post 009999"
