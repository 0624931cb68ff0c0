"""A post renders again (a new width after a resize, a new theme) while the reader is on it: a
key pressed before the new rendering reaches the reader's place still moves the view, and the
place it moved to is the one saved (on SSH, the hang-up that follows saves it at once)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual.pilot import Pilot

from reader.app import ReaderApp
from reader.core.library import Folder
from reader.widgets.article_view import ArticleView
from tests.ui_helpers import PostSpec, async_test, main_screen, make_site, running_app, settle

BODY = "\n\n".join(f"Paragraph {n:03d} of the long post." for n in range(1, 121)) + "\n"
POSTS = (PostSpec("long.md", "Long post", "2024-02-01 10:00:00", ["Tech"], BODY),)
START = 20


@asynccontextmanager
async def _long_post_open(
    tmp_path: Path,
) -> AsyncIterator[tuple[ReaderApp, Pilot[int], ArticleView, str]]:
    """The app at 80x24 with the long post open: (app, pilot, reading pane, the post's path)."""
    site = make_site(tmp_path / "site", POSTS)
    async with running_app(site, tmp_path / "data", size=(80, 24)) as (app, pilot):
        path = app.library.posts(Folder("all")).rows(0, 1)[0].path
        view = main_screen(app).article
        await pilot.press("enter")
        await settle(app, pilot)
        yield app, pilot, view, path


def _other_theme(view: ArticleView) -> str:
    return next(name for name in view.app.available_themes if name != view.app.theme)


@async_test
async def test_half_a_page_down_during_a_rerender_stays_and_is_saved(tmp_path: Path) -> None:
    async with _long_post_open(tmp_path) as (app, pilot, view, path):
        view.scroll_to(y=START, animate=False, immediate=True)
        await settle(app, pilot)
        wanted = START + view.size.height // 2
        shown = view._doc  # a new theme leaves the lines where they are: it maps the place
        assert shown is not None and shown.complete

        app.theme = _other_theme(view)  # renders the post again, in a worker
        view.action_half_page(1)  # before any of the new rendering has arrived
        await pilot.pause()
        view.save_position()  # as the hang-up does, before the scroll-quiet save
        assert shown.line_for_source(app.library.position(path)) == wanted

        await settle(app, pilot)
        assert view.rendering_complete
        assert view.scroll_y == wanted  # not pulled back to the place before the key


@async_test
async def test_half_a_page_down_is_there_for_a_save_straight_after_the_key(tmp_path: Path) -> None:
    """No frame between C-d and the hang-up that follows it: the hang-up saves where C-d went."""
    async with _long_post_open(tmp_path) as (app, _pilot, view, path):
        view.action_half_page(1)
        view.save_position()
        doc = view._doc
        assert doc is not None
        assert doc.line_for_source(app.library.position(path)) == view.size.height // 2
