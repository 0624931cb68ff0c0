"""Another process holds state.db locked (BEGIN EXCLUSIVE) when reader starts: the screen
says so instead of staying blank, and q quits at once with exit 0 (the real command in tmux)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.paths import StorePaths
from reader.devtools.tmuxapp import TmuxApp, TmuxError
from reader.launch import sample_library
from tests.conftest import installed_reader

pytestmark = [pytest.mark.slow, pytest.mark.terminal]

HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO libraries (root, last_opened) VALUES ('/held', 0)")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""
HOLD_SECONDS = 40


def test_a_locked_store_shows_a_message_and_q_quits(tmp_path: Path) -> None:
    reader = installed_reader()
    if reader is None or shutil.which("tmux") is None:
        pytest.skip("needs tmux and the `reader` command")
    data = tmp_path / "data"
    Library.open(sample_library(), paths=StorePaths.default(data)).close()  # a store to lock
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data / "state.db"), str(HOLD_SECONDS)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        app = TmuxApp(
            [reader, "--data-dir", str(data), str(sample_library())],
            size=(80, 24),
            env={"TERM": "xterm-256color", "LANG": "C.UTF-8"},
            workdir=tmp_path,
        )
        with app:
            started = time.monotonic()
            try:
                app.wait_for(r"waiting for another reader to finish writing", timeout=15)
            except TmuxError as error:
                pytest.fail(str(error))
            app.keys("q")
            assert app.wait_exit(timeout=10) == 0
            assert time.monotonic() - started < HOLD_SECONDS / 2
            assert holder.poll() is None  # the lock was still held when q quit
    finally:
        holder.kill()
        holder.wait()
