"""The colours of every character cell on screen, resolved the way a terminal draws them.

Two sources: what a real terminal holds (`tmux capture-pane -e`, parsed by `from_sgr`) and
what Textual sends to it (the compositor's segments, read by `from_app`). A cell's colour may
be the terminal's default, one of its 256 palette entries or an RGB triple; `resolve` turns it
into RGB for a terminal with a dark or a light default pair, and `contrast` is WCAG's ratio.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rich.color import ColorType
from rich.segment import Segment
from rich.style import Style

if TYPE_CHECKING:
    from textual.app import App

RGB = tuple[int, int, int]
Colour = None | int | RGB
"""None: the terminal's default; int: a palette index (0-255); or an RGB triple."""

XTERM_16: tuple[RGB, ...] = (
    (0, 0, 0),
    (205, 0, 0),
    (0, 205, 0),
    (205, 205, 0),
    (0, 0, 238),
    (205, 0, 205),
    (0, 205, 205),
    (229, 229, 229),
    (127, 127, 127),
    (255, 0, 0),
    (0, 255, 0),
    (255, 255, 0),
    (92, 92, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 255),
)
"""xterm's first 16 colours: what ANSI colour codes look like on a typical terminal."""

DIM_FACTOR = 0.5
"""How far a terminal moves dim text towards its background (they vary; half is typical)."""


@dataclass(frozen=True)
class Terminal:
    """A terminal's default foreground and background."""

    name: str
    foreground: RGB
    background: RGB


DARK = Terminal("dark terminal", (229, 229, 229), (0, 0, 0))
LIGHT = Terminal("light terminal", (0, 0, 0), (255, 255, 255))
TERMINALS = (DARK, LIGHT)


@dataclass(frozen=True)
class Pen:
    fg: Colour = None
    bg: Colour = None
    bold: bool = False
    dim: bool = False
    reverse: bool = False
    hidden: bool = False


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    char: str
    pen: Pen


