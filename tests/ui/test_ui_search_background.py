"""The search index is brought up to date in the background after a sync, with progress, unless
the config says to wait for a search."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.config import Config, ConfigError, parse_config
from reader.core.search import SearchIndex
from reader.widgets.sync_status import SyncStatus
from tests.ui_helpers import PostSpec, async_test, make_site, running_app, settle

POSTS = (
    PostSpec("cat.md", "猫の話", "2024-01-01 10:00:00", ["Life"], body="猫が好きです。\n"),
    PostSpec("sql.md", "SQLite notes", "2024-01-02 10:00:00", ["Tech"], body="WAL mode.\n"),
)


def _indexed(app: object) -> tuple[bool, int]:
    library = app.library  # type: ignore[attr-defined]
    index = SearchIndex(Path(library.index_path).with_name("search.db"))
    try:
        return index.complete, len(index)
    finally:
        index.close()


@async_test
async def test_sync_is_followed_by_search_indexing(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", POSTS)
    async with running_app(site, tmp_path / "data", config=Config()) as (app, pilot):
        await settle(app, pilot)
        assert _indexed(app) == (True, 2)
        label = app.screen.query_one("#sync-label")
        assert "Search index up to date" in str(label.render())
        assert isinstance(app.screen.query_one(SyncStatus), SyncStatus)
        hits = app.library.search("猫").hits
        assert [hit.path for hit in hits] == ["cat.md"]


@async_test
async def test_on_search_setting_leaves_the_index_alone(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", POSTS)
    config = Config(search_index="on_search")
    async with running_app(site, tmp_path / "data", config=config) as (app, pilot):
        await settle(app, pilot)
        assert _indexed(app) == (False, 0)


def test_search_index_setting_is_checked() -> None:
    assert parse_config(b'search_index = "on_search"\n').search_index == "on_search"
    assert parse_config(b"").search_index == "background"
    with pytest.raises(ConfigError) as caught:
        parse_config(b'\nsearch_index = "never"\n')
    assert caught.value.line == 2 and "search_index" in str(caught.value)
