"""Odd terminals, run for real: the app in a tmux pane, its raw output and its exit checked.

TERM=dumb and no terminal at all give one clear line; LANG=C and an ASCII-only locale start;
16 colours and NO_COLOR (no colour at all) are honoured; 20x5 and back; a crash prints one
line naming a log file, exits 1 and leaves the tty as it found it; SIGHUP (the SSH link drops)
saves the position.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.devtools.tmuxapp import TmuxApp
from reader.launch import sample_library

pytestmark = [
    pytest.mark.slow,
    pytest.mark.terminal,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux drives the terminal tests"),
]

READY = r"Quit"


def _app(data: Path, env: dict[str, str] | None = None, **kwargs: object) -> TmuxApp:
    command = [sys.executable, "-m", "reader", "--data-dir", str(data), str(sample_library())]
    return TmuxApp(command, size=(100, 30), env={"TERM": "xterm-256color", **(env or {})}, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("term", ["dumb", ""])
def test_dumb_terminal_gets_one_clear_line(tmp_path: Path, term: str) -> None:
    with _app(tmp_path / "data", {"TERM": term}) as app:
        assert app.wait_exit(30) == 2
        screen = " ".join(app.joined().split())
    assert "TERM=" in screen and "reader list" in screen
    assert "Traceback" not in screen


def test_no_terminal_at_all_gets_one_clear_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reader", "--data-dir", str(tmp_path), str(sample_library())],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env={**_env(), "TERM": "xterm-256color"},
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "terminal" in result.stderr
    assert result.stdout == ""


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def test_lang_c_still_shows_unicode_titles(tmp_path: Path) -> None:
    """Plain LANG=C over SSH: Python runs in UTF-8 mode and the CJK title is drawn."""
    with _app(tmp_path / "data", {"LANG": "C", "LC_ALL": "C"}) as app:
        screen = app.wait_for("阅读中文", 30)  # the sample's Chinese title, once synced
        assert READY in screen
        app.keys("q")
        assert app.wait_exit(30) == 0


def test_ascii_only_locale_does_not_crash(tmp_path: Path) -> None:
    """A locale Python cannot coerce to UTF-8 (stdout is ASCII): the app runs and quits."""
    env = {"LANG": "C", "LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}
    with _app(tmp_path / "data", env) as app:
        app.wait_for(READY, 30)
        app.settle(0.3)
        app.keys("q")
        assert app.wait_exit(30) == 0
        assert "Traceback" not in app.screen()


def _colours(raw: bytes) -> tuple[set[str], set[int], set[tuple[int, int, int]]]:
    """(16-colour SGR codes, 256-palette indexes, truecolor triples) used in the output."""
    basic: set[str] = set()
    palette: set[int] = set()
    rgb: set[tuple[int, int, int]] = set()
    for params in re.findall(r"\x1b\[([0-9;]*)m", raw.decode(errors="replace")):
        parts = params.split(";")
        i = 0
        while i < len(parts):
            part = parts[i]
            if part in ("38", "48") and i + 1 < len(parts):
                if parts[i + 1] == "5":
                    palette.add(int(parts[i + 2]))
                    i += 3
                    continue
                if parts[i + 1] == "2":
                    rgb.add((int(parts[i + 2]), int(parts[i + 3]), int(parts[i + 4])))
                    i += 5
                    continue
            if re.fullmatch(r"3[0-7]|9[0-7]|4[0-7]|10[0-7]", part):
                basic.add(part)
            i += 1
    return basic, palette, rgb


def test_xterm_16color_uses_only_16_colours(tmp_path: Path) -> None:
    with _app(tmp_path / "data", {"TERM": "xterm-16color"}) as app:
        app.wait_for(READY, 30)
        app.settle(0.3)
        basic, palette, rgb = _colours(app.raw())
        app.keys("q")
        assert app.wait_exit(30) == 0
    assert basic and not palette and not rgb


def test_no_color_draws_no_colour_at_all(tmp_path: Path) -> None:
    """no-color.org: no colour codes, the terminal's own pair (emphasis by bold, reverse...)."""
    with _app(tmp_path / "data", {"NO_COLOR": "1"}) as app:
        app.wait_for(READY, 30)
        app.settle(0.3)
        basic, palette, rgb = _colours(app.raw())
        app.keys("q")
        assert app.wait_exit(30) == 0
    assert not basic and not palette and not rgb, (basic, palette, rgb)


def test_resize_to_20x5_and_back(tmp_path: Path) -> None:
    with _app(tmp_path / "data") as app:
        app.wait_for(READY, 30)
        app.settle(0.3)
        for cols, rows in ((20, 5), (10, 2), (20, 5), (100, 30)):
            app.resize(cols, rows)
            time.sleep(0.3)
            app.settle(0.3)
            assert app.exit_code() is None, app.screen()
        screen = app.wait_for(READY, 10)
        assert "2026-01-14" in screen  # the list is back at full size
        app.keys("q")
        assert app.wait_exit(30) == 0


CRASH = (
    "import reader.app as a\n"
    "def boom(self):\n"
    "    raise RuntimeError('boom \\x1b]0;PWNED-crash\\x07 [bold]LITERAL-crash')\n"
    "a.ReaderApp.action_help = boom\n"
    "from reader.cli import main\n"
    "raise SystemExit(main())\n"
)


def test_crash_prints_one_line_with_a_log_and_restores_the_terminal(tmp_path: Path) -> None:
    data = tmp_path / "data"
    before, after = tmp_path / "stty-before", tmp_path / "stty-after"
    command = (
        f'stty -g > {before}; {sys.executable} -c "$CRASH" --data-dir {data} '
        f"{sample_library()}; code=$?; stty -g > {after}; exit $code"
    )
    env = {"TERM": "xterm-256color", "CRASH": CRASH}
    with TmuxApp(["sh", "-c", command], size=(100, 30), env=env) as app:
        app.wait_for(READY, 30)
        app.settle(0.3)
        app.keys("?")
        assert app.wait_exit(30) == 1
        screen = app.joined()
        raw = app.raw()
    lines = [line for line in screen.splitlines() if line.strip()]
    assert len(lines) == 1
    message = lines[0]
    assert message.startswith("reader: crashed: RuntimeError")
    assert "LITERAL-crash" in message and "PWNED" not in message
    assert "Traceback" not in screen
    logs = list((data / "cache" / "logs").glob("crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in message
    assert "Traceback" in logs[0].read_text() and "RuntimeError" in logs[0].read_text()
    assert before.read_text() == after.read_text()  # tty modes restored (echo, icanon...)
    tail = raw[raw.rfind(b"\x1b[?1049h") :]
    assert b"\x1b[?1049l" in tail and b"\x1b[?25h" in tail  # main screen, cursor visible
    assert tail.rfind(b"\x1b[?1000l") > tail.rfind(b"\x1b[?1000h")  # mouse reporting off
