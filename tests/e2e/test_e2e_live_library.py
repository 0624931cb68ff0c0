"""End to end: the real `reader` in tmux at 80x24 follows its library folder as files change,
without a key (issue 18): a post written shows in the list and the counts; 2,000 files touched
at once are one refresh (the status line tells the changes of one sync: all 2,000); the open
post removed from disk is said to be, and marked in its header; a post edited after it was read
is "Updated since read", and `d` shows the words changed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reader.devtools.tmuxapp import TmuxApp
from tests.conftest import installed_reader
from tests.factories import write_post

pytestmark = [
    pytest.mark.slow,
    pytest.mark.terminal,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux drives the terminal tests"),
]

MANY = 2000


def _reader(site: Path, data: Path, *, before: list[str] | None = None) -> TmuxApp:
    command = installed_reader()
    if command is None:
        pytest.skip("the `reader` command is not installed (pip install -e .)")
    argv = [*(before or []), command, "--data-dir", str(data), str(site)]
    return TmuxApp(argv, size=(80, 24), env={"TERM": "xterm-256color"})


WATCHES = 3
"""The inotify watches allowed in the user namespace of the watch-limit test."""
# In a user namespace of its own, a process may lower its inotify watch limit (the limits
# are counted per namespace since Linux 5.11); the machine's own limit is not touched.
_FEW_WATCHES = [
    "unshare",
    "--user",
    "--map-root-user",
    "sh",
    "-c",
    f'echo {WATCHES} > /proc/sys/user/max_inotify_watches && exec "$0" "$@"',
]


def _few_watches_possible() -> bool:
    try:
        done = subprocess.run([*_FEW_WATCHES, "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def test_posts_come_by_themselves_and_many_changes_are_one_refresh(tmp_path: Path) -> None:
    site = tmp_path / "notes"
    for n in range(MANY):
        write_post(site, f"bulk/post{n:04d}.md", f"Bulk post {n}", date="2020-01-01 10:00:00")
    with _reader(site, tmp_path / "data") as app:
        app.wait_for(rf"All\s+{MANY}/{MANY}", 120)
        app.settle(0.5)
        write_post(site, "arrived.md", "Arrived by itself", date="2030-01-01 10:00:00")
        app.wait_for("Arrived by itself", 30)
        app.wait_for(rf"All\s+{MANY + 1}/{MANY + 1}", 30)
        app.settle(0.5)
        for path in (site / "bulk").iterdir():  # touched: every file's time changes
            os.utime(path)
        screen = app.wait_for(rf"{MANY:,} changed", 60)
    assert "crashed" not in screen
    assert not re.search(r"\d+ changed", screen.replace(f"{MANY:,} changed", ""))


def _open_first_post(app: TmuxApp, title: str, words: str) -> None:
    """Once the list shows `title`, open it (Enter) and wait for `words` of its text."""
    app.wait_for(title, 60)
    app.settle(0.5)
    app.tmux("send-keys", "-t", "main", "Enter")
    app.wait_for(words, 30)


def test_the_open_post_removed_from_disk_is_said_to_be(tmp_path: Path) -> None:
    site = tmp_path / "notes"
    write_post(site, "only.md", "The only post", body="Words to keep reading.\n")
    with _reader(site, tmp_path / "data") as app:
        _open_first_post(app, "The only post", "Words to keep reading")
        (site / "only.md").unlink()
        screen = app.wait_for("⚠ This post was removed from disk", 30)
    assert "Words to keep reading" in screen


def test_a_post_edited_after_it_was_read_shows_the_words_changed(tmp_path: Path) -> None:
    site = tmp_path / "notes"
    write_post(site, "cat.md", "A post about animals", body="The cat sat on the mat.\n")
    with _reader(site, tmp_path / "data") as app:
        _open_first_post(app, "A post about animals", "The cat sat")
        app.tmux("send-keys", "-t", "main", "q")
        app.settle(0.5)
        write_post(site, "cat.md", "A post about animals", body="The dog sat on the mat.\n")
        app.wait_for(r"Updated since read\s+1", 30)
        app.tmux("send-keys", "-t", "main", "d")
        screen = app.wait_for(r"\{\+dog\+\}", 30)
    assert "[-cat-]" in screen and "1 word added, 1 word removed" in screen


def test_past_the_watch_limit_it_says_so_and_resyncs_now_and_then(tmp_path: Path) -> None:
    if not _few_watches_possible():
        pytest.skip("no user namespaces here (unshare --user): the watch limit cannot be set")
    site = tmp_path / "notes"
    for n in range(WATCHES * 3):  # a folder each: more folders than watches
        write_post(site, f"topic{n}/post.md", f"Post {n}", date="2020-01-01 10:00:00")
    with _reader(site, tmp_path / "data", before=_FEW_WATCHES) as app:
        app.wait_for(r"Cannot watch the library", 60)
        write_post(site, "topic0/late.md", "Found by the resync", date="2030-01-01 10:00:00")
        screen = app.wait_for("Found by the resync", 60)  # the periodic resync, not a key
    assert "crashed" not in screen
