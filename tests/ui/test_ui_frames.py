"""A key that shows or hides a box or a pane is painted in one frame (one update of the screen),
its scrollbars and footer included, not in a train of frames that each wait a timer tick."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from reader.screens.main import MainScreen
from reader.widgets.footer import ReaderFooter
from tests.ui_helpers import PostSpec, async_test, make_site, running_main, settle

POSTS = tuple(
    PostSpec(f"p{i:02d}.md", f"Post number {i}", f"2024-01-{i % 28 + 1:02d} 10:00:00", ["Tech"])
    for i in range(60)
)
"""More posts than the list has rows: its scrollbar shows, and resizes with the list."""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site", POSTS)


class FrameCounter:
    """Counts the screen's updates that paint something (what would be written to the
    terminal), those in the same run of the loop as one."""

    def __init__(self, screen: MainScreen) -> None:
        self.frames = 0
        self.writes = 0
        """Updates that paint something, each one (a frame may be several bursts of output)."""
        self.layouts = 0
        """Layouts of the whole screen (a reflow: ~1.5 ms at 80x24)."""
        self._in_frame = False
        compositor = screen._compositor
        reflow = compositor.reflow

        def counted_reflow(*args: Any, **kwargs: Any) -> Any:
            self.layouts += 1
            return reflow(*args, **kwargs)

        compositor.reflow = counted_reflow  # type: ignore[method-assign]
        render_update = compositor.render_update

        def counted(*args: Any, **kwargs: Any) -> Any:
            update = render_update(*args, **kwargs)
            self.writes += update is not None
            if update is not None and not self._in_frame:
                self.frames += 1
                self._in_frame = True
                asyncio.get_running_loop().call_soon(self._end_frame)
            return update

        compositor.render_update = counted  # type: ignore[method-assign]

    def reset(self) -> None:
        self.frames = self.writes = self.layouts = 0

    def _end_frame(self) -> None:
        self._in_frame = False


@async_test
async def test_filter_and_post_open_and_close_each_paint_one_frame(
    site: Path, tmp_path: Path
) -> None:
    async with running_main(site, tmp_path / "data", size=(80, 24)) as (app, pilot, screen):
        await settle(app, pilot)
        counter = FrameCounter(screen)
        footer = screen.query_one(ReaderFooter)
        for key, shown in (("slash", "Clear filter"), ("escape", "Filter"), ("enter", "Close")):
            counter.reset()
            await pilot.press(key)
            await settle(app, pilot)
            assert counter.frames == 1 and counter.writes == 1, key
            assert counter.layouts == 1, key  # not once more for the screen's own request
            assert shown in [hint.description for hint in footer.hints], key
        assert screen.reading and screen.article.display
        counter.reset()
        await pilot.press("q")
        await settle(app, pilot)
        assert counter.frames == 1 and counter.writes == 1 and counter.layouts == 1
        assert not screen.reading and screen.posts.has_focus
        assert screen.posts.vertical_scrollbar.window_size == screen.posts.size.height


def focus_look(screen: MainScreen) -> tuple[object, ...]:
    """What focus changes in the list's and tree's looks: tint and cursor colours."""
    posts, tree = screen.posts, screen.folders
    return (
        posts.styles.background_tint,
        posts.get_component_styles("post-list--cursor").background,
        tree.styles.background_tint,
        tree.get_component_styles("tree--cursor").background,
    )


@async_test
async def test_focus_styles_kept_per_state_are_those_textual_works_out(
    site: Path, tmp_path: Path
) -> None:
    """Styles put back on a focus change (FocusStyleCache) equal a fresh restyle's, also after
    the theme changed."""
    async with running_main(site, tmp_path / "data", size=(80, 24)) as (app, pilot, screen):
        await settle(app, pilot)
        looks = []
        dark = [name for name in ("nord", "dracula") if name in app.available_themes]
        for theme in (app.theme, *dark):  # all dark: the app's pseudo-classes stay the same
            app.theme = theme
            for _ in range(2):  # the second time round, from the styles kept
                for widget in (screen.folders, screen.posts):
                    widget.focus()
                    await settle(app, pilot)
                    kept = focus_look(screen)
                    app.update_styles(screen.posts)
                    app.update_styles(screen.folders)
                    assert focus_look(screen) == kept, (theme, widget)
                    looks.append(kept)
        assert len(set(looks)) >= 6  # focus and theme both change the look


@async_test
async def test_both_focus_states_are_worked_out_before_the_first_switch(
    site: Path, tmp_path: Path
) -> None:
    async with running_main(site, tmp_path / "data", size=(80, 24)) as (app, pilot, screen):
        await settle(app, pilot)
        restyled: list[object] = []
        real = app.update_styles

        def counted(node: Any = None, animate: bool = True) -> None:
            restyled.append(node)
            real(node, animate)

        app.update_styles = counted  # type: ignore[method-assign]
        screen.folders.focus()
        await settle(app, pilot)
        app.update_styles = real  # type: ignore[method-assign]
        assert not {screen.folders, screen.posts} & set(restyled)  # put back, not worked out
        look = focus_look(screen)
        app.update_styles(screen.posts)
        app.update_styles(screen.folders)
        assert focus_look(screen) == look


@async_test
async def test_a_post_that_gains_or_loses_a_scrollbar_opens_in_one_frame_and_one_layout(
    tmp_path: Path,
) -> None:
    """The scrollbar a post needs is given before the layout that shows the reading pane:
    found by that layout, it would ask for a second one in the same frame."""
    long_body = "".join(f"Paragraph {n} of a post longer than the screen.\n\n" for n in range(60))
    site = make_site(
        tmp_path / "site",
        (
            PostSpec("short.md", "Short", "2024-01-02 10:00:00", ["Tech"]),
            PostSpec("long.md", "Long", "2024-01-01 10:00:00", ["Tech"], long_body),
        ),
    )
    async with running_main(site, tmp_path / "data", size=(80, 24)) as (app, pilot, screen):
        await pilot.press("enter", "q", "down")  # the short post shown last: no scrollbar
        await settle(app, pilot)
        assert not screen.article.show_vertical_scrollbar
        counter = FrameCounter(screen)
        for path, scrollbar in (("long.md", True), ("short.md", False)):
            counter.reset()
            await pilot.press("enter")
            await settle(app, pilot)
            assert screen.article.path == path
            assert screen.article.show_vertical_scrollbar is scrollbar
            assert screen.article.vertical_scrollbar.display is scrollbar
            assert counter.frames == 1 and counter.layouts == 1, path
            await pilot.press("q", "up")
            await settle(app, pilot)
