"""The real `reader` in a real terminal (tmux, `set-clipboard on`) over the hostile library.

The raw bytes the app writes are copied by `pipe-pane` and scanned for control sequences that
came from content; the tmux paste buffers and the pane title must be unchanged afterwards.
"""

from __future__ import annotations

import base64
import shutil
import time
from pathlib import Path

import pytest

from reader.devtools import hostile, hostile_tour
from reader.devtools.tmuxapp import TmuxApp
from reader.devtools.ttyscan import scan_stream

pytestmark = [
    pytest.mark.slow,
    pytest.mark.terminal,
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


def test_a_post_of_every_hostile_kind_opened_in_a_real_terminal(tmp_path: Path) -> None:
    """The real `reader` in tmux opens a post of every hostile kind (`hostile_tour --sample`).

    Nothing from content reaches the terminal as a control sequence, no paste buffer appears,
    the pane title and window name stay, the app keeps running and quits cleanly, and every
    post is rendered (marked read) or the reading pane says why it cannot be opened.
    """
    manifest = hostile.build(tmp_path / "site", small=True)
    entries = hostile_tour.sample(manifest)
    assert {e.group for e in entries} == {e.group for e in manifest.entries}
    result = hostile_tour.tour(manifest, entries, tmp_path / "data")
    print("\n" + result.summary())
    assert result.died is None
    assert result.exit_code == 0
    assert result.leaks == []
    assert result.buffers == []
    assert result.title_changed is None and result.window_renamed is None
    assert result.stray_reads == []  # the tour opened the posts it meant to
    assert [n for n in result.not_rendered if "Cannot open" not in n] == []
    assert result.opened + len(result.not_rendered) == len(entries)
    assert result.visible_markers > 0  # the payloads' text was shown, as text
    assert not Path(manifest.exec_canary).exists()
