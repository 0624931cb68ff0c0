"""Another reader (a second SSH session) indexed the library meanwhile: this one's sync then
finds nothing to parse, and its list must still show what the index holds now. Real app
(Pilot), a real second process."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_reader
from tests.ui_helpers import async_test, make_site, running_main, settle

pytestmark = pytest.mark.slow


@async_test
async def test_r_lists_the_posts_another_reader_indexed(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    data = tmp_path / "data"
    async with running_main(site, data, size=(100, 20)) as (app, pilot, screen):
        assert len(screen.posts) == 4
        (site / "source" / "_posts" / "new.md").write_text(
            "---\ntitle: Written meanwhile\ndate: 2024-02-01\n---\ntext\n", encoding="utf-8"
        )
        other = run_reader("--data-dir", str(data), "sync", str(site))
        assert other.returncode == 0, other.stderr
        await pilot.press("r")
        await settle(app, pilot)
        assert len(screen.posts) == 5
        first = screen.posts.row(0)
        assert first is not None and first.title == "Written meanwhile"
