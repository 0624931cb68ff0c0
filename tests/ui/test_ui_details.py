"""Issue 12.12, UI parts: one category separator, a reading pane that is not blank on a wide
screen, the Ctrl-o list at 80 columns, every bookmark note of a post in the list."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from reader.core.library import Folder
from reader.screens.cursor_rest import PREVIEW_DELAY
from reader.screens.open_library import OpenLibraryScreen
from reader.screens.search import SearchScreen
from reader.widgets.folder_tree import ALL
from tests.ui_helpers import (
    async_test,
    main_screen,
    make_site,
    open_library,
    running_app,
    running_main,
    screen_lines,
    settle,
    site_and_data,
)


@async_test
async def test_search_results_separate_categories_as_everywhere_else(tmp_path: Path) -> None:
    async with running_app(*site_and_data(tmp_path), size=(80, 24)) as (
        app,
        pilot,
    ):
        main_screen(app).action_search()
        await settle(app, pilot)
        await pilot.press(*"alpha")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen) and screen.hits
        prompt = str(screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert "Tech › Python" in prompt and "Tech / Python" not in prompt


async def wait_preview(app: object, pilot: object) -> None:
    """Past the preview's pause, then the article's loading worker."""
    await pilot.pause(PREVIEW_DELAY * 2)  # type: ignore[attr-defined]
    await settle(app, pilot)  # type: ignore[arg-type]


@async_test
async def test_a_wide_screen_previews_the_post_under_the_cursor_unread(tmp_path: Path) -> None:
    async with running_main(*site_and_data(tmp_path), size=(120, 30)) as (app, pilot, screen):
        await wait_preview(app, pilot)
        first = screen.posts.current
        assert first is not None and screen.article.path == first.path
        await pilot.press("down")
        await wait_preview(app, pilot)
        second = screen.posts.current
        assert second is not None and second.path != first.path
        assert screen.article.path == second.path
        assert screen.posts.has_focus and not screen.reading
        everything = app.library.posts(ALL)
        assert not any(row.read for row in everything.rows(0, len(everything)))
        assert app.library.position(first.path) == 0
        await pilot.press("enter")  # opening it for real marks it read
        await settle(app, pilot)
        assert screen.reading and app.library.posts(ALL).rows(1, 1)[0].read


@async_test
async def test_a_narrow_screen_previews_only_once_widened(tmp_path: Path) -> None:
    async with running_main(*site_and_data(tmp_path), size=(80, 24)) as (app, pilot, screen):
        await wait_preview(app, pilot)
        assert screen.article.path is None
        await pilot.resize_terminal(120, 30)  # the reading pane appears: it shows the post
        await wait_preview(app, pilot)
        current = screen.posts.current
        assert current is not None and screen.article.path == current.path


@async_test
async def test_focusing_a_preview_opens_it(tmp_path: Path) -> None:
    async with running_main(*site_and_data(tmp_path), size=(120, 30)) as (app, pilot, screen):
        await wait_preview(app, pilot)
        shown = screen.article.path
        assert shown is not None
        screen.article.focus()
        await settle(app, pilot)
        row = next(r for r in app.library.posts(ALL).rows(0, 10) if r.path == shown)
        assert row.read


@async_test
async def test_the_open_library_list_keeps_one_line_per_library_at_80_columns(
    tmp_path: Path,
) -> None:
    deep = tmp_path / "a-rather-long-folder-name-for-the-archives" / "of-a-blog-kept-for-years"
    others = [make_site(deep / f"blog-{n}") for n in range(3)]
    for site in others:
        open_library(site, tmp_path / "data").close()  # now known
    async with running_app(*site_and_data(tmp_path), size=(80, 24)) as (
        app,
        pilot,
    ):
        await pilot.press("ctrl+o")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OpenLibraryScreen)
        known = screen.query_one("#known", OptionList)
        assert known.option_count == 4
        assert known.size.height == known.option_count  # no library wraps onto a second line
        text = "\n".join(screen_lines(app))
        for n in range(3):
            assert f"blog-{n}" in text  # the distinctive end of each path stays visible


@async_test
async def test_every_bookmark_note_of_a_post_shows_in_the_list(tmp_path: Path) -> None:
    async with running_app(*site_and_data(tmp_path), size=(80, 24)) as (
        app,
        pilot,
    ):
        library = app.library
        library.add_bookmark("alpha.md", heading="First", anchor="first", note="one")
        library.add_bookmark("alpha.md", note="whole")
        library.add_bookmark("alpha.md", heading="Second", anchor="second", note="two")
        screen = main_screen(app)
        screen.refresh_marks()
        screen.reload_posts()
        await settle(app, pilot)
        for folder in (ALL, Folder("bookmarked")):
            row = next(r for r in library.posts(folder).rows(0, 10) if r.path == "alpha.md")
            assert row.note is not None
            assert [row.note.find(n) >= 0 for n in ("whole", "one", "two")] == [True] * 3
            assert row.note.index("whole") < row.note.index("one") < row.note.index("two")
        line = next(t for t in screen_lines(app) if "Alpha post" in t)
        assert "whole" in line and "one" in line and "two" in line
