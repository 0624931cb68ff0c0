"""A library is shown by its site folder's name (`blog`), not `…/blog/source/_posts`; the full
path of the site folder where the place matters."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from reader.core.names import library_label, library_name, site_folder
from reader.screens.open_library import OpenLibraryScreen
from tests.conftest import run_reader
from tests.ui_helpers import async_test, make_site, open_library, running_app


@pytest.mark.parametrize(
    ("root", "folder"),
    [
        ("/home/me/blog/source/_posts", "/home/me/blog"),  # Hexo
        ("/home/me/site/_posts", "/home/me/site"),  # Jekyll
        ("/home/me/hugo/content", "/home/me/hugo"),  # Hugo
        ("/home/me/notes", "/home/me/notes"),  # a folder of posts
        ("/home/me/notes/one.md", "/home/me/notes/one.md"),  # a post read on its own
    ],
)
def test_site_folder_and_name(root: str, folder: str) -> None:
    assert site_folder(root) == Path(folder)
    assert library_name(root) == Path(folder).name
    assert library_label(root) == f"{Path(folder).name} ({folder})"


def test_names_are_sanitized() -> None:
    name = library_name("/x/bad\x1b]0;t\x07name/source/_posts")
    assert name.startswith("bad") and name.endswith("name")
    assert "\x1b" not in name and "\x07" not in name


@pytest.mark.slow  # a process of its own (see the marker)
def test_cli_shows_the_site_folder_not_the_posts_root(tmp_path: Path) -> None:
    site = make_site(tmp_path / "blog")
    data = str(tmp_path / "data")
    post = str(site / "source" / "_posts" / "alpha.md")
    assert run_reader("--data-dir", data, "sync", str(site)).returncode == 0
    assert run_reader("--data-dir", data, "bookmarks", "add", post).returncode == 0
    listed = run_reader("--data-dir", data, "bookmarks", "list")
    assert listed.stdout.startswith(f"blog ({site.resolve()})\n")
    assert listed.stdout.endswith("\n")
    assert "source/_posts" not in listed.stdout
    stats = run_reader("--data-dir", data, "stats", str(site))
    library_line = next(line for line in stats.stdout.splitlines() if line.startswith("library"))
    assert library_line.split(None, 1)[1] == f"blog ({site.resolve()})"


@async_test
async def test_app_names_libraries_by_their_site_folder(tmp_path: Path) -> None:
    first = make_site(tmp_path / "first")
    second = make_site(tmp_path / "second")
    open_library(second, tmp_path / "data").close()  # now known
    async with running_app(first, tmp_path / "data") as (app, pilot):
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, OpenLibraryScreen)
        options = app.screen.query_one("#known", OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert f"second  {second.resolve()}" in shown  # the site folder, not its posts root
        assert not any("source/_posts" in text for text in shown)
