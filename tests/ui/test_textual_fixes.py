"""The fixes to the pinned Textual hold (see reader.textual_fixes)."""

from __future__ import annotations

import asyncio
import gc
import weakref

from rich.segment import Segment
from textual._styles_cache import StylesCache
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widgets import Static

import reader.app  # noqa: F401  (applies reader.textual_fixes)
from reader import textual_fixes
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


class _Scrolled(App[None]):
    CSS = "#box:focus { background-tint: white 20%; }"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="box"):
            yield Static("\n".join(f"line {n}" for n in range(100)))
        yield Static("below", id="below")


def _segments(lines: list[Strip]) -> list[list[Segment]]:
    return [list(line) for line in lines]


@async_test
async def test_a_scrollbar_kept_lines_are_those_textual_draws() -> None:
    """The lines drawn (straight, or kept) are Textual's own, and drawn again whenever anything
    they show changed: the position, the size, the focus tint behind the bar, the theme, the
    colour filter of a 16-colour terminal."""
    app = _Scrolled()
    async with app.run_test(size=(30, 10)) as pilot:
        box = app.query_one("#box", VerticalScroll)
        bar = box.vertical_scrollbar
        drawn: list[Region] = []
        real = textual_fixes._draw_scrollbar

        def counted(widget: ScrollBar, renderable: object, crop: Region) -> list[Strip]:
            drawn.append(crop)
            return real(widget, renderable, crop)

        textual_fixes._draw_scrollbar = counted
        try:
            looks = []
            changes = ("start", "end", "focus", "home", "theme", "height", "middle", "ansi")
            for change in changes:
                if change in ("end", "home", "middle"):
                    y = {"end": box.max_scroll_y, "home": 0, "middle": 37}[change]
                    box.scroll_to(y=y, animate=False)
                elif change == "focus":
                    box.focus()
                elif change == "theme":
                    app.theme = "textual-light"
                elif change == "height":
                    box.styles.height = 6
                elif change == "ansi":
                    app.ansi_color = True
                await pilot.pause()
                crop = Region(0, 0, bar.size.width, bar.size.height)
                kept = _segments(bar.render_lines(crop))
                by_textual = _segments(textual_fixes._textual_scrollbar_lines(bar, crop))
                assert kept == by_textual, change
                looks.append(kept)
            assert looks[0] != looks[1] and looks[3] != looks[4]  # moved; another theme
            before = len(drawn)
            bar.render_lines(Region(0, 0, bar.size.width, bar.size.height))
            assert len(drawn) == before  # the same bar again: from the lines kept
        finally:
            textual_fixes._draw_scrollbar = real
