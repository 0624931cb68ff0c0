"""End to end over a real SSH session: the real `reader` behind `ssh -tt`, driven in tmux.

A private sshd on 127.0.0.1 (tests/e2e/ssh_server.py) runs `python -m reader` in the pty it
makes for the session. The window size (80x24, then 100x30) and TERM reach the app only over
the wire. Then the client is killed, as when a laptop lid closes or the network drops: sshd
hangs up the session's terminal, and the remote reader must save where it was and exit,
also when the hang-up signal never reaches it (a session leader that ignores SIGHUP).
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core.library import Folder, Library
from reader.core.paths import StorePaths
from reader.devtools.tmuxapp import TmuxApp
from tests.e2e.ssh_server import SshServer, remote_command, ssh_server, unavailable
from tests.processes import processes_where
from tests.ui_helpers import PostSpec, make_site

__all__ = ["ssh_server"]  # the fixture, used by name

pytestmark = [pytest.mark.slow, pytest.mark.terminal]

REPO = Path(__file__).resolve().parents[2]
TERM = "xterm-256color"
EXIT_AFTER_DROP = 10.0
"""Seconds the remote reader may live on once its client is gone."""
PARAGRAPH = re.compile(r"Paragraph (\d{3}) ")
LONG_BODY = "\n\n".join(f"Paragraph {n:03d} of the long post." for n in range(1, 121)) + "\n"
POSTS = (
    PostSpec("long.md", "Long post", "2024-02-01 10:00:00", ["Tech"], LONG_BODY),
    PostSpec("short.md", "Short post", "2024-01-01 10:00:00", ["Tech"]),
)


def _reader_over_ssh(
    server: SshServer, site: Path, data: Path, size: tuple[int, int], *, deaf_leader: bool = False
) -> TmuxApp:
    """tmux runs `ssh -tt` whose remote command is reader, with the test's XDG dirs (sshd
    clears the environment; TERM comes from the client, as it would from a person's).

    With `deaf_leader`, reader runs under a shell that ignores SIGHUP: the kernel sends the
    hang-up only to the session's leader, so reader never gets one."""
    env = {
        name: os.environ[name]
        for name in ("HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")
        if name in os.environ
    }
    env["LANG"] = "C.UTF-8"
    # `-m` finds reader from the checkout's directory, as the local tests do
    argv = [sys.executable, "-m", "reader", "--data-dir", str(data), str(site)]
    command = remote_command(argv, env)
    if deaf_leader:  # `; :` keeps the shell from handing its place over to reader (exec)
        command = "sh -c " + shlex.quote(f"trap '' HUP; {command}; :")
    command = f"cd {shlex.quote(str(REPO))} && {command}"
    return TmuxApp(server.client(command), size=size, env={"TERM": TERM}, workdir=data.parent)


def _wait_until(app: TmuxApp, ready: Callable[[list[str]], bool], what: str) -> list[str]:
    deadline = time.monotonic() + 20
    while True:
        lines = app.screen().splitlines()
        if ready(lines):
            return lines
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within 20 s; screen:\n" + "\n".join(lines))
        time.sleep(0.05)


def _footer_fills(width: int, height: int) -> Callable[[list[str]], bool]:
    """The footer (keys, then a right-aligned hint) is drawn on the last row and its hint ends by
    the last column (a column of padding may follow): the app laid itself out for this size."""

    def ready(lines: list[str]) -> bool:
        return (
            len(lines) == height
            and "? Help" in lines[-1]
            and width - 2 <= len(lines[-1].rstrip()) <= width
        )

    return ready


def _place(lines: list[str]) -> int | None:
    """The paragraph of the long post where the reading place is: the one on the top row, or
    for a blank top row (the gap below a paragraph belongs to that paragraph) the one above.
    None while no paragraph is on screen."""
    for row, line in enumerate(lines):
        if match := PARAGRAPH.search(line):
            return int(match.group(1)) - (1 if row > 0 else 0)
    return None


def _placed(wanted: int) -> Callable[[list[str]], bool]:
    return lambda lines: _place(lines) == wanted


def _past(place: int) -> Callable[[list[str]], bool]:
    return lambda lines: (_place(lines) or 0) > place


def _settled_place(app: TmuxApp, quiet: float) -> int:
    lines = app.settle(quiet).splitlines()
    place = _place(lines)
    assert place is not None, "no paragraph on screen:\n" + "\n".join(lines)
    return place


def _remote_readers(data: Path) -> list[int]:
    """Pids of Python processes running reader on `data` (the ssh client's command line names
    `data` too, but it is not Python)."""
    python, where = os.fsencode(sys.executable), os.fsencode(str(data))
    return processes_where(lambda argv: argv[0] == python and where in argv)


def _environment(pid: int) -> dict[str, str]:
    pairs = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(pair.decode().partition("=")[::2] for pair in pairs if pair)


def _gone(pid: int, timeout: float) -> bool:
    """Whether `pid` ends within `timeout`; one that does not is killed (no test leaves a
    reader behind)."""
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists():
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            return False
        time.sleep(0.05)
    return True