def palette(index: int) -> RGB:
    """RGB of a 256-colour palette entry (xterm's values)."""
    if index < 16:
        return XTERM_16[index]
    if index < 232:
        steps = (0, 95, 135, 175, 215, 255)
        index -= 16
        return steps[index // 36], steps[index // 6 % 6], steps[index % 6]
    grey = 8 + (index - 232) * 10
    return grey, grey, grey


def _rgb(colour: Colour, default: RGB) -> RGB:
    if colour is None:
        return default
    if isinstance(colour, int):
        return palette(colour)
    return colour


def resolve(pen: Pen, terminal: Terminal) -> tuple[RGB, RGB]:
    """The (text, background) colours `terminal` draws a cell with `pen` in."""
    fg = _rgb(pen.fg, terminal.foreground)
    bg = _rgb(pen.bg, terminal.background)
    if pen.reverse:
        fg, bg = bg, fg
    if pen.dim:
        fg = _blend(bg, fg, DIM_FACTOR)
    if pen.hidden:
        fg = bg
    return fg, bg


def _blend(base: RGB, over: RGB, factor: float) -> RGB:
    r, g, b = (round(a + (c - a) * factor) for a, c in zip(base, over, strict=True))
    return r, g, b


def luminance(rgb: RGB) -> float:
    """WCAG relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio, 1 (same) to 21 (black on white)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def is_text(char: str) -> bool:
    """A cell that carries text. Box-drawing and block characters (borders, scrollbars,
    separators) are drawing, not text; emoji are drawn in their own colours."""
    return bool(char.strip()) and not ("\u2500" <= char <= "\u259f" or char >= "\U0001f000")


# -- tmux capture-pane -e ---------------------------------------------------------------------

_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
_ESCAPE = re.compile(r"\x1b(?:\[[0-9;:?]*[A-Za-z]|\][^\x07\x1b]*(?:\x07|\x1b\\)|.)")


def _sgr(pen: Pen, params: str) -> Pen:
    codes = [int(part.split(":")[0] or 0) for part in params.split(";")] if params else [0]
    i = 0
    while i < len(codes):
        code = codes[i]
        if code == 0:
            pen = Pen()
        elif code in (38, 48) and i + 1 < len(codes):
            colour: Colour
            if codes[i + 1] == 5 and i + 2 < len(codes):
                colour, i = codes[i + 2], i + 2
            elif codes[i + 1] == 2 and i + 4 < len(codes):
                colour, i = (codes[i + 2], codes[i + 3], codes[i + 4]), i + 4
            else:
                colour = None
            pen = replace(pen, fg=colour) if code == 38 else replace(pen, bg=colour)
        else:
            pen = _simple_sgr(pen, code)
        i += 1
    return pen


def _simple_sgr(pen: Pen, code: int) -> Pen:
    changes: dict[str, object] = {}
    if code == 1:
        changes["bold"] = True
    elif code == 2:
        changes["dim"] = True
    elif code == 22:
        changes.update(bold=False, dim=False)
    elif code == 7:
        changes["reverse"] = True
    elif code == 27:
        changes["reverse"] = False
    elif code == 8:
        changes["hidden"] = True
    elif code == 28:
        changes["hidden"] = False
    elif 30 <= code <= 37 or 90 <= code <= 97:
        changes["fg"] = code - 30 if code < 90 else code - 90 + 8
    elif code == 39:
        changes["fg"] = None
    elif 40 <= code <= 47 or 100 <= code <= 107:
        changes["bg"] = code - 40 if code < 100 else code - 100 + 8
    elif code == 49:
        changes["bg"] = None
    return replace(pen, **changes) if changes else pen  # type: ignore[arg-type]


def from_sgr(text: str) -> list[Cell]:
    """The cells of `tmux capture-pane -e -p` output (attributes carry across lines, as tmux
    writes them)."""
    from rich.cells import cell_len

    cells: list[Cell] = []
    pen = Pen()
    for y, line in enumerate(text.split("\n")):
        x = 0
        position = 0
        for match in _ESCAPE.finditer(line):
            for char in line[position : match.start()]:
                cells.append(Cell(x, y, char, pen))
                x += cell_len(char)
            sgr = _SGR.fullmatch(match.group())
            if sgr:
                pen = _sgr(pen, sgr.group(1))
            position = match.end()
        for char in line[position:]:
            cells.append(Cell(x, y, char, pen))
            x += cell_len(char)
    return cells


# -- Textual's output -------------------------------------------------------------------------


def _colour(style_colour: object) -> Colour:
    from rich.color import Color

    assert style_colour is None or isinstance(style_colour, Color)
    if style_colour is None or style_colour.type == ColorType.DEFAULT:
        return None
    if style_colour.triplet is not None:
        return style_colour.triplet.red, style_colour.triplet.green, style_colour.triplet.blue
    assert style_colour.number is not None
    return style_colour.number


def pen_of(style: Style | None) -> Pen:
    if style is None:
        return Pen()
    return Pen(
        fg=_colour(style.color),
        bg=_colour(style.bgcolor),
        bold=bool(style.bold),
        dim=bool(style.dim),
        reverse=bool(style.reverse),
        hidden=bool(style.conceal),
    )


def from_segments(lines: Iterable[Iterable[Segment]]) -> Iterator[Cell]:
    from rich.cells import cell_len

    for y, line in enumerate(lines):
        x = 0
        for segment in line:
            if segment.control:
                continue
            pen = pen_of(segment.style)
            for char in segment.text:
                yield Cell(x, y, char, pen)
                x += cell_len(char)


def from_app(app: App[object]) -> list[Cell]:
    """Every cell of the app's screen as Textual sends it to the terminal (line filters such
    as NO_COLOR's included), dialogs over their background screens included."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    lines = getattr(update, "strips", [])
    return list(from_segments([segment for strip in line for segment in strip] for line in lines))
