"""A list whose length changes (a sync streaming posts in, a filter) keeps its scrollbar true to
its length: shown, sized and hidden as the length asks, without a layout of the whole screen."""

from __future__ import annotations

from pathlib import Path

from reader.widgets.folder_tree import ALL
from tests.ui_helpers import PostSpec, async_test, make_site, running_main


def _posts(count: int) -> list[PostSpec]:
    return [
        PostSpec(
            f"p{n}.md", f"Post {n} {'even' if n % 2 == 0 else 'odd'}", f"2024-01-01 {n:02d}:00:00"
        )
        for n in range(count)
    ]


@async_test
async def test_the_scrollbar_follows_the_list_length(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", [*_posts(24), PostSpec("x.md", "Lone", "2023-01-01")])
    async with running_main(site, tmp_path / "data", size=(80, 24)) as (_app, pilot, screen):
        view = screen.posts
        await pilot.pause()
        assert len(view) == 25 and view.virtual_size.height == 25
        assert view.show_vertical_scrollbar  # 25 rows in fewer lines
        height = view.scrollable_content_region.height
        everything = screen.library.posts(ALL)
        for text, length in (("even", 12), ("lone", 1), ("post", 24), ("", 25)):
            view.set_posts(screen.library.posts(ALL, filter_text=text) if text else everything)
            await pilot.pause()
            assert len(view) == length and view.virtual_size.height == length
            assert view.show_vertical_scrollbar == (length > height), text
            if view.show_vertical_scrollbar:
                assert view.vertical_scrollbar.window_virtual_size == length
        view.cursor = 24
        await pilot.pause()
        assert view.scroll_y == 25 - height  # the last row in sight: the length took effect
