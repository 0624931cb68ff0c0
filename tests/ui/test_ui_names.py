"""Every post of the list draws a visible title: a title of zero-width characters falls back to
the first heading or the file name, and a file named with an escape sequence shows a mark where
the sequence was removed."""

from __future__ import annotations

from pathlib import Path

from reader.core.sanitize import REPLACEMENT
from reader.widgets.post_list import PostListView
from tests.ui_helpers import PostSpec, async_test, main_screen, make_site, running_app


def _rows(posts: PostListView) -> list[str]:
    lines = ("".join(s.text for s in posts.render_line(y)) for y in range(posts.size.height))
    return [line.strip() for line in lines if line.strip()]


@async_test
async def test_no_row_of_the_list_is_drawn_empty(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site",
        [
            PostSpec("zero-width.md", "\u200b\u200c\u200d", "2024-01-01 10:00:00", ["A"]),
            PostSpec("plain.md", "Plain", "2024-01-02 10:00:00", ["A"]),
        ],
    )
    folder = site / "source" / "_posts"
    (folder / "\x1b]0;PWNED\x07.md").write_text("no front matter\n", encoding="utf-8")
    (folder / "x\x1b[2Jy.md").write_text("no front matter\n", encoding="utf-8")
    async with running_app(site, tmp_path / "data", size=(100, 20)) as (app, _pilot):
        rows = _rows(main_screen(app).query_one(PostListView))
    assert len(rows) == 4, rows
    assert any(row.endswith(" First") for row in rows), rows  # make_site starts with "# First"
    assert any(row.endswith(f" {REPLACEMENT}") for row in rows), rows
    assert any(row.endswith(f" x{REPLACEMENT}y") for row in rows), rows
    assert not any("PWNED" in row or "\x1b" in row for row in rows), rows
