"""Work a key does not need is not done: no look-up for the post already under the cursor,
no rebuild of the folder tree's lines for a restyle, the pane's style worked out once a paint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reader.core.library import Folder, PostList
from reader.core.library.rows import Rows
from reader.widgets.article_paint import BaseStylePerPaint
from tests.ui.test_ui_frames import POSTS
from tests.ui_helpers import async_test, make_site, running_main, settle


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site", POSTS)


@async_test
async def test_opening_the_post_under_the_cursor_looks_nothing_up(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_main(site, tmp_path / "data", size=(80, 24)) as (app, pilot, screen):
        await pilot.press("j", "j")
        await settle(app, pilot)
        looked_up: list[str] = []
        real = PostList.index_of

        def counted(self: PostList, path: str) -> Any:
            looked_up.append(path)
            return real(self, path)

        monkeypatch.setattr(PostList, "index_of", counted)
        for subclass in PostList.__subclasses__():
            monkeypatch.setattr(subclass, "index_of", counted, raising=False)
        path = screen.posts.current.path if screen.posts.current else None
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.article.path == path and looked_up == []
        other = next(row.path for row in screen.posts.posts.rows(0, 5) if row.path != path)
        assert screen.posts.select_path(other)  # elsewhere: looked up
        assert looked_up == [other]


@async_test
async def test_a_restyle_of_the_folder_tree_keeps_its_lines(site: Path, tmp_path: Path) -> None:
    async with running_main(site, tmp_path / "data", size=(80, 24)) as (app, pilot, screen):
        await settle(app, pilot)
        built = screen.folders._tree_lines
        for _ in range(2):
            await pilot.press("tab")  # a focus change restyles the tree
            await settle(app, pilot)
        assert screen.folders._tree_lines is built
        app.theme = "textual-light"  # a new theme relabels: built again
        await settle(app, pilot)
        assert screen.folders._tree_lines is not built


@async_test
async def test_the_reading_pane_works_out_its_style_once_a_paint(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_main(site, tmp_path / "data", size=(80, 24)) as (app, pilot, screen):
        await pilot.press("enter")
        await settle(app, pilot)
        article = screen.article
        asked: list[int] = []
        real = type(article).rich_style

        def counted(self: BaseStylePerPaint) -> Any:
            asked.append(1)
            return real.fget(self)  # type: ignore[attr-defined]

        monkeypatch.setattr(type(article), "rich_style", property(counted))
        article._painted.clear()
        article._styles_cache.clear()
        lines = article.render_lines(article.region.reset_offset)
        assert len(lines) == article.size.height > 10 and len(asked) == 1


@async_test
async def test_a_post_read_on_opening_shows_read_in_the_list_without_reading_rows(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_main(site, tmp_path / "data", size=(80, 24)) as (app, pilot, screen):
        await pilot.press("j")
        await settle(app, pilot)
        row = screen.posts.current
        assert row is not None and not row.read
        reads: list[object] = []
        for name in ("for_ids", "for_paths"):
            real = getattr(Rows, name)
            monkeypatch.setattr(
                Rows, name, lambda self, keys, _real=real: reads.append(keys) or _real(self, keys)
            )
        await pilot.press("enter", "q")
        await settle(app, pilot)
        shown = screen.posts.current
        assert shown is not None and shown.path == row.path and shown.read and not shown.updated
        assert [keys for keys in reads if len(keys) > 1] == []  # the list's rows not read again
        assert screen.library.posts(Folder("all")).rows(1, 1)[0].read  # and it is
