"""Bookmarks in the real app (ReaderApp + MainScreen), driven by keys only.

`b` on a post and inside a section, the note dialog (add, then edit with `B`), the Bookmarked
folder, remove without a question and `u` to undo, and "Export bookmarks…" from the `E` key and
from the command palette: the path defaults to the documents folder, the file is written, the
app says where, and the file holds the entries (parsed with markdown-it).
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Button, Input, Label

from reader.app import ReaderApp
from reader.core.library import Folder
from reader.screens.export_dialog import ExportDialog
from reader.screens.main import MainScreen
from reader.screens.note_dialog import NoteDialog
from tests.factories import notifications
from tests.ui_helpers import (
    PostSpec,
    async_test,
    main_screen,
    make_site,
    running_app,
    select_folder,
    settle,
    type_text,
)


def _paragraphs(tag: str, count: int) -> str:
    return "".join(f"{tag} paragraph {i}: " + "words to read " * 12 + "\n\n" for i in range(count))


BODY = (
    _paragraphs("intro", 8)
    + "## Setup steps\n\n"
    + _paragraphs("setup", 20)
    + "## Usage\n\n"
    + _paragraphs("usage", 20)
)
OLD_TITLE = "Old [b]post[/b] [@click=app.quit]"
NEW_TITLE = "New post 中文 😀"
POSTS = (
    PostSpec("old.md", OLD_TITLE, "2020-01-01 10:00:00", ["Tech"], BODY),
    PostSpec("new.md", NEW_TITLE, "2024-01-01 10:00:00", ["Life"], BODY),
)


EARLIER = datetime(2024, 2, 1, tzinfo=UTC)
LATER = datetime(2024, 2, 2, tzinfo=UTC)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site", POSTS)


def marks(app: ReaderApp) -> list[tuple[str, str | None, str | None, str | None]]:
    """(path, anchor, heading, note) of every bookmark, newest first."""
    return [(b.path, b.anchor, b.heading, b.note) for b in app.library.bookmarks()]


async def open_from_list(app: ReaderApp, pilot: object, title: str) -> None:
    """Move the list cursor to `title` with j/k and open it with Enter."""
    screen = main_screen(app)
    screen.posts.focus()
    await pilot.press("g")  # type: ignore[attr-defined]
    for _ in range(len(screen.posts)):
        row = screen.posts.current
        if row is not None and row.title == title:
            break
        await pilot.press("j")  # type: ignore[attr-defined]
    row = screen.posts.current
    assert row is not None and row.title == title
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(app, pilot)  # type: ignore[arg-type]
    assert screen.article.path == row.path and app.focused is screen.article


async def note_dialog(app: ReaderApp, pilot: object, key: str) -> NoteDialog:
    await pilot.press(key)  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    dialog = app.screen
    assert isinstance(dialog, NoteDialog), f"{key} opened {dialog!r}"
    return dialog


def list_lines(screen: MainScreen) -> list[str]:
    posts = screen.posts
    return [
        "".join(segment.text for segment in posts.render_line(y)).rstrip()
        for y in range(len(posts))
    ]


def parse_links(document: str) -> list[tuple[str, str]]:
    """(link text, href) of the first link of every top-level list item."""
    found = []
    for token in MarkdownIt("commonmark").parse(document):
        children = token.children or []
        if children and children[0].type == "link_open":
            close = next(i for i, c in enumerate(children) if c.type == "link_close")
            text = "".join(c.content for c in children[1:close])
            found.append((text, str(children[0].attrGet("href"))))
    return found


# -- b, B and the note dialog ---------------------------------------------------------------


@async_test
async def test_b_bookmarks_the_post_then_a_section_and_B_edits_the_note(
    site: Path, tmp_path: Path
) -> None:
    async with running_app(site, tmp_path / "data") as (app, pilot):
        await open_from_list(app, pilot, OLD_TITLE)

        dialog = await note_dialog(app, pilot, "b")
        assert dialog.query_one(Input).value == ""
        await type_text(pilot, "whole [b]post[/b]", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, NoteDialog)
        assert marks(app) == [("old.md", None, None, "whole [b]post[/b]")]
        assert any("Bookmarked" in n for n in notifications(app))

        # Into the "Setup steps" section with the outline, then a few lines further down:
        # the cursor is inside the section, so b bookmarks the section with its anchor.
        await pilot.press("o", "down", "enter")
        await pilot.pause()
        await pilot.press("j", "j", "j")
        await pilot.pause()
        dialog = await note_dialog(app, pilot, "b")
        await type_text(pilot, "the setup", "enter")
        await pilot.pause()
        assert marks(app) == [
            ("old.md", "setup-steps", "Setup steps", "the setup"),
            ("old.md", None, None, "whole [b]post[/b]"),
        ]

        # B edits the note of the bookmark under the cursor (the section's).
        dialog = await note_dialog(app, pilot, "B")
        field = dialog.query_one(Input)
        assert field.value == "the setup"
        field.value = ""
        await type_text(pilot, "edited 中文", "enter")
        await pilot.pause()
        assert marks(app)[0] == ("old.md", "setup-steps", "Setup steps", "edited 中文")
        # At the top of the post, B edits the whole-post bookmark.
        await pilot.press("g")
        await pilot.pause()
        dialog = await note_dialog(app, pilot, "B")
        assert dialog.query_one(Input).value == "whole [b]post[/b]"
        await pilot.press("escape")
        await pilot.pause()
        assert marks(app)[1] == ("old.md", None, None, "whole [b]post[/b]")
        assert app.is_running


@async_test
async def test_B_without_a_bookmark_opens_nothing(site: Path, tmp_path: Path) -> None:
    async with running_app(site, tmp_path / "data") as (app, pilot):
        await open_from_list(app, pilot, NEW_TITLE)
        await pilot.press("B")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert marks(app) == []
        assert any("press b" in n for n in notifications(app))


# -- the Bookmarked folder ------------------------------------------------------------------


async def both_bookmarked(app: ReaderApp, pilot: Pilot[int]) -> MainScreen:
    """Bookmark the newer post first, the older one last; show the Bookmarked folder."""
    app.library.add_bookmark("new.md", note="note on new", created=EARLIER)
    app.library.add_bookmark("old.md", note="note on old", created=LATER)
    screen = main_screen(app)
    await select_folder(pilot, screen, Folder("bookmarked"))
    return screen


@async_test
async def test_bookmarked_folder_lists_every_bookmarked_post(site: Path, tmp_path: Path) -> None:
    async with running_app(site, tmp_path / "data") as (app, pilot):
        # The newer post is bookmarked first, the older post last.
        screen = await both_bookmarked(app, pilot)
        rows = [screen.posts.row(i) for i in range(len(screen.posts))]
        assert {(r.path, r.note, r.bookmarked) for r in rows if r} == {
            ("new.md", "note on new", True),
            ("old.md", "note on old", True),
        }
        lines = list_lines(screen)
        assert all("★" in line for line in lines)
        # the hostile title is shown literally, not as markup
        assert any("Old [b]post[/b] [@click=app.quit]" in line for line in lines)


@async_test
async def test_bookmarked_folder_is_newest_bookmark_first_with_notes(
    site: Path, tmp_path: Path
) -> None:
    async with running_app(site, tmp_path / "data") as (app, pilot):
        # The newer post is bookmarked first, the older post last: newest bookmark first
        # means the old post leads the folder.
        screen = await both_bookmarked(app, pilot)
        lines = list_lines(screen)
        assert len(lines) == 2
        assert "Old [b]post[/b]" in lines[0] and "New post" in lines[1]
        assert "note on old" in lines[0] and "note on new" in lines[1]


# -- remove and undo ------------------------------------------------------------------------


@async_test
async def test_remove_asks_nothing_and_u_undoes(site: Path, tmp_path: Path) -> None:
    async with running_app(site, tmp_path / "data") as (app, pilot):
        await open_from_list(app, pilot, NEW_TITLE)
        await note_dialog(app, pilot, "b")
        await type_text(pilot, "keep me", "enter")
        await pilot.pause()
        assert marks(app) == [("new.md", None, None, "keep me")]

        dialog = await note_dialog(app, pilot, "b")  # b on a bookmarked spot: edit / remove
        remove = dialog.query_one("#note-remove", Button)
        remove.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)  # no confirmation asked
        assert marks(app) == []
        assert any("removed" in n.lower() and "u" in n for n in notifications(app))

        await pilot.press("u")
        await pilot.pause()
        assert marks(app) == [("new.md", None, None, "keep me")]
        assert any(n.startswith("Undone") for n in notifications(app))
        screen = main_screen(app)
        await select_folder(pilot, screen, Folder("bookmarked"))
        assert [r.path for i in range(len(screen.posts)) if (r := screen.posts.row(i))] == [
            "new.md"
        ]


# -- export from the app --------------------------------------------------------------------


def bookmark_post_and_section(app: ReaderApp) -> None:
    """The post and its Usage section bookmarked with notes (as `b` does, tested above)."""
    app.library.add_bookmark("old.md", note="post note [/]")
    app.library.add_bookmark("old.md", anchor="usage", heading="Usage", note="usage note")
    assert [(b.anchor, b.note) for b in app.library.bookmarks()] == [
        ("usage", "usage note"),
        (None, "post note [/]"),
    ]


def check_exported(path: Path, site: Path) -> None:
    text = path.read_text(encoding="utf-8")
    links = parse_links(text)
    post = (site / "source" / "_posts" / "old.md").resolve()
    assert [title for title, _ in links] == [OLD_TITLE, OLD_TITLE]
    targets = set()
    for _title, href in links:
        file, _, anchor = href.partition("#")
        # a file link relative to the export's folder, to the post file itself
        assert (path.parent / unquote(file)).resolve() == post
        targets.add(anchor)
    assert targets == {"", "usage"}
    assert "post note \\[/\\]" in text and "usage note" in text
    rendered = MarkdownIt("commonmark").render(text)
    assert "post note [/]" in rendered and "Section: Usage" in rendered


@async_test
async def test_E_asks_for_a_path_in_documents_writes_and_says_where(
    site: Path, tmp_path: Path
) -> None:
    documents = Path(os.environ["XDG_DOCUMENTS_DIR"])
    async with running_app(site, tmp_path / "data") as (app, pilot):
        bookmark_post_and_section(app)
        await pilot.press("E")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        default = Path(dialog.query_one(Input).value)
        assert default.parent == documents
        assert re.fullmatch(r"reader-bookmarks-\d{4}-\d{2}-\d{2}\.md", default.name)
        assert not default.exists()
        await pilot.press("enter")  # accept the default
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert any(str(default) in n for n in notifications(app))
    check_exported(default, site)


@async_test
async def test_export_from_the_command_palette_to_a_typed_path(site: Path, tmp_path: Path) -> None:
    target = tmp_path / "notes vault" / "my (bookmarks).md"
    target.parent.mkdir()
    target.write_text("an older export\n", encoding="utf-8")
    async with running_app(site, tmp_path / "data") as (app, pilot):
        bookmark_post_and_section(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "Export bookmarks")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        field = dialog.query_one(Input)
        assert Path(field.value).parent == Path(os.environ["XDG_DOCUMENTS_DIR"])
        field.value = str(target)
        await pilot.press("enter")
        await settle(app, pilot)
        # The file exists: the dialog asks first and leaves it alone.
        assert app.screen is dialog
        assert "replace" in str(dialog.query_one("#export-error", Label).render()).lower()
        assert target.read_text(encoding="utf-8") == "an older export\n"
        await pilot.press("enter")  # yes, replace it
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert any(str(target) in n for n in notifications(app))
    check_exported(target, site)
    assert sorted(p.name for p in target.parent.iterdir()) == ["my (bookmarks).md"]


@async_test
async def test_export_to_a_folder_that_does_not_exist_says_so_and_stays(
    site: Path, tmp_path: Path
) -> None:
    async with running_app(site, tmp_path / "data") as (app, pilot):
        bookmark_post_and_section(app)
        await pilot.press("E")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one(Input).value = str(tmp_path / "nowhere" / "x.md")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is dialog
        assert "does not exist" in str(dialog.query_one("#export-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert not (tmp_path / "nowhere").exists()
