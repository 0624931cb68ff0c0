"""No widget per post: a 100,000-post library paints, and the cursor reaches the last row."""

from __future__ import annotations

import hashlib
import inspect
import shutil
import tempfile
from pathlib import Path

import pytest

import reader
from reader.core.config import Config
from reader.core.store.migrations import INDEX_VERSION
from reader.screens.main import MainScreen
from tests.factories import open_synced
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


def _cache_root(config: pytest.Config) -> Path:
    cache = getattr(config, "cache", None)  # None with -p no:cacheprovider
    if cache is not None:
        return Path(cache.mkdir("reader-large-site"))
    return Path(tempfile.gettempdir()) / "reader-tests-cache" / "large-site"


@pytest.fixture(scope="session")
def large_site(request: pytest.FixtureRequest) -> tuple[Path, Path]:
    """The 100k-post site and a store synced on it, built once and kept between runs.

    Keyed by the generator's source, COUNT, the index schema and the reader version: a change
    to any of them builds a fresh copy. Returns (site, data dir to copy before use)."""
    key = hashlib.sha256(
        f"{inspect.getsource(build_large_site)}|{COUNT}|{INDEX_VERSION}|{reader.__version__}".encode()
    ).hexdigest()[:16]
    root = _cache_root(request.config)
    ready = root / key
    if not (ready / "complete").is_file():
        root.mkdir(parents=True, exist_ok=True)
        for stale in root.iterdir():  # older keys and interrupted builds
            shutil.rmtree(stale, ignore_errors=True)
        building = Path(tempfile.mkdtemp(prefix=f"{key}-", dir=root))
        build_large_site(building / "site", COUNT)
        # the store refers to the site by path: sync it where the site will stay
        building.rename(ready)
        open_synced(ready / "site", ready / "data").close()
        (ready / "complete").write_text("ok\n", encoding="utf-8")
    return ready / "site", ready / "data"


@pytest.mark.slow
@pytest.mark.timeout(1800)  # the first run on a machine builds and syncs the 100k posts
@async_test
async def test_100k_posts_paint_and_cursor_reaches_last_row(
    large_site: tuple[Path, Path], tmp_path: Path
) -> None:
    site, synced_data = large_site
    shutil.copytree(synced_data, tmp_path / "data")
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
