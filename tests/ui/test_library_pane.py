"""The library pane keeps its own (blank) lines while hidden: showing it again, as closing a post
at 80 columns does, paints none of them; a new theme or size paints them anew."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widget import Widget

from reader.themes import THEMES
from reader.widgets.library_pane import LibraryPane
from tests.ui_helpers import async_test, make_site, running_app, settle


@async_test
async def test_closing_a_post_paints_none_of_the_panes_own_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    painted: list[Widget] = []
    render_lines = Widget.render_lines

    def counted(widget: Widget, crop):  # type: ignore[no-untyped-def]
        if isinstance(widget, LibraryPane):
            painted.append(widget)
        return render_lines(widget, crop)

    monkeypatch.setattr(Widget, "render_lines", counted)
    async with running_app(make_site(tmp_path / "site"), tmp_path / "data", size=(80, 24)) as (
        app,
        pilot,
    ):
        pane = app.screen.query_one(LibraryPane)
        await pilot.press("enter")
        await settle(app, pilot)
        assert not pane.display  # 80 columns: the reading pane alone
        painted.clear()
        await pilot.press("q")
        await settle(app, pilot)
        assert pane.display
        assert painted == []

        before = pane.render_lines(pane.region.reset_offset)
        app.theme = next(t.name for t in THEMES if t.name != app.theme)
        await settle(app, pilot)
        after = pane.render_lines(pane.region.reset_offset)
        assert painted  # painted again for the new colours
        assert [s.text for s in after] == [s.text for s in before]
        assert [list(s) for s in after] != [list(s) for s in before]
