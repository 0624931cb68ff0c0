"""Memory stays flat over a reading session (issue 13.1): the real `reader` in tmux opens 200
posts one after another with `]`, and its RSS after the 200th is within a fixed budget of its RSS
after the 20th (it grew ~0.35 MB a post before: every footer key ever shown stayed alive)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.devtools.memwalk import walk
from tests.conftest import installed_reader
from tests.ui_helpers import PostSpec, make_site

pytestmark = [pytest.mark.slow, pytest.mark.terminal]

BUDGET_MB = 15.0
"""Allowed growth from the 20th post to the 200th: Rich's and Textual's bounded caches (styles,
strips, segments) still fill up over the first few hundred posts: measured +9.6 MB from 20 to 200,
+1.5 MB from 200 to 600."""


def _body(i: int) -> str:
    words = " ".join(f"word{(i * 7 + k) % 97}" for k in range(60))
    section = f"{words} [link {i}](https://example.org/{i}) `code {i}`\n\n- one\n  - two\n"
    table = f"\n| a | b |\n|---|---|\n| {i} | {i + 1} |\n"
    return "\n".join(f"## Part {s}\n\n{section}{table}" for s in range(4))


@pytest.mark.timeout(600)
def test_rss_after_200_posts_is_within_a_budget_of_rss_after_20(tmp_path: Path) -> None:
    command = installed_reader()
    if command is None or shutil.which("tmux") is None:
        pytest.skip("needs tmux and the `reader` command (pip install -e .)")
    posts = [
        PostSpec(
            f"p{i:03d}.md",
            f"Walk {i:03d}",
            f"2024-01-01 {i // 60:02d}:{i % 60:02d}:00",
            ["A"],
            _body(i),
        )
        for i in range(210)
    ]
    site = make_site(tmp_path / "site", posts)
    rss = walk([command, "--data-dir", str(tmp_path / "data"), str(site)], (20, 200))
    print(f"\nRSS after 20 posts {rss[20]} MB, after 200 {rss[200]} MB")
    assert rss[200] - rss[20] <= BUDGET_MB, rss
