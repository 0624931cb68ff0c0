"""Progress that tells the truth (issue 12.7): the first screen of a library being read, the
sync bar before and after the walk has counted the files, the indexing notices at 80 columns."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.cells import cell_len
from textual.widgets import Label, ProgressBar, Static

from reader.core.search import IndexProgress
from reader.core.sync import SyncProgress
from reader.screens.library_messages import SyncUpdate
from reader.screens.search import SearchScreen
from reader.widgets.sync_status import SyncStatus
from tests.ui_helpers import (
    async_test,
    main_screen,
    make_site,
    running_app,
    running_main,
    screen_lines,
    settle,
)


def progress(seen: int, parsed: int, total: int | None) -> SyncProgress:
    return SyncProgress(
        seen=seen, parsed=parsed, unchanged=0, removed=0, errors=0,
        estimated_total=seen, done=False, total=total,
    )  # fmt: skip


@async_test
async def test_the_sync_bar_is_indeterminate_until_the_files_are_counted(tmp_path: Path) -> None:
    async with running_app(make_site(tmp_path / "site"), tmp_path / "data", size=(80, 24)) as (
        app,
        pilot,
    ):
        status = main_screen(app).query_one(SyncStatus)
        bar = status.query_one(ProgressBar)
        label = status.query_one("#sync-label", Label)
        status.update_progress(progress(1200, 0, None))
        await pilot.pause()
        assert bar.total is None  # indeterminate: nobody knows the total yet
        assert "1,200" in str(label.content)
        status.update_progress(progress(6500, 500, 6500))
        await pilot.pause()
        assert (bar.total, bar.progress) == (6500, 500)
        assert "500/6,500" in str(label.content)


@async_test
async def test_the_sync_label_fits_each_report_whether_or_not_its_width_changed(
    tmp_path: Path,
) -> None:
    async with running_app(make_site(tmp_path / "site"), tmp_path / "data", size=(80, 24)) as (
        app,
        pilot,
    ):
        status = main_screen(app).query_one(SyncStatus)
        label = status.query_one("#sync-label", Label)
        bar = status.query_one(ProgressBar)
        # Same width (no layout), then wider, then the same width again, then narrower.
        for handled, total in ((500, 6500), (1000, 6500), (10_000, 65_000), (20_000, 65_000)):
            status.update_progress(progress(handled, handled, total))
            await pilot.pause()
            text = f"Syncing {handled:,}/{total:,}"
            assert str(label.content) == text
            assert label.region.width == cell_len(text) + 2  # its padding
            assert bar.region.x == label.region.right  # the bar right after it
        status.update_progress(replace(progress(9, 9, 9), done=True))
        await pilot.pause()
        assert label.region.width == cell_len(str(label.content)) + 2


@async_test
async def test_an_empty_list_during_a_sync_says_the_library_is_being_read(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", posts=())
    async with running_main(site, tmp_path / "data", size=(80, 24)) as (app, pilot, screen):
        screen.post_message(SyncUpdate(progress(1200, 0, None)))
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "No posts here" not in text
        assert "Reading the library" in text and "1,200" in text
        screen.post_message(SyncUpdate(progress(6500, 1500, 6500)))
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "Reading the library" in text and "1,500" in text


@async_test
async def test_the_search_indexing_notices_fit_at_80_columns(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    async with running_app(site, tmp_path / "data", size=(80, 24)) as (app, pilot):
        main_screen(app).action_search()
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*"post")
        await settle(app, pilot)
        assert screen.results is not None
        screen.results = replace(screen.results, total=12_345, complete=False)
        screen.hits = screen.hits * 50
        screen.indexing = IndexProgress(done=45_000, total=100_000, removed=0, finished=False)
        screen._show_status()
        await pilot.pause()
        status = screen.query_one("#search-status", Static)
        text = str(status.content)
        assert "12,345" in text and "45,000" in text
        assert cell_len(text) <= status.content_region.width
