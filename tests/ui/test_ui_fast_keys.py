"""Keys faster than screens: a burst that opens a screen and goes on typing into it, and keys
typed after `q`, never crash the app (issue 12.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.screens.export_dialog import ExportDialog
from reader.screens.help import HelpScreen
from reader.screens.open_library import OpenLibraryScreen
from reader.screens.search import SearchScreen
from tests.conftest import sweep
from tests.ui_helpers import (
    async_test,
    main_screen,
    make_site,
    running_app,
    send_batch,
    settle,
)

# (keys that open a screen and go on at once, the screen that must be on top at the end, or
# None where only "no crash" is asserted: a key replayed to a screen is forwarded before the one
# replayed ahead of it has acted, so a second screen change in one burst may come late)
BURSTS: list[tuple[tuple[str, ...], type | None]] = [
    (("s", "down", "up", "pagedown", "pageup"), SearchScreen),
    (("s", "b", "e", "t", "a", "down", "enter"), None),
    (("s", "escape", "s", "down"), None),
    (("E", "escape", "E", "x"), None),
    (("question_mark", "j", "k", "down", "up"), HelpScreen),
    (("ctrl+o", "down", "up"), OpenLibraryScreen),
    (("E", "x"), ExportDialog),
    (("enter", "o", "down", "up"), None),  # `o` may reach the list: no crash
    (("enter", "l", "down", "up"), None),  # no links: a notice, no screen
    (("enter", "slash", "t", "e", "x"), None),
    (("enter", "B", "x", "escape"), None),
]


@pytest.mark.parametrize(
    ("keys", "screen"),
    sweep(BURSTS, fast=3, unpack=True, ids=lambda case: "-".join(case[0])),  # type: ignore[index]
)
@async_test
async def test_a_burst_of_keys_that_opens_a_screen_does_not_crash(
    keys: tuple[str, ...], screen: type | None, tmp_path: Path
) -> None:
    site = make_site(tmp_path / "site")
    async with running_app(site, tmp_path / "data", size=(100, 30)) as (app, pilot):
        send_batch(app, *keys)
        await settle(app, pilot)
        assert app.crashed is None
        assert app.is_running
        if screen is not None:
            assert isinstance(app.screen, screen)


@async_test
async def test_search_typed_in_a_burst_reaches_the_box(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    async with running_app(site, tmp_path / "data", size=(100, 30)) as (app, pilot):
        send_batch(app, "s", "b", "e", "t", "a")
        await settle(app, pilot)
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_text == "beta"


@pytest.mark.parametrize("opener", sweep(["s", "ctrl+p"]))
@async_test
async def test_q_right_after_opening_a_box_is_typed_there_not_quit(
    opener: str, tmp_path: Path
) -> None:
    site = make_site(tmp_path / "site")
    async with running_app(site, tmp_path / "data", size=(100, 30)) as (app, pilot):
        send_batch(app, opener, "q")
        await settle(app, pilot)
        assert not app.quitting
        assert app.crashed is None
        assert app.focused is not None and getattr(app.focused, "value", None) == "q"


@pytest.mark.parametrize(
    "after", sweep(["s", "E", "question_mark", "ctrl+o", "enter", "slash", "r", "M"], fast=2)
)
@async_test
async def test_keys_typed_after_q_do_not_crash(after: str, tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    async with running_app(site, tmp_path / "data", size=(100, 30)) as (app, pilot):
        send_batch(app, "q", after, "down", "escape")
        await settle(app, pilot)
    assert app.crashed is None
    assert app.return_code == 0


@async_test
async def test_a_library_chosen_just_before_q_is_not_opened_into_a_closing_app(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path / "site")
    other = make_site(tmp_path / "other")
    async with running_app(site, tmp_path / "data", size=(100, 30)) as (app, pilot):
        app.switch_library(str(other))  # what choosing in "Open library…" does
        app.exit()
        await settle(app, pilot)
    assert app.crashed is None


@async_test
async def test_a_query_and_enter_in_one_burst_open_the_post(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    async with running_app(site, tmp_path / "data", size=(100, 30)) as (app, pilot):
        await pilot.press("s")
        await settle(app, pilot)
        send_batch(app, "b", "e", "t", "a", "enter", "enter")  # a second Enter, impatient
        await settle(app, pilot)
        await pilot.pause(0.2)  # the retry timers of the Enters (50 ms) have fired
        await settle(app, pilot)
        assert app.crashed is None
        assert not isinstance(app.screen, SearchScreen)
        assert main_screen(app).article.path == "beta.md"


@async_test
async def test_keys_still_queued_when_the_app_closes_are_dropped(tmp_path: Path) -> None:
    """The screens close while a burst is still bubbling: its keys find no screen to bind on."""
    site = make_site(tmp_path / "site")
    async with running_app(site, tmp_path / "data", size=(100, 30)) as (app, _pilot):
        send_batch(app, "s", "b", "e", "t", "a")
    assert app.return_code in (0, None)
