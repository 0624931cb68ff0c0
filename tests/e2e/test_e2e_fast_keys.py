"""Keys in one burst, as SSH delivers them, to the real `reader` in tmux (issue 12.1): a key
right after `q`, and keys right after the one that opens a screen, never crash it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.devtools.tmuxapp import TmuxApp
from reader.launch import sample_library
from tests.conftest import installed_reader

pytestmark = [
    pytest.mark.slow,
    pytest.mark.terminal,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux drives the terminal tests"),
]


def _reader(data: Path) -> TmuxApp:
    command = installed_reader()
    if command is None:
        pytest.skip("the `reader` command is not installed (pip install -e .)")
    argv = [command, "--data-dir", str(data), str(sample_library())]
    return TmuxApp(argv, size=(100, 30), env={"TERM": "xterm-256color"})


def _burst(app: TmuxApp, *keys: str) -> None:
    """All keys in one `send-keys`: they reach the program in one read."""
    app.tmux("send-keys", "-t", "main", *keys)


@pytest.mark.parametrize("after", [("s",), ("E",), ("?", "j"), ("C-o", "Down"), ("/", "x")])
def test_a_key_right_after_q_exits_cleanly(after: tuple[str, ...], tmp_path: Path) -> None:
    with _reader(tmp_path / "data") as app:
        app.wait_for("Quit", 30)
        app.settle(0.3)
        _burst(app, "q", *after)
        code = app.wait_exit(30)
        screen = app.joined()
    assert "crashed" not in screen
    assert code == 0, screen


@pytest.mark.parametrize(
    ("burst", "shown"),
    [
        (("s", "D", "o", "w", "n", "Down", "Up", "PageDown"), "result"),
        (("E", "x", "y"), "Export"),
        (("?", "j", "k", "G", "g"), "reader.help"),
        (("C-o", "Down", "Up"), "Open library"),
    ],
)
def test_keys_right_after_opening_a_screen_reach_it(
    burst: tuple[str, ...], shown: str, tmp_path: Path
) -> None:
    with _reader(tmp_path / "data") as app:
        app.wait_for("Quit", 30)
        app.settle(0.3)
        _burst(app, *burst)
        app.wait_for(shown, 30)
        app.settle(0.3)
        assert app.exit_code() is None, app.joined()
        app.keys("Escape")
        app.wait_for("Quit", 30)
        app.settle(0.3)
        app.keys("q")
        code = app.wait_exit(30)
        screen = app.joined()
    assert "crashed" not in screen
    assert code == 0, screen
