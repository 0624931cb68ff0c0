"""The fixes to the pinned Textual hold (see reader.textual_fixes)."""

from __future__ import annotations

import asyncio
import gc
import weakref

from textual._styles_cache import StylesCache
from textual.app import App, ComposeResult
from textual.widgets import Static

import reader.app  # noqa: F401  (applies reader.textual_fixes)
from tests.ui_helpers import async_test


class _Painted(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("painted on a background", id="painted")


async def _paint_and_close() -> weakref.ref[StylesCache]:
    """Run an app whose widget paints, close it; the widget's cache of painted lines."""
    app = _Painted()
    async with app.run_test(size=(40, 5)) as pilot:
        widget = app.query_one("#painted", Static)
        widget.styles.background = "red"
        await pilot.pause()
        assert widget._styles_cache._cache  # it painted: its lines are cached
        return weakref.ref(widget._styles_cache)


@async_test
async def test_the_lines_a_closed_app_painted_are_freed() -> None:
    lines = await _paint_and_close()
    for _ in range(3):
        await asyncio.sleep(0)  # the callbacks the app's close scheduled run (they hold it)
    gc.collect()
    assert lines() is None
