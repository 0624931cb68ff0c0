"""The cell reader the colour tests rest on: SGR parsing, colour resolution, WCAG contrast."""

from __future__ import annotations

import pytest

from reader.devtools.cells import DARK, LIGHT, Pen, contrast, from_sgr, is_text, palette, resolve


def test_wcag_contrast_of_known_pairs() -> None:
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    assert contrast((255, 255, 255), (0, 0, 0)) == pytest.approx(21)
    assert contrast((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert contrast((18, 52, 86), (18, 52, 86)) == 1


def test_palette_entries() -> None:
    assert palette(1) == (205, 0, 0)
    assert palette(16) == (0, 0, 0) and palette(231) == (255, 255, 255)
    assert palette(196) == (255, 0, 0)
    assert palette(232) == (8, 8, 8) and palette(255) == (238, 238, 238)


def test_sgr_colours_attributes_and_resets_carry_across_lines() -> None:
    screen = (
        "\x1b[30m\x1b[40mab\x1b[1;7mc\nd\x1b[0me\x1b[38;5;196;48;2;1;2;3mf\x1b[39;49mg\x1b[97mh"
    )
    cells = {cell.char: cell for cell in from_sgr(screen)}
    assert cells["a"].pen == Pen(fg=0, bg=0)
    assert cells["c"].pen == Pen(fg=0, bg=0, bold=True, reverse=True)
    assert (cells["d"].x, cells["d"].y) == (0, 1) and cells["d"].pen == cells["c"].pen
    assert cells["e"].pen == Pen()
    assert cells["f"].pen == Pen(fg=196, bg=(1, 2, 3))
    assert cells["g"].pen == Pen()
    assert cells["h"].pen == Pen(fg=15)


def test_wide_characters_take_two_columns() -> None:
    cells = from_sgr("中a")
    assert [(cell.char, cell.x) for cell in cells] == [("中", 0), ("a", 2)]


def test_default_colours_are_the_terminals_and_reverse_swaps() -> None:
    assert resolve(Pen(), DARK) == (DARK.foreground, DARK.background)
    assert resolve(Pen(), LIGHT) == ((0, 0, 0), (255, 255, 255))
    assert resolve(Pen(fg=0), DARK) == ((0, 0, 0), (0, 0, 0))  # black on a dark terminal
    assert resolve(Pen(reverse=True), LIGHT) == ((255, 255, 255), (0, 0, 0))
    fg, bg = resolve(Pen(dim=True), LIGHT)
    assert bg == (255, 255, 255) and 1 < contrast(fg, bg) < 21


def test_drawing_characters_are_not_text() -> None:
    assert is_text("a") and is_text("中") and is_text("●")
    assert not is_text(" ") and not is_text("│") and not is_text("▁") and not is_text("🔎")
