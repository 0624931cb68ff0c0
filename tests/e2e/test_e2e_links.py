"""Links on a machine with no browser, in a real terminal (issue 12.8): a terminal browser from
`$BROWSER` gets the terminal and the app comes back after it, with no child left behind; with
no browser the URL is copied by OSC 52 (tmux keeps it as a paste buffer)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from reader.devtools.tmuxapp import TmuxApp

pytestmark = [
    pytest.mark.slow,
    pytest.mark.terminal,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux drives the terminal tests"),
]

URL = "https://example.org/page"


def _site(root: Path) -> Path:
    posts = root / "source" / "_posts"
    posts.mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (posts / "ext.md").write_text(
        f"---\ntitle: Ext\ndate: 2024-01-01\n---\n\nSee [the web]({URL}).\n", encoding="utf-8"
    )
    return root


def _app(tmp_path: Path, env: dict[str, str]) -> TmuxApp:
    command = [sys.executable, "-m", "reader", "--data-dir", str(tmp_path / "data")]
    command.append(str(_site(tmp_path / "site")))
    base = {"TERM": "xterm-256color", "DISPLAY": "", "WAYLAND_DISPLAY": "", "BROWSER": ""}
    return TmuxApp(command, size=(80, 24), env={**base, **env})


def _open_the_link(app: TmuxApp) -> None:
    app.wait_for(r"2024-01-01\s+Ext")
    app.settle()
    app.keys("Enter")
    app.wait_for("See the web")
    app.keys("l")
    app.wait_for("opens outside")
    app.keys("Enter")


def _quit(app: TmuxApp) -> None:
    app.keys("q")  # back to the list
    app.wait_for(r"Unread\s+0")
    app.settle()
    app.keys("q")
    assert app.wait_exit(30) == 0


def _children(pid: int) -> set[int]:
    """The app's child processes other than its own workers (the search builder, parse
    workers: `python -m reader.core...`), which run beside a browser by design."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(p) for p in (task / "children").read_text().split())
    return {child for child in found if not _is_reader_worker(child)}


def _is_reader_worker(pid: int) -> bool:
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # gone already: not a browser left behind
    return any(argument.startswith(b"reader.core.") for argument in arguments)


def test_a_terminal_browser_takes_the_terminal_and_gives_it_back(tmp_path: Path) -> None:
    browser = tmp_path / "bin" / "w3m"
    browser.parent.mkdir()
    log = tmp_path / "w3m.log"
    browser.write_text(f'#!/bin/sh\necho "FAKE BROWSER $1"\nread answer\necho "$1" > "{log}"\n')
    browser.chmod(0o755)
    with _app(tmp_path, {"BROWSER": str(browser)}) as app:
        _open_the_link(app)
        app.wait_for(f"FAKE BROWSER {URL}")  # it has the terminal
        app.keys("Enter")
        app.wait_for("See the web")  # and the app is back, drawn again
        assert log.read_text().strip() == URL
        assert _children(app.pid()) == set()  # the browser was waited for
        _quit(app)


def test_with_no_browser_the_link_is_copied_over_osc52(tmp_path: Path) -> None:
    with _app(tmp_path, {"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}) as app:
        _open_the_link(app)
        app.wait_for("No browser")
        app.keys("y")
        app.wait_for("Copied")
        assert URL in app.buffers()
        assert _children(app.pid()) == set()
        _quit(app)
