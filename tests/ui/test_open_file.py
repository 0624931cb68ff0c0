"""`reader FILE.md` and `reader -`: one post opens in the reading pane, in its library if known."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import Input

from reader.app import ReaderApp
from reader.core.config import Config
from reader.core.library import Library, known_libraries, library_for_file, post_location
from reader.core.paths import StorePaths
from reader.core.piped import PipedError, save_piped_post
from reader.core.scan import SiteError, lone_post_site
from tests.conftest import run_reader
from tests.ui_helpers import (
    async_test,
    main_screen,
    make_site,
    open_library,
    running_app,
    settle,
)

LONE = "---\ntitle: A lone post\n---\n\n# Heading\n\nThe lone body text.\n"


def _lone(tmp_path: Path) -> Path:
    post = tmp_path / "notes" / "lone.md"
    post.parent.mkdir(parents=True)
    post.write_text(LONE, encoding="utf-8")
    (tmp_path / "notes" / "other.md").write_text("# Not part of it\n", encoding="utf-8")
    return post


def test_a_lone_post_is_a_library_of_one_keyed_by_its_real_path(tmp_path: Path) -> None:
    post = _lone(tmp_path)
    link = tmp_path / "link.md"
    link.symlink_to(post)
    paths = StorePaths.default(tmp_path / "data")
    library = Library.open(link, paths=paths)
    try:
        assert library.root == os.path.realpath(post)
        for _ in library.sync():
            pass
        assert library.has_post("lone.md") and not library.has_post("other.md")
        library.save_position("lone.md", 7)
    finally:
        library.close()
    again = Library.open(post, paths=paths)  # by another name: the same post, the same state
    try:
        assert again.position("lone.md") == 7
    finally:
        again.close()
    # Read on its own before, it is not a library that holds other files.
    assert library_for_file(post, paths) is None


def test_lone_post_site_refuses_what_is_not_a_post_file(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(SiteError, match="not a post file"):
        lone_post_site(tmp_path / "notes.txt")
    with pytest.raises(SiteError, match="no such file"):
        lone_post_site(tmp_path / "gone.md")


def test_a_post_of_a_known_library_opens_in_that_library(tmp_path: Path) -> None:
    site = make_site(tmp_path / "blog")
    paths = StorePaths.default(tmp_path / "data")
    open_library(site, tmp_path / "data").close()  # now a known library
    post = site / "source" / "_posts" / "beta.md"
    root, relpath = post_location(post, paths)
    assert (root, relpath) == (str(site.resolve() / "source" / "_posts"), "beta.md")
    alone = _lone(tmp_path)
    assert post_location(alone, paths) == (str(alone.resolve()), "lone.md")


@async_test
async def test_reader_file_opens_the_post_in_the_reading_pane(tmp_path: Path) -> None:
    post = _lone(tmp_path)
    paths = StorePaths.default(tmp_path / "data")
    root, relpath = post_location(post, paths)
    app = ReaderApp(Library.open(root, paths=paths), Config(), paths=paths, open_path=relpath)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            screen = main_screen(app)
            assert screen.reading
            assert screen.article.path == "lone.md"
            article = screen.article.article
            assert article is not None and "The lone body text." in article.markdown
    finally:
        app.library.close()


@async_test
async def test_reader_file_in_a_known_library_keeps_its_state(tmp_path: Path) -> None:
    site = make_site(tmp_path / "blog")
    data = tmp_path / "data"
    library = open_library(site, data)
    for _ in library.sync():
        pass
    library.add_bookmark("beta.md")
    library.close()
    paths = StorePaths.default(data)
    root, relpath = post_location(site / "source" / "_posts" / "beta.md", paths)
    app = ReaderApp(Library.open(root, paths=paths), Config(), paths=paths, open_path=relpath)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(app, pilot)
            screen = main_screen(app)
            assert screen.article.path == "beta.md"
            assert app.library.is_bookmarked("beta.md")
            listed = screen.posts.posts
            assert listed is not None and len(listed) == 4  # the whole library is there
    finally:
        app.library.close()


def test_a_piped_post_is_kept_by_its_content(tmp_path: Path) -> None:
    paths = StorePaths.default(tmp_path / "data")
    first = save_piped_post(LONE.encode(), paths)
    assert first.read_bytes() == LONE.encode() and first.suffix == ".md"
    assert save_piped_post(LONE.encode(), paths) == first  # the same post: its position kept
    html = save_piped_post(b"<p>caf\xe9</p>", paths)  # not UTF-8: kept byte for byte
    assert html.suffix == ".html" and html.read_bytes() == b"<p>caf\xe9</p>"
    with pytest.raises(PipedError, match="nothing came on standard input"):
        save_piped_post(b" \n", paths)


@pytest.mark.slow  # a process of its own (see the marker)
def test_a_file_that_is_not_a_post_is_a_clear_usage_error(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("plain text", encoding="utf-8")
    result = run_reader("--data-dir", str(tmp_path / "data"), str(notes))
    assert result.returncode == 2
    assert result.stderr.startswith("reader: not a post file (")
    assert not (tmp_path / "data").exists()  # nothing was opened or created


def test_piped_posts_are_not_offered_as_known_libraries(tmp_path: Path) -> None:
    paths = StorePaths.default(tmp_path / "data")
    site = make_site(tmp_path / "blog")
    open_library(site, tmp_path / "data").close()
    Library.open(save_piped_post(LONE.encode(), paths), paths=paths).close()
    assert known_libraries(paths) == [str(site.resolve() / "source" / "_posts")]


@async_test
async def test_open_library_dialog_takes_a_post_file_too(tmp_path: Path) -> None:
    site = make_site(tmp_path / "blog")
    post = _lone(tmp_path)
    async with running_app(site, tmp_path / "data") as (app, pilot):
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(post)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = main_screen(app)
        assert app.library.root == str(post.resolve())
        assert screen.article.path == "lone.md"
