"""Odd terminals keep every committed read mark, bookmark and position, and save the session's.

Each test first commits state through the library service (two read marks, a bookmark with a
note, a position: `commit_state`), then runs the real `reader` in a tmux pane under one
terminal condition, opens the newest post (a read mark) and scrolls to its end, and finally
checks what the app said and that nothing committed was lost (`committed_state_kept`).

- LANG=C, an ASCII-only locale, TERM=xterm-16color, NO_COLOR, a resize to 20x5 and back: the
  app works, quits with 0, and the session's read mark is saved;
- TERM=dumb: one line naming TERM and `reader list`, exit 2, the store untouched;
- SIGHUP right after scrolling (before the scroll-quiet save): the position is saved, the app
  leaves the terminal as it found it; the terminal vanishing (the pane is killed) saves it too
  and ends the app even in the middle of its first sync;
- a crash: one line with the log path, exit 1, the terminal restored, nothing committed lost.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_store_faults_e2e import commit_state, committed_state_kept

from reader.core.library import Folder, Library
from reader.core.paths import StorePaths
from reader.devtools.tmuxapp import TmuxApp
from reader.launch import sample_library

pytestmark = [
    pytest.mark.slow,
    pytest.mark.terminal,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux drives the terminal tests"),
]

SIZE = (100, 30)
BASE_ENV = {"TERM": "xterm-256color", "ESCDELAY": "20"}


def _site(tmp: Path) -> Path:
    site = tmp / "site"
    shutil.copytree(sample_library(), site)
    return site


def _newest(site: Path, data: Path) -> str:
    library = Library.open(site, paths=StorePaths.default(data))
    try:
        return library.posts(Folder("all")).rows(0, 1)[0].path
    finally:
        library.close()


def _session_state(site: Path, data: Path, path: str) -> tuple[bool, int]:
    """(read, saved position) of `path` as the store has it now."""
    library = Library.open(site, paths=StorePaths.default(data))
    try:
        posts = library.posts(Folder("all"))
        index = posts.index_of(path)
        assert index is not None
        return posts.rows(index, 1)[0].read, library.position(path)
    finally:
        library.close()


def _prepared(tmp: Path) -> tuple[Path, Path, dict[str, Any], str]:
    site, data = _site(tmp), tmp / "data"
    expected = commit_state(site, data)
    newest = _newest(site, data)
    assert newest not in expected["read"] and newest != expected["bookmark"]
    return site, data, expected, newest


def _open_newest_and_scroll(app: TmuxApp) -> None:
    """Enter on the first row, then the end of the article (the screen settles after)."""
    app.wait_for("Quit", 30)
    app.settle(0.3)
    app.keys("Enter")
    app.wait_for("Close", 15)  # the reading pane has the focus
    app.settle(0.3)
    app.keys("G")
    app.settle(0.1)


def _app_pid(app: TmuxApp) -> int:
    """The pid of the Python process running reader (below the pane's shell and wrappers)."""
    shell = int(app.tmux("display-message", "-p", "-t", "main", "#{pane_pid}").strip())
    todo, seen = [shell], []
    while todo:
        pid = todo.pop()
        seen.append(pid)
        children = Path(f"/proc/{pid}/task/{pid}/children")
        if children.exists():
            todo.extend(int(child) for child in children.read_text().split())
    for pid in seen:
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if args and args[0] == os.fsencode(sys.executable):
            return pid
    raise AssertionError(f"no reader process under the pane: {seen}")


def _command(site: Path, data: Path) -> list[str]:
    return [sys.executable, "-m", "reader", "--data-dir", str(data), str(site)]


def _stty_wrapped(command: list[str], before: Path, after: Path) -> list[str]:
    """Run `command` between two `stty -g` snapshots of the pane's tty; keep its exit code."""
    line = " ".join(f"'{part}'" for part in command)
    script = f"stty -g > {before}; {line}; code=$?; stty -g > {after}; exit $code"
    return ["sh", "-c", script]


# ----------------------------------------------------------------------- the app works
CONDITIONS = {
    "lang-c": {"LANG": "C", "LC_ALL": "C"},
    "ascii-locale": {"LANG": "C", "LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
    "xterm-16color": {"TERM": "xterm-16color"},
    "no-color": {"NO_COLOR": "1"},
    "resize-20x5": {},
}


@pytest.mark.parametrize("condition", sorted(CONDITIONS))
def test_condition_keeps_committed_state_and_saves_the_session(
    tmp_path: Path, condition: str
) -> None:
    site, data, expected, newest = _prepared(tmp_path)
    env = {**BASE_ENV, **CONDITIONS[condition]}
    with TmuxApp(_command(site, data), size=SIZE, env=env) as app:
        _open_newest_and_scroll(app)
        if condition == "resize-20x5":
            for cols, rows in ((20, 5), (10, 2), (20, 5), SIZE):
                app.resize(cols, rows)
                app.settle(0.3)
                assert app.exit_code() is None, app.screen()
        screen = app.wait_for("Close", 10)  # still reading, at full size again
        assert "Traceback" not in screen
        app.keys("Escape")
        app.wait_for("Filter", 10)
        app.keys("q")
        assert app.wait_exit(30) == 0
        assert "Traceback" not in app.screen()
    assert committed_state_kept(site, data, expected) == []
    read, position = _session_state(site, data, newest)
    assert read
    assert position > 0  # closing the article saved where it was left


def test_dumb_terminal_says_so_and_touches_nothing(tmp_path: Path) -> None:
    site, data, expected, newest = _prepared(tmp_path)
    state = data / "state.db"
    before = state.read_bytes()
    with TmuxApp(_command(site, data), size=SIZE, env={"TERM": "dumb"}) as app:
        assert app.wait_exit(30) == 2
        message = " ".join(app.joined().split())
    assert "TERM=dumb" in message and "reader list" in message
    assert "Traceback" not in message
    assert state.read_bytes() == before
    assert committed_state_kept(site, data, expected) == []
    assert _session_state(site, data, newest) == (False, 0)


# ------------------------------------------------------------------------------ SIGHUP
def test_sighup_right_after_scrolling_saves_the_position(tmp_path: Path) -> None:
    """`kill -HUP` (the SSH link dropped) within the scroll-quiet delay: the app quits as with
    `q` (position saved, terminal modes restored), not dying on the spot."""
    site, data, expected, newest = _prepared(tmp_path)
    before, after = tmp_path / "stty-before", tmp_path / "stty-after"
    command = _stty_wrapped(_command(site, data), before, after)
    with TmuxApp(command, size=SIZE, env=BASE_ENV) as app:
        _open_newest_and_scroll(app)
        os.kill(_app_pid(app), signal.SIGHUP)
        code = app.wait_exit(30)
        raw = app.raw()
    assert code != 0
    read, position = _session_state(site, data, newest)
    assert read
    assert position > 0, "the scrolled position was lost"
    assert committed_state_kept(site, data, expected) == []
    assert before.read_text() == after.read_text()  # echo, icanon... as before
    tail = raw[raw.rfind(b"\x1b[?1049h") :]
    assert b"\x1b[?1049l" in tail  # back on the main screen


def test_terminal_vanishing_saves_the_position(tmp_path: Path) -> None:
    """The pane (the pty) is destroyed under the app, as when an SSH session ends without
    tmux: SIGHUP and a dead terminal. The position and the read mark are saved."""
    site, data, expected, newest = _prepared(tmp_path)
    with TmuxApp(_command(site, data), size=SIZE, env=BASE_ENV) as app:
        _open_newest_and_scroll(app)
        pid = _app_pid(app)
        app.tmux("kill-server", check=False)
        deadline = time.monotonic() + 30
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not Path(f"/proc/{pid}").exists(), "the app outlived its terminal"
    read, position = _session_state(site, data, newest)
    assert read
    assert position > 0, "the scrolled position was lost"
    assert committed_state_kept(site, data, expected) == []


def test_terminal_vanishing_while_the_app_is_busy_ends_it(tmp_path: Path) -> None:
    """The pane dies right at the first screen, while the first sync is still painting: tmux
    sends SIGHUP and then SIGCONT, and Textual's exit wrote to the dead terminal until its
    output queue was full, forever (the process lived on, indexing). It must end."""
    posts = tmp_path / "site" / "source" / "_posts"
    posts.mkdir(parents=True)
    for number in range(1500):
        (posts / f"p{number}.md").write_text(
            f"---\ntitle: Post {number}\ncategories: [C{number % 40}]\n---\nBody {number}\n",
            encoding="utf-8",
        )
    for attempt in range(4):
        data = tmp_path / f"data{attempt}"  # a first sync each time: busy at the first screen
        with TmuxApp(_command(posts.parent.parent, data), size=SIZE, env=BASE_ENV) as app:
            app.wait_for("Quit", 30)
            pid = _app_pid(app)
            app.tmux("kill-server", check=False)
            deadline = time.monotonic() + 20
            while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            alive = Path(f"/proc/{pid}").exists()
            if alive:
                os.kill(pid, signal.SIGKILL)
            assert not alive, f"the app outlived its terminal (attempt {attempt + 1})"


# ------------------------------------------------------------------------------- crash
CRASH = (
    "import reader.app as a\n"
    "def boom(self):\n"
    "    raise RuntimeError('boom')\n"
    "a.ReaderApp.action_help = boom\n"
    "from reader.cli import main\n"
    "raise SystemExit(main())\n"
)


def test_crash_keeps_committed_state_and_the_sessions_read_mark(tmp_path: Path) -> None:
    site, data, expected, newest = _prepared(tmp_path)
    before, after = tmp_path / "stty-before", tmp_path / "stty-after"
    command = _stty_wrapped(
        [sys.executable, "-c", "$CRASH", "--data-dir", str(data), str(site)], before, after
    )
    # $CRASH must expand in the shell: unquote it
    command[-1] = command[-1].replace("'$CRASH'", '"$CRASH"')
    with TmuxApp(command, size=SIZE, env={**BASE_ENV, "CRASH": CRASH}) as app:
        _open_newest_and_scroll(app)
        app.keys("?")
        assert app.wait_exit(30) == 1
        lines = [line for line in app.joined().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("reader: crashed: RuntimeError: boom")
    logs = list((data / "cache" / "logs").glob("crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in lines[0]
    assert before.read_text() == after.read_text()
    assert committed_state_kept(site, data, expected) == []
    read, _position = _session_state(site, data, newest)
    assert read  # marked before the crash, committed at once
