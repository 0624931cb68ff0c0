"""SIGSTOP then SIGCONT (`kill -STOP`, a stopped SSH session resumed) and then `q` quits at once
(issue 13.9): the real `reader` in tmux."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from reader.devtools.tmuxapp import TmuxApp
from reader.launch import sample_library
from tests.conftest import installed_reader

pytestmark = [
    pytest.mark.slow,
    pytest.mark.terminal,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux drives the terminal tests"),
    pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc"),
]


def _reader(data: Path) -> TmuxApp:
    command = installed_reader()
    if command is None:
        pytest.skip("the `reader` command is not installed (pip install -e .)")
    argv = [command, "--data-dir", str(data), str(sample_library())]
    return TmuxApp(argv, size=(100, 30), env={"TERM": "xterm-256color"})


def _threads(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def _stop_and_continue(pid: int) -> None:
    os.kill(pid, signal.SIGSTOP)
    time.sleep(0.2)  # stopped for a moment, as by a shell's job control
    os.kill(pid, signal.SIGCONT)


@pytest.mark.parametrize("round_", range(3))
def test_q_quits_after_sigstop_and_sigcont(round_: int, tmp_path: Path) -> None:
    with _reader(tmp_path / "data") as app:
        app.wait_for("Quit", 30)
        app.settle(0.3)
        pid = app.pid()
        before = _threads(pid)
        for _ in range(2):
            _stop_and_continue(pid)
            app.settle(0.3)
        # One reader of the keyboard, as before: a second one, left over from the first, kept
        # the process alive after `q` (it never saw the exit).
        assert _threads(pid) == before
        app.keys("j", "k")  # keys still work
        app.keys("q")
        code = app.wait_exit(10)
        screen = app.joined()
    assert code == 0, screen
    assert "crashed" not in screen
