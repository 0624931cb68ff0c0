"""Two readers started at the same moment on a library never indexed before: both list every
post once their sync is done, and a resync (`r`) lists them too. Real processes, real files."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.factories import make_posts

pytestmark = pytest.mark.slow

PROBE = """
import sys, time
from reader.core.library import Folder, Library
from reader.core.paths import StorePaths
start = float(sys.argv[3])
while time.time() < start:
    time.sleep(0.0005)
library = Library.open(sys.argv[1], paths=StorePaths.default(sys.argv[2]))
library.folders_snapshot()
first_screen = len(library.posts(Folder("all")))  # what the first paint reads
for _ in library.sync():
    pass
after_sync = len(library.posts(Folder("all")))
for _ in library.sync():  # the `r` key
    pass
after_resync = len(library.posts(Folder("all")))
print(after_sync, after_resync)
library.close()
"""

POSTS = 300


def _site(root: Path) -> Path:
    make_posts(
        root / "source" / "_posts",
        POSTS,
        rel=lambda i: f"p{i:04}.md",
        date=lambda i: f"2021-02-{i % 28 + 1:02}",
        body=lambda i: f"body {i}\n",
    )
    return root


@pytest.mark.parametrize("gap", [0.0, 0.1])
def test_two_readers_starting_together_both_see_every_post(tmp_path: Path, gap: float) -> None:
    site = _site(tmp_path / "site")
    for attempt in range(3):
        data = tmp_path / f"data{attempt}"
        start = time.time() + 0.8  # both processes are ready by then
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", PROBE, str(site), str(data), str(start + n * gap)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(2)
        ]
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err[-3000:]
            assert out.split() == [str(POSTS), str(POSTS)], (attempt, out, err[-2000:])
