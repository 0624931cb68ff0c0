"""Colour settings in the app (fast; tests/e2e/test_colours_terminal.py runs them in tmux).

NO_COLOR sends no colour at all, with cursors reversed; a 16-colour terminal gets only the
16 ANSI colours (nothing blended to RGB for Rich to round to a random neighbour), readable on
a dark and on a light terminal; the theme follows the colour system Rich detects.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.devtools.cells import TERMINALS, contrast, from_app, is_text, resolve
from reader.themes import theme_name
from tests.ui_helpers import async_test, make_site, running_app


@pytest.mark.parametrize(
    ("wanted", "colours", "theme"),
    [
        (None, "truecolor", "reader-dark"),
        ("light", "256", "reader-light"),
        ("dark", "standard", "reader-ansi-dark"),
        ("light", "standard", "reader-ansi-light"),
        (None, "windows", "reader-ansi-dark"),
        ("nord", "standard", "nord"),  # a theme named by the user is theirs to choose
    ],
)
def test_theme_follows_the_colour_system(wanted: str | None, colours: str, theme: str) -> None:
    assert theme_name(wanted, colours) == theme


@async_test
async def test_no_color_sends_no_colour_and_reverses_the_cursor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    site = make_site(tmp_path / "site")
    async with running_app(site, tmp_path / "data", size=(80, 24)) as (app, pilot):
        await pilot.press("enter")  # the article too
        cells = from_app(app)
        await pilot.press("escape")
        cells += from_app(app)
    coloured = {cell.pen for cell in cells if cell.pen.fg is not None or cell.pen.bg is not None}
    assert not coloured, coloured
    assert any(cell.pen.reverse and is_text(cell.char) for cell in cells)  # the list's cursor


@pytest.mark.parametrize("term", ["xterm-16color", "linux"])
@async_test
async def test_16_colours_only_ansi_readable_on_dark_and_light(
    term: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", term)
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    site = make_site(tmp_path / "site")
    async with running_app(site, tmp_path / "data", size=(80, 24)) as (app, pilot):
        cells = from_app(app)
        await pilot.press("enter")
        cells += from_app(app)
    colours = {c for cell in cells for c in (cell.pen.fg, cell.pen.bg) if c is not None}
    assert all(isinstance(c, int) and c < 16 for c in colours), colours
    for cell in filter(lambda cell: is_text(cell.char), cells):
        for terminal in TERMINALS:
            assert contrast(*resolve(cell.pen, terminal)) >= 2, (cell, terminal.name)
