"""Resident memory of the real `reader` in a terminal while posts are opened one after another.

    python -m reader.devtools.memwalk SITE [--posts 1000] [--data-dir DIR]

The app runs in a private tmux server at 80x24 (one pane at a time). Enter opens the first post
of the list, then `]` opens the next one, each time once the screen shows the previous post:
a session of reading. RSS is read from /proc at the checkpoints (counts of posts opened), once
the app has rested long enough to give back what it freed, as it does while a reader reads.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from reader.core.words import counted
from reader.devtools.tmuxapp import TmuxApp, TmuxError
from reader.widgets.memory_trim import IDLE

STEP_TIMEOUT = 20.0
"""Seconds a post may take to replace the previous one on the screen."""


def rss_mb(pid: int) -> float:
    """Resident set size of `pid` in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise TmuxError(f"no VmRSS for {pid}")


def _wait_change(app: TmuxApp, before: str) -> str:
    deadline = time.monotonic() + STEP_TIMEOUT
    while time.monotonic() < deadline:
        screen = app.screen()
        if screen != before:
            return screen
        if app.exit_code() is not None:
            raise TmuxError(f"reader exited; screen:\n{screen}")
        time.sleep(0.02)
    raise TmuxError(f"the next post did not show within {STEP_TIMEOUT:g} s:\n{before}")


def walk(
    command: Sequence[str],
    checkpoints: Iterable[int],
    *,
    env: Mapping[str, str] | None = None,
    ready: str = "Quit",
) -> dict[int, float]:
    """RSS (MB) of `command` after opening each checkpoint's number of posts with Enter, `]`.

    The list must hold more posts than the largest checkpoint, each drawing differently."""
    wanted = sorted(set(checkpoints))
    found: dict[int, float] = {}
    with TmuxApp(command, size=(80, 24), env=env) as app:
        app.wait_for(ready, timeout=60)
        app.settle(quiet=0.5, timeout=30)
        pid = app.pid()
        screen = app.screen()
        for opened in range(1, wanted[-1] + 1):
            app.tmux("send-keys", "-t", "main", "Enter" if opened == 1 else "]")
            screen = _wait_change(app, screen)
            if opened in wanted:
                # The rest of the post rendered, and the app idle long enough to give the
                # memory it freed back (it waits for a pause in the keys: memory_trim.IDLE)
                screen = app.settle(quiet=IDLE + 0.5, timeout=10)
                found[opened] = round(rss_mb(pid), 1)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    command = [sys.executable, "-m", "reader"]
    if args.data_dir is not None:
        command += ["--data-dir", os.fspath(args.data_dir)]
    command.append(os.fspath(args.site))
    points = sorted({1, 20, 50, *range(100, args.posts + 1, 100), args.posts})
    for opened, mb in walk(command, points).items():
        print(f"{counted(opened, 'post'):>12}  {mb:7.1f} MB", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
