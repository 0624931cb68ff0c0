"""Reading post after post must not keep what the closed posts left behind (issue 13.1).

Fast tier: after many posts opened with `]`, no widget removed from the screen is still alive
(Textual keeps a watcher of each data-bound child until the watched value changes: the footer's
keys, recomposed for every post, piled up at ~18 widgets a post)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from textual.dom import DOMNode

from tests.ui_helpers import PostSpec, async_test, make_site, running_app, settle

POSTS = 40


def _site(root: Path) -> Path:
    posts = [
        PostSpec(f"p{i:03d}.md", f"Post {i}", f"2024-01-01 10:{i:02d}:00", ["A"], "Text.\n")
        for i in range(POSTS)
    ]
    return make_site(root, posts)


def _detached_nodes() -> list[str]:
    gc.collect()
    return [
        type(node).__name__
        for node in gc.get_objects()
        if isinstance(node, DOMNode) and not node.is_attached and node.parent is None
    ]


@pytest.mark.slow  # a sweep (every screen / many posts / many sizes): the full suite runs it
@async_test
async def test_no_removed_widget_outlives_its_post(tmp_path: Path) -> None:
    async with running_app(_site(tmp_path / "site"), tmp_path / "data", size=(100, 24)) as (
        app,
        pilot,
    ):
        await pilot.press("enter")
        await settle(app, pilot)
        for _ in range(5):
            await pilot.press("]")
            await settle(app, pilot)
        before = len(_detached_nodes())
        for _ in range(POSTS - 10):
            await pilot.press("]")
            await settle(app, pilot)
        after = _detached_nodes()
    assert len(after) - before <= 20, sorted(after)[:40]
