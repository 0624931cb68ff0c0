""" "Open library…": from the key/palette dialog (known libraries or a typed path)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Input

from reader.commands import ReaderCommands
from reader.screens.main import MainScreen
from reader.screens.open_library import OpenLibraryScreen
from tests.ui_helpers import PostSpec, async_test, make_site, open_library, running_app, settle

OTHER = [PostSpec("other.md", "Other library post", "2023-05-05 10:00:00", ["Misc"])]


def titles(app: object) -> list[str]:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, MainScreen)
    return [row.title for row in screen.posts.posts.rows(0, 100)] if screen.posts.posts else []


@async_test
async def test_open_known_library_from_dialog(tmp_path: Path) -> None:
    first = make_site(tmp_path / "first")
    second = make_site(tmp_path / "second", OTHER)
    open_library(second, tmp_path / "data").close()  # now known
    async with running_app(first, tmp_path / "data") as (app, pilot):
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, OpenLibraryScreen)
        assert any("second" in root for root in app.screen.known)
        index = next(i for i, root in enumerate(app.screen.known) if "second" in root)
        await pilot.press("tab", *(["down"] * index), "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert "second" in app.library.root
        assert titles(app) == ["Other library post"]


@async_test
async def test_open_typed_path_and_bad_path(tmp_path: Path) -> None:
    first = make_site(tmp_path / "first")
    second = make_site(tmp_path / "second", OTHER)
    async with running_app(first, tmp_path / "data") as (app, pilot):
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(tmp_path / "missing")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "first" in app.library.root
        assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(second)
        await pilot.press("enter")
        await settle(app, pilot)
        assert titles(app) == ["Other library post"]
        await pilot.press("escape", "q")


@async_test
async def test_palette_lists_commands_and_libraries(tmp_path: Path) -> None:
    first = make_site(tmp_path / "first")
    async with running_app(first, tmp_path / "data") as (app, pilot):
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        provider = ReaderCommands(app.screen, None)
        hits = [hit.text async for hit in provider.search("open library")]
        assert any(text and "first" in text for text in hits)
        hits = [hit.text async for hit in provider.search("mark folder")]
        assert "Mark folder read" in hits
        hits = [hit.text async for hit in provider.search(str(tmp_path))]
        assert any(text and text.startswith("Open library at") for text in hits)


@pytest.mark.parametrize("term", ["xterm-16color", "linux"])
@async_test
async def test_16_colour_terminal_uses_ansi_theme(
    term: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", term)
    monkeypatch.delenv("COLORTERM", raising=False)
    site = make_site(tmp_path / "site")
    async with running_app(site, tmp_path / "data") as (app, _pilot):
        assert app.theme == "reader-ansi-dark"
