"""End to end: the real `reader` command in tmux (tui-probe), as a person over SSH would use it.

Open a post of the shared corpus, read it, quit; start again and find it marked read. At 80x24
(one pane at a time) and 160x48 (side by side), with the footer readable in both.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reader.core.library import Folder, Library
from reader.core.paths import StorePaths
from reader.core.sanitize import sanitize_line
from tests.conftest import installed_reader

PROBE = Path(__file__).resolve().parents[3] / "shared" / "tools" / "tui-probe"
EXITED = "reader exited with "

pytestmark = [pytest.mark.slow, pytest.mark.terminal]


def _reader_command() -> str:
    if not PROBE.is_file():
        pytest.skip(f"tui-probe not found at {PROBE} (it sits beside a checkout in CI)")
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    command = installed_reader()
    if command is None:
        pytest.skip("the `reader` command is not installed (pip install -e .)")
    return command


def _probe(size: str, *steps: str, command: str, timeout: int = 90) -> str:
    """Run `command` under tui-probe with this test's XDG dirs; the steps must all match."""
    env = [
        f"{name}={os.environ[name]}"
        for name in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")
    ]
    env += ["TERM=xterm-256color", "LANG=C.UTF-8", "COLORTERM=truecolor"]
    options = [option for pair in env for option in ("--env", pair)]
    shell = f'{command}; echo "{EXITED}$?"'
    result = subprocess.run(
        [str(PROBE), "--size", size, "--timeout", "30", *options, *steps, "--", "sh", "-c", shell],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return result.stdout


def _first_post(site: Path, scratch: Path) -> tuple[str, str]:
    """(path, title) of the first row (newest post), from a scratch store."""
    library = Library.open(site, paths=StorePaths.default(scratch))
    try:
        for _ in library.sync():
            pass
        row = library.posts(Folder("all")).rows(0, 1)[0]
    finally:
        library.close()
    return row.path, sanitize_line(row.title)


@pytest.mark.parametrize("size", ["80x24", "160x48"])
def test_open_read_quit_and_restart_marked_read(size: str, corpus: Path, tmp_path: Path) -> None:
    reader = _reader_command()
    site = corpus / "hexojs+site"
    path, title = _first_post(site, tmp_path / "scratch")
    start = re.escape(title[:20])
    row = rf"● \d{{4}}-\d\d-\d\d\s+{start}"  # an unread row of the list
    header = rf"(?:^|│)\s*{start}"  # the article header, not the list row (dated)
    data = tmp_path / "data"
    command = f"{reader} --data-dir {data} '{site}'"
    before, opened_dump, reading, after = (
        tmp_path / f"{name}.txt" for name in ("list", "opened", "read", "back")
    )
    _probe(
        size,
        *("--wait", row, "--wait", r"\? Help", "--dump", str(before)),
        *("--keys", "Enter", "--wait", header, "--sleep", "0.3", "--dump", str(opened_dump)),
        *("--keys", "j j space", "--sleep", "0.3", "--dump", str(reading)),
        *("--keys", "q", "--wait", rf"\d{{4}}-\d\d-\d\d\s+{start}", "--dump", str(after)),
        *("--keys", "q", "--wait", f"{EXITED}0"),
        command=command,
    )
    listing = before.read_text(encoding="utf-8")
    assert "q Quit" in listing.splitlines()[-1]  # the footer, readable on the last line
    assert title[:20] in opened_dump.read_text(encoding="utf-8")
    screen = reading.read_text(encoding="utf-8")
    assert screen != opened_dump.read_text(encoding="utf-8")  # j j space scrolled the post
    assert "? Help" in screen.splitlines()[-1]
    if size == "80x24":
        # one pane at a time: the list is not on screen while reading
        assert not re.search(r"● \d{4}-\d\d-\d\d", screen)
    else:
        assert re.search(r"● \d{4}-\d\d-\d\d", screen)  # side by side
    back = after.read_text(encoding="utf-8")
    opened = [line for line in back.splitlines() if title[:20] in line]
    assert opened and "●" not in opened[0]  # marked read as soon as it was opened

    # Start again on the same data dir: the post is still read, the others still unread.
    relisted = tmp_path / "relisted.txt"
    _probe(
        size,
        *("--wait", rf"\d{{4}}-\d\d-\d\d\s+{start}", "--dump", str(relisted)),
        *("--keys", "q", "--wait", f"{EXITED}0"),
        command=command,
    )
    lines = relisted.read_text(encoding="utf-8").splitlines()
    opened = [line for line in lines if title[:20] in line]
    assert opened and "●" not in opened[0], lines
    assert [line for line in lines if re.search(r"● \d{4}-", line)]  # the rest: unread
    library = Library.open(site, paths=StorePaths.default(data))
    try:
        rows = library.posts(Folder("all")).rows(0, 1000)
    finally:
        library.close()
    assert {row.path for row in rows if row.read} == {path}


def test_cjk_library_at_80x24(corpus: Path, tmp_path: Path) -> None:
    """A Chinese feed mirror: CJK titles in the list and the article, marked read on open."""
    reader = _reader_command()
    site = corpus / "rsshub-page"
    path, title = _first_post(site, tmp_path / "scratch")
    data = tmp_path / "data"
    command = f"{reader} --data-dir {data} '{site}'"
    reading = tmp_path / "read.txt"
    header = rf"(?:^|│)\s*{re.escape(title[:6])}"  # the article's title line, not a dated row
    _probe(
        "80x24",
        *("--wait", r"● \d{4}-\d\d-\d\d", "--keys", "Enter"),
        *("--wait", header, "--wait", r"\? Help", "--sleep", "0.5", "--dump", str(reading)),
        *("--keys", "q", "--wait", r"q Quit", "--keys", "q", "--wait", f"{EXITED}0"),
        command=command,
    )
    screen = reading.read_text(encoding="utf-8").splitlines()
    assert any(title[:6] in line for line in screen[:3]), screen
    library = Library.open(site, paths=StorePaths.default(data))
    try:
        rows = library.posts(Folder("all")).rows(0, 1000)
    finally:
        library.close()
    assert {row.path for row in rows if row.read} == {path}


LIST_SHOWN = r"All\s+\d"
"""The folder pane's first row: at 80x24 only on screen once the article is closed ("q Quit"
is in the footer of both, so it cannot tell that the first `q` was handled)."""


def test_reader_file_shows_the_post(tmp_path: Path) -> None:
    """`reader FILE.md` outside any library: the post's text on screen, then quit cleanly."""
    reader = _reader_command()
    post = tmp_path / "notes" / "lone post.md"
    post.parent.mkdir()
    post.write_text("---\ntitle: Lone title\n---\n\nThe lone body words.\n", encoding="utf-8")
    shown = tmp_path / "shown.txt"
    _probe(
        "80x24",
        *("--wait", "The lone body words", "--dump", str(shown)),
        *("--keys", "q", "--wait", LIST_SHOWN, "--keys", "q", "--wait", f"{EXITED}0"),
        command=f"{reader} --data-dir {tmp_path / 'data'} '{post}'",
    )
    assert "Lone title" in shown.read_text(encoding="utf-8")


def test_reader_dash_reads_the_post_from_a_pipe_and_keys_from_the_terminal(
    tmp_path: Path,
) -> None:
    reader = _reader_command()
    shown = tmp_path / "shown.txt"
    text = r"---\ntitle: Piped title\n---\n\nThe piped body words.\n"
    _probe(
        "80x24",
        *("--wait", "The piped body words", "--dump", str(shown)),
        # Keys reach the app although standard input was the pipe: back to the list, quit.
        *("--keys", "q", "--wait", LIST_SHOWN, "--keys", "q", "--wait", f"{EXITED}0"),
        command=f"printf '%b' '{text}' | {reader} --data-dir {tmp_path / 'data'} -",
    )
    assert "Piped title" in shown.read_text(encoding="utf-8")
