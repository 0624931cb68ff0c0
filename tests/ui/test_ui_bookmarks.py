"""Bookmarks from the reading pane: a post, a section, notes, remove and undo, export."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt
from test_ui_article import async_test, hosted, settle, show
from test_ui_article import site as site  # the fixture
from textual.widgets import Button, Input

from reader.screens.export_dialog import ExportDialog
from reader.screens.note_dialog import NoteDialog
from reader.widgets.article_view import ArticleView


def marks(view: ArticleView) -> list[tuple[str, str | None, str | None, str | None]]:
    library = view._library
    return [(b.path, b.anchor, b.heading, b.note) for b in library.bookmarks()]


@async_test
async def test_bookmark_a_post_with_a_note_then_edit_it(site: Path, tmp_path: Path) -> None:
    async with hosted(site, tmp_path / "data") as (app, pilot, view):
        await show(pilot, view, "long.md")
        await pilot.press("b")
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"keep [b]this[/b]", "enter")
        await pilot.pause()
        assert marks(view) == [("long.md", None, None, "keep [b]this[/b]")]
        assert any(isinstance(m, ArticleView.BookmarksChanged) for m in app.messages)
        # b again edits the same bookmark's note
        await pilot.press("b")
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        assert dialog.query_one(Input).value == "keep [b]this[/b]"
        dialog.query_one(Input).value = "changed"
        await pilot.press("enter")
        await pilot.pause()
        assert marks(view) == [("long.md", None, None, "changed")]
        # B edits too; Esc cancels without a change
        await pilot.press("B")
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("x", "escape")
        assert marks(view) == [("long.md", None, None, "changed")]


@async_test
async def test_bookmark_a_section_from_the_outline(site: Path, tmp_path: Path) -> None:
    async with hosted(site, tmp_path / "data") as (_app, pilot, view):
        await show(pilot, view, "long.md")
        await pilot.press("o", "down", "enter")
        await pilot.pause()
        await pilot.press("b", "enter")
        await pilot.pause()
        assert marks(view) == [("long.md", "middle-part", "Middle part", None)]
        # scrolled into the deeper section, b bookmarks that one
        view.scroll_to_anchor("deep-section")
        view.scroll_relative(y=3, animate=False, immediate=True, force=True)
        await pilot.pause()
        await pilot.press("b", *"deep", "enter")
        await pilot.pause()
        assert ("long.md", "deep-section", "Deep section", "deep") in marks(view)
        # at the top of the post, b is about the post again
        await pilot.press("g", "b", "enter")
        await pilot.pause()
        assert ("long.md", None, None, None) in marks(view)
        assert len(marks(view)) == 3


@async_test
async def test_remove_asks_nothing_and_undo_brings_it_back(site: Path, tmp_path: Path) -> None:
    async with hosted(site, tmp_path / "data") as (app, pilot, view):
        await show(pilot, view, "long.md")
        await pilot.press("b", *"my note", "enter")
        await pilot.pause()
        await pilot.press("b")
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        dialog.query_one("#note-remove", Button).press()
        await pilot.pause()
        assert marks(view) == []
        assert not isinstance(app.screen, NoteDialog)
        assert app.library.undo() is not None
        assert marks(view) == [("long.md", None, None, "my note")]


@async_test
async def test_export_dialog_writes_the_bookmarks_and_says_where(
    site: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "marks.md"
    target.parent.mkdir()
    async with hosted(site, tmp_path / "data") as (app, pilot, view):
        await show(pilot, view, "long.md")
        await pilot.press("b", *"post note", "enter")
        await pilot.press("o", "down", "enter", "b", *"section note", "enter")
        await pilot.pause()
        dialog = ExportDialog(app.library)
        app.push_screen(dialog)
        await pilot.pause()
        field = dialog.query_one(Input)
        assert field.value.endswith(".md")  # a default in the documents dir
        field.value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog)
        assert any(str(target) in n.message for n in app._notifications)
    text = target.read_text(encoding="utf-8")
    assert "post note" in text and "section note" in text
    html = MarkdownIt().render(text)
    assert "#middle-part" in html
    assert "Long" in html


@async_test
async def test_export_refuses_a_symlink_and_stays_open(site: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    async with hosted(site, tmp_path / "data") as (app, pilot, _view):
        dialog = ExportDialog(app.library)
        app.push_screen(dialog)
        await pilot.pause()
        dialog.query_one(Input).value = str(link)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "Not written" in str(dialog.query_one("#export-error").render())
    assert real.read_text(encoding="utf-8") == "keep me\n"


@async_test
async def test_saving_a_multi_line_note_unchanged_keeps_its_lines(
    site: Path, tmp_path: Path
) -> None:
    async with hosted(site, tmp_path / "data") as (app, pilot, view):
        view._library.add_bookmark("long.md", note="line one\nline two [/]")
        await show(pilot, view, "long.md")
        await pilot.press("B")
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        assert dialog.query_one(Input).value == "line one line two [/]"  # one-line field
        await pilot.press("enter")
        await pilot.pause()
        assert marks(view) == [("long.md", None, None, "line one\nline two [/]")]
        # an edited note is what was typed
        await pilot.press("B", "end", *" 3", "enter")
        await pilot.pause()
        assert marks(view) == [("long.md", None, None, "line one line two [/] 3")]
