"""The search index builder as the app drives it: quitting mid-build leaves no builder process
behind and the next session goes on from the batches it committed; a damaged index is rebuilt
with a notice."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.app import ReaderApp
from reader.core.config import Config
from reader.core.library import Library
from reader.core.paths import StorePaths
from tests.factories import make_posts, notifications
from tests.processes import builder_pids, gone
from tests.ui_helpers import async_test, make_site, running_app

pytestmark = pytest.mark.slow  # builder processes

POSTS = 1200


@async_test
async def test_quitting_mid_build_leaves_no_builder_behind(tmp_path: Path) -> None:
    root = tmp_path / "site" / "source" / "_posts"
    make_posts(root, POSTS, body=lambda n: f"needle {n} " * 40 + "\n")
    paths = StorePaths.default(tmp_path / "data")
    app = ReaderApp(Library.open(tmp_path / "site", paths=paths), Config(), paths=paths)
    pids: list[int] = []
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(2400):  # the sync, then the build starts (a bound, not a measure)
                pids = builder_pids(os.getpid())
                if pids:
                    break
                await pilot.pause(0.05)
            assert len(pids) == 1
            await pilot.press("q")
    finally:
        app.library.close()  # as `reader` does once the app has ended
    assert gone(pids[0])
    library = Library.open(tmp_path / "site", paths=paths)
    try:
        resumed = list(library.update_search())
        assert resumed[-1].finished and library.search("needle").total == POSTS
    finally:
        library.close()


@async_test
async def test_a_damaged_search_index_is_rebuilt_with_a_notice(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    data = tmp_path / "data"
    library = Library.open(site, paths=StorePaths.default(data))
    search_db = library.index_path.with_name("search.db")
    library.close()
    search_db.parent.mkdir(parents=True, exist_ok=True)
    search_db.write_bytes(b"not a database " * 500)
    async with running_app(site, data, config=Config()) as (app, _pilot):
        assert any("search index rebuilt" in text for text in notifications(app))
        assert app.library.search("post").total == 3 and app.library.search("post").complete
