"""Every text cell is readable in a real terminal, whatever the colour settings (issue 12.2).

The app runs in tmux for each of {NO_COLOR set, unset} x {truecolor, 256 colours, 16 colours,
the Linux console} x {theme dark, light}; `capture-pane -e` gives each cell's colours as the
terminal holds them. The app never asks the terminal for its colours, so one run is judged
against both a dark and a light terminal default pair (cells in the default colours take them).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from reader.devtools.cells import TERMINALS, Cell, Pen, contrast, from_sgr, is_text, resolve
from reader.devtools.tmuxapp import TmuxApp
from reader.launch import sample_library

pytestmark = [
    pytest.mark.slow,
    pytest.mark.terminal,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux drives the terminal tests"),
]

COLOUR_TERMINALS = {
    "truecolor": {"TERM": "xterm-256color", "COLORTERM": "truecolor"},
    "256": {"TERM": "xterm-256color", "COLORTERM": ""},
    "16": {"TERM": "xterm-16color", "COLORTERM": ""},
    "linux": {"TERM": "linux", "COLORTERM": ""},
}
VISIBLE = 2.0
"""Contrast below this (xterm's palette) is black on black, white on white and the like."""
AA = 4.5
"""With 256 colours or more the themes' own colours are drawn: WCAG AA, as in truecolor."""


def _screens(tmp: Path, env: dict[str, str], theme: str) -> list[str]:
    """The library pane, the first post and the help over it, as `capture-pane -e` shows
    them at 80x24."""
    config = tmp / "config"
    (config / "reader").mkdir(parents=True)
    (config / "reader" / "config.toml").write_text(f'theme = "{theme}"\n', encoding="utf-8")
    command = [sys.executable, "-m", "reader", "--data-dir", str(tmp / "data")]
    env = {**env, "XDG_CONFIG_HOME": str(config), "LANG": "C.UTF-8"}
    with TmuxApp([*command, str(sample_library())], size=(80, 24), env=env) as app:
        app.wait_for("Quit", 30)
        app.settle(0.3)
        screens = [app.tmux("capture-pane", "-e", "-p", "-t", "main")]
        app.keys("Enter")
        app.wait_for("Outline", 30)
        app.settle(0.3)
        screens.append(app.tmux("capture-pane", "-e", "-p", "-t", "main"))
        app.keys("?")
        app.wait_for("All keys", 30)
        app.settle(0.3)
        screens.append(app.tmux("capture-pane", "-e", "-p", "-t", "main"))
        # no quitting: Esc then q could read as Alt-q; closing tmux hangs the app up
    return screens


def _unreadable(cells: list[Cell], floor: float) -> list[str]:
    """One line for each pen that is unreadable on a terminal: where, the text, the colours."""
    found: dict[tuple[Pen, str], list[Cell]] = {}
    for cell in cells:
        if not is_text(cell.char):
            continue
        for terminal in TERMINALS:
            fg, bg = resolve(cell.pen, terminal)
            if contrast(fg, bg) < floor:
                found.setdefault((cell.pen, terminal.name), []).append(cell)
    return [
        f"{terminal}: {''.join(c.char for c in group[:12])!r} at {group[0].x},{group[0].y}: {pen}"
        for (pen, terminal), group in found.items()
    ]


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("colours", list(COLOUR_TERMINALS))
@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
def test_every_text_cell_is_readable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_color: bool, colours: str, theme: str
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)  # tmux passes its own environment on
    env = dict(COLOUR_TERMINALS[colours])
    if no_color:
        env["NO_COLOR"] = "1"
    for screen in _screens(tmp_path, env, theme):
        cells = from_sgr(screen)
        assert sum(is_text(cell.char) for cell in cells) > 100, screen
        full_colour = colours in ("truecolor", "256") and not no_color
        problems = _unreadable(cells, AA if full_colour else VISIBLE)
        assert not problems, "\n".join(problems)
        if no_color:  # no-color.org: no colour at all, the terminal's own pair
            coloured = {
                cell.pen for cell in cells if cell.pen.fg is not None or cell.pen.bg is not None
            }
            assert not coloured, sorted(map(str, coloured))[:5]
