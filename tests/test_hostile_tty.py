"""The real `reader` in a real terminal (tmux, `set-clipboard on`) over the hostile library.

The raw bytes the app writes are copied by `pipe-pane` and scanned for control sequences that
came from content; the tmux paste buffers and the pane title must be unchanged afterwards.
"""

from __future__ import annotations

import base64
import shutil
import time

import pytest

from reader.devtools.tmuxapp import TmuxApp
from reader.devtools.ttyscan import scan_stream

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux drives the terminal tests"),
]


def test_the_harness_sees_a_leak() -> None:
    """Calibration: a program that does write OSC 52 / OSC 2 / ESC k is caught three ways."""
    payload = base64.b64encode(b"PWNED-calibration").decode()
    script = (
        f"hello\\033]52;c;{payload}\\007\\033]2;PWNED-title\\007\\033kPWNED-name\\033\\\\ done\\n"
    )
    with TmuxApp(["printf", script]) as term:
        term.wait_for("done")
        assert term.wait_exit() == 0
        time.sleep(0.2)
        assert term.buffers() == ["PWNED-calibration"]
        assert term.pane_title() == "PWNED-title" != term.initial_title
        assert term.window_name() == "PWNED-name"
        leaks = " ".join(scan_stream(term.raw()).leaks)
        assert "OSC 52" in leaks and "window title" in leaks and "ESC k" in leaks