def _state(site: Path, data: Path) -> dict[str, tuple[bool, int]]:
    """(read, saved position) of every post, by title, as the store has them."""
    library = Library.open(site, paths=StorePaths.default(data))
    try:
        rows = library.posts(Folder("all")).rows(0, 100)
        return {row.title: (row.read, library.position(row.path)) for row in rows}
    finally:
        library.close()


def test_reading_over_ssh_survives_resize_and_a_dropped_client(
    ssh_server: SshServer, tmp_path: Path
) -> None:
    if not Path("/proc/self/environ").is_file():
        unavailable("finds the remote reader in /proc")
    site, data = make_site(tmp_path / "site", POSTS), tmp_path / "data"

    with _reader_over_ssh(ssh_server, site, data, (80, 24)) as app:
        try:
            _wait_until(app, lambda lines: any("Long post" in line for line in lines), "list")
            _wait_until(app, _footer_fills(80, 24), "the footer at 80x24")
        except AssertionError as error:
            raise AssertionError(f"{error}\nsshd log:\n{ssh_server.log_text()[-3000:]}") from None
        [pid] = _remote_readers(data)
        environment = _environment(pid)
        assert "SSH_CONNECTION" in environment  # really a session of our sshd
        assert environment["TERM"] == TERM  # passed over by the client

        app.keys("Enter")
        app.wait_for("Close", 15)  # the reading pane, in place of the list at 80 columns
        app.settle(0.3)
        app.keys("j", "j", "space", "space")
        scrolled = _settled_place(app, 0.5)  # space scrolls animated
        assert scrolled > 1

        app.resize(100, 30)
        _wait_until(app, _footer_fills(100, 30), "the footer at 100x30")
        # laid out again for the new width, at the same place (once the pane re-rendered)
        _wait_until(app, _placed(scrolled), f"paragraph {scrolled} at the top at 100x30")

        # Half a page more (at once, where space animates: what is on screen is where the app
        # is) and drop the client straight away, most often before the scroll-quiet save: then
        # the hang-up itself saves this position.
        app.keys("C-d")
        left_at = _place(_wait_until(app, _past(scrolled), "scrolled"))
        assert left_at is not None
        client = app.pid()
        assert Path(f"/proc/{client}/comm").read_text().strip() == "ssh"
        os.kill(client, signal.SIGKILL)  # the link is gone, with no goodbye to the server
        assert _gone(pid, EXIT_AFTER_DROP), f"reader outlived its SSH client by {EXIT_AFTER_DROP}s"

    state = _state(site, data)
    assert state["Long post"][0] and not state["Short post"][0]  # the read mark kept
    assert state["Long post"][1] > 0

    # The next session opens the post where it was left.
    with _reader_over_ssh(ssh_server, site, data, (100, 30)) as app:
        _wait_until(app, lambda lines: any("Long post" in line for line in lines), "list")
        app.settle(0.3)
        app.keys("Enter")
        app.wait_for("Close", 15)
        _wait_until(app, _placed(left_at), f"paragraph {left_at} at the top when reopened")
        app.keys("Escape")
        app.wait_for("Filter", 10)
        app.keys("q")
        assert app.wait_exit(30) == 0  # the remote exit status, relayed by ssh
    assert _state(site, data) == state


def test_the_terminal_vanishing_without_a_sighup_ends_reader(
    ssh_server: SshServer, tmp_path: Path
) -> None:
    """The client drops while reader's session leader ignores SIGHUP: reader gets no signal,
    only a terminal that reads nothing and cannot be written. It saves and exits all the same
    (it lived on for good, its keyboard thread spinning on the empty reads)."""
    if not Path("/proc/self/environ").is_file():
        unavailable("finds the remote reader in /proc")
    site, data = make_site(tmp_path / "site", POSTS), tmp_path / "data"
    with _reader_over_ssh(ssh_server, site, data, (80, 24), deaf_leader=True) as app:
        _wait_until(app, lambda lines: any("Long post" in line for line in lines), "list")
        [pid] = _remote_readers(data)
        assert os.getsid(pid) != pid  # not the session's leader: no SIGHUP for it
        app.settle(0.3)
        app.keys("Enter")
        app.wait_for("Close", 15)
        app.settle(0.3)
        app.keys("C-d", "C-d")
        left_at = _settled_place(app, 0.3)
        assert left_at > 1
        os.kill(app.pid(), signal.SIGKILL)
        assert _gone(pid, EXIT_AFTER_DROP), f"reader outlived its terminal by {EXIT_AFTER_DROP}s"
    state = _state(site, data)
    assert state["Long post"][0] and not state["Short post"][0]
    with _reader_over_ssh(ssh_server, site, data, (80, 24)) as app:
        _wait_until(app, lambda lines: any("Long post" in line for line in lines), "list")
        app.settle(0.3)
        app.keys("Enter")
        app.wait_for("Close", 15)
        _wait_until(app, _placed(left_at), f"paragraph {left_at} at the top when reopened")
        app.keys("Escape")
        app.wait_for("Filter", 10)
        app.keys("q")
        assert app.wait_exit(30) == 0
