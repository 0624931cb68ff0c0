"""At 80 columns the reading pane of a new session opens hidden behind the list and is laid out
only after its first screen of lines arrived: a saved position on those lines must still be
where it opens (it opened at the end of that first screen, and then saved that)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.library import Folder
from tests.conftest import sweep
from tests.ui_helpers import PostSpec, async_test, main_screen, make_site, running_app, settle

BODY = "\n\n".join(f"Paragraph {n:03d} of the long post." for n in range(1, 121)) + "\n"
POSTS = (PostSpec("long.md", "Long post", "2024-02-01 10:00:00", ["Tech"], BODY),)


@pytest.mark.parametrize("position", sweep([30, 40]))
@async_test
async def test_a_new_session_opens_a_post_at_its_saved_position(
    tmp_path: Path, position: int
) -> None:
    site = make_site(tmp_path / "site", POSTS)
    async with running_app(site, tmp_path / "data", size=(80, 24)) as (app, pilot):
        path = app.library.posts(Folder("all")).rows(0, 1)[0].path
        assert app.library.save_position(path, position)
        view = main_screen(app).article
        await pilot.press("enter")
        await settle(app, pilot)
        doc = view._doc
        assert doc is not None and doc.complete
        opened_at = doc.line_for_source(position)
        assert opened_at is not None and opened_at > view.size.height  # past the first screen
        assert view.scroll_y == opened_at
        await pilot.press("escape")  # closing saves the position it opened at
        await settle(app, pilot)
        assert doc.line_for_source(app.library.position(path)) == opened_at


@async_test
async def test_a_post_closed_where_it_opened_asks_the_store_nothing(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", POSTS)
    async with running_app(site, tmp_path / "data", size=(80, 24)) as (app, pilot):
        path = app.library.posts(Folder("all")).rows(0, 1)[0].path
        await pilot.press("enter")
        await settle(app, pilot)
        statements: list[str] = []
        state = app.library._state.conn
        state.set_trace_callback(statements.append)
        try:
            await pilot.press("q")  # the UI thread answers q: no query for what it knows
            await settle(app, pilot)
            assert not [sql for sql in statements if "positions" in sql]
            await pilot.press("enter")
            await settle(app, pilot)
            await pilot.press("pagedown", "pagedown")
            await pilot.press("q")  # moved: saved
            await settle(app, pilot)
        finally:
            state.set_trace_callback(None)
        assert [sql for sql in statements if "INSERT INTO positions" in sql]
        assert app.library.position(path) > 0
