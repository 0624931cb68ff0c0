"""Markup-looking titles are shown as written in every sink of the app, and never act.

Rich and Textual parse `[...]` in a plain `str` as markup: `[@click=app.quit]` becomes a click
action, `[link=file:///etc/passwd]` a hyperlink, `[/]` an error. Each hostile title (the four the
issue names and every markup-looking text of the hostile library) is a post title and its
category at once. The app (Pilot, headless) must draw it literally in the post list, the folder
tree, the article header, the bookmark dialog and the bookmark notification, and clicking it
where it is drawn must not quit the app or do anything else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets._toast import Toast

from reader.app import ReaderApp
from reader.core.config import Config
from reader.core.library import Library
from reader.core.paths import StorePaths
from reader.devtools.hostile import MARKUP_TEXTS
from reader.screens.main import MainScreen
from reader.screens.note_dialog import NoteDialog
from reader.widgets.article_view import ArticleView
from reader.widgets.folder_tree import FolderTree
from reader.widgets.post_list import PostListView
from tests.ui_helpers import PostSpec, async_test, make_site, settle

REQUIRED = ("[/]", "[@click=app.quit]", "[link=file:///etc/passwd]x[/link]", "[bold]")
TITLES = list(dict.fromkeys([*REQUIRED, *MARKUP_TEXTS.values()]))


def _site(root: Path) -> tuple[Path, dict[str, str]]:
    """One post per title (the title is its category too); returns (site, path -> title)."""
    posts = [
        PostSpec(f"p{i:02d}.md", title, f"2024-01-{i + 1:02d} 10:00:00", [title])
        for i, title in enumerate(TITLES)
    ]
    return make_site(root, posts), {post.name: post.title for post in posts}


@asynccontextmanager
async def _running(site: Path, data: Path) -> AsyncIterator[tuple[ReaderApp, Pilot[int]]]:
    """The app with notifications on (run_test hides toasts unless asked)."""
    paths = StorePaths.default(data)
    app = ReaderApp(Library.open(site, paths=paths), Config(), paths=paths)
    try:
        async with app.run_test(size=(200, 70), notifications=True) as pilot:
            await settle(app, pilot)
            yield app, pilot
    finally:
        app.library.close()


def _lines(widget: Widget) -> list[str]:
    return [
        "".join(segment.text for segment in widget.render_line(y))
        for y in range(widget.size.height)
    ]


def _where(widget: Widget, text: str) -> tuple[int, int] | None:
    """(x, y) of `text` as drawn in `widget`, or None."""
    for y, line in enumerate(_lines(widget)):
        x = line.find(text)
        if x >= 0:
            return x, y
    return None


def _toasts(app: object) -> list[str]:
    screen = app.screen  # type: ignore[attr-defined]
    return [str(toast.render()) for toast in screen.query(Toast)]


@pytest.mark.slow  # a sweep (every screen / many posts / many sizes): the full suite runs it
@async_test
async def test_markup_looking_titles_are_literal_everywhere(tmp_path: Path) -> None:
    site, titles = _site(tmp_path / "site")
    async with _running(site, tmp_path / "data") as (app, pilot):
        screen = app.screen
        assert isinstance(screen, MainScreen)
        posts = screen.query_one(PostListView)
        tree = screen.query_one(FolderTree)
        article = screen.query_one(ArticleView)

        # the list: every title drawn as written (they all fit on the screen)
        listed = "\n".join(_lines(posts))
        assert [t for t in TITLES if t[:40] not in listed] == []
        # the tree: every category label drawn as written
        drawn = "\n".join(_lines(tree))
        assert [t for t in TITLES if t[:40] not in drawn] == []

        for path, title in titles.items():
            screen.open_post(path)
            await settle(app, pilot)
            assert article.path == path
            # the header (the top of the reading pane)
            header = "\n".join(_lines(article)[:4])
            assert title in header, (title, header)
            # a dialog and a notification quoting the title: bookmark the post
            await pilot.press("b")
            await pilot.pause()
            assert isinstance(app.screen, NoteDialog)
            dialog = "".join(_lines(app.screen.query_one("#note-what", Widget)))
            assert f"Bookmark: {title}" in dialog, (title, dialog)
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is screen
            assert any(f"Bookmarked: {title}" in toast for toast in _toasts(app)), (
                title,
                _toasts(app),
            )
            notes = [n for n in app._notifications if title in n.message]
            assert notes and not any(n.markup for n in notes)
            assert app.is_running

        # clicking the text where a parsed [@click=...] would sit runs nothing
        for title in TITLES:
            if "@click" not in title:
                continue
            for widget in (posts, tree, article):
                spot = _where(widget, title[:20])
                if spot is not None:
                    await pilot.click(widget, offset=(spot[0] + 1, spot[1]))
                    await pilot.pause()
            assert app.is_running and app.return_code is None
        await settle(app, pilot)
        assert app.is_running and app.return_code is None
        assert app.library.bookmarks()  # the b presses above worked: the titles were reached
