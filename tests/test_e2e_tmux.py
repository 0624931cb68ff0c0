"""End to end: the real `reader` command in tmux (tui-probe), as a person over SSH would use it.

Open a post of the shared corpus, read it, quit; start again and find it marked read.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reader.core.library import Folder, Library
from reader.core.paths import StorePaths

PROBE = Path(__file__).resolve().parents[2] / "shared" / "tools" / "tui-probe"

pytestmark = pytest.mark.slow


def _probe(size: str, *steps: str, command: list[str], timeout: int = 60) -> str:
    if not PROBE.is_file():
        pytest.skip(f"tui-probe not found at {PROBE}")
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    if shutil.which("reader") is None:
        pytest.skip("the `reader` command is not installed (pip install -e .)")
    result = subprocess.run(
        [str(PROBE), "--size", size, "--timeout", "30", *steps, "--", *command],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return result.stdout


@pytest.mark.parametrize("size", ["80x24", "160x48"])
def test_open_read_quit_and_restart_marked_read(size: str, corpus: Path, tmp_path: Path) -> None:
    site = corpus / "hexojs+site"
    # The newest post (the first row) as the library service sees it, from a scratch store.
    scratch = Library.open(site, paths=StorePaths.default(tmp_path / "scratch"))
    try:
        for _ in scratch.sync():
            pass
        first = scratch.posts(Folder("all")).rows(0, 1)[0]
    finally:
        scratch.close()
    title = re.escape(first.title[:20])
    article_title = rf"(?:^|│)\s*{title}"  # the article header, not the list row (dated)
    data = tmp_path / "data"
    command = ["reader", "--data-dir", str(data), str(site)]
    screen = tmp_path / "article.txt"
    _probe(
        size,
        *("--wait", title, "--keys", "Enter", "--wait", article_title, "--dump", str(screen)),
        *("--keys", "j j space", "--keys", "q", "--sleep", "0.3"),
        *("--keys", "q", "--sleep", "0.5"),
        command=command,
    )
    assert first.title[:20] in screen.read_text(encoding="utf-8")

    listing = tmp_path / "list.txt"
    _probe(size, "--wait", title, "--dump", str(listing), "--keys", "q", command=command)
    lines = [
        ln for ln in listing.read_text(encoding="utf-8").splitlines() if first.title[:20] in ln
    ]
    assert lines, listing.read_text(encoding="utf-8")
    assert "●" not in lines[0]  # read: no unread mark
    others = [
        line
        for line in listing.read_text(encoding="utf-8").splitlines()
        if re.match(r"\s*● \d{4}-", line)
    ]
    assert others  # the other posts are still unread
