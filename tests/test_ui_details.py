"""Issue 12.12, UI parts: one category separator, a reading pane that is not blank on a wide
screen, the Ctrl-o list at 80 columns, every bookmark note of a post in the list."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from reader.screens.search import SearchScreen
from tests.ui_helpers import async_test, main_screen, make_site, running_app, settle


@async_test
async def test_search_results_separate_categories_as_everywhere_else(tmp_path: Path) -> None:
    async with running_app(make_site(tmp_path / "site"), tmp_path / "data", size=(80, 24)) as (
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
